package certs

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"dpgcerts/internal/pkitest"
)

// Test certificates are made on each run and dated from this fixed clock.
var testNow = pkitest.Now

// testPKI is a root, an issuing CA and an organisation certificate.
type testPKI = pkitest.Org

// opensslRun runs openssl with args in dir and returns the named output file.
func opensslRun(t testing.TB, dir, out string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(pkitest.RequireOpenSSL(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "P12PASS="+pw)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("openssl %v: %v\n%s", args, err, b)
	}
	data, err := os.ReadFile(filepath.Join(dir, out))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// pkiDir writes the PKI's certificates and key as PEM into a new folder.
func pkiDir(t testing.TB, pki testPKI) string {
	dir := t.TempDir()
	pkitest.WriteFile(t, dir, "leaf.pem", pkitest.PEM("CERTIFICATE", pki.Leaf.Cert.Raw))
	pkitest.WriteFile(t, dir, "chain.pem", append(pkitest.PEM("CERTIFICATE", pki.CA.Cert.Raw), pkitest.PEM("CERTIFICATE", pki.Root.Cert.Raw)...))
	pkitest.WriteFile(t, dir, "key.pem", pkitest.PEM("PRIVATE KEY", pkitest.PKCS8(t, pki.Leaf.Key)))
	return dir
}
