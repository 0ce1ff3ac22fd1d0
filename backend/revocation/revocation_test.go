package revocation_test

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/errs"
	"dpgcerts/backend/revocation"
	"dpgcerts/backend/revocation/revocationtest"
)

// memCache is a Cache in memory, counting what was put.
type memCache struct {
	mu      sync.Mutex
	answers map[string]certs.Revocation
	issuers map[string][]byte
	puts    int
}

func newMemCache() *memCache {
	return &memCache{answers: map[string]certs.Revocation{}, issuers: map[string][]byte{}}
}

func (m *memCache) Revocation(_ context.Context, sha string) (certs.Revocation, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.answers[sha]
	return r, ok, nil
}

func (m *memCache) PutRevocation(_ context.Context, sha string, r certs.Revocation) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.answers[sha] = r
	m.puts++
	return nil
}

func (m *memCache) Issuer(_ context.Context, url string) ([]byte, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d, ok := m.issuers[url]
	return d, ok, nil
}

func (m *memCache) PutIssuer(_ context.Context, url string, der []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.issuers[url] = der
	return nil
}

// deadURL is a loopback address nobody listens on.
func deadURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr + "/"
}

func checker(now time.Time) *revocation.Checker {
	return revocation.New(revocation.Options{Now: func() time.Time { return now }, Client: revocation.NewClient(3 * time.Second)})
}

func check(t *testing.T, c *revocation.Checker, leaf revocationtest.Cert, chain ...*x509.Certificate) certs.Revocation {
	t.Helper()
	return c.Check(context.Background(), leaf.Cert, chain)
}

func wantStatus(t *testing.T, r certs.Revocation, status certs.RevocationStatus, code string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %q, want %q (%+v, error %+v)", r.Status, status, r, r.Error)
	}
	got := ""
	if r.Error != nil {
		got = r.Error.Code
		if r.Error.Message == "" {
			t.Errorf("error %q without a message", got)
		}
	}
	if got != code {
		t.Fatalf("error code %q (%+v), want %q", got, r.Error, code)
	}
}

// TestOCSP asks a real `openssl ocsp` responder, delegated by the issuing
// CA, signing with RSASSA-PSS, about a good and a revoked certificate.
func TestOCSP(t *testing.T) {
	p := revocationtest.New(t)
	url := p.StartOCSP(revocationtest.OCSPOptions{NextUpdateMinutes: 60, PSS: true})
	good := p.Leaf(revocationtest.LeafOptions{Name: "good@example.dk", OCSP: url})
	revoked := p.Leaf(revocationtest.LeafOptions{Name: "revoked@example.dk", OCSP: url})
	at := time.Now().Add(-2 * time.Hour).Truncate(time.Second).UTC()
	p.Revoke(revoked, at, "keyCompromise")
	c := checker(time.Now())

	r := check(t, c, good, p.CA.Cert)
	wantStatus(t, r, certs.RevocationGood, "")
	if r.Source != "ocsp" || r.CheckedAt.IsZero() || r.NextUpdate.IsZero() {
		t.Errorf("good: %+v", r)
	}
	if time.Until(r.NextUpdate) < 50*time.Minute {
		t.Errorf("nextUpdate %v, want about an hour ahead", r.NextUpdate)
	}

	r = check(t, c, revoked, p.CA.Cert)
	wantStatus(t, r, certs.RevocationRevoked, "")
	if r.Source != "ocsp" || r.RevokedAt == nil || !r.RevokedAt.Equal(at) || r.Reason != "keyCompromise" {
		t.Errorf("revoked: %+v (revokedAt %v, want %v)", r, r.RevokedAt, at)
	}

	// A long address makes the request too big for GET: it is POSTed.
	long := p.Leaf(revocationtest.LeafOptions{Name: "post@example.dk", OCSP: url + "ocsp/" + strings.Repeat("x", 200)})
	wantStatus(t, check(t, c, long, p.CA.Cert), certs.RevocationGood, "")
}

// TestOCSPSignedByCA: a responder that signs with the CA's own key, with
// and without the certificate in the response.
func TestOCSPSignedByCA(t *testing.T) {
	p := revocationtest.New(t)
	for _, noCerts := range []bool{false, true} {
		url := p.StartOCSP(revocationtest.OCSPOptions{Signer: &p.CA, NoCerts: noCerts})
		leaf := p.Leaf(revocationtest.LeafOptions{Name: "ca-signed@example.dk", OCSP: url})
		wantStatus(t, check(t, checker(time.Now()), leaf, p.CA.Cert), certs.RevocationGood, "")
	}
}

// TestIssuerFromAIA: the file holds only the leaf; the issuer is fetched
// from the caIssuers address once and kept in the cache.
func TestIssuerFromAIA(t *testing.T) {
	p := revocationtest.New(t)
	url := p.StartOCSP(revocationtest.OCSPOptions{})
	leaf := p.Leaf(revocationtest.LeafOptions{Name: "aia@example.dk", OCSP: url, CAIssuers: p.URL("/issuing.cer")})
	cache := newMemCache()
	c := revocation.New(revocation.Options{Cache: cache})
	wantStatus(t, check(t, c, leaf), certs.RevocationGood, "")
	if der := cache.issuers[p.URL("/issuing.cer")]; string(der) != string(p.CA.Cert.Raw) {
		t.Fatal("the fetched issuer is not cached")
	}
	// A new checker finds it in the cache, with the server gone wrong.
	p.Serve("/issuing.cer", []byte("gone"))
	wantStatus(t, check(t, revocation.New(revocation.Options{Cache: cache}), leaf), certs.RevocationGood, "")

	// An issuer that did not sign the leaf is refused.
	p.Serve("/rogue.cer", p.Rogue.Cert.Raw)
	leaf2 := p.Leaf(revocationtest.LeafOptions{Name: "aia2@example.dk", OCSP: url, CAIssuers: p.URL("/rogue.cer")})
	wantStatus(t, check(t, checker(time.Now()), leaf2), certs.RevocationUnknown, errs.RevocationNoIssuer)
	// No chain and no address: unknown.
	leaf3 := p.Leaf(revocationtest.LeafOptions{Name: "noaia@example.dk", OCSP: url})
	wantStatus(t, check(t, checker(time.Now()), leaf3), certs.RevocationUnknown, errs.RevocationNoIssuer)
}

// TestCRL: the responder is down, so the CRL made by `openssl ca -gencrl`
// answers.
func TestCRL(t *testing.T) {
	p := revocationtest.New(t)
	dead := deadURL(t)
	good := p.Leaf(revocationtest.LeafOptions{Name: "crl-good@example.dk", OCSP: dead, CRL: p.URL("/issuing.crl")})
	revoked := p.Leaf(revocationtest.LeafOptions{Name: "crl-revoked@example.dk", OCSP: dead, CRL: p.URL("/issuing.crl")})
	at := time.Now().Add(-3 * time.Hour).Truncate(time.Second).UTC()
	p.Revoke(revoked, at, "cessationOfOperation")
	p.GenCRL(24, true)
	c := checker(time.Now())

	r := check(t, c, good, p.CA.Cert)
	wantStatus(t, r, certs.RevocationGood, "")
	if r.Source != "crl" || r.NextUpdate.IsZero() {
		t.Errorf("good: %+v", r)
	}
	r = check(t, c, revoked, p.CA.Cert)
	wantStatus(t, r, certs.RevocationRevoked, "")
	if r.Source != "crl" || r.RevokedAt == nil || !r.RevokedAt.Equal(at) || r.Reason != "cessationOfOperation" {
		t.Errorf("revoked: %+v", r)
	}
	// Past the CRL's nextUpdate: unknown, never good.
	wantStatus(t, check(t, checker(time.Now().Add(25*time.Hour)), good, p.CA.Cert), certs.RevocationUnknown, errs.RevocationNotCurrent)

	// A CRL signed by another key with the CA's name.
	forged, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
		Number: bigOne, ThisUpdate: time.Now().Add(-time.Minute), NextUpdate: time.Now().Add(time.Hour),
	}, p.Rogue.Cert, p.Rogue.Key)
	if err != nil {
		t.Fatal(err)
	}
	p.Serve("/forged.crl", forged)
	leaf := p.Leaf(revocationtest.LeafOptions{Name: "crl-forged@example.dk", CRL: p.URL("/forged.crl")})
	wantStatus(t, check(t, checker(time.Now()), leaf, p.CA.Cert), certs.RevocationUnknown, errs.RevocationBadSignature)
	p.Serve("/garbage.crl", []byte("not a CRL at all"))
	leaf = p.Leaf(revocationtest.LeafOptions{Name: "crl-garbage@example.dk", CRL: p.URL("/garbage.crl")})
	wantStatus(t, check(t, checker(time.Now()), leaf, p.CA.Cert), certs.RevocationUnknown, errs.RevocationMalformed)
}

// TestBadAnswers: every answer that fails a check is unknown with its
// reason, never good.
func TestBadAnswers(t *testing.T) {
	p := revocationtest.New(t)
	honest := p.StartOCSP(revocationtest.OCSPOptions{NextUpdateMinutes: 10})
	rogue := p.StartOCSP(revocationtest.OCSPOptions{Signer: &p.Rogue})
	noEKU := p.StartOCSP(revocationtest.OCSPOptions{Signer: &p.NoEKU})
	other := p.Leaf(revocationtest.LeafOptions{Name: "other@example.dk", OCSP: honest})
	stale := p.Leaf(revocationtest.LeafOptions{Name: "stale@example.dk", OCSP: honest})
	replayed := p.Leaf(revocationtest.LeafOptions{Name: "replayed@example.dk", OCSP: p.URL("/replay")})
	p.Serve("/other-serial", p.FetchOCSP(honest, other))
	p.Serve("/replay", p.FetchOCSP(honest, replayed))
	garbage := make([]byte, 300)
	rand.Read(garbage)
	p.Serve("/garbage", garbage)
	p.Serve("/try-later", []byte{0x30, 0x03, 0x0A, 0x01, 0x03})

	now := time.Now()
	tests := []struct {
		name  string
		leaf  revocationtest.Cert
		clock time.Time
		code  string
	}{
		{"signed by an unrelated key", p.Leaf(revocationtest.LeafOptions{Name: "rogue@example.dk", OCSP: rogue}), now, errs.RevocationBadSignature},
		{"signed by a certificate not for OCSP", p.Leaf(revocationtest.LeafOptions{Name: "noeku@example.dk", OCSP: noEKU}), now, errs.RevocationBadSignature},
		{"stale: nextUpdate past", stale, now.Add(time.Hour), errs.RevocationNotCurrent},
		{"thisUpdate in the future", stale, now.Add(-time.Hour), errs.RevocationNotCurrent},
		{"responder down", p.Leaf(revocationtest.LeafOptions{Name: "down@example.dk", OCSP: deadURL(t)}), now, errs.RevocationUnreachable},
		{"another serial", p.Leaf(revocationtest.LeafOptions{Name: "serial@example.dk", OCSP: p.URL("/other-serial")}), now, errs.RevocationWrongCertificate},
		{"replayed answer: another nonce", replayed, now, errs.RevocationNonceMismatch},
		{"garbage bytes", p.Leaf(revocationtest.LeafOptions{Name: "garbage@example.dk", OCSP: p.URL("/garbage")}), now, errs.RevocationMalformed},
		{"HTTP 404", p.Leaf(revocationtest.LeafOptions{Name: "404@example.dk", OCSP: p.URL("/nothing-here")}), now, errs.RevocationUnreachable},
		{"tryLater", p.Leaf(revocationtest.LeafOptions{Name: "later@example.dk", OCSP: p.URL("/try-later")}), now, errs.RevocationResponderError},
		{"issuer of another CA", p.Leaf(revocationtest.LeafOptions{Name: "root-signed@example.dk", OCSP: honest, Signer: &p.Root}), now, errs.RevocationNoIssuer},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := check(t, checker(tc.clock), tc.leaf, p.CA.Cert)
			wantStatus(t, r, certs.RevocationUnknown, tc.code)
			// The message names the responder, not the encoded request.
			if len(r.Error.Message) > 300 {
				t.Errorf("a long message: %s", r.Error.Message)
			}
			t.Log(r.Error.Message)
		})
	}
	// The honest responder is fine for the same certificates.
	wantStatus(t, check(t, checker(now), stale, p.CA.Cert), certs.RevocationGood, "")
}

// TestRedirects: a redirect to another http address is followed, one to
// another scheme is not; a certificate without addresses is not checked.
func TestRedirects(t *testing.T) {
	p := revocationtest.New(t)
	p.GenCRL(24, false)
	p.Redirect("/moved.crl", p.URL("/issuing.crl"))
	p.Redirect("/to-file.crl", "file:///etc/passwd")
	leaf := p.Leaf(revocationtest.LeafOptions{Name: "moved@example.dk", CRL: p.URL("/moved.crl")})
	wantStatus(t, check(t, checker(time.Now()), leaf, p.CA.Cert), certs.RevocationGood, "")
	leaf = p.Leaf(revocationtest.LeafOptions{Name: "file@example.dk", CRL: p.URL("/to-file.crl")})
	wantStatus(t, check(t, checker(time.Now()), leaf, p.CA.Cert), certs.RevocationUnknown, errs.RevocationUnreachable)
	leaf = p.Leaf(revocationtest.LeafOptions{Name: "noaddress@example.dk"})
	wantStatus(t, check(t, checker(time.Now()), leaf, p.CA.Cert), certs.RevocationNotChecked, errs.RevocationNoAddress)
}

var bigOne = big.NewInt(1)
