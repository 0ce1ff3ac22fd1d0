package local

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/config"
	"dpgcerts/backend/errs"
	"dpgcerts/backend/store/storetest"
	"dpgcerts/internal/pkitest"
)

func TestWithin(t *testing.T) {
	sep := string(filepath.Separator)
	tests := []struct {
		path, dir string
		want      bool
	}{
		{sep + "a" + sep + "b", sep + "a", true},
		{sep + "a", sep + "a", true},
		{sep + "ab", sep + "a", false},
		{sep + "b", sep + "a", false},
	}
	for _, tt := range tests {
		if got := within(tt.path, tt.dir); got != tt.want {
			t.Errorf("within(%q, %q) = %v", tt.path, tt.dir, got)
		}
	}
}

// newCollection is a collection on a fresh cache, and a channel of its
// scan:done events.
func newCollection(t *testing.T) (*Collection, chan ScanResult) {
	t.Helper()
	return openCollection(t, filepath.Join(t.TempDir(), "cache.db"))
}

// openCollection is a collection on the cache at db, with a store of its
// own, as another process would have.
func openCollection(t *testing.T, db string) (*Collection, chan ScanResult) {
	t.Helper()
	st := storetest.Open(t, db)
	done := make(chan ScanResult, 10)
	c := New(Options{Store: st, Runtime: config.Runtime{Now: func() time.Time { return pkitest.Now }},
		Emit: func(event string, data any) {
			if r, ok := data.(ScanResult); ok && event == EventScanDone {
				done <- r
			}
		}})
	t.Cleanup(c.Close)
	return c, done
}

func waitScan(t *testing.T, done chan ScanResult) ScanResult {
	t.Helper()
	select {
	case r := <-done:
		return r
	case <-time.After(30 * time.Second):
		t.Fatal("no scan:done")
		return ScanResult{}
	}
}

func TestCancelScan(t *testing.T) {
	c, done := newCollection(t)
	dir := t.TempDir()
	for _, name := range []string{"a.pem", "b.pem"} {
		leaf := pkitest.SelfSigned(t, pkitest.Spec{CN: name})
		pkitest.WriteFile(t, dir, name, pkitest.PEM("CERTIFICATE", leaf.Cert.Raw))
	}
	c.CancelScan() // nothing running: no effect
	// Cancel before the scan gets going: the scan and the one queued behind
	// it end as cancelled.
	c.scanMu.Lock()
	c.AddPaths([]string{dir})
	c.AddPaths([]string{dir})
	c.CancelScan()
	c.scanMu.Unlock()
	for range 2 {
		if res := waitScan(t, done); !res.Cancelled {
			t.Errorf("scan:done = %+v, want cancelled", res)
		}
	}
	// A new scan after a cancel runs.
	c.AddPaths([]string{dir})
	if res := waitScan(t, done); res.Cancelled || res.Files != 2 {
		t.Errorf("scan after cancel: %+v", res)
	}
	if st := c.ScanState(); st.Running {
		t.Errorf("state after the scan: %+v", st)
	}
}

// A password that opens one file is tried at once on the other locked
// files: those that share it open too, the others stay locked.
func TestUnlockTriesThePasswordOnTheOthers(t *testing.T) {
	c, done := newCollection(t)
	unlocked := make(chan UnlockDone, 1)
	emit := c.emit
	c.emit = func(event string, data any) {
		if d, ok := data.(UnlockDone); ok {
			unlocked <- d
		}
		emit(event, data)
	}
	dir := t.TempDir()
	p12 := func(name, password string) string {
		leaf := pkitest.SelfSigned(t, pkitest.Spec{CN: name})
		return pkitest.WriteFile(t, dir, name, pkitest.P12(t, pkcs12.Modern2023.WithIterations(1000), leaf.Key, leaf.Cert, nil, password))
	}
	first := p12("a.p12", "Fælles-Kode-1")
	p12("b.p12", "Fælles-Kode-1")
	p12("c.p12", "Fælles-Kode-1")
	other := p12("d.p12", "Anden-Kode-2")
	c.AddPaths([]string{dir})
	if res := waitScan(t, done); len(res.Locked) != 4 {
		t.Fatalf("locked at first: %+v", res)
	}
	res, err := c.Unlock(first, "Fælles-Kode-1", false)
	if err != nil || res.Others != 3 {
		t.Fatalf("Unlock = %+v, %v; want 3 others tried", res, err)
	}
	select {
	case d := <-unlocked:
		if d != (UnlockDone{Opened: 2, Locked: 1}) {
			t.Errorf("unlock:done %+v, want 2 opened and 1 locked", d)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no unlock:done")
	}
	files, _ := c.Files()
	for _, f := range files {
		if want := f.Path == other; (f.Status == certs.StatusLocked) != want {
			t.Errorf("%s is %s", filepath.Base(f.Path), f.Status)
		}
	}
}

// The window's bar follows scan:progress: the last one before scan:done
// says the walk is over (Counted) and every file found is read.
func TestScanProgressSaysWhenCounted(t *testing.T) {
	c, done := newCollection(t)
	var mu sync.Mutex
	var progress []ScanState
	emit := c.emit
	c.emit = func(event string, data any) {
		if s, ok := data.(ScanState); ok && event == EventScanProgress {
			mu.Lock()
			progress = append(progress, s)
			mu.Unlock()
		}
		emit(event, data)
	}
	dir := t.TempDir()
	for _, name := range []string{"a.pem", "b.pem", "c.pem"} {
		leaf := pkitest.SelfSigned(t, pkitest.Spec{CN: name})
		pkitest.WriteFile(t, dir, name, pkitest.PEM("CERTIFICATE", leaf.Cert.Raw))
	}
	c.AddPaths([]string{dir})
	waitScan(t, done)
	mu.Lock()
	defer mu.Unlock()
	if len(progress) == 0 {
		t.Fatal("no scan:progress")
	}
	if last := progress[len(progress)-1]; !last.Counted || last.Done != 3 || last.Total != 3 {
		t.Errorf("last scan:progress = %+v, want 3 of 3, counted", last)
	}
}

// The warning window is a setting: clamped into its range, and the
// overview is judged again with it.
func TestSetWarnDays(t *testing.T) {
	c, done := newCollection(t)
	dir := t.TempDir()
	leaf := pkitest.SelfSigned(t, pkitest.Spec{CN: "soon", NotAfter: pkitest.Now.AddDate(0, 0, 45)})
	path := pkitest.WriteFile(t, dir, "soon.pem", pkitest.PEM("CERTIFICATE", leaf.Cert.Raw))
	c.AddPaths([]string{dir})
	waitScan(t, done)
	status := func() certs.Status {
		t.Helper()
		f, err := c.Details(path)
		if err != nil {
			t.Fatal(err)
		}
		return f.Status
	}
	if got := status(); got != certs.StatusValid {
		t.Fatalf("45 days left with the default window: %s", got)
	}
	if kept, err := c.SetWarnDays(60); err != nil || kept != 60 {
		t.Fatalf("SetWarnDays(60) = %d, %v", kept, err)
	}
	if got := status(); got != certs.StatusExpiring || c.WarnDays() != 60 {
		t.Errorf("45 days left, window 60: %s (window %d)", got, c.WarnDays())
	}
	if kept, _ := c.SetWarnDays(9999); kept != 365 {
		t.Errorf("SetWarnDays(9999) kept %d, want 365", kept)
	}
}

// The collection keeps nothing between calls: what another process writes
// to the cache (a scan, a CA's answer, a file gone) shows in the next
// Details and Report of this one.
func TestReadsTheCacheEachTime(t *testing.T) {
	db := filepath.Join(t.TempDir(), "cache.db")
	c, _ := openCollection(t, db)
	other, done := openCollection(t, db)
	dir := t.TempDir()
	leaf := pkitest.SelfSigned(t, pkitest.Spec{CN: "a"})
	path := pkitest.WriteFile(t, dir, "a.pem", pkitest.PEM("CERTIFICATE", leaf.Cert.Raw))
	status := func() (details, report certs.Status) {
		t.Helper()
		rep, err := c.Report(true)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range rep.Files {
			if f.Path == path {
				report = f.Status
			}
		}
		f, err := c.Details(path)
		if err != nil && errs.Shown(err).Code != errs.NotInOverview {
			t.Fatal(err)
		}
		return f.Status, report
	}
	if d, r := status(); d != "" || r != "" {
		t.Fatalf("before the scan: details %q, report %q", d, r)
	}

	other.AddPaths([]string{dir})
	waitScan(t, done)
	if d, r := status(); d != certs.StatusValid || r != certs.StatusValid {
		t.Errorf("after the other's scan: details %q, report %q; want valid", d, r)
	}

	f, err := other.Details(path)
	if err != nil {
		t.Fatal(err)
	}
	revoked := certs.Revocation{Status: certs.RevocationRevoked, CheckedAt: pkitest.Now, Source: "ocsp"}
	if err := other.st.PutRevocation(context.Background(), f.Certificate.SHA256, revoked); err != nil {
		t.Fatal(err)
	}
	if d, r := status(); d != certs.StatusRevoked || r != certs.StatusRevoked {
		t.Errorf("after the other's answer: details %q, report %q; want revoked", d, r)
	}

	if _, err := other.st.DeleteMissing(context.Background(), dir, nil); err != nil {
		t.Fatal(err)
	}
	if d, r := status(); d != "" || r != "" {
		t.Errorf("after the other removed it: details %q, report %q; want not there", d, r)
	}
}
