package pkitest

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestOpenSSLReadsBER makes sure the BER test files are real: OpenSSL
// accepts them too.
func TestOpenSSLReadsBER(t *testing.T) {
	openssl := RequireOpenSSL(t)
	dir := t.TempDir()
	WriteCollection(t, dir, 1<<10)
	for _, name := range []string{"windows-ber.pfx", "java-ber-aes.p12", "pbkdf2-sha1-aes128.p12", "azure-root-first.pfx"} {
		cmd := exec.Command(openssl, "pkcs12", "-legacy", "-in", filepath.Join(dir, "pkcs12", name), "-passin", "env:PW", "-noout")
		cmd.Env = append(os.Environ(), "PW="+CollectionPasswords[0])
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("openssl refuses %s: %v\n%s", name, err, b)
		}
	}
}

// TestSubjects pins the two subject orders (RFC 4514 strings list the last
// attribute first): Go's, which the reader's golden files have, and real
// OCES3 certificates' C, organizationIdentifier, O, serialNumber, CN.
func TestSubjects(t *testing.T) {
	p := NewPKI(t, PKIOptions{})
	s := Spec{CN: "post@testkommune.dk", Org: "Testkommune Nord", Country: "DK", CVR: "29189889", UUID: "u-1"}
	tests := []struct {
		name      string
		ocesOrder bool
		want      string
	}{
		{"Go's order", false, "2.5.4.97=#130e4e5452444b2d3239313839383839,SERIALNUMBER=UI:DK-O:G:u-1,CN=post@testkommune.dk,O=Testkommune Nord,C=DK"},
		{"OCES order", true, "CN=post@testkommune.dk,SERIALNUMBER=UI:DK-O:G:u-1,O=Testkommune Nord,2.5.4.97=#130e4e5452444b2d3239313839383839,C=DK"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.OCESOrder = tt.ocesOrder
			c := p.Issue(t, s).Cert
			var rdns pkix.RDNSequence
			if _, err := asn1.Unmarshal(c.RawSubject, &rdns); err != nil {
				t.Fatal(err)
			}
			if got := rdns.String(); got != tt.want {
				t.Errorf("subject %s, want %s", got, tt.want)
			}
			if err := c.CheckSignatureFrom(p.CA.Cert); err != nil {
				t.Error(err)
			}
			if c.IsCA || c.KeyUsage&x509.KeyUsageCertSign != 0 {
				t.Error("a leaf is a CA")
			}
		})
	}
	if !p.CA.Cert.IsCA || p.CA.Cert.Subject.CommonName != CACN || p.Root.Cert.Subject.CommonName != RootCN {
		t.Errorf("CAs %v, %v", p.CA.Cert.Subject, p.Root.Cert.Subject)
	}
}
