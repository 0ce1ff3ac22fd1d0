// Package pkitest makes throwaway certificates for tests: a root and issuing
// CA named like the OCES test CAs, OCES3-like organisation certificates, and
// their PKCS#12 (.p12) and PEM files. Everything is made fresh on each run,
// dated from a clock the caller gives (Now by default).
//
// It is imported only by tests and by e2e/fixtures. It doesn't import
// backend/certs, so backend/certs's own tests can use it.
package pkitest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"sync"
	"time"

	"software.sslmate.com/src/go-pkcs12"
)

// Now is the fixed clock tests date their certificates from.
var Now = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// TB is the part of testing.TB the builders use. Tests pass their
// *testing.T; e2e/fixtures, which has none, passes Panic.
type TB interface {
	Helper()
	Fatal(args ...any)
}

type panicTB struct{}

func (panicTB) Helper()           {}
func (panicTB) Fatal(args ...any) { panic(args) }

// Panic is a TB for programs: a failure panics.
var Panic TB = panicTB{}

// The names of the OCES test CAs.
const (
	RootCN = "Den Danske Stat OCES rod-CA"
	CACN   = "Den Danske Stat OCES udstedende-CA 1"
	// CAOrg is the CAs' organisation.
	CAOrg = "Den Danske Stat"
)

var (
	oidCountry                = asn1.ObjectIdentifier{2, 5, 4, 6}
	oidOrganization           = asn1.ObjectIdentifier{2, 5, 4, 10}
	oidOrganizationalUnit     = asn1.ObjectIdentifier{2, 5, 4, 11}
	oidSerialNumber           = asn1.ObjectIdentifier{2, 5, 4, 5}
	oidCommonName             = asn1.ObjectIdentifier{2, 5, 4, 3}
	oidOrganizationIdentifier = asn1.ObjectIdentifier{2, 5, 4, 97}
)

var rsaPool = sync.OnceValue(func() []*rsa.PrivateKey {
	keys := make([]*rsa.PrivateKey, 4)
	var wg sync.WaitGroup
	for i := range keys {
		wg.Go(func() {
			k, err := rsa.GenerateKey(rand.Reader, 2048)
			if err != nil {
				panic(err)
			}
			keys[i] = k
		})
	}
	wg.Wait()
	return keys
})

// RSAKey returns the i-th (0 to 3) of four RSA 2048 keys made once per
// process, since RSA key generation is slow. Two certificates that must not
// share a key take different i.
func RSAKey(t TB, i int) *rsa.PrivateKey {
	t.Helper()
	keys := rsaPool()
	if i < 0 || i >= len(keys) {
		t.Fatal("pkitest: no RSA key", i)
	}
	return keys[i]
}

// NewRSAKey makes a fresh RSA 2048 key.
func NewRSAKey(t TB) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// NewECKey makes a fresh ECDSA P-256 key.
func NewECKey(t TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// NewEd25519Key makes a fresh Ed25519 key.
func NewEd25519Key(t TB) ed25519.PrivateKey {
	t.Helper()
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// Issued is a certificate with its private key.
type Issued struct {
	Cert *x509.Certificate
	Key  crypto.Signer
}

// Spec describes a certificate. Zero fields are left out of the subject or
// get the default that the field's comment names.
type Spec struct {
	CN      string
	Org     string // O
	OU      string
	Country string // C
	// CVR adds the organizationIdentifier "NTRDK-<CVR>", as OCES3
	// organisation certificates carry it.
	CVR string
	// UUID sets the subject's serialNumber to "UI:DK-O:G:<UUID>".
	UUID  string
	Email string // the e-mail SAN
	// OCESOrder writes the subject in the order real OCES3 certificates
	// have: C, organizationIdentifier, O, OU, serialNumber, CN. Otherwise it
	// is Go's pkix.Name order: C, O, OU, CN, serialNumber,
	// organizationIdentifier.
	OCESOrder bool

	NotBefore time.Time // Now less a year
	NotAfter  time.Time // Now plus two years
	IsCA      bool      // a CA: key usage certSign and cRLSign
	Serial    *big.Int  // random below 2^62
	Key       crypto.Signer
	// Tweak, when set, changes the template last, e.g. to add URLs.
	Tweak func(*x509.Certificate)
}

// Optional is the list of s, or no list when s is empty: for a
// certificate's optional fields.
func Optional(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// subject returns the pkix.Name, or the raw DER subject in OCES order.
func (s Spec) subject(t TB) (pkix.Name, []byte) {
	t.Helper()
	if !s.OCESOrder {
		n := pkix.Name{CommonName: s.CN, Country: Optional(s.Country), Organization: Optional(s.Org), OrganizationalUnit: Optional(s.OU)}
		if s.UUID != "" {
			n.SerialNumber = "UI:DK-O:G:" + s.UUID
		}
		if s.CVR != "" {
			n.ExtraNames = []pkix.AttributeTypeAndValue{{Type: oidOrganizationIdentifier, Value: "NTRDK-" + s.CVR}}
		}
		return n, nil
	}
	var seq pkix.RDNSequence
	add := func(oid asn1.ObjectIdentifier, v string) {
		if v != "" {
			seq = append(seq, []pkix.AttributeTypeAndValue{{Type: oid, Value: v}})
		}
	}
	add(oidCountry, s.Country)
	if s.CVR != "" {
		add(oidOrganizationIdentifier, "NTRDK-"+s.CVR)
	}
	add(oidOrganization, s.Org)
	add(oidOrganizationalUnit, s.OU)
	if s.UUID != "" {
		add(oidSerialNumber, "UI:DK-O:G:"+s.UUID)
	}
	add(oidCommonName, s.CN)
	der, err := asn1.Marshal(seq)
	if err != nil {
		t.Fatal(err)
	}
	return pkix.Name{}, der
}

// SelfSigned makes a self-signed certificate, such as a root CA. Without a
// Spec.Key it makes an ECDSA P-256 key.
func SelfSigned(t TB, s Spec) Issued {
	t.Helper()
	if s.Key == nil {
		s.Key = NewECKey(t)
	}
	return sign(t, s, nil)
}

// Issue makes a certificate that i signs. Without a Spec.Key it makes an
// ECDSA P-256 key.
func (i Issued) Issue(t TB, s Spec) Issued {
	t.Helper()
	if s.Key == nil {
		s.Key = NewECKey(t)
	}
	return sign(t, s, &i)
}

func sign(t TB, s Spec, issuer *Issued) Issued {
	t.Helper()
	if s.NotBefore.IsZero() {
		s.NotBefore = Now.AddDate(-1, 0, 0)
	}
	if s.NotAfter.IsZero() {
		s.NotAfter = Now.AddDate(2, 0, 0)
	}
	if s.Serial == nil {
		n, err := rand.Int(rand.Reader, big.NewInt(1<<62))
		if err != nil {
			t.Fatal(err)
		}
		s.Serial = n
	}
	name, raw := s.subject(t)
	tmpl := &x509.Certificate{
		SerialNumber:          s.Serial,
		Subject:               name,
		RawSubject:            raw,
		NotBefore:             s.NotBefore,
		NotAfter:              s.NotAfter,
		IsCA:                  s.IsCA,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment | x509.KeyUsageKeyEncipherment,
	}
	if s.IsCA {
		tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
	}
	if s.Email != "" {
		tmpl.EmailAddresses = []string{s.Email}
	}
	parent, signer := tmpl, s.Key
	if issuer != nil {
		parent, signer = issuer.Cert, issuer.Key
	}
	// The OCES CAs sign with RSASSA-PSS.
	if _, ok := signer.(*rsa.PrivateKey); ok {
		tmpl.SignatureAlgorithm = x509.SHA256WithRSAPSS
	}
	if s.Tweak != nil {
		s.Tweak(tmpl)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, s.Key.Public(), signer)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return Issued{Cert: c, Key: s.Key}
}

// PKI is a root and an issuing CA, and the clock their certificates are
// dated from: Now unless PKIOptions.Now chose another (the real time, for
// peers that judge by it: the sandbox, an OCSP responder).
type PKI struct {
	Root, CA Issued
	Now      time.Time
}

// PKIOptions shape NewPKI's CAs. The zero value makes ECDSA P-256 keys and
// dates from Now.
type PKIOptions struct {
	Now            time.Time // the clock the CAs' dates count from; Now when zero
	RootKey, CAKey crypto.Signer
	OU             string // the CAs' organizational unit
	CAOrg          string // the issuing CA's organisation; CAOrg when empty
	RootNotBefore  time.Time
	RootNotAfter   time.Time
	CANotBefore    time.Time
	CANotAfter     time.Time
	OCESOrder      bool // the subjects in OCES order (see Spec)
	RandomSerials  bool // random serial numbers instead of 1 and 2
}

// NewPKI makes a root and an issuing CA named like the OCES test CAs, in
// Denmark: the root valid from five years before now for ten more, the CA
// from four years before for eight more, unless the options say otherwise.
func NewPKI(t TB, o PKIOptions) PKI {
	t.Helper()
	now := o.Now
	if now.IsZero() {
		now = Now
	}
	or := func(v, d time.Time) time.Time {
		if v.IsZero() {
			return d
		}
		return v
	}
	rootSerial, caSerial := big.NewInt(1), big.NewInt(2)
	if o.RandomSerials {
		rootSerial, caSerial = nil, nil
	}
	root := SelfSigned(t, Spec{CN: RootCN, Org: CAOrg, OU: o.OU, Country: "DK", OCESOrder: o.OCESOrder, IsCA: true,
		NotBefore: or(o.RootNotBefore, now.AddDate(-5, 0, 0)), NotAfter: or(o.RootNotAfter, now.AddDate(10, 0, 0)),
		Serial: rootSerial, Key: o.RootKey})
	caOrg := o.CAOrg
	if caOrg == "" {
		caOrg = CAOrg
	}
	ca := root.Issue(t, Spec{CN: CACN, Org: caOrg, OU: o.OU, Country: "DK", OCESOrder: o.OCESOrder, IsCA: true,
		NotBefore: or(o.CANotBefore, now.AddDate(-4, 0, 0)), NotAfter: or(o.CANotAfter, now.AddDate(8, 0, 0)),
		Serial: caSerial, Key: o.CAKey})
	return PKI{Root: root, CA: ca, Now: now}
}

// Issue makes a certificate that the issuing CA signs, valid from a year
// before the PKI's clock for two more years unless the spec says otherwise.
func (p PKI) Issue(t TB, s Spec) Issued {
	t.Helper()
	now := p.Now
	if now.IsZero() {
		now = Now
	}
	if s.NotBefore.IsZero() {
		s.NotBefore = now.AddDate(-1, 0, 0)
	}
	if s.NotAfter.IsZero() {
		s.NotAfter = now.AddDate(2, 0, 0)
	}
	return p.CA.Issue(t, s)
}

// P12 encodes the issued certificate, its key and the PKI's chain with the
// password, as OpenSSL 3 writes them (PBES2 AES-256, SHA-256 MAC) with few
// iterations, to keep tests fast.
func (p PKI) P12(t TB, c Issued, password string) []byte {
	t.Helper()
	return P12(t, FastEncoder, c.Key, c.Cert, p.Chain(), password)
}

// FastEncoder writes what OpenSSL 3 writes (PBES2 AES-256, SHA-256 MAC),
// with 1,000 iterations instead of 2,048.
var FastEncoder = pkcs12.Modern2023.WithIterations(1000)

// Chain is the issuing CA and the root, as a .p12 carries them after the
// leaf.
func (p PKI) Chain() []*x509.Certificate {
	return []*x509.Certificate{p.CA.Cert, p.Root.Cert}
}

// P12 encodes the key, the certificate and the chain with the password.
func P12(t TB, enc *pkcs12.Encoder, key crypto.Signer, cert *x509.Certificate, chain []*x509.Certificate, password string) []byte {
	t.Helper()
	data, err := enc.Encode(key, cert, chain, password)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TrustStoreP12 encodes certificates without a private key.
func TrustStoreP12(t TB, enc *pkcs12.Encoder, certs []*x509.Certificate, password string) []byte {
	t.Helper()
	data, err := enc.EncodeTrustStore(certs, password)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// PKCS8 is the key in PKCS#8 DER.
func PKCS8(t TB, key crypto.Signer) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// PEM encodes DER as one PEM block of the type.
func PEM(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

// WriteFile writes data as dir/name (name may have slashes; folders are
// made) with mode 0600, and returns the path.
func WriteFile(t TB, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
