// Package revocation asks a certificate's CA whether the certificate is
// revoked: OCSP (RFC 6960) at the address in its Authority Information
// Access extension, else the CRL at its distribution point. Every answer is
// verified (the signer, the serial, the time, the nonce); an answer that
// fails a check is "unknown", never "good".
//
// The addresses come from the certificate itself, never from this code.
package revocation

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/errs"
)

// Sources of an answer.
const (
	SourceOCSP = "ocsp"
	SourceCRL  = "crl"
)

// Limits. A revocation check runs in the background of a scan, so a dead
// responder must not hold it up for long.
const (
	DefaultTimeout = 10 * time.Second
	dialTimeout    = 5 * time.Second
	maxRedirects   = 3
	maxOCSPSize    = 1 << 20
	maxCRLSize     = 32 << 20
	maxIssuerSize  = 1 << 20
	// DefaultMaxAge is how long an answer is reused at most, even when the
	// CA promises nothing newer for longer.
	DefaultMaxAge = 24 * time.Hour
	// clockSkew is how far a desktop's clock may be off from the CA's
	// before an answer counts as dated in the future.
	clockSkew = 5 * time.Minute
	// DefaultWorkers bounds the checks running at once: a few, to be polite
	// to the CA.
	DefaultWorkers = 4
)

// Cache keeps answers and fetched issuers between runs. *store.Store
// implements it.
type Cache interface {
	// Revocation returns the last answer for the certificate with this
	// SHA-256 (lower-case hex).
	Revocation(ctx context.Context, sha256 string) (certs.Revocation, bool, error)
	PutRevocation(ctx context.Context, sha256 string, r certs.Revocation) error
	// Issuer returns the DER of the certificate fetched from a caIssuers
	// address.
	Issuer(ctx context.Context, url string) ([]byte, bool, error)
	PutIssuer(ctx context.Context, url string, der []byte) error
}

// Options tune a Checker. The zero value works.
type Options struct {
	// Client makes the requests; nil means one with short timeouts that
	// follows redirects only to http and https.
	Client *http.Client
	// Cache, if not nil, keeps answers and issuers.
	Cache Cache
	// Now is the clock answers are judged by; nil means time.Now.
	Now func() time.Time
	// MaxAge bounds how long an answer is reused; zero means DefaultMaxAge.
	MaxAge time.Duration
	// Workers bounds the checks in parallel; zero means DefaultWorkers.
	Workers int
}

// Checker checks certificates. It is safe for concurrent use; CRLs and
// issuers it fetched are kept for its lifetime, since many certificates
// share one.
type Checker struct {
	client  *http.Client
	cache   Cache
	now     func() time.Time
	maxAge  time.Duration
	workers int

	mu      sync.Mutex
	crls    map[string]*crlFetch
	issuers map[string]*x509.Certificate
}

// New makes a Checker.
func New(o Options) *Checker {
	c := &Checker{client: o.Client, cache: o.Cache, now: o.Now, maxAge: o.MaxAge, workers: o.Workers,
		crls: map[string]*crlFetch{}, issuers: map[string]*x509.Certificate{}}
	if c.client == nil {
		c.client = NewClient(DefaultTimeout)
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.maxAge <= 0 {
		c.maxAge = DefaultMaxAge
	}
	if c.workers <= 0 {
		c.workers = DefaultWorkers
	}
	return c
}

// NewClient is an HTTP client for OCSP, CRLs and issuers: short timeouts,
// at most three redirects, and none that leaves http(s).
func NewClient(timeout time.Duration) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = (&net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second}).DialContext
	tr.ResponseHeaderTimeout = timeout
	tr.TLSHandshakeTimeout = dialTimeout
	return &http.Client{
		Transport: tr,
		Timeout:   timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= maxRedirects {
				return errors.New("too many redirects")
			}
			if !httpURL(req.URL.String()) {
				return fmt.Errorf("redirect to %s:// refused", req.URL.Scheme)
			}
			return nil
		},
	}
}

// httpURL says whether s is an http or https address: certificates may also
// name ldap:// distribution points, which this checker doesn't speak.
func httpURL(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
}

// failure is a check that gave no verified answer: the app's one error
// shape, with the code the window translates.
type failure = errs.Error

func fail(code, format string, a ...any) *failure { return errs.Newf(code, format, a...) }

// unknown is the answer for a check that failed.
func unknown(now time.Time, source string, f *failure) certs.Revocation {
	return certs.Revocation{Status: certs.RevocationUnknown, CheckedAt: now.UTC(), Source: source,
		Error: &errs.Error{Code: f.Code, Message: f.Message}}
}

// NotChecked is the answer for a certificate nobody was asked about.
func NotChecked(code, message string) certs.Revocation {
	return certs.Revocation{Status: certs.RevocationNotChecked, Error: &errs.Error{Code: code, Message: message}}
}

// Check asks the CA about leaf, without the cache. The issuer is taken from
// chain (the file's other certificates), else fetched from the AIA
// caIssuers address. OCSP comes first; the CRL is asked when OCSP gives no
// verified good or revoked answer.
func (c *Checker) Check(ctx context.Context, leaf *x509.Certificate, chain []*x509.Certificate) certs.Revocation {
	now := c.now()
	var ocspURLs, crlURLs []string
	for _, u := range leaf.OCSPServer {
		if httpURL(u) {
			ocspURLs = append(ocspURLs, u)
		}
	}
	for _, u := range leaf.CRLDistributionPoints {
		if httpURL(u) {
			crlURLs = append(crlURLs, u)
		}
	}
	if len(ocspURLs) == 0 && len(crlURLs) == 0 {
		return NotChecked(errs.RevocationNoAddress, "The certificate names no OCSP responder and no CRL to ask.")
	}
	issuer, ferr := c.issuerOf(ctx, leaf, chain)
	if ferr != nil {
		return unknown(now, "", ferr)
	}
	var first *failure
	firstSource := ""
	// The answer tells the first failure, but one that says something about
	// the CA's answer (forged, out of date) wins over an address that was down.
	note := func(source string, f *failure) {
		if first == nil || (first.Code == errs.RevocationUnreachable && f.Code != errs.RevocationUnreachable) {
			first, firstSource = f, source
		}
	}
	for _, u := range ocspURLs {
		r, f := c.askOCSP(ctx, u, leaf, issuer)
		if f == nil {
			return r
		}
		note(SourceOCSP, f)
	}
	for _, u := range crlURLs {
		r, f := c.askCRL(ctx, u, leaf, issuer)
		if f == nil {
			return r
		}
		note(SourceCRL, f)
	}
	return unknown(c.now(), firstSource, first)
}

// reasonNames are RFC 5280's CRLReason names, stable words for the UI.
var reasonNames = map[int]string{
	0:  "unspecified",
	1:  "keyCompromise",
	2:  "cACompromise",
	3:  "affiliationChanged",
	4:  "superseded",
	5:  "cessationOfOperation",
	6:  "certificateHold",
	8:  "removeFromCRL",
	9:  "privilegeWithdrawn",
	10: "aACompromise",
}

// Reasons lists the reason words, for the locale parity of the UI texts.
func Reasons() []string {
	out := make([]string, 0, len(reasonNames))
	for _, r := range reasonNames {
		out = append(out, r)
	}
	return out
}

func reasonName(code int) string {
	if n, ok := reasonNames[code]; ok {
		return n
	}
	return "unspecified"
}

// current checks an answer's dates against now: thisUpdate not in the
// future and nextUpdate not past. An answer without nextUpdate counts as
// current for maxAge after thisUpdate.
func (c *Checker) current(now, thisUpdate, nextUpdate time.Time) *failure {
	if thisUpdate.After(now.Add(clockSkew)) {
		return fail(errs.RevocationNotCurrent, "The answer is dated %s, in the future; check the computer's clock.", thisUpdate.UTC().Format(time.RFC3339))
	}
	end := nextUpdate
	if end.IsZero() {
		end = thisUpdate.Add(c.maxAge)
	}
	if now.After(end.Add(clockSkew)) {
		return fail(errs.RevocationNotCurrent, "The answer was only valid until %s.", end.UTC().Format(time.RFC3339))
	}
	return nil
}
