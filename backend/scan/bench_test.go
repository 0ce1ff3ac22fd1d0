package scan

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"dpgcerts/backend/certs"
)

// rescanSetup writes n copies of a real PKCS#12 file in 20 folders, and
// returns the folder and how long the first, uncached scan into cache took.
func rescanSetup(tb testing.TB, n int, opts Options) (string, time.Duration) {
	tb.Helper()
	p12, _ := realP12(tb, "secret", 300)
	dir := tb.TempDir()
	for i := range n {
		write(tb, filepath.Join(dir, "d"+strconv.Itoa(i%20), "org"+strconv.Itoa(i)+".p12"), string(p12))
	}
	start := time.Now()
	files, err := Scan(context.Background(), []string{dir}, opts)
	if err != nil || len(files) != n || files[0].Status != certs.StatusValid {
		tb.Fatalf("first scan: %d files, %v", len(files), err)
	}
	return dir, time.Since(start)
}

// BenchmarkRescanCached measures a rescan of 2,000 unchanged files from the
// SQLite cache, and reports the uncached first scan for comparison.
func BenchmarkRescanCached(b *testing.B) {
	opts := Options{Passwords: []string{"wrong", "secret"}, Now: t0, Cache: openStore(b)}
	dir, first := rescanSetup(b, 2000, opts)
	b.ReportMetric(float64(first.Milliseconds()), "first-scan-ms")
	b.ResetTimer()
	for b.Loop() {
		files, err := Scan(context.Background(), []string{dir}, opts)
		if err != nil || len(files) != 2000 {
			b.Fatal(len(files), err)
		}
	}
}

// TestRescanSpeed checks that a cached rescan of 2,000 unchanged files is
// over 20 times faster than the first scan, which decrypts each one.
func TestRescanSpeed(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("slow: reads 2,000 PKCS#12 files; timing is meaningless under -race")
	}
	var r fakeReader
	opts := Options{Passwords: []string{"wrong", "secret"}, Now: t0, Cache: openStore(t)}
	dir, first := rescanSetup(t, 2000, opts)
	opts.read = r.read
	// Best of three, so a busy machine does not fail the test.
	best := time.Hour
	for range 3 {
		start := time.Now()
		files, err := Scan(context.Background(), []string{dir}, opts)
		if err != nil || len(files) != 2000 || files[0].Status != certs.StatusValid {
			t.Fatalf("rescan: %d files, %v", len(files), err)
		}
		best = min(best, time.Since(start))
	}
	if r.calls.Load() != 0 {
		t.Errorf("rescan read %d files", r.calls.Load())
	}
	t.Logf("first scan %v, cached rescan %v (%.0f×)", first, best, float64(first)/float64(best))
	if best*20 > first {
		t.Errorf("cached rescan %v is not 20× faster than the first scan %v", best, first)
	}
}
