package app

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/errs"
	"dpgcerts/backend/local"
	"dpgcerts/backend/revocation"
	"dpgcerts/backend/revocation/revocationtest"
)

// events keeps the scan and revocation events.
type events struct {
	mu       sync.Mutex
	names    []string
	progress []local.RevocationProgress
	scans    chan local.ScanResult
	revs     chan local.RevocationResult
}

func (e *events) emit(_ context.Context, name string, data any) {
	e.mu.Lock()
	e.names = append(e.names, name)
	if p, ok := data.(local.RevocationProgress); ok && name == local.EventRevocationProgress {
		e.progress = append(e.progress, p)
	}
	e.mu.Unlock()
	switch d := data.(type) {
	case local.ScanResult:
		e.scans <- d
	case local.RevocationResult:
		e.revs <- d
	}
}

func waitFor[T any](t *testing.T, ch chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(30 * time.Second):
		t.Fatalf("no %s", what)
	}
	var zero T
	return zero
}

// TestRevocationInTheWindow: after a scan the certificates are checked in
// the background; the overview shows the revoked one as revoked, with its
// time and reason; "Check revocation" asks again; the setting turns the
// background checks off.
func TestRevocationInTheWindow(t *testing.T) {
	p := revocationtest.New(t)
	// Through the PKI's server, which counts the requests.
	p.Proxy("/ocsp", p.StartOCSP(revocationtest.OCSPOptions{NextUpdateMinutes: 60}))
	url := p.URL("/ocsp")
	good := p.Leaf(revocationtest.LeafOptions{Name: "post@aeroe.dk", OCSP: url})
	revoked := p.Leaf(revocationtest.LeafOptions{Name: "exchange@aeroe.dk", OCSP: url})
	at := time.Now().Add(-48 * time.Hour).Truncate(time.Second).UTC()
	p.Revoke(revoked, at, "cessationOfOperation")
	dir := t.TempDir()
	goodPath, revokedPath := filepath.Join(dir, "good.pem"), filepath.Join(dir, "revoked.pem")
	os.WriteFile(goodPath, append(good.PEM(true), p.CA.PEM(false)...), 0o600)
	os.WriteFile(revokedPath, append(revoked.PEM(true), p.CA.PEM(false)...), 0o600)

	// The real clock: the responder dates its answers now.
	s := newTestServices(t, Options{})
	ev := &events{scans: make(chan local.ScanResult, 10), revs: make(chan local.RevocationResult, 10)}
	s.core.emit = ev.emit
	s.Startup(context.Background())
	c := s.Certificates
	if !c.RevocationCheck() {
		t.Fatal("the background checks are off by default")
	}

	c.AddPaths([]string{goodPath, revokedPath})
	waitFor(t, ev.scans, "scan:done")
	if res := waitFor(t, ev.revs, "revocation:done"); res.Run != 1 || res.Checked != 2 || res.Cancelled {
		t.Errorf("revocation:done = %+v", res)
	}
	// Progress: 0 of 2 at the start, 2 of 2 at the end, all of run 1.
	ev.mu.Lock()
	progress := append([]local.RevocationProgress(nil), ev.progress...)
	ev.mu.Unlock()
	first := local.RevocationProgress{Run: 1, Progress: revocation.Progress{Total: 2}}
	last := local.RevocationProgress{Run: 1, Progress: revocation.Progress{Done: 2, Total: 2}}
	if len(progress) < 2 || progress[0] != first || progress[len(progress)-1] != last {
		t.Errorf("revocation:progress = %+v, want %+v first and %+v last", progress, first, last)
	}
	ov, err := c.lib.Report(true)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]certs.File{}
	for _, f := range ov.Files {
		byName[filepath.Base(f.Path)] = f
	}
	if f := byName["good.pem"]; f.Status != certs.StatusValid || f.Certificate.Revocation == nil || f.Certificate.Revocation.Status != certs.RevocationGood {
		t.Errorf("good.pem: %s, %+v", f.Status, f.Certificate.Revocation)
	}
	r := byName["revoked.pem"]
	if r.Status != certs.StatusRevoked || r.Certificate.Revocation == nil || r.Certificate.Revocation.Reason != "cessationOfOperation" ||
		r.Certificate.Revocation.RevokedAt == nil || !r.Certificate.Revocation.RevokedAt.Equal(at) {
		t.Errorf("revoked.pem: %s, %+v", r.Status, r.Certificate.Revocation)
	}

	// On demand: asked again, even when fresh. The CA's request count
	// decides, not a CheckedAt that a sleep made differ.
	before := byName["good.pem"].Certificate.Revocation.CheckedAt
	asked := p.Requests("/ocsp")
	f, err := c.CheckRevocation(goodPath)
	if err != nil {
		t.Fatal(err)
	}
	if n := p.Requests("/ocsp"); n != asked+1 {
		t.Errorf("CheckRevocation asked the CA %d times, want once", n-asked)
	}
	if f.Certificate.Revocation == nil || f.Certificate.Revocation.Status != certs.RevocationGood || f.Certificate.Revocation.CheckedAt.Before(before) {
		t.Errorf("CheckRevocation: %+v", f.Certificate.Revocation)
	}
	if _, err := c.CheckRevocation(filepath.Join(dir, "nothing.pem")); errs.Code(err) != errs.NotInOverview {
		t.Errorf("an unknown path: %v", err)
	}

	// Off: a scan starts no check.
	if err := c.SetRevocationCheck(false); err != nil || c.RevocationCheck() {
		t.Fatalf("SetRevocationCheck(false): %v", err)
	}
	c.AddPaths([]string{goodPath})
	waitFor(t, ev.scans, "scan:done")
	c.lib.Wait()
	select {
	case res := <-ev.revs:
		t.Errorf("a revocation check with the setting off: %+v", res)
	default:
	}
}

// TestRevocationCancel: Cancel (CancelScan) stops a background check that
// waits on a CA that doesn't answer, well before the requests time out;
// revocation:done says it was cancelled, and a later check runs as the next
// one (its events carry the next number).
func TestRevocationCancel(t *testing.T) {
	p := revocationtest.New(t)
	// A CA that holds every request until the client gives up.
	// arrived hears each request reach it.
	arrived := make(chan struct{}, 16)
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case arrived <- struct{}{}:
		default:
		}
		<-r.Context().Done()
	}))
	t.Cleanup(hang.Close)
	dir := t.TempDir()
	var paths []string
	for i := range 6 {
		c := p.Leaf(revocationtest.LeafOptions{Name: fmt.Sprintf("langsom-%d@aeroe.dk", i), OCSP: hang.URL + "/"})
		path := filepath.Join(dir, fmt.Sprintf("slow-%d.pem", i))
		os.WriteFile(path, append(c.PEM(true), p.CA.PEM(false)...), 0o600)
		paths = append(paths, path)
	}

	s := newTestServices(t, Options{})
	ev := &events{scans: make(chan local.ScanResult, 10), revs: make(chan local.RevocationResult, 10)}
	s.core.emit = ev.emit
	s.Startup(context.Background())
	c := s.Certificates

	c.AddPaths(paths)
	waitFor(t, ev.scans, "scan:done")
	// The check has begun (0 of 6) and waits on the CA.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		ev.mu.Lock()
		n := len(ev.progress)
		ev.mu.Unlock()
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no revocation:progress")
		}
	}
	// Cancel while a request waits on the CA, not after some time.
	select {
	case <-arrived:
	case <-time.After(10 * time.Second):
		t.Fatal("no request reached the CA")
	}
	started := time.Now()
	c.CancelScan()
	res := waitFor(t, ev.revs, "revocation:done")
	if !res.Cancelled || res.Run != 1 {
		t.Errorf("revocation:done = %+v, want run 1 cancelled", res)
	}
	if took := time.Since(started); took > 5*time.Second {
		t.Errorf("the check stopped %v after Cancel, want at once", took)
	}
	ov, err := c.lib.Report(true)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range ov.Files {
		if r := f.Certificate.Revocation; r != nil && r.Status != certs.RevocationNotChecked {
			t.Errorf("%s: a cancelled check left %+v", f.Path, r)
		}
	}

	// The next scan's check is the next run, on a context of its own.
	c.AddPaths(paths[:1])
	waitFor(t, ev.scans, "scan:done")
	c.CancelScan()
	if res := waitFor(t, ev.revs, "revocation:done"); res.Run != 2 {
		t.Errorf("the next check: %+v, want run 2", res)
	}
}
