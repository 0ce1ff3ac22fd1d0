package portal_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"dpgcerts/backend/errs"
	"dpgcerts/backend/portal"
	"dpgcerts/backend/portal/portaltest"
	"dpgcerts/backend/portal/sandbox"
	"dpgcerts/backend/secrets"
	"dpgcerts/backend/store"
	"dpgcerts/backend/store/storetest"
)

var fastBackoff = portal.Backoff{Base: 20 * time.Millisecond, Max: 200 * time.Millisecond}

type env struct {
	t       *testing.T
	url     string
	srv     *sandbox.Server
	dbPath  string
	st      *store.Store
	svc     *portal.Service
	pki     *portaltest.PKI
	kc      portal.Keychain
	token   string
	timeout time.Duration
}

func newEnv(t *testing.T, opts sandbox.Options, kc portal.Keychain) *env {
	t.Helper()
	url, srv := portaltest.Sandbox(t, opts)
	e := &env{t: t, url: url, srv: srv, dbPath: filepath.Join(t.TempDir(), "app.db"), pki: portaltest.NewPKI(t),
		kc: kc, token: sandbox.TokenAdmin}
	e.open()
	t.Cleanup(func() { e.st.Close() })
	return e
}

// open (re)opens the app's store and service, as an app restart does.
func (e *env) open() {
	e.t.Helper()
	if e.st != nil {
		e.st.Close()
	}
	st, err := store.Open(e.dbPath)
	if err != nil {
		e.t.Fatal(err)
	}
	c := newClient(e.t, e.url, e.token)
	if e.timeout > 0 {
		c.SetTimeout(e.timeout)
	}
	svc, err := portal.NewService(st, e.url, c, portal.Options{Keychain: e.kc, Backoff: fastBackoff, RefreshPatience: 2 * time.Second})
	if err != nil {
		e.t.Fatal(err)
	}
	e.st, e.svc = st, svc
}

func (e *env) files(n int, password string) []portal.InstallFile {
	var out []portal.InstallFile
	for i := range n {
		out = append(out, portal.InstallFile{Name: fmt.Sprintf("cert%02d.p12", i),
			Data: e.pki.P12(e.t, e.pki.Issue(e.t, portaltest.Leaf{}), password), Passwords: []string{"nope", password}})
	}
	return out
}

func (e *env) sync(giveUp time.Duration) portal.SyncResult {
	e.t.Helper()
	res, err := e.svc.Sync(context.Background(), portal.SyncOptions{GiveUpAfter: giveUp})
	if err != nil {
		e.t.Fatal(err)
	}
	return res
}

// install queues n files of the organisation, with their password.
func (e *env) install(n int) ([]portal.Operation, []portal.InstallFile) {
	e.t.Helper()
	files := e.files(n, testPassword)
	ops, err := e.svc.Install(context.Background(), files)
	if err != nil {
		e.t.Fatal(err)
	}
	return ops, files
}

// syncDone syncs and expects n installs done, each once in the portal.
func (e *env) syncDone(n int) {
	e.t.Helper()
	if res := e.sync(5 * time.Second); res.Done != n {
		e.t.Fatalf("sync: %+v", res)
	}
	e.exactlyOnce(n)
}

// exactlyOnce checks the sandbox's own records: n certificates, each with
// one install event, and nothing twice.
func (e *env) exactlyOnce(n int) {
	e.t.Helper()
	if got := countCertificates(e.t, e.srv); got != n {
		e.t.Fatalf("the portal has %d certificates, want %d", got, n)
	}
	var events, distinct int
	if err := e.srv.DB().QueryRow(`SELECT COUNT(*), COUNT(DISTINCT certificate_id) FROM events WHERE action = ?`,
		portal.ActionCertificateInstalled).Scan(&events, &distinct); err != nil {
		e.t.Fatal(err)
	}
	if events != n || distinct != n {
		e.t.Fatalf("%d install events for %d certificates, want %d each", events, distinct, n)
	}
}

func TestOutboxInstall(t *testing.T) {
	e := newEnv(t, sandbox.Options{}, portal.NoKeychain())
	ctx := context.Background()
	files := e.files(3, testPassword)
	bad := portal.InstallFile{Name: "foreign.p12", Data: e.pki.P12(t, e.pki.Issue(t, portaltest.Leaf{CVR: "12345678"}), testPassword), Passwords: []string{testPassword}}
	ops, err := e.svc.Install(ctx, append(files, bad, files[0]))
	if err != nil {
		t.Fatal(err)
	}
	if len(ops) != 5 || !ops[4].Duplicate || ops[4].ID != ops[0].ID {
		t.Fatalf("a double submit was added twice: %+v", ops)
	}
	st, _ := e.svc.Status(ctx)
	if st.Pending != 4 {
		t.Fatalf("status before sync: %+v", st)
	}
	var events []string
	res, err := e.svc.Sync(ctx, portal.SyncOptions{GiveUpAfter: 5 * time.Second, Progress: func(p portal.Progress) {
		events = append(events, p.Event)
	}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Done != 3 || res.Failed != 1 || res.Pending != 0 || res.GaveUp || res.RefreshError != "" {
		t.Fatalf("sync: %+v", res)
	}
	if len(events) != 8 {
		t.Fatalf("progress events %v", events)
	}
	all, _ := e.svc.Operations(ctx)
	for _, o := range all {
		if o.Filename == "foreign.p12" {
			if o.State != portal.StateFailed || o.ErrorCode != errs.CVRMismatch {
				t.Fatalf("bad file: %+v", o)
			}
		} else if o.State != portal.StateDone || o.CertificateID == "" || o.AlreadyInstalled {
			t.Fatalf("good file: %+v", o)
		}
		// Ended operations keep no file.
		if data, _ := e.st.OpFile(ctx, o.ID); data != nil {
			t.Fatalf("operation %d still holds the file", o.ID)
		}
	}
	e.exactlyOnce(3)

	// Installing again is a success: the portal has it.
	ops, err = e.svc.Install(ctx, files[:1])
	if err != nil {
		t.Fatal(err)
	}
	e.sync(time.Second)
	o, _ := e.svc.Operation(ctx, ops[0].ID)
	if o.State != portal.StateDone || !o.AlreadyInstalled {
		t.Fatalf("reinstall: %+v", o)
	}
	e.exactlyOnce(3)

	// The offline copy.
	certs, at, err := e.svc.Certificates(ctx)
	if err != nil || len(certs) != 3 || at.IsZero() {
		t.Fatalf("cached certificates: %d, %v, %v", len(certs), at, err)
	}
	for _, c := range certs {
		// The public certificate is kept offline, for export.
		if sum := sha256.Sum256(c.Certificate); hex.EncodeToString(sum[:]) != c.SHA256 {
			t.Fatalf("cached certificate %s has no DER of its own (%d bytes)", c.ID, len(c.Certificate))
		}
	}
	evs, _, _ := e.svc.Events(ctx, portal.EventQuery{CertificateID: certs[0].ID})
	if len(evs) != 1 || evs[0].Action != portal.ActionCertificateInstalled {
		t.Fatalf("events of a certificate: %+v", evs)
	}
	me, _, _ := e.svc.Me(ctx)
	if me == nil || me.Organization.CVR != sandbox.OrgCVR {
		t.Fatalf("me: %+v", me)
	}
	st, _ = e.svc.Status(ctx)
	if st.Pending != 0 || st.Failed != 1 || st.Done != 4 || st.EventsSyncedAt.IsZero() {
		t.Fatalf("status: %+v", st)
	}
}

func TestOutboxNeedsPassword(t *testing.T) {
	e := newEnv(t, sandbox.Options{}, portal.NoKeychain())
	ctx := context.Background()
	files := e.files(2, testPassword)
	files[0].Passwords = nil // unknown
	ops, err := e.svc.Install(ctx, files)
	if err != nil {
		t.Fatal(err)
	}
	if ops[0].State != portal.StateNeedsPassword || ops[1].State != portal.StatePending {
		t.Fatalf("states: %+v", ops)
	}
	// A restart without a keychain loses the second password too.
	e.open()
	res := e.sync(time.Second)
	if res.NeedsPassword != 2 || res.Pending != 0 || res.GaveUp {
		t.Fatalf("sync without passwords: %+v", res)
	}
	n, err := e.svc.SupplyPasswords(ctx, []string{"wrong", testPassword})
	if err != nil || n != 2 {
		t.Fatalf("supplied %d, %v", n, err)
	}
	res = e.sync(time.Second)
	if res.Done != 2 || res.NeedsPassword != 0 {
		t.Fatalf("sync with passwords: %+v", res)
	}
	e.exactlyOnce(2)
}

func TestOutboxKeychain(t *testing.T) {
	keyring.MockInit()
	e := newEnv(t, sandbox.Options{}, portal.SystemKeychain())
	ctx := context.Background()
	ops, _ := e.install(2)
	keys := map[int64]string{}
	for _, o := range ops {
		var k string
		// The key is internal to the store; read it there.
		so, err := e.st.Op(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		k = so.Key
		keys[o.ID] = k
		if so.PasswordIn != portal.PasswordKeychain {
			t.Fatalf("password kept in %q", so.PasswordIn)
		}
		if pw, ok, err := secrets.OperationPassword(k); err != nil || !ok || pw != testPassword {
			t.Fatalf("keychain entry: %v %v", ok, err)
		}
	}
	// The password survives a restart in the keychain only.
	e.open()
	res := e.sync(time.Second)
	if res.Done != 2 {
		t.Fatalf("sync after restart: %+v", res)
	}
	for _, k := range keys {
		if _, ok, _ := secrets.OperationPassword(k); ok {
			t.Fatal("the keychain entry outlived its operation")
		}
	}
	e.exactlyOnce(2)
}

func TestOutboxChaos(t *testing.T) {
	for _, tc := range []struct {
		name  string
		chaos sandbox.Chaos
	}{
		{"dropped answers after commit", sandbox.Chaos{Drop: 0.5}},
		{"503", sandbox.Chaos{Fail5xx: 0.5}},
		{"429", sandbox.Chaos{Fail429: 0.3}},
		{"all at once", sandbox.Chaos{Drop: 0.3, Fail5xx: 0.3, Latency: 10 * time.Millisecond}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, sandbox.Options{}, portal.NoKeychain())
			ctx := context.Background()
			files := e.files(8, testPassword)
			// A double submit while it is all going wrong.
			files = append(files, files[3])
			e.srv.SetChaos(tc.chaos)
			if _, err := e.svc.Install(ctx, files); err != nil {
				t.Fatal(err)
			}
			ins, err := newClient(t, e.url, e.token).Integrations(ctx)
			for err != nil {
				ins, err = newClient(t, e.url, e.token).Integrations(ctx)
			}
			// Renewal pairing: activate a certificate that is still being installed.
			sha := certSHA(t, files[0].Data)
			if _, err := e.svc.Activate(ctx, ins[0].ID, portal.SHA256Ref(sha), ins[0].Version); err != nil {
				t.Fatal(err)
			}
			res, err := e.svc.Sync(ctx, portal.SyncOptions{GiveUpAfter: 20 * time.Second, SkipRefresh: true})
			if err != nil {
				t.Fatal(err)
			}
			if res.Pending != 0 || res.Done != 9 || res.Failed != 0 {
				t.Fatalf("sync: %+v", res)
			}
			e.exactlyOnce(8)
			var activations int
			e.srv.DB().QueryRow(`SELECT COUNT(*) FROM events WHERE action = ?`, portal.ActionIntegrationActivated).Scan(&activations)
			if activations != 1 {
				t.Fatalf("%d activations, want 1", activations)
			}
		})
	}
}

func certSHA(t *testing.T, p12 []byte) string {
	t.Helper()
	// The sandbox reads what the app reads: ask the same reader.
	f := readCert(p12, testPassword)
	if f == "" {
		t.Fatal("the test file can't be read")
	}
	return f
}

func TestOutboxSlowAnswers(t *testing.T) {
	// Answers slower than the client waits: every request times out after
	// the portal committed it, then the same key is sent again.
	e := newEnv(t, sandbox.Options{ChaosLatency: 300 * time.Millisecond}, portal.NoKeychain())
	e.timeout = 100 * time.Millisecond
	e.open()
	ctx := context.Background()
	if _, err := e.svc.Install(ctx, e.files(3, testPassword)); err != nil {
		t.Fatal(err)
	}
	res := e.sync(700 * time.Millisecond)
	if !res.GaveUp || res.Pending != 3 {
		t.Fatalf("sync against a slow portal: %+v", res)
	}
	ops, _ := e.svc.Operations(ctx)
	for _, o := range ops {
		if o.ErrorCode != errs.Network || o.Attempts == 0 {
			t.Fatalf("pending operation: %+v", o)
		}
	}
	// The portal got them all already; the next sync learns it, exactly once.
	e.exactlyOnce(3)
	e.srv.SetChaos(sandbox.Chaos{})
	e.timeout = 0
	e.open()
	// Without a keychain the restart needs the passwords again.
	if n, _ := e.svc.SupplyPasswords(ctx, []string{testPassword}); n != 3 {
		t.Fatalf("supplied %d", n)
	}
	res = e.sync(5 * time.Second)
	if res.Pending != 0 || res.Done != 3 {
		t.Fatalf("sync: %+v", res)
	}
	e.exactlyOnce(3)
}

func TestOutboxAccountErrorsKeepOperations(t *testing.T) {
	e := newEnv(t, sandbox.Options{}, portal.NoKeychain())
	e.token = sandbox.TokenUnregistered
	e.open()
	ctx := context.Background()
	if _, err := e.svc.Install(ctx, e.files(2, testPassword)); err != nil {
		t.Fatal(err)
	}
	_, err := e.svc.Sync(ctx, portal.SyncOptions{GiveUpAfter: time.Second})
	if !errors.Is(err, portal.ErrNotRegistered) {
		t.Fatalf("got %v, want not_registered", err)
	}
	st, _ := e.svc.Status(ctx)
	if st.Pending != 2 {
		t.Fatalf("status: %+v", st)
	}
	e.token = sandbox.TokenAdmin
	e.open()
	n, _ := e.svc.SupplyPasswords(ctx, []string{testPassword})
	if n != 2 {
		t.Fatalf("supplied %d", n)
	}
	if res := e.sync(time.Second); res.Done != 2 {
		t.Fatalf("sync: %+v", res)
	}
}

func TestOutboxActivatePreconditionFailed(t *testing.T) {
	e := newEnv(t, sandbox.Options{}, portal.NoKeychain())
	ctx := context.Background()
	if _, err := e.svc.Install(ctx, e.files(2, testPassword)); err != nil {
		t.Fatal(err)
	}
	e.sync(time.Second)
	certs, _, _ := e.svc.Certificates(ctx)
	ins, _, _ := e.svc.Integrations(ctx)
	stale := ins[0].Version
	a, _ := e.svc.Activate(ctx, ins[0].ID, certs[0].ID, stale)
	if dup, _ := e.svc.Activate(ctx, ins[0].ID, certs[0].ID, stale); !dup.Duplicate || dup.ID != a.ID {
		t.Fatalf("double click added a second activation")
	}
	e.sync(time.Second)
	b, _ := e.svc.Activate(ctx, ins[0].ID, certs[1].ID, stale)
	e.sync(time.Second)
	a, _ = e.svc.Operation(ctx, a.ID)
	b, _ = e.svc.Operation(ctx, b.ID)
	if a.State != portal.StateDone || b.State != portal.StateFailed || b.ErrorCode != errs.PreconditionFailed {
		t.Fatalf("activations: %+v / %+v", a, b)
	}
	// After a reload, the usage shows offline.
	certs, _, _ = e.svc.Certificates(ctx)
	if len(certs[0].Usages) != 1 || certs[0].Usages[0].IntegrationID != ins[0].ID {
		t.Fatalf("usages: %+v", certs[0].Usages)
	}
	evs, _, _ := e.svc.Events(ctx, portal.EventQuery{IntegrationID: ins[0].ID})
	if len(evs) != 2 || evs[1].Details["code"] != errs.PreconditionFailed {
		t.Fatalf("integration events: %+v", evs)
	}
}

func TestRun(t *testing.T) {
	e := newEnv(t, sandbox.Options{}, portal.NoKeychain())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rounds := make(chan portal.Status, 10)
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.svc.Run(ctx, portal.RunOptions{Interval: time.Hour, After: func(st portal.Status, err error) {
			if err != nil {
				t.Error(err)
			}
			rounds <- st
		}})
	}()
	<-rounds // the first round, with nothing to send
	e.srv.SetChaos(sandbox.Chaos{Fail5xx: 1})
	if _, err := e.svc.Install(ctx, e.files(2, testPassword)); err != nil {
		t.Fatal(err)
	}
	// The kick sends at once; the 503s are retried at their backoff times.
	if st := <-rounds; st.Pending != 2 {
		t.Fatalf("after the kick: %+v", st)
	}
	e.srv.SetChaos(sandbox.Chaos{})
	for st := range rounds {
		if st.Pending == 0 {
			if st.Done != 2 {
				t.Fatalf("status %+v", st)
			}
			break
		}
	}
	cancel()
	<-done
	e.exactlyOnce(2)
}

// The service's log and every operation it reports hold no password.
func TestOutboxLogsNoSecrets(t *testing.T) {
	url, srv := portaltest.Sandbox(t, sandbox.Options{})
	st := storetest.Open(t, filepath.Join(t.TempDir(), "app.db"))
	var logs strings.Builder
	var mu sync.Mutex
	svc, err := portal.NewService(st, url, newClient(t, url, sandbox.TokenAdmin),
		portal.Options{Backoff: fastBackoff, Log: writerFunc(func(p []byte) (int, error) {
			mu.Lock()
			defer mu.Unlock()
			return logs.Write(p)
		})})
	if err != nil {
		t.Fatal(err)
	}
	pki := portaltest.NewPKI(t)
	ctx := context.Background()
	files := []portal.InstallFile{
		{Name: "good.p12", Data: pki.P12(t, pki.Issue(t, portaltest.Leaf{}), testPassword), Passwords: []string{testPassword}},
		{Name: "foreign.p12", Data: pki.P12(t, pki.Issue(t, portaltest.Leaf{CVR: "99999999"}), testPassword), Passwords: []string{testPassword}},
		{Name: "locked.p12", Data: pki.P12(t, pki.Issue(t, portaltest.Leaf{}), testPassword), Passwords: []string{"Forkert-kode!7"}},
	}
	srv.SetChaos(sandbox.Chaos{Fail5xx: 0.4, Drop: 0.3})
	if _, err := svc.Install(ctx, files); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Sync(ctx, portal.SyncOptions{GiveUpAfter: 10 * time.Second, SkipRefresh: true}); err != nil {
		t.Fatal(err)
	}
	ops, _ := svc.Operations(ctx)
	report, _ := json.Marshal(ops)
	mu.Lock()
	text := logs.String() + string(report)
	mu.Unlock()
	if !strings.Contains(text, "cvr_mismatch") {
		t.Fatalf("nothing logged: %s", text)
	}
	for _, secret := range []string{testPassword, "Forkert-kode!7", sandbox.TokenAdmin} {
		if strings.Contains(text, secret) {
			t.Fatalf("%q in the log or the operations: %s", secret, text)
		}
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func TestSyncRetriesTheRefresh(t *testing.T) {
	e := newEnv(t, sandbox.Options{}, portal.NoKeychain())
	// Five GETs, each failing one time in five.
	e.srv.SetChaos(sandbox.Chaos{Fail5xx: 0.2})
	if res := e.sync(20 * time.Second); res.RefreshError != "" {
		t.Fatalf("sync: %+v", res)
	}
	e.srv.SetChaos(sandbox.Chaos{Fail5xx: 1})
	if res := e.sync(0); res.RefreshError != errs.Unavailable {
		t.Fatalf("one pass against a failing portal: %+v", res)
	}
	st, _ := e.svc.Status(context.Background())
	if st.LastErrorCode != errs.Unavailable || st.CertificatesSyncedAt.IsZero() {
		t.Fatalf("status: %+v", st)
	}
}

// TestActivationResumesAfterSetPassword: an activation of a certificate
// whose install waits for its password goes on once the window's password
// prompt (SetPassword) gives it, not only after SupplyPasswords.
func TestActivationResumesAfterSetPassword(t *testing.T) {
	e := newEnv(t, sandbox.Options{}, portal.NoKeychain())
	ctx := context.Background()
	files := e.files(1, testPassword)
	ops, err := e.svc.Install(ctx, files)
	if err != nil || ops[0].State != portal.StatePending {
		t.Fatalf("install: %+v, %v", ops, err)
	}
	ins, err := newClient(t, e.url, e.token).Integrations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	act, err := e.svc.Activate(ctx, ins[0].ID, portal.SHA256Ref(certSHA(t, files[0].Data)), ins[0].Version)
	if err != nil {
		t.Fatal(err)
	}
	// A restart without a keychain forgets the install's password.
	e.open()
	if res := e.sync(time.Second); res.NeedsPassword != 2 {
		got, _ := e.svc.Operation(ctx, act.ID)
		t.Fatalf("before the password: %+v; activation %+v", res, got)
	}
	if ok, err := e.svc.SetPassword(ctx, ops[0].ID, testPassword); !ok || err != nil {
		t.Fatalf("SetPassword: %v, %v", ok, err)
	}
	if res := e.sync(5 * time.Second); res.Done != 2 || res.NeedsPassword != 0 || res.Pending != 0 {
		t.Fatalf("after the password: %+v", res)
	}
	if got, err := e.svc.Operation(ctx, act.ID); err != nil || got.State != portal.StateDone {
		t.Fatalf("activation: %+v, %v", got, err)
	}
	e.exactlyOnce(1)
	// Every refusal has a code the window can show.
	for _, tt := range []struct {
		id   int64
		want string
	}{{ops[0].ID, errs.OperationEnded}, {act.ID, errs.BadRequest}, {ops[0].ID + act.ID + 100, errs.NotFound}} {
		if _, err := e.svc.SetPassword(ctx, tt.id, testPassword); errs.Code(err) != tt.want {
			t.Errorf("SetPassword(%d): %v, want %s", tt.id, err, tt.want)
		}
	}
}
