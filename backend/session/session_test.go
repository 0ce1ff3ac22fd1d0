package session_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/config"
	"dpgcerts/backend/errs"
	"dpgcerts/backend/portal"
	"dpgcerts/backend/portal/portaltest"
	"dpgcerts/backend/portal/sandbox"
	"dpgcerts/backend/session"
	"dpgcerts/backend/store/storetest"
)

// withoutKeychain is a session with opts that leaves the user's keychain
// alone.
func withoutKeychain(opts session.Options) *session.Session {
	rt, _ := config.FromEnv(func(string) string { return "" })
	rt.Keychain = false
	opts.Runtime = rt
	return session.New(opts)
}

func newSession(t *testing.T) (*session.Session, string) {
	t.Helper()
	url, _ := portaltest.Sandbox(t, sandbox.Options{})
	st := storetest.Open(t, filepath.Join(t.TempDir(), "app.db"))
	return withoutKeychain(session.Options{Store: st}), url
}

// Callers racing for the service of one address get the same service, so
// one outbox sender and one background loop run for it.
func TestOneServicePerAddress(t *testing.T) {
	ses, url := newSession(t)
	var wg sync.WaitGroup
	got := make([]*portal.Service, 16)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], _ = session.ServiceOf(ses, url)
		}()
	}
	wg.Wait()
	for i, svc := range got {
		if svc == nil || svc != got[0] {
			t.Fatalf("caller %d got service %p, caller 0 %p", i, svc, got[0])
		}
	}
	other, err := session.ServiceOf(ses, "http://127.0.0.1:1")
	if err != nil || other == got[0] {
		t.Errorf("another address kept the old service: %v", err)
	}
}

// An install reads each file as the scan does: a pipe, a missing file or a
// file too large for a certificate fails on its own, at once, and the good
// file is still installed.
func TestInstallReadsFilesLikeTheScan(t *testing.T) {
	ses, url := newSession(t)
	if err := ses.SignIn(context.Background(), url, sandbox.TokenAdmin, false); err != nil {
		t.Fatal(err)
	}
	defer ses.Stop()
	dir := t.TempDir()
	pki := portaltest.NewPKI(t)
	good := portaltest.WriteFile(t, dir, "good.p12", pki.P12(t, pki.Issue(t, portaltest.Leaf{}), ""))
	pipe := filepath.Join(dir, "pipe.p12")
	if err := mkfifo(pipe); err != nil {
		t.Skip("no named pipes here:", err)
	}
	big := filepath.Join(dir, "big.p12")
	if err := os.WriteFile(big, make([]byte, 5<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	paths := []string{pipe, filepath.Join(dir, "gone.p12"), big, good}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, _, err := ses.Install(ctx, paths, session.SendOptions{GiveUpAfter: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{session.ResultFailed, session.ResultFailed, session.ResultFailed, session.ResultInstalled} {
		if res[i].Result != want || res[i].Path != paths[i] {
			t.Errorf("%s: %+v, want %s", paths[i], res[i], want)
		}
		if want == session.ResultFailed && (res[i].Code != errs.FileUnreadable || res[i].Message == "" || res[i].Operation != nil) {
			t.Errorf("%s: %+v, want file_unreadable with a reason and nothing recorded", paths[i], res[i])
		}
	}
}

// Without a sign-in the flows that send refuse with no_token, and the
// offline questions still answer.
func TestSignedOut(t *testing.T) {
	ses, _ := newSession(t)
	if _, _, err := ses.Install(context.Background(), []string{"x.p12"}, session.SendOptions{}); errs.Code(err) != errs.NoToken {
		t.Errorf("Install signed out: %v, want no_token", err)
	}
	st, err := ses.Status(context.Background())
	if err != nil || st.SignedIn || st.RegisterURL == "" {
		t.Errorf("Status signed out: %+v, %v", st, err)
	}
	if err := ses.SignIn(context.Background(), "", "", false); errs.Code(err) != errs.NoToken {
		t.Errorf("SignIn without a token: %v, want no_token", err)
	}
}

func TestResultOf(t *testing.T) {
	tests := []struct {
		op   portal.Operation
		want string
	}{
		{portal.Operation{Kind: "install", State: portal.StateDone}, session.ResultInstalled},
		{portal.Operation{Kind: "install", State: portal.StateDone, AlreadyInstalled: true}, session.ResultAlready},
		{portal.Operation{Kind: "activate", State: portal.StateDone}, session.ResultActivated},
		{portal.Operation{Kind: "install", State: portal.StateFailed}, session.ResultFailed},
		{portal.Operation{Kind: "install", State: portal.StateNeedsPassword}, session.ResultNeedsPassword},
		{portal.Operation{Kind: "activate", State: portal.StatePending}, session.ResultPending},
	}
	for _, tt := range tests {
		if got := session.ResultOf(tt.op); got != tt.want {
			t.Errorf("ResultOf(%s %s) = %s, want %s", tt.op.Kind, tt.op.State, got, tt.want)
		}
	}
}

// fakeFiles is an overview that knows some certificates.
type fakeFiles map[string]certs.File

func (f fakeFiles) File(path string) (certs.File, error) {
	if file, ok := f[path]; ok {
		return file, nil
	}
	return certs.File{}, errs.New(errs.NotInOverview, "not in the overview")
}

func (f fakeFiles) Files() ([]certs.File, error) {
	var out []certs.File
	for _, file := range f {
		out = append(out, file)
	}
	return out, nil
}

// What the overview knows the portal refuses is refused before the file's
// password is asked for: the files below are locked to every known
// password, and none waits for one.
func TestInstallRefusesWhatThePortalWould(t *testing.T) {
	url, _ := portaltest.Sandbox(t, sandbox.Options{})
	st := storetest.Open(t, filepath.Join(t.TempDir(), "app.db"))
	now := time.Now().UTC()
	dir := t.TempDir()
	pki := portaltest.NewPKI(t)
	files := fakeFiles{}
	cases := []struct {
		name string
		leaf portaltest.Leaf
		code string
	}{
		{"expired.p12", portaltest.Leaf{NotBefore: now.AddDate(-3, 0, 0), NotAfter: now.AddDate(0, 0, -1)}, errs.CertificateExpired},
		{"future.p12", portaltest.Leaf{NotBefore: now.AddDate(0, 0, 2), NotAfter: now.AddDate(3, 0, 0)}, errs.CertificateNotYetValid},
		{"other-cvr.p12", portaltest.Leaf{CVR: "11223344"}, errs.CVRMismatch},
	}
	var paths []string
	for _, c := range cases {
		issued := pki.Issue(t, c.leaf)
		path := portaltest.WriteFile(t, dir, c.name, pki.P12(t, issued, "Ukendt-Kode-1"))
		f := certs.Read(pki.P12(t, issued, "Ukendt-Kode-1"), certs.Options{Passwords: []string{"Ukendt-Kode-1"}, Now: now})
		f.Path = path
		files[path] = f
		paths = append(paths, path)
	}
	ses := withoutKeychain(session.Options{Store: st, Files: files})
	if err := ses.SignIn(context.Background(), url, sandbox.TokenAdmin, false); err != nil {
		t.Fatal(err)
	}
	defer ses.Stop()
	res, _, err := ses.Install(context.Background(), paths, session.SendOptions{GiveUpAfter: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cases {
		if r := res[i]; r.Result != session.ResultFailed || r.Code != c.code || r.Operation != nil || r.Message == "" {
			t.Errorf("%s: %+v, want failed with %s and nothing recorded", c.name, r, c.code)
		}
	}
	if ops, _ := ses.Operations(context.Background()); len(ops) != 0 {
		t.Errorf("the outbox holds %d operations", len(ops))
	}
}

// A certificate that another client installed is in the overview of a
// fresh session once it signs in, and can be activated, exported and
// followed there with no file on this computer. Signed out, the overview
// holds the local certificates only.
func TestCertificateInDPGOnly(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	colleague, url := newSession(t)
	if err := colleague.SignIn(ctx, url, sandbox.TokenAdmin, false); err != nil {
		t.Fatal(err)
	}
	pki := portaltest.NewPKI(t)
	path := portaltest.WriteFile(t, t.TempDir(), "colleague.p12", pki.P12(t, pki.Issue(t, portaltest.Leaf{}), ""))
	res, _, err := colleague.Install(ctx, []string{path}, session.SendOptions{GiveUpAfter: 10 * time.Second})
	colleague.Stop()
	if err != nil || res[0].Result != session.ResultInstalled {
		t.Fatalf("the colleague's install: %+v, %v", res, err)
	}
	sha := res[0].Operation.CertificateSHA256

	ses, _ := newSession(t)
	if l, err := ses.List(ctx); err != nil || len(l.Rows) != 0 {
		t.Fatalf("signed out: %+v, %v", l.Rows, err)
	}
	if err := ses.SignIn(ctx, url, sandbox.TokenAdmin, false); err != nil {
		t.Fatal(err)
	}
	defer ses.Stop()
	l, err := ses.List(ctx)
	if err != nil || len(l.Rows) != 1 || l.Rows[0].Key != sha || !l.Rows[0].InPortal ||
		len(l.Rows[0].Files) != 0 || len(l.Integrations) == 0 {
		t.Fatalf("signed in: %+v, %v", l, err)
	}
	entry, err := ses.Entry(ctx, strings.ToUpper(sha))
	if err != nil || entry.SHA256 != sha || entry.InstalledAt == nil || entry.UUID == "" {
		t.Fatalf("the row's details: %+v, %v", entry, err)
	}
	if _, err := ses.Entry(ctx, strings.Repeat("0", 64)); errs.Code(err) != errs.CertificateGone {
		t.Fatalf("an unknown row: %v, want certificate_gone", err)
	}

	in := l.Integrations[0]
	plan, err := ses.PrepareActivation(ctx, in.ID, session.Ref{SHA256: sha})
	if err != nil || plan.New.SHA256 != sha || plan.NeedsInstall || plan.Path != "" || plan.Integration.Version == "" {
		t.Fatalf("plan: %+v, %v", plan, err)
	}
	if out, err := ses.Activate(ctx, in.ID, session.Ref{SHA256: sha}, "stale-version", session.ActivateOptions{SendOptions: session.SendOptions{GiveUpAfter: 10 * time.Second}, SkipEntraCheck: true}); err != nil || out.Code != errs.PreconditionFailed {
		t.Fatalf("a stale If-Match: %+v, %v, want precondition_failed", out, err)
	}
	out, err := ses.Activate(ctx, in.ID, session.Ref{SHA256: sha}, plan.Integration.Version, session.ActivateOptions{SendOptions: session.SendOptions{GiveUpAfter: 10 * time.Second}, SkipEntraCheck: true})
	if err != nil || out.Operation == nil || out.Operation.State != portal.StateDone {
		t.Fatalf("activate: %+v, %v", out, err)
	}
	if err := ses.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	l, _ = ses.List(ctx)
	var active string
	for _, i := range l.Integrations {
		if i.ID == in.ID && i.Certificate != nil {
			active = i.Certificate.SHA256
		}
	}
	if active != sha || len(l.Rows[0].Usages) != 1 {
		t.Fatalf("after the activation: active %q, usages %+v", active, l.Rows[0].Usages)
	}

	evs, err := ses.Events(ctx, session.Ref{SHA256: sha})
	if err != nil || len(evs) < 2 {
		t.Fatalf("events: %+v, %v", evs, err)
	}
	name, der, err := ses.PublicCertificate(ctx, session.Ref{SHA256: strings.ToUpper(sha)})
	if err != nil || len(der) == 0 || !strings.HasSuffix(name, ".cer") {
		t.Fatalf("public certificate: %q %d bytes, %v", name, len(der), err)
	}
	if _, _, err := ses.PublicCertificate(ctx, session.Ref{SHA256: strings.Repeat("0", 64)}); errs.Code(err) != errs.NotFound {
		t.Fatalf("an unknown certificate: %v, want not_found", err)
	}
	if evs, err := ses.Events(ctx, session.Ref{SHA256: strings.Repeat("0", 64)}); err != nil || len(evs) != 0 {
		t.Fatalf("events of an unknown certificate: %v, %v", evs, err)
	}

	ses.SignOut()
	if l, err := ses.List(ctx); err != nil || len(l.Rows) != 0 || len(l.Integrations) != 0 {
		t.Fatalf("signed out again: %+v, %v", l, err)
	}
}

// The window's startup can come after the page's first calls: a sign-in
// (refused or not) that came first keeps its portal when Resume runs late.
func TestResumeAfterSignIn(t *testing.T) {
	ses, url := newSession(t)
	if err := ses.SignIn(context.Background(), url, sandbox.TokenUnregistered, false); errs.Code(err) != errs.NotRegistered {
		t.Fatalf("sign-in: %v, want not_registered", err)
	}
	if err := ses.Resume(); err != nil {
		t.Fatal(err)
	}
	defer ses.Stop()
	st, err := ses.Status(context.Background())
	if err != nil || st.RegisterURL != url+"/register" || ses.Address() != url {
		t.Fatalf("after a late Resume: %+v, %v; want the sign-in's portal %s", st, err, url)
	}
}

// "Last synced" moves on after an install: the install's send refreshes the
// offline copy, so the status and the overview carry the new sync time.
func TestInstallRefreshesTheSyncTime(t *testing.T) {
	ses, url := newSession(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := ses.SignIn(ctx, url, sandbox.TokenAdmin, false); err != nil {
		t.Fatal(err)
	}
	defer ses.Stop()
	before, err := ses.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond)
	pki := portaltest.NewPKI(t)
	good := portaltest.WriteFile(t, t.TempDir(), "good.p12", pki.P12(t, pki.Issue(t, portaltest.Leaf{}), ""))
	if res, _, err := ses.Install(ctx, []string{good}, session.SendOptions{GiveUpAfter: 10 * time.Second}); err != nil || res[0].Result != session.ResultInstalled {
		t.Fatalf("install: %+v, %v", res, err)
	}
	after, err := ses.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !after.CertificatesSyncedAt.After(before.CertificatesSyncedAt) {
		t.Errorf("certificates synced at %v after the install, %v before", after.CertificatesSyncedAt, before.CertificatesSyncedAt)
	}
	ov, err := ses.Overview(ctx, 30)
	if err != nil {
		t.Fatal(err)
	}
	// The background sync may have run again since: at or after, not before.
	if ov.SyncedAt == nil || ov.SyncedAt.Before(after.CertificatesSyncedAt) {
		t.Errorf("overview synced at %v, status %v", ov.SyncedAt, after.CertificatesSyncedAt)
	}
}

// Signed in, an offline copy that can't be read still lists the local
// certificates: the window shows them rather than an empty overview.
func TestListWithoutTheOfflineCopy(t *testing.T) {
	url, _ := portaltest.Sandbox(t, sandbox.Options{})
	db := filepath.Join(t.TempDir(), "app.db")
	st := storetest.Open(t, db)
	pki := portaltest.NewPKI(t)
	der := pki.P12(t, pki.Issue(t, portaltest.Leaf{}), "")
	f := certs.Read(der, certs.Options{Now: time.Now()})
	f.Path = "/c/exchange.p12"
	ses := withoutKeychain(session.Options{Store: st, Files: fakeFiles{f.Path: f}})
	ctx := context.Background()
	if err := ses.SignIn(ctx, url, sandbox.TokenAdmin, false); err != nil {
		t.Fatal(err)
	}
	defer ses.Stop()
	if l, err := ses.List(ctx); err != nil || len(l.Rows) != 1 || len(l.Integrations) == 0 {
		t.Fatalf("signed in: %+v, %v", l, err)
	}

	raw, err := sql.Open("sqlite3", db)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`DROP TABLE portal_usages`); err != nil {
		t.Fatal(err)
	}
	l, err := ses.List(ctx)
	if err != nil || len(l.Rows) != 1 || l.Rows[0].Files[0] != f.Path || len(l.Integrations) != 0 || l.SyncedAt != nil {
		t.Fatalf("a broken offline copy: %+v, %v; want the local certificate alone", l, err)
	}
}

// "Upload existing certificates" installs what the portal lacks, once: a
// second upload finds nothing missing and answers an empty list.
func TestUploadExisting(t *testing.T) {
	url, _ := portaltest.Sandbox(t, sandbox.Options{})
	st := storetest.Open(t, filepath.Join(t.TempDir(), "app.db"))
	pki := portaltest.NewPKI(t)
	der := pki.P12(t, pki.Issue(t, portaltest.Leaf{}), "")
	f := certs.Read(der, certs.Options{Now: time.Now()})
	f.Path = portaltest.WriteFile(t, t.TempDir(), "exchange.p12", der)
	ses := withoutKeychain(session.Options{Store: st, Files: fakeFiles{f.Path: f}})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if res, err := ses.UploadExisting(ctx, session.SendOptions{}); err != nil || res == nil || len(res) != 0 {
		t.Fatalf("signed out: %+v, %v; want an empty list", res, err)
	}
	if err := ses.SignIn(ctx, url, sandbox.TokenAdmin, false); err != nil {
		t.Fatal(err)
	}
	defer ses.Stop()
	send := session.SendOptions{GiveUpAfter: 10 * time.Second}
	res, err := ses.UploadExisting(ctx, send)
	if err != nil || len(res) != 1 || res[0].Path != f.Path || res[0].Result != session.ResultInstalled {
		t.Fatalf("upload: %+v, %v", res, err)
	}
	if res, err := ses.UploadExisting(ctx, send); err != nil || res == nil || len(res) != 0 {
		t.Fatalf("again: %+v, %v; want an empty list", res, err)
	}
}
