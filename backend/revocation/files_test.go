package revocation_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/errs"
	"dpgcerts/backend/revocation"
	"dpgcerts/backend/revocation/revocationtest"
	"dpgcerts/backend/store"
	"dpgcerts/backend/store/storetest"
)

var _ revocation.Cache = (*store.Store)(nil)

// clock is a settable Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// readFile is what the scanner would make of a PEM file: the leaf and,
// unless leafOnly, the issuing CA.
func readFile(t *testing.T, p *revocationtest.PKI, leaf revocationtest.Cert, now time.Time, leafOnly bool) certs.File {
	t.Helper()
	data := leaf.PEM(true)
	if !leafOnly {
		data = append(data, p.CA.PEM(false)...)
	}
	f := certs.Read(data, certs.Options{Now: now})
	if f.Certificate == nil {
		t.Fatalf("the test file reads as %s: %+v", f.Status, f.Error)
	}
	return f
}

func TestFresh(t *testing.T) {
	at := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	good := certs.Revocation{Status: certs.RevocationGood, CheckedAt: at}
	withNext := good
	withNext.NextUpdate = at.Add(2 * time.Hour)
	unknown := certs.Revocation{Status: certs.RevocationUnknown, CheckedAt: at}
	tests := []struct {
		name string
		r    certs.Revocation
		now  time.Time
		want bool
	}{
		{"within 24 h", good, at.Add(23 * time.Hour), true},
		{"past 24 h", good, at.Add(25 * time.Hour), false},
		{"before nextUpdate", withNext, at.Add(time.Hour), true},
		{"past nextUpdate, within 24 h", withNext, at.Add(3 * time.Hour), false},
		{"unknown is asked again", unknown, at.Add(time.Minute), false},
		{"checked in the future: the clock went back", good, at.Add(-time.Hour), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := revocation.Fresh(tc.r, tc.now, revocation.DefaultMaxAge); got != tc.want {
				t.Errorf("Fresh = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestLookupCache: an answer is reused while fresh; offline, the last
// answer shows with its age; a forged answer is never covered by it.
func TestLookupCache(t *testing.T) {
	p := revocationtest.New(t)
	responder := p.StartOCSP(revocationtest.OCSPOptions{NextUpdateMinutes: 60})
	p.Proxy("/ocsp", responder)
	leaf := p.Leaf(revocationtest.LeafOptions{Name: "cached@example.dk", OCSP: p.URL("/ocsp")})
	st := storetest.Open(t, store.Memory)
	t0 := time.Now()
	clk := &clock{t: t0}
	c := revocation.New(revocation.Options{Cache: st, Now: clk.Now})
	f := readFile(t, p, leaf, t0, false)
	ctx := context.Background()

	first := c.Lookup(ctx, *f.Certificate, f.Chain, false)
	wantStatus(t, first, certs.RevocationGood, "")
	if n := p.Requests("/ocsp"); n != 1 {
		t.Fatalf("%d requests, want 1", n)
	}

	clk.Set(t0.Add(30 * time.Minute))
	again := c.Lookup(ctx, *f.Certificate, f.Chain, false)
	if n := p.Requests("/ocsp"); n != 1 || !again.CheckedAt.Equal(first.CheckedAt) || again.Stale {
		t.Fatalf("a fresh answer was not reused: %d requests, %+v", n, again)
	}

	// Forced: asked again.
	forced := c.Lookup(ctx, *f.Certificate, f.Chain, true)
	if n := p.Requests("/ocsp"); n != 2 || !forced.CheckedAt.After(first.CheckedAt) {
		t.Fatalf("force did not ask: %d requests, %+v", n, forced)
	}

	// Past nextUpdate and offline: the last answer, marked stale, with its age.
	p.Proxy("/ocsp", "")
	clk.Set(t0.Add(61 * time.Minute))
	offline := c.Lookup(ctx, *f.Certificate, f.Chain, false)
	if offline.Status != certs.RevocationGood || !offline.Stale || !offline.CheckedAt.Equal(forced.CheckedAt) {
		t.Fatalf("offline: %+v", offline)
	}

	// A garbage answer is not hidden behind the last good one.
	p.Serve("/ocsp", []byte("garbage"))
	wantStatus(t, c.Lookup(ctx, *f.Certificate, f.Chain, false), certs.RevocationUnknown, errs.RevocationMalformed)
	if r, _, _ := st.Revocation(ctx, f.Certificate.SHA256); r.Status != certs.RevocationUnknown {
		t.Errorf("the cache holds %+v, want the unknown answer", r)
	}
}

// TestCheckFiles: checks run in parallel, once per certificate, with
// progress; a revoked certificate makes its file revoked.
func TestCheckFiles(t *testing.T) {
	p := revocationtest.New(t)
	responder := p.StartOCSP(revocationtest.OCSPOptions{NextUpdateMinutes: 60})
	p.Proxy("/ocsp", responder)
	now := time.Now()
	good := p.Leaf(revocationtest.LeafOptions{Name: "good@example.dk", OCSP: p.URL("/ocsp")})
	revoked := p.Leaf(revocationtest.LeafOptions{Name: "revoked@example.dk", OCSP: p.URL("/ocsp"), CAIssuers: p.URL("/issuing.cer")})
	at := now.Add(-time.Hour).Truncate(time.Second).UTC()
	p.Revoke(revoked, at, "superseded")
	files := []certs.File{
		readFile(t, p, good, now, false),
		readFile(t, p, good, now, false), // the same certificate in another file
		readFile(t, p, revoked, now, true),
		{Path: "locked.p12", Status: certs.StatusLocked},
	}
	expired := readFile(t, p, good, now.AddDate(4, 0, 0), false)
	files = append(files, expired)
	var progress []revocation.Progress
	c := revocation.New(revocation.Options{Workers: 2})
	if err := c.CheckFiles(context.Background(), files, false, func(pr revocation.Progress) { progress = append(progress, pr) }); err != nil {
		t.Fatal(err)
	}
	if n := p.Requests("/ocsp"); n != 2 {
		t.Errorf("%d OCSP requests, want 2 (one per certificate)", n)
	}
	if len(progress) != 2 || progress[1] != (revocation.Progress{Done: 2, Total: 2}) {
		t.Errorf("progress %+v", progress)
	}
	for i := range 2 {
		if r := files[i].Certificate.Revocation; r == nil || r.Status != certs.RevocationGood || files[i].Status != certs.StatusValid {
			t.Errorf("file %d: %s, %+v", i, files[i].Status, r)
		}
	}
	if r := files[2].Certificate.Revocation; files[2].Status != certs.StatusRevoked || r == nil || r.Reason != "superseded" || !r.RevokedAt.Equal(at) {
		t.Errorf("revoked file: %s, %+v", files[2].Status, r)
	}
	if files[3].Status != certs.StatusLocked {
		t.Errorf("locked file: %s", files[3].Status)
	}
	if r := files[4].Certificate.Revocation; files[4].Status != certs.StatusExpired || r == nil || r.Status != certs.RevocationNotChecked || r.Error.Code != errs.RevocationExpired {
		t.Errorf("expired file: %s, %+v", files[4].Status, r)
	}

	// Cancelled before it starts: nothing is set.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	fresh := []certs.File{readFile(t, p, good, now, false)}
	if err := c.CheckFiles(ctx, fresh, true, nil); err == nil {
		t.Error("no error from a cancelled check")
	}
	if fresh[0].Certificate.Revocation != nil {
		t.Errorf("a cancelled check set %+v", fresh[0].Certificate.Revocation)
	}
}
