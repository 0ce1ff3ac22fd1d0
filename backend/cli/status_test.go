package cli

import (
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"software.sslmate.com/src/go-pkcs12"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/config"
	"dpgcerts/backend/errs"
	"dpgcerts/backend/overview"
	"dpgcerts/backend/portal"
	"dpgcerts/backend/portal/portaltest"
	"dpgcerts/backend/portal/sandbox"
	"dpgcerts/backend/revocation/revocationtest"
	"dpgcerts/backend/store"
	"dpgcerts/backend/store/storetest"
)

// statusNow is the fixed clock of the golden tests.
var statusNow = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

func runStatusCmd(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := runStatus(args, &stdout, &stderr, func(k string) string { return env[k] })
	return code, stdout.String(), stderr.String()
}

func compareStatusGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	compareGolden(t, filepath.Join("testdata", name), got)
}

// goldenCert is a certificate with fixed facts; sha is repeated into a
// thumbprint, days are days left at statusNow.
func goldenCert(sha, cn, uuid string, days int) certs.Certificate {
	return certs.Certificate{Subject: "CN=" + cn + ",O=Testkommune Nord,C=DK", CommonName: cn, Organization: "Testkommune Nord",
		CVR: "29189889", UUID: uuid, Issuer: "CN=Den Danske Stat OCES udstedende-CA 1,O=Den Danske Stat,C=DK",
		NotBefore: statusNow.AddDate(-2, 0, 0), NotAfter: statusNow.AddDate(0, 0, days).Add(time.Hour),
		SHA1: strings.Repeat(sha, 40/len(sha)), SHA256: strings.Repeat(sha, 64/len(sha)), OCES: "oces3",
		KeyAlgorithm: "RSA 3072", SignatureAlgorithm: "RSASSA-PSS", Raw: []byte("DER of " + sha)}
}

// goldenRecord is the portal's JSON record of a certificate.
func goldenRecord(id string, c certs.Certificate, usedBy ...[3]string) portal.Certificate {
	out := portal.Certificate{ID: id, SHA256: c.SHA256, SHA1: c.SHA1, Subject: c.Subject, CommonName: c.CommonName,
		Email: c.Email, CVR: c.CVR, UUID: c.UUID, NotBefore: c.NotBefore, NotAfter: c.NotAfter,
		InstalledAt: statusNow.AddDate(-1, 0, 0), InstalledBy: "admin@testkommune-nord.dk", Certificate: c.Raw, Usages: []portal.Usage{}}
	for _, u := range usedBy {
		out.Usages = append(out.Usages, portal.Usage{IntegrationID: u[0], Kind: u[1], Name: u[2]})
	}
	return out
}

func goldenIntegration(id, kind, name, active string) portal.Integration {
	out := portal.Integration{ID: id, Kind: kind, Name: name, Version: id + "-v3"}
	if active != "" {
		at, by := statusNow.AddDate(-1, 0, 0), "admin@testkommune-nord.dk"
		out.ActiveCertificateID, out.ActivatedAt, out.ActivatedBy = &active, &at, &by
	}
	return out
}

// fillGolden fills an app database as a scan and a sync would: files on
// disk, the portal's copy and the outbox. One integration for each state
// and next step.
func fillGolden(t *testing.T, db, portalURL string) {
	t.Helper()
	st := storetest.Open(t, db)
	ctx := context.Background()
	exoOld := goldenCert("a1", "postkasse@testkommune-nord.dk", "U-EXO", 10)
	exoNew := goldenCert("b2", "postkasse@testkommune-nord.dk", "U-EXO", 3*365)
	dp := goldenCert("c3", "Digital Post NgDP", "U-DP", 400)
	mit := goldenCert("d4", "mit.dk", "U-MIT", 20)
	mitNew := goldenCert("e5", "mit.dk", "U-MIT", 3*365)
	sm := goldenCert("f6", "sikkerpost@testkommune-nord.dk", "U-SM", -3)
	sm2 := goldenCert("a7", "sikkerpost2@testkommune-nord.dk", "U-SM2", 200)
	sm2New := goldenCert("b8", "sikkerpost2@testkommune-nord.dk", "U-SM2", 3*365)
	// Replaced: Digital Post's certificate before this one, still in DPG,
	// and an old Exchange Online .p12 left in Downloads.
	dpOld := goldenCert("c0", "Digital Post NgDP", "U-DP", -300)
	exoOlder := goldenCert("90", "postkasse@testkommune-nord.dk", "U-EXO", -700)

	file := func(path string, c certs.Certificate, withKey bool) store.Entry {
		f := certs.File{Path: path, Format: certs.FormatDER, Status: certs.StatusValid, Certificate: &c}
		if withKey {
			f.Format, f.HasPrivateKey, f.KeyMatchesCertificate, f.Encryption = certs.FormatPKCS12, true, true, "PBES2 AES-256-CBC"
		}
		return store.Entry{Path: path, Size: 1, MtimeNS: 1, SHA256: strings.Repeat("0", 63) + "1", Reader: "golden", File: f, ReadAt: statusNow}
	}
	if err := st.PutFiles(ctx, []store.Entry{
		file("/certs/exchange-online-2029.p12", exoNew, true),
		file("/certs/exchange-online-2029.cer", exoNew, false),
		file("/certs/digital-post.p12", dp, true),
		file("/home/admin/Downloads/exchange-online-2023.p12", exoOlder, true),
		{Path: "/certs/locked.p12", Size: 1, MtimeNS: 1, Reader: "golden", ReadAt: statusNow, File: certs.File{
			Format: certs.FormatPKCS12, Status: certs.StatusLocked, HasPrivateKey: true,
			Error: &errs.Error{Code: errs.PasswordRequired, Message: "None of the known passwords opens the file."}}},
		{Path: "/certs/notes.txt.p12", Size: 1, MtimeNS: 1, Reader: "golden", ReadAt: statusNow, File: certs.File{
			Status: certs.StatusUnreadable, Error: &errs.Error{Code: errs.NotACertificate, Message: "The file is not a certificate file."}}},
	}); err != nil {
		t.Fatal(err)
	}
	at := statusNow.Add(-5 * time.Minute)
	me := portal.Me{User: portal.User{Email: "admin@testkommune-nord.dk", Name: "Anna Admin"},
		Organization: portal.Organization{CVR: "29189889", Name: "Testkommune Nord"}}
	if err := st.SetPortalMe(ctx, portalURL, me, at); err != nil {
		t.Fatal(err)
	}
	if err := st.ReplacePortalCertificates(ctx, portalURL, []portal.Certificate{
		goldenRecord("id-exo", exoOld, [3]string{"int-exchange-online", "exchange_online", "testkommunenord.onmicrosoft.com"}),
		goldenRecord("id-dp", dp, [3]string{"int-digital-post", "digital_post", "Digital Post (NgDP)"}),
		goldenRecord("id-dp-old", dpOld),
		goldenRecord("id-mit", mit, [3]string{"int-mit-dk", "mit_dk", "mit.dk"}),
		goldenRecord("id-mit-new", mitNew),
		goldenRecord("id-sm", sm, [3]string{"int-secure-mail-1", "secure_mail", "sikkerpost@testkommune-nord.dk"}),
		goldenRecord("id-sm2", sm2, [3]string{"int-secure-mail-2", "secure_mail", "sikkerpost2@testkommune-nord.dk"}),
		goldenRecord("id-sm2-new", sm2New),
	}, at); err != nil {
		t.Fatal(err)
	}
	if err := st.ReplacePortalIntegrations(ctx, portalURL, []portal.Integration{
		goldenIntegration("int-exchange-online", "exchange_online", "testkommunenord.onmicrosoft.com", "id-exo"),
		goldenIntegration("int-digital-post", "digital_post", "Digital Post (NgDP)", "id-dp"),
		goldenIntegration("int-mit-dk", "mit_dk", "mit.dk", "id-mit"),
		goldenIntegration("int-secure-mail-1", "secure_mail", "sikkerpost@testkommune-nord.dk", "id-sm"),
		goldenIntegration("int-secure-mail-2", "secure_mail", "sikkerpost2@testkommune-nord.dk", "id-sm2"),
		goldenIntegration("int-secure-mail-3", "secure_mail", "sikkerpost3@testkommune-nord.dk", ""),
	}, at); err != nil {
		t.Fatal(err)
	}
	// A refused activation of sm2's renewal, and an activation waiting for
	// the install of a certificate this computer doesn't have.
	if _, _, err := st.AddOps(ctx, []portal.Operation{
		{Portal: portalURL, Kind: portal.OpActivate, Key: "k1", State: portal.StateFailed, IntegrationID: "int-secure-mail-2",
			CertificateID: "id-sm2-new", IfMatch: "int-secure-mail-2-v2", ErrorCode: errs.PreconditionFailed,
			ErrorMessage: "the integration has changed"},
		{Portal: portalURL, Kind: portal.OpActivate, Key: "k2", State: portal.StatePending, IntegrationID: "int-secure-mail-3",
			CertificateID: "sha256:" + strings.Repeat("9", 64), IfMatch: "int-secure-mail-3-v3"},
	}); err != nil {
		t.Fatal(err)
	}
}

// activateElsewhere is another client of the sandbox at url: it installs
// the .p12 (password cliPassword), makes Exchange Online use it, and
// returns the certificate's id in DPG.
func activateElsewhere(t *testing.T, url string, pfx []byte) string {
	t.Helper()
	ctx := context.Background()
	other, _ := portal.NewClient(url, sandbox.TokenAdmin)
	rec, _, err := other.Install(ctx, uuid.NewString(), portal.InstallRequest{Filename: "exo.p12", PKCS12: pfx, Password: &[]string{cliPassword}[0]})
	if err != nil {
		t.Fatal(err)
	}
	ins, _ := other.Integrations(ctx)
	if _, err := other.Activate(ctx, uuid.NewString(), sandbox.IntegrationExchangeOnline, rec.ID, ins[0].Version); err != nil {
		t.Fatal(err)
	}
	return rec.ID
}

// TestStatusGolden prints `status` and `status --json` of a database with
// every integration state and next step, offline, at a fixed clock.
func TestStatusGolden(t *testing.T) {
	db := filepath.Join(t.TempDir(), "app.db")
	// Nothing listens on port 1: the test of --portal below finds the portal down.
	const portalURL = "http://127.0.0.1:1"
	fillGolden(t, db, portalURL)
	env := map[string]string{config.EnvNow: statusNow.Format(time.RFC3339), config.EnvKeychain: "off"}

	code, out, errOut := runStatusCmd(t, env, "--json", "--db", db)
	if code != ExitOK || errOut != "" {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, []byte(out), "", "  "); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	compareStatusGolden(t, "status.golden.json", pretty.Bytes())

	code, out, errOut = runStatusCmd(t, env, "--db", db)
	if code != ExitOK || errOut != "" {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	compareStatusGolden(t, "status.golden.txt", []byte(out))

	// --fail-on, judged on the integrations: one has expired.
	for _, tt := range []struct {
		args []string
		want int
	}{
		{[]string{"--fail-on", "expiring"}, ExitFailOn},
		{[]string{"--fail-on", "expired"}, ExitFailOn},
		{[]string{"--fail-on", "locked"}, ExitUsage},
		{[]string{"--warn-days", "400"}, ExitUsage},
		{[]string{"extra"}, ExitUsage},
	} {
		if code, _, errOut := runStatusCmd(t, env, append([]string{"--db", db}, tt.args...)...); code != tt.want {
			t.Errorf("%v: exit %d, want %d (%s)", tt.args, code, tt.want, errOut)
		}
	}
	// The portal can't be reached: the offline copy, and exit 3.
	code, out, errOut = runStatusCmd(t, map[string]string{config.EnvNow: statusNow.Format(time.RFC3339), config.EnvKeychain: "off",
		portal.EnvToken: sandbox.TokenAdmin}, "--db", db, "--json", "--portal", portalURL, "--timeout", "0")
	if code != ExitPending || !strings.Contains(errOut, "offline copy") {
		t.Fatalf("portal down: exit %d, %s", code, errOut)
	}
	pretty.Reset()
	json.Indent(&pretty, []byte(out), "", "  ")
	compareStatusGolden(t, "status.golden.json", pretty.Bytes())
	// Two days before, the secure mail certificate hadn't expired: expiring, not expired.
	early := map[string]string{config.EnvNow: statusNow.AddDate(0, 0, -4).Format(time.RFC3339), config.EnvKeychain: "off"}
	if code, _, _ := runStatusCmd(t, early, "--db", db, "--fail-on", "expired"); code != ExitOK {
		t.Errorf("--fail-on expired before anything expired: exit %d", code)
	}
	if code, _, _ := runStatusCmd(t, early, "--db", db, "--fail-on", "expiring"); code != ExitFailOn {
		t.Errorf("--fail-on expiring: exit %d", code)
	}
}

// TestStatusAgainstSandbox runs `status --json` from a fresh database
// against the real sandbox over HTTP: before anything is installed, after
// another client installed and activated a certificate, after a scan finds
// its renewal, after installing it and after activating it.
func TestStatusAgainstSandbox(t *testing.T) {
	url, _ := portaltest.Sandbox(t, sandbox.Options{})
	dir := t.TempDir()
	db := filepath.Join(dir, "app.db")
	env := map[string]string{portal.EnvToken: sandbox.TokenAdmin, config.EnvKeychain: "off"}
	status := func(args ...string) overview.Overview {
		t.Helper()
		code, out, errOut := runStatusCmd(t, env, append([]string{"--json", "--db", db}, args...)...)
		if code != ExitOK {
			t.Fatalf("status %v: exit %d\n%s\n%s", args, code, out, errOut)
		}
		var ov overview.Overview
		if err := json.Unmarshal([]byte(out), &ov); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		return ov
	}
	exoOf := func(ov overview.Overview) overview.Integration {
		t.Helper()
		for _, i := range ov.Integrations {
			if i.ID == sandbox.IntegrationExchangeOnline {
				return i
			}
		}
		t.Fatalf("no Exchange Online integration in %+v", ov.Integrations)
		return overview.Integration{}
	}
	certOf := func(ov overview.Overview, sha string) overview.Certificate {
		t.Helper()
		for _, c := range ov.Certificates {
			if c.SHA256 == sha {
				return c
			}
		}
		t.Fatalf("no certificate %s in %+v", sha[:8], ov.Certificates)
		return overview.Certificate{}
	}

	// A fresh database and an empty DPG solution.
	ov := status("--portal", url)
	if ov.SyncedAt == nil || ov.Organization == nil || ov.Organization.CVR != sandbox.OrgCVR ||
		len(ov.Integrations) != 4 || len(ov.Certificates) != 0 {
		t.Fatalf("empty solution: %+v", ov)
	}
	for _, i := range ov.Integrations {
		if i.State != overview.StateNoCertificate || i.NextStep != overview.StepNone || i.Certificate != nil {
			t.Fatalf("integration without a certificate: %+v", i)
		}
	}

	// Another client installs the Exchange Online certificate (10 days
	// left) and activates it.
	pki := portaltest.NewPKI(t)
	mailbox := uuid.NewString()
	old := pki.Issue(t, portaltest.Leaf{UUID: mailbox, NotAfter: time.Now().AddDate(0, 0, 10)})
	renewal := pki.Issue(t, portaltest.Leaf{UUID: mailbox, NotAfter: time.Now().AddDate(3, 0, 0)})
	oldSHA, newSHA := shaHex(old.Cert.Raw), shaHex(renewal.Cert.Raw)
	oldID := activateElsewhere(t, url, pki.P12(t, old, cliPassword))
	ov = status("--portal", url)
	exo := exoOf(ov)
	if exo.State != overview.StateExpiring || exo.NextStep != overview.StepRenew || exo.Certificate == nil ||
		exo.Certificate.SHA256 != oldSHA || exo.Certificate.DaysLeft != 9 || exo.Successor != nil {
		t.Fatalf("after another client's activation: %+v", exo)
	}
	c := certOf(ov, oldSHA)
	if !c.InPortal || c.PortalID == nil || *c.PortalID != oldID || len(c.Files) != 0 || len(c.Usages) != 1 ||
		c.Usages[0].Kind != portal.KindExchangeOnline || !slices.Equal(c.Attention, []overview.Reason{overview.ReasonNoSuccessor}) {
		t.Fatalf("the certificate only in DPG: %+v", c)
	}
	if ov.Integrations[0].ID != sandbox.IntegrationExchangeOnline {
		t.Fatalf("Exchange Online stops first: %v", ov.Integrations[0].ID)
	}
	if code, _, _ := runStatusCmd(t, env, "--db", db, "--fail-on", "expiring"); code != ExitFailOn {
		t.Fatalf("--fail-on expiring: exit %d", code)
	}
	if code, _, _ := runStatusCmd(t, env, "--db", db, "--fail-on", "expired"); code != ExitOK {
		t.Fatalf("--fail-on expired: exit %d", code)
	}

	// The renewal is downloaded (.p12 and .cer) and scanned.
	downloads := t.TempDir()
	p12 := portaltest.WriteFile(t, downloads, "exo-2029.p12", pki.P12(t, renewal, cliPassword))
	portaltest.WriteFile(t, downloads, "exo-2029.cer", renewal.Cert.Raw)
	pwFile := portaltest.WriteFile(t, dir, "passwords.txt", []byte(cliPassword+"\n"))
	var scanOut, scanErr bytes.Buffer
	if code := runScan([]string{"--db", db, "--passwords", pwFile, downloads}, &scanOut, &scanErr, func(k string) string { return env[k] }); code != ExitOK {
		t.Fatalf("scan: exit %d\n%s", code, scanErr.String())
	}
	ov = status() // offline
	exo = exoOf(ov)
	if exo.NextStep != overview.StepInstallAndActivate || exo.Successor == nil || exo.Successor.SHA256 != newSHA ||
		exo.Successor.InPortal || len(exo.Successor.Files) != 2 {
		t.Fatalf("renewal on disk: %+v %+v", exo, exo.Successor)
	}
	if c := certOf(ov, newSHA); c.InPortal || len(c.Files) != 2 || !slices.Equal(c.Attention, []overview.Reason{overview.ReasonNotInstalled}) {
		t.Fatalf("the renewal: %+v", c)
	}
	if len(ov.Certificates) != 2 || ov.Tiles != (overview.Tiles{Valid: 1, Expiring: 1, Attention: 1}) {
		t.Fatalf("%d certificates, tiles %+v", len(ov.Certificates), ov.Tiles)
	}

	// Installed: Exchange Online's next step is the registration in Entra,
	// then one activation.
	if code, out, errOut := run(t, env, "install", "--portal", url, "--db", db, "--passwords", pwFile, p12); code != ExitOK {
		t.Fatalf("install: exit %d\n%s\n%s", code, out, errOut)
	}
	ov = status()
	exo = exoOf(ov)
	if exo.NextStep != overview.StepRegisterEntra || exo.Successor == nil || !exo.Successor.InPortal || exo.Successor.PortalID == nil {
		t.Fatalf("renewal installed: %+v %+v", exo, exo.Successor)
	}
	if c := certOf(ov, newSHA); !c.InPortal || len(c.Files) != 2 || len(c.Attention) != 0 || c.Operation != nil {
		t.Fatalf("the installed renewal: %+v", c)
	}

	// Activated: Exchange Online is fine again.
	sha1Sum := sha1.Sum(renewal.Cert.Raw)
	entra := strings.ToUpper(hex.EncodeToString(sha1Sum[:]))
	if code, out, errOut := run(t, env, "activate", "--portal", url, "--db", db, "--integration", "exchange_online", "--certificate", newSHA, "--entra-thumbprint", entra); code != ExitOK {
		t.Fatalf("activate: exit %d\n%s\n%s", code, out, errOut)
	}
	ov = status("--portal", url)
	exo = exoOf(ov)
	if exo.State != overview.StateOK || exo.NextStep != overview.StepNone || exo.Certificate.SHA256 != newSHA || exo.Successor != nil {
		t.Fatalf("after the activation: %+v", exo)
	}
	// ... and says, until dismissed, to remove the old certificate from Entra.
	oldSHA1 := sha1.Sum(old.Cert.Raw)
	if exo.EntraNote == nil || !strings.EqualFold(exo.EntraNote.OldSHA1, hex.EncodeToString(oldSHA1[:])) {
		t.Fatalf("status --json has no note to remove the old certificate from Entra: %+v", exo.EntraNote)
	}
	if c := certOf(ov, oldSHA); len(c.Usages) != 0 || len(c.Attention) != 0 || c.ReplacedBy == nil || *c.ReplacedBy != newSHA ||
		c.ReplacedAt == nil || c.ReplacedAt.Before(time.Now().Add(-time.Hour)) {
		t.Fatalf("the old certificate, replaced by the activated renewal: %+v", c)
	}
	if ov.Tiles != (overview.Tiles{Valid: 1, Replaced: 1}) {
		t.Fatalf("tiles after the activation: %+v", ov.Tiles)
	}
	// The old .p12 left on this PC expires in 10 days, but it is replaced:
	// scan --fail-on ignores it when it can see the offline copy.
	oldDir := t.TempDir()
	portaltest.WriteFile(t, oldDir, "exo-2026.p12", pki.P12(t, old, cliPassword))
	for _, tt := range []struct {
		cache []string
		want  int
	}{{[]string{"--db", db}, ExitOK}, {[]string{"--no-cache"}, ExitFailOn}} {
		var o, e bytes.Buffer
		args := append(tt.cache, "--passwords", pwFile, "--fail-on", "expiring", oldDir)
		if code := runScan(args, &o, &e, func(k string) string { return env[k] }); code != tt.want {
			t.Fatalf("scan %v: exit %d, want %d\n%s%s", args, code, tt.want, o.String(), e.String())
		}
	}
	if c := certOf(ov, newSHA); len(c.Usages) != 1 || c.Usages[0].IntegrationID != sandbox.IntegrationExchangeOnline {
		t.Fatalf("the new certificate's usages: %+v", c.Usages)
	}
	if code, _, _ := runStatusCmd(t, env, "--db", db, "--fail-on", "expiring"); code != ExitOK {
		t.Fatalf("--fail-on expiring after the renewal: exit %d", code)
	}
	// A user the portal refuses: exit 5, nothing printed.
	refused := map[string]string{portal.EnvToken: sandbox.TokenUnregistered, config.EnvKeychain: "off"}
	if code, out, errOut := runStatusCmd(t, refused, "--db", db, "--portal", url); code != ExitRefused || out != "" || !strings.Contains(errOut, "not_registered") {
		t.Fatalf("refused: exit %d\n%s\n%s", code, out, errOut)
	}
	// The readable form names the certificate in DPG and on this PC.
	if _, out, _ := runStatusCmd(t, env, "--db", db); !strings.Contains(out, "DPG, this PC (2 files)") || !strings.Contains(out, "exchange_online") {
		t.Fatalf("readable form:\n%s", out)
	}
}

func shaHex(der []byte) string {
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:])
}

// TestStatusRevocation: a certificate that is only in DPG, revoked at its
// CA, makes its integration revoked. The issuer and a real `openssl ocsp`
// are on loopback; the certificate comes from the portal's record and its
// issuer from AIA caIssuers.
func TestStatusRevocation(t *testing.T) {
	p := revocationtest.New(t)
	ocspURL := p.StartOCSP(revocationtest.OCSPOptions{NextUpdateMinutes: 30, PSS: true})
	leaf := p.Leaf(revocationtest.LeafOptions{Name: "exchange@testkommune-nord.dk", CVR: sandbox.OrgCVR, OCSP: ocspURL, CAIssuers: p.URL("/issuing.cer")})
	revokedAt := time.Now().Add(-26 * time.Hour).Truncate(time.Second).UTC()
	p.Revoke(leaf, revokedAt, "keyCompromise")

	url, _ := portaltest.Sandbox(t, sandbox.Options{})
	pfx, err := pkcs12.Modern2023.Encode(leaf.Key, leaf.Cert, nil, cliPassword)
	if err != nil {
		t.Fatal(err)
	}
	activateElsewhere(t, url, pfx)

	db := filepath.Join(t.TempDir(), "app.db")
	env := map[string]string{portal.EnvToken: sandbox.TokenAdmin, config.EnvKeychain: "off"}
	code, out, errOut := runStatusCmd(t, env, "--json", "--db", db, "--portal", url, "--revocation", "--fail-on", "expired")
	if code != ExitFailOn {
		t.Fatalf("status --revocation --fail-on expired: exit %d, want %d\n%s\n%s", code, ExitFailOn, out, errOut)
	}
	var ov overview.Overview
	if err := json.Unmarshal([]byte(out), &ov); err != nil {
		t.Fatal(err)
	}
	exo := ov.Integrations[0]
	if exo.ID != sandbox.IntegrationExchangeOnline || exo.State != overview.StateRevoked || exo.NextStep != overview.StepRenew {
		t.Fatalf("the integration of a revoked certificate: %+v", exo)
	}
	c := ov.Certificates[0]
	if c.Status != certs.StatusRevoked || c.Revocation.Status != certs.RevocationRevoked || c.Revocation.RevokedAt == nil ||
		!c.Revocation.RevokedAt.Equal(revokedAt) || c.Revocation.Reason != "keyCompromise" || ov.Tiles.Invalid != 1 {
		t.Fatalf("the revoked certificate: %+v (tiles %+v)", c, ov.Tiles)
	}
	// The answer is cached: offline, status shows it without asking again.
	before := p.Requests("/issuing.cer")
	code, out, _ = runStatusCmd(t, env, "--json", "--db", db)
	if code != ExitOK || !strings.Contains(out, `"state":"revoked"`) || p.Requests("/issuing.cer") != before {
		t.Fatalf("offline status: exit %d, %s", code, out)
	}
}
