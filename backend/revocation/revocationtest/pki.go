// Package revocationtest builds an OCES3-style test PKI for revocation
// tests: a root and an issuing CA, leaves whose AIA and CRL distribution
// point name loopback addresses, a real `openssl ocsp` responder and a CRL
// made by `openssl ca -gencrl`, served by an HTTP server on loopback. It is
// for tests, and for e2e/revocation (the window's end-to-end test), which
// passes a Program; it reaches nothing but 127.0.0.1.
package revocationtest

import (
	"bufio"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"dpgcerts/internal/pkitest"
)

// Cert is a certificate with its key.
type Cert struct {
	Cert *x509.Certificate
	Key  *rsa.PrivateKey
	// CertFile and KeyFile are PEM files in the PKI's folder.
	CertFile, KeyFile string
}

// PKI is a test CA with its servers.
type PKI struct {
	t       TB
	openssl string
	Dir     string
	// Now is the clock every certificate is dated from: the real time when
	// New ran, as the responders date their answers by it.
	Now  time.Time
	Root Cert
	CA   Cert
	// Responder is a delegated OCSP responder (id-kp-OCSPSigning, issued by CA).
	Responder Cert
	// NoEKU is issued by CA but not for OCSP signing.
	NoEKU Cert
	// Rogue has CA's name but another key: a forger's responder.
	Rogue Cert
	// HTTP serves /issuing.cer (the CA), /issuing.crl after GenCRL, and
	// whatever Serve adds.
	HTTP *httptest.Server

	mu         sync.Mutex
	responders []string
	indexGen   int
	paths      map[string][]byte
	redirects  map[string]string
	proxies    map[string]*httputil.ReverseProxy
	requests   map[string]int
	index      []string
	serial     int64
}

// testfirma is the organisation of the leaves (LeafOptions.CVR may give
// another CVR).
var testfirma = pkitest.Organisation{Name: "Testfirma A/S", CVR: "12345678"}

// New makes the CA and the HTTP server; both are gone when the test ends
// (when t's cleanups run).
func New(t TB) *PKI {
	t.Helper()
	p := &PKI{t: t, openssl: pkitest.RequireOpenSSL(t), Dir: t.TempDir(), Now: time.Now(), paths: map[string][]byte{}, redirects: map[string]string{},
		proxies: map[string]*httputil.ReverseProxy{}, requests: map[string]int{}, serial: 0x1000}
	p.HTTP = httptest.NewServer(http.HandlerFunc(p.serveHTTP))
	t.Cleanup(p.HTTP.Close)
	ca := func(cn string, tweak func(*x509.Certificate)) pkitest.Spec {
		return pkitest.Spec{CN: cn, Org: pkitest.CAOrg, OU: "Test - cti", Country: "DK",
			NotBefore: p.Now.Add(-48 * time.Hour), NotAfter: p.Now.AddDate(1, 0, 0), Tweak: tweak}
	}
	root := ca(pkitest.RootCN, nil)
	root.IsCA, root.NotAfter = true, p.Now.AddDate(10, 0, 0)
	p.Root = p.issue("root", root, nil)
	issuing := ca(pkitest.CACN, func(c *x509.Certificate) { c.MaxPathLenZero = true })
	issuing.IsCA, issuing.NotAfter = true, p.Now.AddDate(5, 0, 0)
	p.CA = p.issue("ca", issuing, &p.Root)
	p.Responder = p.issue("responder", ca("Den Danske Stat OCES OCSP-responder 1", func(c *x509.Certificate) {
		c.KeyUsage, c.ExtKeyUsage = x509.KeyUsageDigitalSignature, []x509.ExtKeyUsage{x509.ExtKeyUsageOCSPSigning}
	}), &p.CA)
	p.NoEKU = p.issue("noeku", ca("Den Danske Stat OCES not a responder", func(c *x509.Certificate) {
		c.KeyUsage, c.ExtKeyUsage = x509.KeyUsageDigitalSignature, []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	}), &p.CA)
	rogue := ca(pkitest.CACN, func(c *x509.Certificate) { c.KeyUsage |= x509.KeyUsageDigitalSignature })
	rogue.IsCA = true
	p.Rogue = p.issue("rogue", rogue, nil)
	p.Serve("/issuing.cer", p.CA.Cert.Raw)
	p.writeIndex()
	return p
}

// URL is the address of path on the HTTP server.
func (p *PKI) URL(path string) string { return p.HTTP.URL + path }

// Serve makes the HTTP server answer path with body.
func (p *PKI) Serve(path string, body []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.paths[path] = body
}

// Proxy makes the HTTP server pass requests under path on to target (a
// responder), or stop answering (404) when target is "".
func (p *PKI) Proxy(path, target string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if target == "" {
		delete(p.proxies, path)
		return
	}
	u, err := url.Parse(target)
	if err != nil {
		p.t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	inner := rp.Director
	rp.Director = func(r *http.Request) {
		r.URL.Path = strings.TrimPrefix(r.URL.Path, path)
		r.URL.RawPath = strings.TrimPrefix(r.URL.RawPath, path)
		inner(r)
	}
	p.proxies[path] = rp
}

// Requests counts the requests to a path given to Serve or Proxy.
func (p *PKI) Requests(path string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.requests[path]
}

// Redirect makes the HTTP server answer path with a 302 to location.
func (p *PKI) Redirect(path, location string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.redirects[path] = location
}

func (p *PKI) serveHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	if to, ok := p.redirects[r.URL.Path]; ok {
		p.mu.Unlock()
		http.Redirect(w, r, to, http.StatusFound)
		return
	}
	for path, rp := range p.proxies {
		if r.URL.Path == path || strings.HasPrefix(r.URL.Path, path+"/") {
			p.requests[path]++
			p.mu.Unlock()
			rp.ServeHTTP(w, r)
			return
		}
	}
	body, ok := p.paths[r.URL.Path]
	if !ok {
		// An OCSP GET appends the request to the responder's path.
		for path, b := range p.paths {
			if strings.HasPrefix(r.URL.Path, path+"/") {
				body, ok = b, true
				p.requests[path]++
			}
		}
	} else {
		p.requests[r.URL.Path]++
	}
	p.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Write(body)
}

// LeafOptions say where a leaf's extensions point.
type LeafOptions struct {
	Name string // the CN; also the e-mail address
	CVR  string // 8 digits; default 12345678
	// OCSP, CRL and CAIssuers are the addresses in the certificate; empty
	// leaves the extension out.
	OCSP, CRL, CAIssuers string
	// Signer signs the leaf; default CA.
	Signer *Cert
}

// Leaf issues an OCES3-style organisation certificate, valid in the index
// (openssl's V) until Revoke.
func (p *PKI) Leaf(o LeafOptions) Cert {
	p.t.Helper()
	signer := o.Signer
	if signer == nil {
		signer = &p.CA
	}
	uuid := fmt.Sprintf("%08x-1111-4222-8333-%012x", p.nextSerial(), time.Now().UnixNano()&0xffffffffffff)
	spec := testfirma.Leaf(pkitest.Spec{CN: o.Name, Email: o.Name, CVR: o.CVR, UUID: uuid, OCESOrder: true,
		NotBefore: p.Now.Add(-24 * time.Hour), NotAfter: p.Now.AddDate(3, 0, 0),
		Tweak: func(c *x509.Certificate) {
			c.OCSPServer = pkitest.Optional(o.OCSP)
			c.IssuingCertificateURL = pkitest.Optional(o.CAIssuers)
			c.CRLDistributionPoints = pkitest.Optional(o.CRL)
		}})
	c := p.issue(strings.NewReplacer("@", "_", "/", "_").Replace(o.Name), spec, signer)
	if signer == &p.CA {
		p.mu.Lock()
		p.index = append(p.index, fmt.Sprintf("V\t%s\t\t%X\tunknown\t%s", opensslTime(c.Cert.NotAfter), c.Cert.SerialNumber, slashName(c.Cert)))
		p.mu.Unlock()
		p.writeIndex()
	}
	return c
}

// Revoke marks c revoked in the index at the time, with an RFC 5280 reason
// name (keyCompromise, cessationOfOperation...), as `openssl ca -revoke`
// would.
func (p *PKI) Revoke(c Cert, at time.Time, reason string) {
	p.t.Helper()
	serial := fmt.Sprintf("%X", c.Cert.SerialNumber)
	p.mu.Lock()
	for i, line := range p.index {
		f := strings.Split(line, "\t")
		if f[3] == serial {
			f[0], f[2] = "R", opensslTime(at)
			if reason != "" {
				f[2] += "," + reason
			}
			p.index[i] = strings.Join(f, "\t")
		}
	}
	p.mu.Unlock()
	p.writeIndex()
}

// writeIndex replaces index.txt by a rename, so a running `openssl ocsp`
// sees a new file and reloads it.
func (p *PKI) writeIndex() {
	p.t.Helper()
	p.mu.Lock()
	body := strings.Join(p.index, "\n")
	p.mu.Unlock()
	if body != "" {
		body += "\n"
	}
	index := filepath.Join(p.Dir, "index.txt")
	p.mu.Lock()
	p.indexGen++
	gen := p.indexGen
	responders := append([]string(nil), p.responders...)
	p.mu.Unlock()
	// The old file is kept under another name, so the new one can't get its
	// inode: openssl tells a changed index by inode and (whole-second) times.
	os.Rename(index, fmt.Sprintf("%s.%d", index, gen))
	tmp := index + ".tmp"
	if err := os.WriteFile(tmp, []byte(body), 0o600); err != nil {
		p.t.Fatal(err)
	}
	if err := os.Rename(tmp, index); err != nil {
		p.t.Fatal(err)
	}
	os.WriteFile(index+".attr", []byte("unique_subject = no\n"), 0o600)
	// openssl ocsp looks for a changed index before it waits for the next
	// request, so the request after a change would still get the old one.
	// A throwaway request makes it go round and reload.
	for _, u := range responders {
		if resp, err := http.Get(u); err == nil {
			resp.Body.Close()
		}
	}
}

// OCSPOptions choose how a responder signs.
type OCSPOptions struct {
	// Signer is the responder certificate; default Responder.
	Signer *Cert
	// NextUpdateMinutes sets nextUpdate (-nmin); 0 leaves it out.
	NextUpdateMinutes int
	// NoCerts leaves the signer's certificate out of the responses.
	NoCerts bool
	// PSS signs with RSASSA-PSS, as OCES3 does.
	PSS bool
}

// StartOCSP runs `openssl ocsp` as a responder over the index on a free
// port and returns its address (on 127.0.0.1). It stops with the test.
func (p *PKI) StartOCSP(o OCSPOptions) string {
	p.t.Helper()
	signer := o.Signer
	if signer == nil {
		signer = &p.Responder
	}
	args := []string{"ocsp", "-index", filepath.Join(p.Dir, "index.txt"), "-port", "0",
		"-rsigner", signer.CertFile, "-rkey", signer.KeyFile, "-CA", p.CA.CertFile, "-ignore_err"}
	if o.NextUpdateMinutes > 0 {
		args = append(args, "-nmin", fmt.Sprint(o.NextUpdateMinutes))
	}
	if o.NoCerts {
		args = append(args, "-resp_no_certs")
	}
	if o.PSS {
		args = append(args, "-rsigopt", "rsa_padding_mode:pss", "-rsigopt", "rsa_pss_saltlen:digest")
	}
	cmd := exec.Command(p.openssl, args...)
	cmd.Dir = p.Dir
	out, err := cmd.StdoutPipe()
	if err != nil {
		p.t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		p.t.Fatal(err)
	}
	p.t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	// openssl prints "ACCEPT [::]:PORT PID=..." once it listens.
	portRE := regexp.MustCompile(`ACCEPT .*:(\d+) PID=`)
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := portRE.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	select {
	case port := <-found:
		u := "http://127.0.0.1:" + port + "/"
		p.mu.Lock()
		p.responders = append(p.responders, u)
		p.mu.Unlock()
		return u
	case <-time.After(10 * time.Second):
		p.t.Fatal("openssl ocsp did not start")
	}
	return ""
}

// GenCRL makes the CA's CRL from the index with `openssl ca -gencrl`, valid
// for hours, and serves it at /issuing.crl.
func (p *PKI) GenCRL(hours int, pss bool) []byte {
	p.t.Helper()
	conf := filepath.Join(p.Dir, "ca.cnf")
	os.WriteFile(filepath.Join(p.Dir, "crlnumber"), []byte("01\n"), 0o600)
	os.WriteFile(conf, []byte(fmt.Sprintf(`[ca]
default_ca = test_ca
[test_ca]
database = %s
crlnumber = %s
certificate = %s
private_key = %s
default_md = sha256
unique_subject = no
`, filepath.Join(p.Dir, "index.txt"), filepath.Join(p.Dir, "crlnumber"), p.CA.CertFile, p.CA.KeyFile)), 0o600)
	out := filepath.Join(p.Dir, "issuing.crl")
	args := []string{"ca", "-config", conf, "-gencrl", "-crlhours", fmt.Sprint(hours), "-out", out}
	if pss {
		args = append(args, "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:digest")
	}
	if b, err := exec.Command(p.openssl, args...).CombinedOutput(); err != nil {
		p.t.Fatalf("openssl ca -gencrl: %v\n%s", err, b)
	}
	pemData, err := os.ReadFile(out)
	if err != nil {
		p.t.Fatal(err)
	}
	b, _ := pem.Decode(pemData)
	if b == nil {
		p.t.Fatal("openssl wrote no CRL")
	}
	p.Serve("/issuing.crl", b.Bytes)
	return b.Bytes
}

// FetchOCSP asks the responder at url about c with the openssl client and
// returns the DER response (with openssl's nonce): a recorded answer to
// replay.
func (p *PKI) FetchOCSP(url string, c Cert) []byte {
	p.t.Helper()
	out := filepath.Join(p.Dir, fmt.Sprintf("resp-%X.der", c.Cert.SerialNumber))
	if b, err := exec.Command(p.openssl, "ocsp", "-issuer", p.CA.CertFile, "-cert", c.CertFile,
		"-url", url, "-respout", out, "-noverify").CombinedOutput(); err != nil {
		p.t.Fatalf("openssl ocsp client: %v\n%s", err, b)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		p.t.Fatal(err)
	}
	return data
}

// PEM is c's certificate in PEM, and with key its key too.
func (c Cert) PEM(key bool) []byte {
	out := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Cert.Raw})
	if key {
		der, _ := x509.MarshalPKCS8PrivateKey(c.Key)
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})...)
	}
	return out
}

func (p *PKI) nextSerial() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.serial++
	return p.serial
}

// issue makes a certificate of s with a fresh RSA key and the next serial
// (pkitest signs it with RSASSA-PSS, as OCES3), signed by parent or
// self-signed when parent is nil, and writes its PEM files.
func (p *PKI) issue(name string, s pkitest.Spec, parent *Cert) Cert {
	p.t.Helper()
	key := pkitest.NewRSAKey(p.t)
	s.Key, s.Serial = key, big.NewInt(p.nextSerial())
	var made pkitest.Issued
	if parent == nil {
		made = pkitest.SelfSigned(p.t, s)
	} else {
		made = pkitest.Issued{Cert: parent.Cert, Key: parent.Key}.Issue(p.t, s)
	}
	c := Cert{Cert: made.Cert, Key: key,
		CertFile: filepath.Join(p.Dir, name+".pem"), KeyFile: filepath.Join(p.Dir, name+".key")}
	if err := os.WriteFile(c.CertFile, c.PEM(false), 0o600); err != nil {
		p.t.Fatal(err)
	}
	if err := os.WriteFile(c.KeyFile, pkitest.PEM("PRIVATE KEY", pkitest.PKCS8(p.t, key)), 0o600); err != nil {
		p.t.Fatal(err)
	}
	return c
}

// opensslTime is the index's time format.
func opensslTime(t time.Time) string { return t.UTC().Format("060102150405Z") }

// slashName is the subject in the index's /C=DK/O=... form.
func slashName(c *x509.Certificate) string {
	var b strings.Builder
	for _, av := range c.Subject.Names {
		fmt.Fprintf(&b, "/%s=%v", av.Type, av.Value)
	}
	return b.String()
}
