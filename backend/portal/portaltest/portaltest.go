// Package portaltest helps tests of the portal, the outbox and the CLI: it
// starts sandbox portals on loopback, and makes throwaway certificates of
// the sandbox's organisation and their .p12 files with internal/pkitest. It
// is for tests only.
package portaltest

import (
	"crypto"
	"crypto/x509"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"dpgcerts/backend/portal/sandbox"
	"dpgcerts/internal/pkitest"
)

// PKI is a test root and issuing CA named like the OCES test CAs.
type PKI struct {
	Root, CA *x509.Certificate
	pki      pkitest.PKI
}

// NewPKI makes a fresh root and issuing CA on the real clock, as the sandbox
// judges certificates by it: every certificate of the PKI is dated from the
// moment it was made.
func NewPKI(t testing.TB) *PKI {
	t.Helper()
	p := pkitest.NewPKI(t, pkitest.PKIOptions{Now: time.Now(), OU: "Test - cti"})
	return &PKI{Root: p.Root.Cert, CA: p.CA.Cert, pki: p}
}

// org is the sandbox's organisation.
var org = pkitest.Organisation{Name: sandbox.OrgName, CVR: sandbox.OrgCVR}

// Leaf describes an organisation certificate. Zero fields get defaults: the
// sandbox's CVR, a fresh UUID, valid from a year before the PKI was made
// for two more years.
type Leaf struct {
	CN, CVR, UUID, Email string
	NotBefore, NotAfter  time.Time
}

// Issued is a certificate with its key.
type Issued = pkitest.Issued

// Issue makes an OCES3-like organisation certificate of the sandbox's
// organisation.
func (p *PKI) Issue(t testing.TB, l Leaf) Issued {
	t.Helper()
	if l.UUID == "" {
		l.UUID = uuid.NewString()
	}
	if l.CN == "" {
		l.CN = "postkasse@testkommune-nord.dk"
	}
	return p.pki.Issue(t, org.Leaf(pkitest.Spec{CN: l.CN, CVR: l.CVR, UUID: l.UUID, Email: l.Email,
		NotBefore: l.NotBefore, NotAfter: l.NotAfter}))
}

// P12 encodes the certificate, its key and the chain with the password.
func (p *PKI) P12(t testing.TB, c Issued, password string) []byte {
	t.Helper()
	return p.pki.P12(t, c, password)
}

// P12WithKey encodes the certificate with another key: the key doesn't match.
func (p *PKI) P12WithKey(t testing.TB, c Issued, key crypto.Signer, password string) []byte {
	t.Helper()
	return p.pki.P12(t, Issued{Cert: c.Cert, Key: key}, password)
}

// P12NoKey encodes the certificate and the chain without a private key.
func (p *PKI) P12NoKey(t testing.TB, c Issued, password string) []byte {
	t.Helper()
	return pkitest.TrustStoreP12(t, pkitest.FastEncoder, append([]*x509.Certificate{c.Cert}, p.pki.Chain()...), password)
}

// NewKey is a fresh private key.
func NewKey(t testing.TB) crypto.Signer { return pkitest.NewECKey(t) }

// WriteFile writes data as dir/name and returns the path.
func WriteFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	return pkitest.WriteFile(t, dir, name, data)
}

// Sandbox starts a sandbox portal on 127.0.0.1:0 with its database in a
// temporary directory, and stops it when the test ends. It returns the
// portal's address (without /api/v1). The chaos seed comes from
// EnvChaosSeed unless opts names one, and the test's log shows it.
func Sandbox(t testing.TB, opts sandbox.Options) (string, *sandbox.Server) {
	t.Helper()
	if opts.DB == "" {
		opts.DB = filepath.Join(t.TempDir(), "sandbox.db")
	}
	if opts.ChaosSeed == 0 {
		opts.ChaosSeed = ChaosSeed(t)
	}
	srv, err := sandbox.Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("sandbox chaos seed %d (replay with %s=%d)", srv.ChaosSeed(), EnvChaosSeed, srv.ChaosSeed())
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
