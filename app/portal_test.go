package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"dpgcerts/backend/config"
	"dpgcerts/backend/errs"
	"dpgcerts/backend/local"
	"dpgcerts/backend/overview"
	"dpgcerts/backend/portal"
	"dpgcerts/backend/portal/portaltest"
	"dpgcerts/backend/portal/sandbox"
	"dpgcerts/backend/session"
	"dpgcerts/internal/pkitest"
	"dpgcerts/internal/syncbuf"
)

const portalPassword = "Hemmelig-Kode-1!"

// portalFixture is a window (its bound structs, no Wails) over a cache file
// with five scanned files, and a sandbox.
type portalFixture struct {
	s     *Services
	p     *Portal
	url   string
	db    string
	files []string // 0..3 of the organisation, 4 of another CVR
	keys  [][]byte
	logs  *syncbuf.Buffer
	rec   *recorder
	pki   *portaltest.PKI
}

func newPortalFixture(t *testing.T) *portalFixture {
	t.Helper()
	logs := &syncbuf.Buffer{}
	prev := log.Writer()
	log.SetOutput(logs)
	t.Cleanup(func() { log.SetOutput(prev) })

	url, _ := portaltest.Sandbox(t, sandbox.Options{})
	dir := t.TempDir()
	f := &portalFixture{url: url, db: filepath.Join(dir, "app.db"), logs: logs}
	pki := portaltest.NewPKI(t)
	for i := range 5 {
		leaf := portaltest.Leaf{CN: fmt.Sprintf("postkasse%d@testkommune-nord.dk", i)}
		if i == 4 {
			leaf.CVR = "11223344"
		}
		c := pki.Issue(t, leaf)
		f.keys = append(f.keys, pkitest.PKCS8(t, c.Key))
		f.files = append(f.files, portaltest.WriteFile(t, dir, fmt.Sprintf("cert%d.p12", i), pki.P12(t, c, portalPassword)))
	}
	f.s = newTestServices(t, Options{DBPath: f.db, Getenv: env(map[string]string{config.EnvKeychain: "off"})})
	f.p = f.s.Portal
	rec := &recorder{done: make(chan local.ScanResult, 10)}
	f.rec, f.pki = rec, pki
	f.s.core.emit = rec.emit
	f.s.Startup(context.Background())
	f.s.core.passwords.Reset(portalPassword)
	f.s.Certificates.AddPaths(f.files)
	if res := rec.wait(t); res.Files != 5 {
		t.Fatalf("scanned %d files, want 5", res.Files)
	}
	return f
}

func portalCode(err error) string { return toError(err).Code }

// kindsInUse maps the SHA-256 of each certificate in use to the kinds of
// the integrations that use it, from the window's overview.
func kindsInUse(p *Portal) (map[string][]string, error) {
	l, err := p.List(0)
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, r := range l.Rows {
		if len(r.Usages) > 0 {
			out[r.Key] = r.Usages
		}
	}
	return out, nil
}

func TestPortalSignInScreens(t *testing.T) {
	f := newPortalFixture(t)
	st, err := f.p.Status()
	if err != nil || st.SignedIn || st.Portal != session.DefaultPortalURL {
		t.Fatalf("before sign-in: %+v, %v", st, err)
	}
	if _, err := f.p.Install(f.files[:1]); portalCode(err) != errs.NoToken {
		t.Errorf("install before sign-in: %v, want no_token", err)
	}
	for token, want := range map[string]string{
		sandbox.TokenUnregistered: errs.NotRegistered,
		"sandbox-old-portal":      errs.MigrationRequired,
		"nonsense":                errs.Unauthenticated,
		"":                        errs.NoToken,
	} {
		if _, err := f.p.SignIn(f.url, token, false); portalCode(err) != want {
			t.Errorf("sign-in with %q: %v, want %s", token, err, want)
		}
	}
	if _, err := f.p.SignIn("http://portal.example.org", "x", false); portalCode(err) != errs.InsecureURL {
		t.Errorf("http to a remote host: %v", err)
	}
	if _, err := f.p.SignIn(f.url, sandbox.TokenUnregistered, false); portalCode(err) != errs.NotRegistered {
		t.Fatal(err)
	}
	if st, _ := f.p.Status(); st.Account != errs.NotRegistered || st.RegisterURL != f.url+"/register" || st.SignedIn {
		t.Errorf("after Access Denied: %+v", st)
	}
	st, err = f.p.SignIn(f.url, sandbox.TokenAdmin, true)
	if err != nil {
		t.Fatal(err)
	}
	if !st.SignedIn || st.Organization != sandbox.OrgName || st.CVR != sandbox.OrgCVR || st.Account != "" {
		t.Errorf("after sign-in: %+v", st)
	}
	if st.RegisterURL != f.url+"/register" || st.MigrateURL != f.url+"/migrate" {
		t.Errorf("form links: %q %q", st.RegisterURL, st.MigrateURL)
	}
	if st, _ = f.p.SignOut(); st.SignedIn {
		t.Error("still signed in after SignOut")
	}
}

func TestPortalInstallActivateUsage(t *testing.T) {
	f := newPortalFixture(t)
	if _, err := f.p.SignIn(f.url, sandbox.TokenAdmin, false); err != nil {
		t.Fatal(err)
	}
	missing, err := f.p.Missing()
	if err != nil || len(missing) != 5 {
		t.Fatalf("missing before any install: %v, %v", missing, err)
	}
	gone := filepath.Join(t.TempDir(), "gone.p12")
	res, err := f.p.Install(append(slices.Clone(f.files), gone))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{session.ResultInstalled, session.ResultInstalled, session.ResultInstalled, session.ResultInstalled, session.ResultFailed, session.ResultFailed}
	codes := []string{"", "", "", "", errs.CVRMismatch, errs.FileUnreadable}
	for i, r := range res {
		if r.Result != want[i] || r.Code != codes[i] {
			t.Errorf("file %d: %+v, want %s %s", i, r, want[i], codes[i])
		}
	}
	// Without the password the installs wait; one password opens them.
	f.s.core.passwords.Reset()
	extra := portaltest.NewPKI(t)
	c := extra.Issue(t, portaltest.Leaf{CN: "ekstra@testkommune-nord.dk"})
	locked := portaltest.WriteFile(t, t.TempDir(), "extra.p12", extra.P12(t, c, "Andet-Kodeord-9"))
	res, err = f.p.Install([]string{locked})
	if err != nil || res[0].Result != session.ResultNeedsPassword {
		t.Fatalf("install without the password: %+v, %v", res, err)
	}
	if _, err := f.p.InstallWithPassword([]int64{res[0].OperationID}, "forkert"); errs.Code(err) != errs.WrongPassword {
		t.Errorf("a wrong password: %v", err)
	}
	res, err = f.p.InstallWithPassword([]int64{res[0].OperationID}, "Andet-Kodeord-9")
	if err != nil || len(res) != 1 || res[0].Result != session.ResultInstalled || res[0].Path != locked {
		t.Errorf("install with the password: %+v, %v", res, err)
	}
	f.s.core.passwords.Add(portalPassword)
	// Again: already installed is a success.
	res, err = f.p.Install(f.files[:1])
	if err != nil || res[0].Result != session.ResultAlready {
		t.Errorf("second install: %+v, %v", res, err)
	}
	if missing, _ := f.p.Missing(); len(missing) != 1 || missing[0] != f.files[4] {
		t.Errorf("missing after the install: %v", missing)
	}

	const exo = "int-exchange-online"
	plan, err := f.p.PrepareActivation(exo, session.Ref{Path: f.files[0]})
	if err != nil || plan.Old != nil || plan.NeedsInstall || plan.New.ID == "" || plan.Integration.Version == "" {
		t.Fatalf("plan: %+v, %v", plan, err)
	}
	if out, err := f.p.Activate(exo, session.Ref{Path: f.files[0]}, plan.Integration.Version, true); err != nil || out.Result != session.ResultActivated {
		t.Fatal(out, err)
	}
	// The renewal: someone else changes the integration in between: 412.
	plan, err = f.p.PrepareActivation(exo, session.Ref{Path: f.files[1]})
	if err != nil || plan.Old == nil || plan.Old.SHA256 == plan.New.SHA256 {
		t.Fatalf("renewal plan: %+v, %v", plan, err)
	}
	other, err := portal.NewClient(f.url, sandbox.TokenAdmin)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	list, _ := other.Certificates(ctx)
	var third string
	for _, c := range list {
		if c.CommonName == "postkasse2@testkommune-nord.dk" {
			third = c.ID
		}
	}
	if _, err := other.Activate(ctx, "out-of-band", exo, third, plan.Integration.Version); err != nil {
		t.Fatal(err)
	}
	if out, err := f.p.Activate(exo, session.Ref{Path: f.files[1]}, plan.Integration.Version, true); err != nil || out.Code != errs.PreconditionFailed {
		t.Fatalf("activation after a change: %+v, %v, want precondition_failed", out, err)
	}
	plan, err = f.p.PrepareActivation(exo, session.Ref{Path: f.files[1]})
	if err != nil || plan.Old == nil || plan.Old.ID != third {
		t.Fatalf("reloaded plan: %+v, %v", plan, err)
	}
	out, err := f.p.Activate(exo, session.Ref{Path: f.files[1]}, plan.Integration.Version, true)
	if err != nil || out.Operation == nil || out.Operation.State != portal.StateDone {
		t.Fatalf("activation: %+v, %v", out, err)
	}
	usages, err := kindsInUse(f.p)
	if err != nil {
		t.Fatal(err)
	}
	d, _ := f.s.Certificates.Details(f.files[1])
	if got := usages[d.Certificate.SHA256]; !slices.Equal(got, []string{portal.KindExchangeOnline}) {
		t.Errorf("usage of the new certificate: %v (all: %v)", got, usages)
	}
	evs, err := f.p.Events(session.Ref{Path: f.files[1]})
	if err != nil || len(evs) < 2 {
		t.Errorf("events of the new certificate: %+v, %v", evs, err)
	}
	// Renewal pairing: a new file with the name of the certificate in use.
	if succ, err := f.p.Successors(session.Ref{Path: f.files[0]}); err != nil || len(succ) != 0 {
		t.Errorf("postkasse0 renews nothing in use: %+v, %v", succ, err)
	}
	renewal := f.pki.Issue(t, portaltest.Leaf{CN: "postkasse1@testkommune-nord.dk"})
	rpath := portaltest.WriteFile(t, t.TempDir(), "renewal.p12", f.pki.P12(t, renewal, portalPassword))
	f.s.Certificates.AddPaths([]string{rpath})
	f.rec.wait(t)
	succ, err := f.p.Successors(session.Ref{Path: rpath})
	if err != nil || len(succ) != 1 || succ[0].Integration.Kind != portal.KindExchangeOnline || succ[0].Predecessor.SHA256 != d.Certificate.SHA256 {
		t.Errorf("successor offers: %+v, %v", succ, err)
	}
	// "Install and activate as the successor of ..." in one step.
	plan, err = f.p.PrepareActivation(exo, session.Ref{Path: rpath})
	if err != nil || !plan.NeedsInstall || plan.Old == nil || plan.Old.SHA256 != d.Certificate.SHA256 {
		t.Fatalf("successor plan: %+v, %v", plan, err)
	}
	if out, err := f.p.Activate(exo, session.Ref{Path: rpath}, plan.Integration.Version, true); err != nil || out.Operation == nil || out.Operation.State != portal.StateDone {
		t.Fatalf("install and activate: %+v, %v", out, err)
	}
	// A file whose password the window doesn't know: nothing is activated.
	lockedRenewal := f.pki.Issue(t, portaltest.Leaf{CN: "postkasse1@testkommune-nord.dk"})
	lpath := portaltest.WriteFile(t, t.TempDir(), "locked-renewal.p12", f.pki.P12(t, lockedRenewal, "Ukendt-Kode-7"))
	f.s.Certificates.AddPaths([]string{lpath})
	f.rec.wait(t)
	if _, err := f.s.Certificates.Unlock(lpath, "Ukendt-Kode-7", false); err != nil {
		t.Fatal(err)
	}
	f.s.core.passwords.Reset(portalPassword) // as after a restart
	lplan, err := f.p.PrepareActivation(exo, session.Ref{Path: lpath})
	if err != nil {
		t.Fatal(err)
	}
	if out, err := f.p.Activate(exo, session.Ref{Path: lpath}, lplan.Integration.Version, true); err != nil || out.Code != errs.PasswordRequired {
		t.Errorf("activating a file without its password: %+v, %v", out, err)
	}
	sum := sha256.Sum256(renewal.Cert.Raw)
	if usages, _ := kindsInUse(f.p); len(usages) != 1 || len(usages[hex.EncodeToString(sum[:])]) != 1 {
		t.Errorf("usages after the renewal: %v", usages)
	}

	// Nothing secret in the cache file or the log.
	f.s.Shutdown(context.Background())
	data, err := os.ReadFile(f.db)
	if err != nil {
		t.Fatal(err)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if more, err := os.ReadFile(f.db + suffix); err == nil {
			data = append(data, more...)
		}
	}
	secretsToFind := map[string][]byte{
		"password":        []byte(portalPassword),
		"password base64": []byte(base64.StdEncoding.EncodeToString([]byte(portalPassword))),
		"token":           []byte(sandbox.TokenAdmin),
	}
	for i, k := range f.keys {
		secretsToFind[fmt.Sprintf("key %d", i)] = k
	}
	for where, blob := range map[string][]byte{"cache": data, "log": f.logs.Bytes()} {
		for what, secret := range secretsToFind {
			if bytes.Contains(blob, secret) {
				t.Errorf("the %s holds the %s", where, what)
			}
		}
	}
	js, _ := json.Marshal(res)
	if strings.Contains(string(js), portalPassword) {
		t.Error("an install result holds the password")
	}
}

func TestPortalSandboxMode(t *testing.T) {
	s := newTestServices(t, Options{Sandbox: true})
	s.Startup(context.Background())
	st, err := s.Portal.Status()
	if err != nil || !st.Sandbox || !strings.HasPrefix(st.Portal, "http://127.0.0.1:") {
		t.Fatalf("sandbox status: %+v, %v", st, err)
	}
	if _, err := s.Portal.SignIn("", sandbox.TokenAdmin, true); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		st, _ = s.Portal.Status()
		if st.Organization == sandbox.OrgName || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if st.Organization != sandbox.OrgName {
		t.Errorf("sandbox organisation: %+v", st)
	}
}

// rowKeys are the rows' keys, sorted.
func rowKeys(rows []overview.Row) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r.Key)
	}
	slices.Sort(out)
	return out
}

// keyOf is the key of the row that holds path; "" when none does.
func keyOf(ch overview.Changes, path string) string {
	for _, r := range ch.Rows {
		if slices.Contains(r.Files, path) {
			return r.Key
		}
	}
	return ""
}

// The window's list: one row per certificate, local files merged with
// DPG's; signed out the local ones only. A reload sends the rows that
// changed. A certificate only in DPG is opened, activated and exported by
// its SHA-256.
func TestPortalList(t *testing.T) {
	f := newPortalFixture(t)
	l, err := f.p.List(0)
	if err != nil || !l.Full || len(l.Rows) != 5 || len(l.Integrations) != 0 || l.SyncedAt != nil {
		t.Fatalf("signed out: %d rows, %d integrations, %v", len(l.Rows), len(l.Integrations), err)
	}
	if _, err := f.p.SignIn(f.url, sandbox.TokenAdmin, false); err != nil {
		t.Fatal(err)
	}
	// A file outside the overview is installed: DPG then has a certificate
	// the overview has no file of.
	only := f.pki.Issue(t, portaltest.Leaf{CN: "kollega@testkommune-nord.dk"})
	onlyPath := portaltest.WriteFile(t, t.TempDir(), "kollega.p12", f.pki.P12(t, only, portalPassword))
	if res, err := f.p.Install([]string{onlyPath, f.files[0]}); err != nil || res[0].Result != session.ResultInstalled || res[1].Result != session.ResultInstalled {
		t.Fatalf("install: %+v, %v", res, err)
	}
	sum := sha256.Sum256(only.Cert.Raw)
	sha := hex.EncodeToString(sum[:])
	if err := f.p.ses.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The reload sends the two rows that changed: the colleague's, now in
	// DPG, and the file installed with it.
	ch, err := f.p.List(l.Generation)
	if err != nil || ch.Full || !slices.Equal(rowKeys(ch.Rows), slices.Sorted(slices.Values([]string{sha, keyOf(l, f.files[0])}))) ||
		len(ch.Removed) != 0 || ch.SyncedAt == nil || len(ch.Integrations) == 0 {
		t.Fatalf("the reload after the install: %+v, %v", ch, err)
	}
	if again, err := f.p.List(ch.Generation); err != nil || again.Full || len(again.Rows) != 0 {
		t.Fatalf("a reload with nothing changed: %+v, %v", again, err)
	}
	l, err = f.p.List(0)
	if err != nil || !l.Full || len(l.Rows) != 6 {
		t.Fatalf("signed in: %d rows, %v", len(l.Rows), err)
	}
	inDPG := 0
	for _, r := range l.Rows {
		if r.InPortal {
			inDPG++
		}
		if r.Key == sha && (!r.InPortal || len(r.Files) != 0) {
			t.Errorf("the colleague's certificate: %+v", r)
		}
	}
	if inDPG != 2 {
		t.Errorf("%d certificates in DPG, want 2", inDPG)
	}
	if e, err := f.p.Entry(sha); err != nil || e.SHA256 != sha || !e.InPortal || e.InstalledAt == nil {
		t.Errorf("the entry of the colleague's certificate: %+v, %v", e, err)
	}

	const exo = "int-exchange-online"
	plan, err := f.p.PrepareActivation(exo, session.Ref{SHA256: sha})
	if err != nil || plan.New.SHA256 != sha {
		t.Fatalf("plan: %+v, %v", plan, err)
	}
	// Exchange Online: not before Entra has it, and only its own thumbprint proves that.
	if !plan.NeedsEntra {
		t.Fatalf("plan without the Entra step: %+v", plan)
	}
	if _, err := f.p.Activate(exo, session.Ref{SHA256: sha}, plan.Integration.Version, false); portalCode(err) != errs.EntraNotRegistered {
		t.Fatalf("activate before Entra: %v", err)
	}
	if chk, err := f.p.CheckEntra(session.Ref{SHA256: sha}, "12:34"); err != nil || chk.Matched || chk.Code != errs.InvalidThumbprint {
		t.Fatalf("a pasted scrap: %+v, %v", chk, err)
	}
	if chk, err := f.p.CheckEntra(session.Ref{SHA256: sha}, strings.ToUpper(plan.New.SHA1)); err != nil || !chk.Matched {
		t.Fatalf("the thumbprint Entra shows: %+v, %v", chk, err)
	}
	if out, err := f.p.Activate(exo, session.Ref{SHA256: sha}, plan.Integration.Version, false); err != nil || out.Operation == nil || out.Operation.State != portal.StateDone {
		t.Fatalf("activate: %+v, %v", out, err)
	}
	if evs, err := f.p.Events(session.Ref{SHA256: sha}); err != nil || len(evs) == 0 {
		t.Errorf("events: %v, %v", evs, err)
	}

	dialogs := &fakeDialogs{save: t.TempDir()}
	f.s.core.dialogs = dialogs
	path, err := f.p.ExportCer(session.Ref{SHA256: sha})
	if err != nil || filepath.Base(path) != "kollega@testkommune-nord.dk.cer" {
		t.Fatalf("export: %q, %v", path, err)
	}
	if der, _ := os.ReadFile(path); !bytes.Equal(der, only.Cert.Raw) {
		t.Error("the exported .cer is not the certificate's DER")
	}
	dialogs.save = ""
	if path, err := f.p.ExportCer(session.Ref{SHA256: sha}); err != nil || path != "" {
		t.Errorf("a cancelled export: %q, %v", path, err)
	}
}
