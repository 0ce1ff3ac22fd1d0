package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/config"
	"dpgcerts/backend/errs"
	"dpgcerts/backend/revocation/revocationtest"
)

type scanReport struct {
	Files []certs.File `json:"files"`
}

func runScanCLI(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	env[config.EnvKeychain] = "off"
	if args[0] != "scan" {
		t.Fatalf("not a scan: %v", args)
	}
	code := runScan(args[1:], &stdout, &stderr, func(k string) string { return env[k] })
	return code, stdout.String(), stderr.String()
}

func byName(t *testing.T, out string) map[string]certs.File {
	t.Helper()
	var r scanReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	m := map[string]certs.File{}
	for _, f := range r.Files {
		m[filepath.Base(f.Path)] = f
	}
	return m
}

// TestScanRevocation is the issue's "done when": `dpgcerts scan
// --revocation --json` over a folder with a good and a revoked OCES3-style
// certificate, the issuer and a real `openssl ocsp` responder on loopback,
// reports good and revoked with the revocation time; a forged or a stale
// answer reports unknown.
func TestScanRevocation(t *testing.T) {
	p := revocationtest.New(t)
	ocspURL := p.StartOCSP(revocationtest.OCSPOptions{NextUpdateMinutes: 30, PSS: true})
	forger := p.StartOCSP(revocationtest.OCSPOptions{Signer: &p.Rogue, NextUpdateMinutes: 30})
	good := p.Leaf(revocationtest.LeafOptions{Name: "digitalpost@kommune.dk", OCSP: ocspURL})
	// The revoked one comes as a .p12 without the chain: its issuer is
	// fetched from the AIA caIssuers address.
	revoked := p.Leaf(revocationtest.LeafOptions{Name: "exchange@kommune.dk", OCSP: ocspURL, CAIssuers: p.URL("/issuing.cer")})
	forged := p.Leaf(revocationtest.LeafOptions{Name: "forged@kommune.dk", OCSP: forger})
	revokedAt := time.Now().Add(-26 * time.Hour).Truncate(time.Second).UTC()
	p.Revoke(revoked, revokedAt, "keyCompromise")
	p.Revoke(forged, revokedAt, "keyCompromise") // the forger still says good

	dir := t.TempDir()
	write := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("good.pem", append(good.PEM(true), p.CA.PEM(false)...))
	pfx, err := pkcs12.Modern.Encode(revoked.Key, revoked.Cert, nil, "Kode-2026!")
	if err != nil {
		t.Fatal(err)
	}
	write("revoked.p12", pfx)
	write("forged.pem", append(forged.PEM(true), p.CA.PEM(false)...))
	pwFile := filepath.Join(t.TempDir(), "passwords.txt")
	os.WriteFile(pwFile, []byte("Kode-2026!\n"), 0o600)
	db := filepath.Join(t.TempDir(), "cache.db")

	code, out, stderr := runScanCLI(t, map[string]string{}, "scan", "--revocation", "--json", "--passwords", pwFile, "--db", db, dir)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	files := byName(t, out)
	g := files["good.pem"]
	if g.Status != certs.StatusValid || g.Certificate.Revocation == nil || g.Certificate.Revocation.Status != certs.RevocationGood ||
		g.Certificate.Revocation.Source != "ocsp" || g.Certificate.Revocation.CheckedAt.IsZero() {
		t.Errorf("good.pem: %s, %+v", g.Status, g.Certificate.Revocation)
	}
	r := files["revoked.p12"]
	if r.Status != certs.StatusRevoked || r.Certificate.Revocation == nil || r.Certificate.Revocation.Status != certs.RevocationRevoked ||
		r.Certificate.Revocation.RevokedAt == nil || !r.Certificate.Revocation.RevokedAt.Equal(revokedAt) || r.Certificate.Revocation.Reason != "keyCompromise" {
		t.Errorf("revoked.p12: %s, %+v", r.Status, r.Certificate.Revocation)
	}
	if f := files["forged.pem"]; f.Status != certs.StatusValid || f.Certificate.Revocation.Status != certs.RevocationUnknown ||
		f.Certificate.Revocation.Error == nil || f.Certificate.Revocation.Error.Code != errs.RevocationBadSignature {
		t.Errorf("forged.pem: %s, %+v", f.Status, f.Certificate.Revocation)
	}
	// The JSON field names are the contract.
	for _, want := range []string{`"revocation":{"status":"good","checkedAt":"`, `"status":"revoked"`, `"source":"ocsp"`,
		`"revokedAt":"` + revokedAt.Format(time.RFC3339) + `"`, `"reason":"keyCompromise"`, `"error":{"code":"revocation_bad_signature"`} {
		if !strings.Contains(out, want) {
			t.Errorf("the JSON lacks %s", want)
		}
	}

	// revoked ranks with expired for --fail-on.
	if code, _, stderr := runScanCLI(t, map[string]string{}, "scan", "--revocation", "--passwords", pwFile, "--db", db, "--fail-on", "expired", dir); code != ExitFailOn {
		t.Errorf("--fail-on expired: exit %d: %s", code, stderr)
	}
	if code, out, stderr := runScanCLI(t, map[string]string{}, "scan", "--revocation", "--passwords", pwFile, "--db", db, "--fail-on", "revoked", filepath.Join(dir, "good.pem")); code != ExitOK {
		t.Errorf("--fail-on revoked over the good file: exit %d\n%s%s", code, out, stderr)
	}
	// The table has the column, the time and the reason.
	_, table, _ := runScanCLI(t, map[string]string{}, "scan", "--revocation", "--passwords", pwFile, "--db", db, dir)
	for _, want := range []string{"REVOCATION", "revoked " + revokedAt.Format("2006-01-02") + " (keyCompromise)", "good", "revocation unknown:", "1 revoked"} {
		if !strings.Contains(table, want) {
			t.Errorf("the table lacks %q:\n%s", want, table)
		}
	}

	// Stale: an hour on, the responder's answers (nextUpdate 30 minutes) are
	// out of date. Without the cache, the answer is asked for and refused.
	later := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	code, out, stderr = runScanCLI(t, map[string]string{config.EnvNow: later}, "scan", "--revocation", "--json", "--no-cache", filepath.Join(dir, "good.pem"))
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if s := byName(t, out)["good.pem"]; s.Certificate.Revocation.Status != certs.RevocationUnknown || s.Certificate.Revocation.Error.Code != errs.RevocationNotCurrent {
		t.Errorf("stale: %+v", s.Certificate.Revocation)
	}

	// Without --revocation nothing is asked and nothing is said.
	_, out, _ = runScanCLI(t, map[string]string{}, "scan", "--json", "--no-cache", filepath.Join(dir, "good.pem"))
	if strings.Contains(out, `"revocation"`) {
		t.Errorf("revocation without --revocation: %s", out)
	}
}
