package portal_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	neturl "net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"dpgcerts/backend/errs"
	"dpgcerts/backend/portal"
	"dpgcerts/backend/portal/portaltest"
	"dpgcerts/backend/portal/sandbox"
	"dpgcerts/backend/secrets"
	"dpgcerts/backend/store/storetest"
)

// fakeKeychain is a keychain that can be down, with a hook on each call.
type fakeKeychain struct {
	mu      sync.Mutex
	entries map[string]string
	down    bool
	onSet   func(key string)
	onGet   func(key string)
}

func newFakeKeychain() *fakeKeychain { return &fakeKeychain{entries: map[string]string{}} }

// newKeychainEnv is a sandbox and a service whose keychain the test drives.
func newKeychainEnv(t *testing.T) (*env, *fakeKeychain) {
	kc := newFakeKeychain()
	return newEnv(t, sandbox.Options{}, kc), kc
}

func (k *fakeKeychain) SetOperationPassword(key, pw string) error {
	k.mu.Lock()
	if k.down {
		k.mu.Unlock()
		return secrets.ErrUnavailable
	}
	k.entries[key] = pw
	hook := k.onSet
	k.mu.Unlock()
	if hook != nil {
		hook(key)
	}
	return nil
}

func (k *fakeKeychain) OperationPassword(key string) (string, bool, error) {
	k.mu.Lock()
	if k.down {
		k.mu.Unlock()
		return "", false, secrets.ErrUnavailable
	}
	pw, ok := k.entries[key]
	hook := k.onGet
	k.mu.Unlock()
	if hook != nil {
		hook(key)
	}
	return pw, ok, nil
}

func (k *fakeKeychain) DeleteOperationPassword(key string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.down {
		return secrets.ErrUnavailable
	}
	delete(k.entries, key)
	return nil
}

func (k *fakeKeychain) setDown(down bool) {
	k.mu.Lock()
	k.down = down
	k.mu.Unlock()
}

func (k *fakeKeychain) keys() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	var out []string
	for key := range k.entries {
		out = append(out, key)
	}
	return out
}

func (e *env) op(id int64) portal.Operation {
	e.t.Helper()
	o, err := e.st.Op(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return o
}

// Item 4: a keychain that is down for a while (a scheduled sync before the
// login keyring is unlocked) leaves the install pending, backing off, and
// it goes through once the keychain is back.
func TestKeychainOutageIsTransient(t *testing.T) {
	e, kc := newKeychainEnv(t)
	ops, _ := e.install(1)
	e.open() // a new process: the password is only in the keychain
	kc.setDown(true)
	res := e.sync(0)
	o := e.op(ops[0].ID)
	if o.State != portal.StatePending || o.ErrorCode != errs.KeychainLocked || o.PasswordIn != portal.PasswordKeychain ||
		!o.NextAttemptAt.After(time.Now().Add(-time.Second)) || res.NeedsPassword != 0 {
		t.Fatalf("with the keychain down: %+v; %+v", o, res)
	}
	kc.setDown(false)
	if res := e.sync(5 * time.Second); res.Done != 1 || res.Pending != 0 {
		t.Fatalf("with the keychain back: %+v", res)
	}
	e.exactlyOnce(1)
	if len(kc.keys()) != 0 {
		t.Fatalf("keychain entries left: %v", kc.keys())
	}
}

// Item 4: an install left in needs_password while its password is in the
// keychain (as the old code did) goes back to pending once it is found.
func TestNeedsPasswordResumesWhenThePasswordIsFound(t *testing.T) {
	e, _ := newKeychainEnv(t)
	ctx := context.Background()
	ops, _ := e.install(1)
	o := e.op(ops[0].ID)
	o.State, o.ErrorCode = portal.StateNeedsPassword, errs.PasswordRequired
	if err := e.st.UpdateOp(ctx, &o); err != nil {
		t.Fatal(err)
	}
	e.open()
	if n, err := e.svc.SupplyPasswords(ctx, nil); err != nil || n != 0 {
		t.Fatalf("supply: %d, %v", n, err)
	}
	if got := e.op(o.ID); got.State != portal.StatePending {
		t.Fatalf("after its password was found: %s", got.State)
	}
	e.syncDone(1)
}

// Item 5: SetPassword reads the operation, checks the password (slow),
// then writes. A key rotated meanwhile (Sync after wrong_password) must not
// be overwritten with the old one, nor its keychain entry orphaned.
func TestSetPasswordKeepsAKeyRotatedMeanwhile(t *testing.T) {
	e, kc := newKeychainEnv(t)
	ctx := context.Background()
	files := e.files(1, testPassword)
	files[0].Passwords = []string{"wrong"}
	ops, err := e.svc.Install(ctx, files)
	if err != nil || ops[0].State != portal.StateNeedsPassword {
		t.Fatalf("install: %+v, %v", ops, err)
	}
	// Another process (its own store) rotates the key while SetPassword is
	// between its read and its write.
	other := storetest.Open(t, e.dbPath)
	old := e.op(ops[0].ID).Key
	var rotated string
	var once sync.Once
	kc.onSet = func(string) {
		once.Do(func() {
			o, _ := other.Op(ctx, ops[0].ID)
			o.Key, o.Attempts, o.ErrorCode = "rotated-by-sync", 1, errs.WrongPassword
			if err := other.UpdateOp(ctx, &o); err != nil {
				t.Error(err)
			}
			rotated = o.Key
		})
	}
	if ok, err := e.svc.SetPassword(ctx, ops[0].ID, testPassword); !ok || err != nil {
		t.Fatalf("set password: %v, %v", ok, err)
	}
	o := e.op(ops[0].ID)
	if o.Key == old || rotated == "" {
		t.Fatalf("the stale copy's key %s was written back", o.Key)
	}
	if keys := kc.keys(); len(keys) != 1 || keys[0] != o.Key || o.PasswordIn != portal.PasswordKeychain || o.State != portal.StatePending {
		t.Fatalf("keychain %v for key %s, %+v", keys, o.Key, o)
	}
	e.syncDone(1)
}

// Item 6: Cancel ends a pending, waiting or needs_password operation and
// removes its keychain entry and file.
func TestCancel(t *testing.T) {
	e, kc := newKeychainEnv(t)
	ctx := context.Background()
	files := e.files(2, testPassword)
	files[1].Passwords = nil
	ops, err := e.svc.Install(ctx, files)
	if err != nil || ops[0].State != portal.StatePending || ops[1].State != portal.StateNeedsPassword {
		t.Fatalf("install: %+v, %v", ops, err)
	}
	for _, o := range ops {
		if err := e.svc.Cancel(ctx, o.ID); err != nil {
			t.Fatal(err)
		}
		got := e.op(o.ID)
		if got.State != portal.StateFailed || got.ErrorCode != errs.Cancelled || got.PasswordIn != portal.PasswordNowhere {
			t.Fatalf("cancelled: %+v", got)
		}
		if b, _ := e.st.OpFile(ctx, o.ID); b != nil {
			t.Fatal("the file was kept")
		}
	}
	if keys := kc.keys(); len(keys) != 0 {
		t.Fatalf("keychain entries left: %v", keys)
	}
	if err := e.svc.Cancel(ctx, ops[0].ID); !errors.Is(err, portal.ErrEnded) {
		t.Fatalf("second cancel: %v", err)
	}
	if res := e.sync(time.Second); res.Done != 0 || res.Pending != 0 || res.NeedsPassword != 0 {
		t.Fatalf("sync after cancel: %+v", res)
	}
	if n := countCertificates(t, e.srv); n != 0 {
		t.Fatalf("a cancelled install reached the portal: %d", n)
	}
}

// Item 6: a Cancel while the send is in flight wins; the send's answer
// finds the operation ended and the sync goes on without an error. The
// portal's answer is held (by a proxy) until the Cancel has landed, so the
// Cancel is known to come during the send.
func TestCancelDuringASend(t *testing.T) {
	e := newEnv(t, sandbox.Options{}, portal.NoKeychain())
	ctx := context.Background()
	target, _ := neturl.Parse(e.url)
	proxy := httputil.NewSingleHostReverseProxy(target)
	inFlight, release := make(chan struct{}), make(chan struct{})
	var first sync.Once
	proxy.ModifyResponse = func(r *http.Response) error {
		if r.Request.Method == http.MethodPost {
			first.Do(func() { close(inFlight) }) // the portal has the install; its answer waits
			<-release
		}
		return nil
	}
	front := httptest.NewServer(proxy)
	defer front.Close()
	svc, err := portal.NewService(e.st, front.URL, newClient(t, front.URL, e.token), portal.Options{Backoff: fastBackoff})
	if err != nil {
		t.Fatal(err)
	}
	ops, err := svc.Install(ctx, e.files(1, testPassword))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := svc.Sync(ctx, portal.SyncOptions{GiveUpAfter: 5 * time.Second, SkipRefresh: true})
		done <- err
	}()
	<-inFlight
	err = svc.Cancel(ctx, ops[0].ID)
	close(release)
	if err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("sync: %v", err)
	}
	if got := e.op(ops[0].ID); got.State != portal.StateFailed || got.ErrorCode != errs.Cancelled {
		t.Fatalf("after the send: %+v", got)
	}
	// The send was in flight: it reached the portal, as Cancel warns.
	e.exactlyOnce(1)
}

// Item 8: no candidate password goes to the portal with a file the local
// reader can't open: it may be another file's password.
func TestNoPasswordForAnUnreadableFile(t *testing.T) {
	e := newEnv(t, sandbox.Options{}, portal.NoKeychain())
	ctx := context.Background()
	ops, err := e.svc.Install(ctx, []portal.InstallFile{{Name: "odd.p12", Data: []byte("\x30\x03\x02\x01\x05 not pkcs12"),
		Passwords: []string{"another-files-password"}}})
	if err != nil {
		t.Fatal(err)
	}
	if ops[0].State != portal.StateNeedsPassword {
		t.Fatalf("install: %+v", ops[0])
	}
	if res := e.sync(time.Second); res.NeedsPassword != 1 {
		t.Fatalf("sync: %+v", res)
	}
	var tries int
	if err := e.srv.DB().QueryRow(`SELECT COUNT(*) FROM events WHERE action = ?`, portal.ActionCertificateInstallFail).Scan(&tries); err != nil {
		t.Fatal(err)
	}
	if tries != 0 {
		t.Fatalf("the file was sent %d times", tries)
	}
}

// Item 9: an activation asked for by SHA-256 reference and by id is the
// same activation, in either order.
func TestActivationByReferenceAndByIDIsOne(t *testing.T) {
	e := newEnv(t, sandbox.Options{}, portal.NoKeychain())
	ctx := context.Background()
	_, files := e.install(1)
	if res := e.sync(5 * time.Second); res.Done != 1 {
		t.Fatalf("install: %+v", res)
	}
	certs, _, _ := e.svc.Certificates(ctx)
	ins, _, _ := e.svc.Integrations(ctx)
	ref := portal.SHA256Ref(certSHA(t, files[0].Data))
	for _, order := range [][2]string{{ref, certs[0].ID}, {certs[0].ID, ref}} {
		in := ins[0]
		if order[0] != ref {
			in = ins[1]
		}
		first, err := e.svc.Activate(ctx, in.ID, order[0], in.Version)
		if err != nil {
			t.Fatal(err)
		}
		second, err := e.svc.Activate(ctx, in.ID, order[1], in.Version)
		if err != nil {
			t.Fatal(err)
		}
		if !second.Duplicate || second.ID != first.ID {
			t.Fatalf("%s then %s: recorded twice (%d, %d)", order[0], order[1], first.ID, second.ID)
		}
	}
}

// Item 9, while the install is still in the outbox: the activation by
// reference waits unresolved; once the offline copy knows the certificate,
// the same activation asked for by id is the same one.
func TestActivationByReferenceBeforeItsInstallIsOne(t *testing.T) {
	e := newEnv(t, sandbox.Options{}, portal.NoKeychain())
	ctx := context.Background()
	_, files := e.install(1)
	sha := certSHA(t, files[0].Data)
	first, err := e.svc.Activate(ctx, sandbox.IntegrationMitDK, portal.SHA256Ref(sha), "v1")
	if err != nil || first.CertificateID != portal.SHA256Ref(sha) {
		t.Fatalf("by reference: %+v, %v", first, err)
	}
	// The install is done elsewhere; the offline copy learns the id.
	if err := e.st.PutPortalCertificate(ctx, e.svc.Portal(), portal.Certificate{ID: "cert-42", SHA256: sha}); err != nil {
		t.Fatal(err)
	}
	second, err := e.svc.Activate(ctx, sandbox.IntegrationMitDK, "cert-42", "v1")
	if err != nil {
		t.Fatal(err)
	}
	if !second.Duplicate || second.ID != first.ID {
		t.Fatalf("recorded twice (%d, %d)", first.ID, second.ID)
	}
}

// Item 10: another process ends an operation while this one is sending it;
// this one's write finds it ended and counts it as handled.
func TestAnotherProcessEndedTheOperation(t *testing.T) {
	e := newEnv(t, sandbox.Options{}, portal.NoKeychain())
	ctx := context.Background()
	// Both processes reach the portal through a proxy that, once A's first
	// install has been answered, lets B send everything before A hears it.
	target, _ := neturl.Parse(e.url)
	proxy := httputil.NewSingleHostReverseProxy(target)
	var fired atomic.Bool
	var b *portal.Service
	proxy.ModifyResponse = func(r *http.Response) error {
		if r.Request.Method == http.MethodPost && fired.CompareAndSwap(false, true) {
			if _, err := b.Sync(ctx, portal.SyncOptions{GiveUpAfter: 5 * time.Second, SkipRefresh: true}); err != nil {
				t.Error(err)
			}
		}
		return nil
	}
	front := httptest.NewServer(proxy)
	defer front.Close()
	a, err := portal.NewService(e.st, front.URL, newClient(t, front.URL, e.token), portal.Options{Backoff: fastBackoff, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Install(ctx, e.files(3, testPassword)); err != nil {
		t.Fatal(err)
	}
	// Process B: its own store and service on the same database, given the
	// passwords again (as by sync --passwords).
	other := storetest.Open(t, e.dbPath)
	b, err = portal.NewService(other, front.URL, newClient(t, front.URL, e.token), portal.Options{Backoff: fastBackoff})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := b.SupplyPasswords(ctx, []string{testPassword}); err != nil || n != 3 {
		t.Fatalf("B's passwords: %d, %v", n, err)
	}
	if _, err := a.Sync(ctx, portal.SyncOptions{GiveUpAfter: 5 * time.Second, SkipRefresh: true}); err != nil {
		t.Fatalf("A's sync: %v", err)
	}
	if !fired.Load() {
		t.Fatal("A sent nothing")
	}
	e.exactlyOnce(3)
	if st, _ := a.Status(ctx); st.Pending+st.NeedsPassword != 0 || st.Done != 3 {
		t.Fatalf("status: %+v", st)
	}
}

// Item 10, under load: two services syncing one database at once, with
// dropped answers and 5xx, both finish cleanly and each file arrives once.
func TestTwoServicesSyncOneDatabase(t *testing.T) {
	e := newEnv(t, sandbox.Options{}, portal.NoKeychain())
	ctx := context.Background()
	files := e.files(6, testPassword)
	for i := range files {
		files[i].Passwords = []string{""} // no password to carry between processes
		files[i].Data = e.pki.P12(t, e.pki.Issue(t, portaltest.Leaf{}), "")
	}
	if _, err := e.svc.Install(ctx, files); err != nil {
		t.Fatal(err)
	}
	e.srv.SetChaos(sandbox.Chaos{Drop: 0.3, Fail5xx: 0.2, Latency: 20 * time.Millisecond})
	other := storetest.Open(t, e.dbPath)
	b, err := portal.NewService(other, e.url, newClient(t, e.url, e.token), portal.Options{Backoff: fastBackoff, RefreshPatience: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, svc := range []*portal.Service{e.svc, b} {
		wg.Go(func() {
			_, errs[i] = svc.Sync(ctx, portal.SyncOptions{GiveUpAfter: 20 * time.Second})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("process %d: %v", i, err)
		}
	}
	e.srv.SetChaos(sandbox.Chaos{})
	e.exactlyOnce(len(files))
}

// Item 13: a refresh against a portal that drops or fails many requests
// retries each one on its own and finishes.
func TestRefreshRetriesEachRequest(t *testing.T) {
	e := newEnv(t, sandbox.Options{}, portal.NoKeychain())
	e.srv.SetChaos(sandbox.Chaos{Drop: 0.3, Fail5xx: 0.2})
	for i := range 10 {
		start := time.Now()
		if err := e.svc.Refresh(context.Background()); err != nil {
			t.Fatalf("refresh %d: %v after %s", i, err, time.Since(start))
		}
	}
}
