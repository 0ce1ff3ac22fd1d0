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
