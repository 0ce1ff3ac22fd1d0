// Package portaltest helps tests of the portal, the outbox and the CLI: it
// makes throwaway OCES-like certificates and .p12 files, and starts sandbox
// portals on loopback. It is for tests only.
package portaltest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"software.sslmate.com/src/go-pkcs12"

	"dpgcerts/backend/portal/sandbox"
)

var oidOrgID = asn1.ObjectIdentifier{2, 5, 4, 97}

// PKI is a test root and issuing CA named like the OCES test CAs.
type PKI struct {
	Root, CA       *x509.Certificate
	rootKey, caKey crypto.Signer
}

func newKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// NewPKI makes a fresh root and issuing CA.
func NewPKI(t testing.TB) *PKI {
	t.Helper()
	now := time.Now()
	p := &PKI{rootKey: newKey(t), caKey: newKey(t)}
	root := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject: pkix.Name{Country: []string{"DK"}, Organization: []string{"Den Danske Stat"},
			OrganizationalUnit: []string{"Test - cti"}, CommonName: "Den Danske Stat OCES rod-CA"},
		NotBefore: now.AddDate(-5, 0, 0), NotAfter: now.AddDate(10, 0, 0),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	p.Root = sign(t, root, root, p.rootKey.Public(), p.rootKey)
	ca := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject: pkix.Name{Country: []string{"DK"}, Organization: []string{"Den Danske Stat"},
			OrganizationalUnit: []string{"Test - cti"}, CommonName: "Den Danske Stat OCES udstedende-CA 1"},
		NotBefore: now.AddDate(-4, 0, 0), NotAfter: now.AddDate(8, 0, 0),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	p.CA = sign(t, ca, p.Root, p.caKey.Public(), p.rootKey)
	return p
}

func sign(t testing.TB, tmpl, parent *x509.Certificate, pub crypto.PublicKey, key crypto.Signer) *x509.Certificate {
	t.Helper()
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Leaf describes an organisation certificate. Zero fields get defaults: the
// sandbox's CVR, a fresh UUID, valid from a year ago for two more years.
type Leaf struct {
	CN, CVR, UUID, Email string
	NotBefore, NotAfter  time.Time
}

// Issued is a certificate with its key.
type Issued struct {
	Cert *x509.Certificate
	Key  crypto.Signer
}

// Issue makes an OCES3-like organisation certificate.
func (p *PKI) Issue(t testing.TB, l Leaf) Issued {
	t.Helper()
	now := time.Now()
	if l.CVR == "" {
		l.CVR = sandbox.OrgCVR
	}
	if l.UUID == "" {
		l.UUID = uuid.NewString()
	}
	if l.CN == "" {
		l.CN = "postkasse@testkommune-nord.dk"
	}
	if l.NotBefore.IsZero() {
		l.NotBefore = now.AddDate(-1, 0, 0)
	}
	if l.NotAfter.IsZero() {
		l.NotAfter = now.AddDate(2, 0, 0)
	}
	name := pkix.Name{Country: []string{"DK"}, Organization: []string{sandbox.OrgName}, CommonName: l.CN,
		SerialNumber: "UI:DK-O:G:" + l.UUID,
		ExtraNames:   []pkix.AttributeTypeAndValue{{Type: oidOrgID, Value: "NTRDK-" + l.CVR}}}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{
		SerialNumber: serial, Subject: name, NotBefore: l.NotBefore, NotAfter: l.NotAfter,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment | x509.KeyUsageKeyEncipherment,
	}
	if l.Email != "" {
		tmpl.EmailAddresses = []string{l.Email}
	}
	key := newKey(t)
	return Issued{Cert: sign(t, tmpl, p.CA, key.Public(), p.caKey), Key: key}
}

// P12 encodes the certificate, its key and the chain with the password
// (PBES2 AES-256, SHA-256 MAC, as OpenSSL 3 writes).
func (p *PKI) P12(t testing.TB, c Issued, password string) []byte {
	t.Helper()
	data, err := pkcs12.Modern2023.WithIterations(1000).Encode(c.Key, c.Cert, []*x509.Certificate{p.CA, p.Root}, password)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// P12WithKey encodes the certificate with another key: the key doesn't match.
func (p *PKI) P12WithKey(t testing.TB, c Issued, key crypto.Signer, password string) []byte {
	t.Helper()
	data, err := pkcs12.Modern2023.WithIterations(1000).Encode(key, c.Cert, []*x509.Certificate{p.CA, p.Root}, password)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// P12NoKey encodes the certificate and the chain without a private key.
func (p *PKI) P12NoKey(t testing.TB, c Issued, password string) []byte {
	t.Helper()
	data, err := pkcs12.Modern2023.WithIterations(1000).EncodeTrustStore([]*x509.Certificate{c.Cert, p.CA, p.Root}, password)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// NewKey is a fresh private key.
func NewKey(t testing.TB) crypto.Signer { return newKey(t) }

// WriteFile writes data as dir/name and returns the path.
func WriteFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// Sandbox starts a sandbox portal on 127.0.0.1:0 with its database in a
// temporary directory, and stops it when the test ends. It returns the
// portal's address (without /api/v1).
func Sandbox(t testing.TB, opts sandbox.Options) (string, *sandbox.Server) {
	t.Helper()
	if opts.DB == "" {
		opts.DB = filepath.Join(t.TempDir(), "sandbox.db")
	}
	srv, err := sandbox.Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	url, stop, err := srv.Start()
	if err != nil {
		srv.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stop()
		srv.Close()
	})
	return url, srv
}
