package certs

import (
	"bytes"
	"strings"
	"testing"

	"dpgcerts/internal/pkitest"
)

// TestReadOpenSSLKeyFormats covers the PEM and DER containers OpenSSL
// writes besides PKCS#12: encrypted keys of several kinds, and PKCS#7.
func TestReadOpenSSLKeyFormats(t *testing.T) {
	pki := pkitest.DefaultOrg(t)
	dir := pkiDir(t, pki)
	leaf := pkitest.PEM("CERTIFICATE", pki.Leaf.Cert.Raw)
	withLeaf := func(key []byte) []byte { return append(append([]byte{}, key...), leaf...) }
	tests := []struct {
		name       string
		data       []byte
		passwords  []string
		status     Status
		encryption string
		keyMatch   bool
		chain      int
	}{
		{"PKCS#8 PBES2 AES-256 with scrypt", withLeaf(opensslRun(t, dir, "k.pem", "pkcs8", "-topk8", "-in", "key.pem", "-scrypt", "-passout", "env:P12PASS", "-out", "k.pem")),
			[]string{pw}, StatusValid, "PBES2 scrypt AES-256-CBC", true, 0},
		{"PKCS#8 PBES2 with HMAC-SHA1", withLeaf(opensslRun(t, dir, "k1.pem", "pkcs8", "-topk8", "-in", "key.pem", "-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA1", "-passout", "env:P12PASS", "-out", "k1.pem")),
			[]string{pw}, StatusValid, "PBES2 PBKDF2-HMAC-SHA1 AES-128-CBC", true, 0},
		{"PKCS#8 PBES2 3DES with HMAC-SHA512", withLeaf(opensslRun(t, dir, "k2.pem", "pkcs8", "-topk8", "-in", "key.pem", "-v2", "des3", "-v2prf", "hmacWithSHA512", "-passout", "env:P12PASS", "-out", "k2.pem")),
			[]string{pw}, StatusValid, "PBES2 PBKDF2-HMAC-SHA512 3DES-CBC", true, 0},
		{"PKCS#8 PKCS#12 PBE 3DES", withLeaf(opensslRun(t, dir, "k3.pem", "pkcs8", "-topk8", "-in", "key.pem", "-v1", "PBE-SHA1-3DES", "-passout", "env:P12PASS", "-out", "k3.pem")),
			[]string{pw}, StatusValid, "PKCS#12 PBE SHA-1 3DES-CBC", true, 0},
		{"traditional OpenSSL encrypted key", withLeaf(opensslRun(t, dir, "k4.pem", "rsa", "-in", "key.pem", "-aes256", "-traditional", "-passout", "env:P12PASS", "-out", "k4.pem")),
			[]string{pw}, StatusValid, "PEM AES-256-CBC", true, 0},
		{"encrypted key, wrong password", withLeaf(opensslRun(t, dir, "k5.pem", "pkcs8", "-topk8", "-in", "key.pem", "-passout", "env:P12PASS", "-out", "k5.pem")),
			[]string{"wrong"}, StatusLocked, "PBES2", false, 0},
		{"PKCS#7 bundle, DER", opensslRun(t, dir, "b.p7b", "crl2pkcs7", "-nocrl", "-certfile", "leaf.pem", "-certfile", "chain.pem", "-outform", "DER", "-out", "b.p7b"),
			nil, StatusValid, "", false, 2},
		{"PKCS#7 bundle, PEM", opensslRun(t, dir, "b.pem", "crl2pkcs7", "-nocrl", "-certfile", "chain.pem", "-certfile", "leaf.pem", "-out", "b.pem"),
			nil, StatusValid, "", false, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Read(tt.data, Options{Passwords: tt.passwords, Now: testNow, WarnDays: 30})
			if f.Status != tt.status {
				t.Fatalf("status %s (%v), want %s", f.Status, f.Error, tt.status)
			}
			if !strings.Contains(f.Encryption, tt.encryption) {
				t.Errorf("encryption %q, want %q", f.Encryption, tt.encryption)
			}
			if f.KeyMatchesCertificate != tt.keyMatch {
				t.Errorf("keyMatchesCertificate %v", f.KeyMatchesCertificate)
			}
			if len(f.Chain) != tt.chain {
				t.Errorf("chain %d, want %d", len(f.Chain), tt.chain)
			}
			if f.Certificate == nil || !bytes.Equal(f.Certificate.Raw, pki.Leaf.Cert.Raw) {
				t.Errorf("primary is not the leaf")
			}
		})
	}
}
