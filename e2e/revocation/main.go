// Command revocation runs the CA that the window's revocation test asks:
//
//	go run ./e2e/revocation DIR
//
// It makes an OCES3-style PKI (backend/revocation/revocationtest): a root
// and an issuing CA, a delegated OCSP responder certificate, a real `openssl
// ocsp` responder on a free loopback port, and an HTTP server on loopback
// for the issuer (AIA caIssuers) and the CRL (`openssl ca -gencrl`). Then it
// writes:
//
//   - DIR/certs/: a good and a revoked organisation certificate, whose AIA
//     and CRL distribution point name those servers. good.pem carries its
//     chain; revoked.pem doesn't, so its issuer is fetched from caIssuers.
//   - DIR/slow/: SLOW more good certificates whose OCSP address is a proxy
//     to the same responder. It answers the first ANSWER requests after a
//     delay, as a slow CA would, and holds every later one until the client
//     ends it (the window's Cancel, or its request timeout): the check stays
//     part way until the test cancels it, however slow the machine is.
//   - DIR/expected.json: what the test should see, written last: the
//     script waits for it.
//
// It runs until it gets SIGTERM or SIGINT, then stops the responder and the
// servers. Every date is real time: the responder dates its answers now, so
// the window must run without DPGCERTS_NOW.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"time"

	"dpgcerts/backend/revocation/revocationtest"
)

// The certificates' names (CN and e-mail).
const (
	goodName    = "post@spaerretest.dk"
	revokedName = "exchange@spaerretest.dk"
	// reason is RFC 5280's word, as openssl's index has it.
	reason = "keyCompromise"
)

type cert struct {
	Path   string `json:"path"` // absolute
	Name   string `json:"name"`
	Serial string `json:"serial"`
}

type manifest struct {
	Good    cert `json:"good"`
	Revoked struct {
		cert
		RevokedAt string `json:"revokedAt"` // RFC 3339, UTC
		Reason    string `json:"reason"`
	} `json:"revoked"`
	// Slow is the folder of SlowCount certificates behind the slow proxy,
	// which answers the first SlowAnswered requests after SlowDelayMs and
	// holds the rest until the client ends them.
	Slow         string `json:"slow"`
	SlowCount    int    `json:"slowCount"`
	SlowAnswered int    `json:"slowAnswered"`
	SlowDelayMs  int64  `json:"slowDelayMs"`
	OCSP         string `json:"ocsp"`
	HTTP         string `json:"http"`
}

func main() {
	slow := flag.Int("slow", 24, "certificates behind the slow responder")
	delay := flag.Duration("delay", 1500*time.Millisecond, "how long the slow responder waits before it answers")
	answer := flag.Int("answer", 4, "how many requests the slow responder answers; it holds the later ones")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: revocation [-slow N] [-delay D] [-answer N] DIR")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	dir, err := filepath.Abs(flag.Arg(0))
	if err != nil {
		fail(err)
	}
	prog := &revocationtest.Program{Dir: filepath.Join(dir, "pki")}
	defer prog.Close()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)

	m := run(prog, dir, *slow, *answer, *delay)
	fmt.Printf("revocation: OCSP %s, issuer and CRL %s; %s is ready\n", m.OCSP, m.HTTP, filepath.Join(dir, "expected.json"))
	<-sig
}

// run makes the PKI, starts its servers and writes the files. A failure
// panics (Program's Fatal); main's deferred Close still stops what started.
func run(prog *revocationtest.Program, dir string, slowCount, answer int, delay time.Duration) manifest {
	p := revocationtest.New(prog)
	ocspURL := p.StartOCSP(revocationtest.OCSPOptions{NextUpdateMinutes: 60, PSS: true})
	caIssuers, crl := p.URL("/issuing.cer"), p.URL("/issuing.crl")
	leaf := func(name, ocsp string) revocationtest.Cert {
		return p.Leaf(revocationtest.LeafOptions{Name: name, CVR: "29189889", OCSP: ocsp, CAIssuers: caIssuers, CRL: crl})
	}

	good := leaf(goodName, ocspURL)
	revoked := leaf(revokedName, ocspURL)
	at := time.Now().Add(-26 * time.Hour).Truncate(time.Minute).UTC()
	p.Revoke(revoked, at, reason)
	p.GenCRL(24, true)

	// The slow CA: the same responder, behind a proxy that waits first and
	// answers only the first requests; the later ones wait until the client
	// ends them. A cancelled request (the window's Cancel) ends the wait.
	// The test thus sees the check part way for as long as it needs, not
	// for as long as some delays last.
	target, err := url.Parse(ocspURL)
	if err != nil {
		fail(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	var asked atomic.Int64
	slowSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if asked.Add(1) > int64(answer) {
			<-r.Context().Done()
			return
		}
		select {
		case <-time.After(delay):
			proxy.ServeHTTP(w, r)
		case <-r.Context().Done():
		}
	}))
	prog.Cleanup(slowSrv.Close)

	certsDir, slowDir := filepath.Join(dir, "certs"), filepath.Join(dir, "slow")
	for _, d := range []string{certsDir, slowDir} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			fail(err)
		}
	}
	var m manifest
	m.OCSP, m.HTTP = ocspURL, p.HTTP.URL
	m.Good = write(filepath.Join(certsDir, "good.pem"), good, goodName, append(good.PEM(true), p.CA.PEM(false)...))
	m.Revoked.cert = write(filepath.Join(certsDir, "revoked.pem"), revoked, revokedName, revoked.PEM(true))
	m.Revoked.RevokedAt, m.Revoked.Reason = at.Format(time.RFC3339), reason
	for i := range slowCount {
		name := fmt.Sprintf("langsom-%02d@spaerretest.dk", i+1)
		c := leaf(name, slowSrv.URL+"/")
		write(filepath.Join(slowDir, fmt.Sprintf("langsom-%02d.pem", i+1)), c, name, append(c.PEM(true), p.CA.PEM(false)...))
	}
	m.Slow, m.SlowCount, m.SlowAnswered, m.SlowDelayMs = slowDir, slowCount, min(answer, slowCount), delay.Milliseconds()

	// The index changed after the responder started: make sure it answers
	// from the new one before the window asks.
	ready(ocspURL)
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		fail(err)
	}
	tmp := filepath.Join(dir, "expected.json.tmp")
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		fail(err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, "expected.json")); err != nil {
		fail(err)
	}
	return m
}

func write(path string, c revocationtest.Cert, name string, data []byte) cert {
	if err := os.WriteFile(path, data, 0o600); err != nil {
		fail(err)
	}
	return cert{Path: path, Name: name, Serial: fmt.Sprintf("%x", c.Cert.SerialNumber)}
}

// ready waits until the responder answers at all.
func ready(u string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for ctx.Err() == nil {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	fail(fmt.Errorf("the OCSP responder at %s does not answer", u))
}

func fail(err error) {
	panic(err)
}
