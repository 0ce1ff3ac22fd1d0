package pkitest

import (
	"crypto"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// The kit is layered: an Organisation (whose certificates they are), an
// OCES leaf of it that a PKI issues (Organisation.Leaf, the one place the
// OCES subject is spelt out), and its .p12 (PKI.P12).

// Organisation is the holder of OCES3 organisation certificates: its name
// (O) and CVR (organizationIdentifier NTRDK-<CVR>), in Denmark.
type Organisation struct {
	Name, CVR string
}

// TestkommuneNord is the organisation of the sandbox portal and the
// fixtures.
var TestkommuneNord = Organisation{Name: "Testkommune Nord", CVR: "29189889"}

// Leaf completes s as an OCES3 organisation certificate of o: C=DK, the
// organisation's name and CVR. The UUID and e-mail stay s's; so does the
// subject's order (Spec.OCESOrder).
func (o Organisation) Leaf(s Spec) Spec {
	s.Country, s.Org = "DK", o.Name
	if s.CVR == "" {
		s.CVR = o.CVR
	}
	return s
}

// Org is an organisation certificate with the CAs that issued it.
type Org struct {
	Root, CA, Leaf Issued
}

// Chain is the leaf, the issuing CA and the root, in DER.
func (o Org) Chain() [][]byte {
	return [][]byte{o.Leaf.Cert.Raw, o.CA.Cert.Raw, o.Root.Cert.Raw}
}

// NewOrg makes the OCES-like test CAs, dated from Now with RSA keys 0 and 1,
// and an organisation certificate of Testkommune Nord with the key. The
// issuing CA is in Testkommune Nord's organisation too, as the reader's
// golden files have it. The leaf's CN is postkasse@testkommune.dk unless
// the spec names one.
func NewOrg(t TB, leafKey crypto.Signer, s Spec) Org {
	t.Helper()
	p := NewPKI(t, PKIOptions{RootKey: RSAKey(t, 0), CAKey: RSAKey(t, 1), CAOrg: "Testkommune Nord"})
	if s.CN == "" {
		s.CN = "postkasse@testkommune.dk"
	}
	s.Country, s.Org, s.Key = "DK", "Testkommune Nord", leafKey
	return Org{p.Root, p.CA, p.Issue(t, s)}
}

// DefaultOrg is NewOrg with RSA key 2 and a fixed CVR, UUID and e-mail.
func DefaultOrg(t TB) Org {
	t.Helper()
	return NewOrg(t, RSAKey(t, 2), Spec{CVR: "29189889", UUID: "2b0a1d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e", Email: "postkasse@testkommune.dk"})
}

// RequireOpenSSL returns the path of the system's openssl. make test
// installs it, so a missing openssl is a failure, not a skip.
func RequireOpenSSL(t TB) string {
	t.Helper()
	path, err := exec.LookPath("openssl")
	if err != nil {
		t.Fatal("openssl is not installed; run make deps")
	}
	return path
}

// OpenSSLP12 exports the organisation certificate, its key and its chain as
// PKCS#12 with `openssl pkcs12 -export` and the extra arguments; the
// password is passed through the environment.
func OpenSSLP12(t testing.TB, o Org, password string, args ...string) []byte {
	t.Helper()
	openssl := RequireOpenSSL(t)
	dir := t.TempDir()
	leaf := WriteFile(t, dir, "leaf.pem", PEM("CERTIFICATE", o.Leaf.Cert.Raw))
	key := WriteFile(t, dir, "key.pem", PEM("PRIVATE KEY", PKCS8(t, o.Leaf.Key)))
	chain := WriteFile(t, dir, "chain.pem", append(PEM("CERTIFICATE", o.CA.Cert.Raw), PEM("CERTIFICATE", o.Root.Cert.Raw)...))
	out := filepath.Join(dir, "out.p12")
	full := append([]string{"pkcs12", "-export", "-in", leaf, "-inkey", key, "-certfile", chain,
		"-passout", "env:P12PASS", "-out", out}, args...)
	cmd := exec.Command(openssl, full...)
	cmd.Env = append(os.Environ(), "P12PASS="+password)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("openssl %v: %v\n%s", args, err, b)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
