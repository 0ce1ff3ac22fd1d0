package local

import (
	"dpgcerts/backend/config"
	"dpgcerts/backend/store"
	"dpgcerts/internal/pkitest"
	"path/filepath"
	"testing"
	"time"
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
	st, err := store.Open(filepath.Join(t.TempDir(), "cache.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
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
