package local

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"dpgcerts/backend/config"
	"dpgcerts/backend/passwords"
	"dpgcerts/backend/store"
)

// BenchmarkWindowScan is the window's scan of a folder into a fresh cache,
// with every event turned into JSON as Wails does: the figure make bench
// compares with `dpgcerts scan` on the same files. BENCH_DIR holds the
// files and BENCH_PASSWORD opens them (scripts/bench.sh sets both).
func BenchmarkWindowScan(b *testing.B) {
	dir, password := os.Getenv("BENCH_DIR"), os.Getenv("BENCH_PASSWORD")
	if dir == "" {
		b.Skip("BENCH_DIR is not set (make bench sets it)")
	}
	var files int
	for b.Loop() {
		b.StopTimer()
		st, err := store.Open(filepath.Join(b.TempDir(), "cache.db"))
		if err != nil {
			b.Fatal(err)
		}
		done := make(chan ScanResult, 1)
		c := New(Options{Store: st, Runtime: config.Runtime{Now: time.Now}, Passwords: passwords.New(false, password),
			Emit: func(event string, data any) {
				json.NewEncoder(io.Discard).Encode(data)
				if r, ok := data.(ScanResult); ok {
					done <- r
				}
			}})
		b.StartTimer()
		c.AddPaths([]string{dir})
		res := <-done
		b.StopTimer()
		c.Close()
		st.Close()
		if res.Error != nil || res.Files == 0 {
			b.Fatalf("scan: %+v", res)
		}
		files = res.Files
		b.StartTimer()
	}
	b.ReportMetric(float64(files*b.N)/b.Elapsed().Seconds(), "files/s")
}
