package certs

import (
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"

	"dpgcerts/internal/pkcs12kdf"
	"dpgcerts/internal/pkcs12oid"
	"dpgcerts/internal/pkitest"
)

// The benchmarks read BENCH_DIR (made by scripts/bench.sh: .p12 files with
// OpenSSL 3's default protection) and BENCH_PASSWORD. Without them they use
// one file made here, so `go test -bench .` works anywhere.

func benchFiles(b *testing.B) ([][]byte, string) {
	b.Helper()
	dir, password := os.Getenv("BENCH_DIR"), os.Getenv("BENCH_PASSWORD")
	if dir == "" {
		return [][]byte{pkitest.OpenSSLP12(b, pkitest.DefaultOrg(b), pw)}, pw
	}
	paths, _ := filepath.Glob(filepath.Join(dir, "*.p12"))
	if len(paths) == 0 {
		b.Fatalf("no .p12 files in %s", dir)
	}
	var files [][]byte
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		files = append(files, data)
	}
	return files, password
}

// kdfWork returns the key derivations opening data with password needs: the
// MAC key and one key per encrypted part, and nothing else.
func kdfWork(b *testing.B, data []byte, password string) []func() {
	var pfx pfxPDU
	if err := unmarshalBER(data, &pfx); err != nil {
		b.Fatal(err)
	}
	var work []func()
	m := pfx.MacData
	if d, ok := digests[m.Mac.Algorithm.Algorithm.String()]; ok {
		bmp := pkcs12kdf.BMP(password)
		work = append(work, func() { pkcs12kdf.Derive(d.new, pkcs12kdf.MAC, bmp, m.MacSalt, m.Iterations, d.new().Size()) })
	}
	r := &pfxReader{}
	authSafe, _ := r.dataContent(pfx.AuthSafe.Content)
	var safes []contentInfo
	if err := unmarshalBER(authSafe, &safes); err != nil {
		b.Fatal(err)
	}
	addPBES2 := func(params []byte) {
		var p pbes2Params
		if err := unmarshalBER(params, &p); err != nil {
			b.Fatal(err)
		}
		kdf, err := parseKDF(p.KDF)
		if err != nil {
			b.Fatal(err)
		}
		work = append(work, func() { kdf.derive([]byte(password), 32) })
	}
	for _, ci := range safes {
		if ci.ContentType.Equal(pkcs12oid.EncryptedData) {
			var ed encryptedData
			unmarshalBER(ci.Content.Bytes, &ed)
			addPBES2(ed.Info.Algorithm.Parameters.FullBytes)
			continue
		}
		plain, _ := r.dataContent(ci.Content)
		bags, _ := parseSafeContents(plain)
		for _, bag := range bags {
			if bag.ID.Equal(pkcs12oid.ShroudedKeyBag) {
				var info encryptedPrivateKeyInfo
				unmarshalBER(bag.Value.Bytes, &info)
				addPBES2(info.Algorithm.Parameters.FullBytes)
			}
		}
	}
	return work
}

// BenchmarkKDFFloor is the least work any reader must do: the key
// derivations alone, on all cores. One op is one file.
func BenchmarkKDFFloor(b *testing.B) {
	files, password := benchFiles(b)
	var work [][]func()
	for _, f := range files {
		work = append(work, kdfWork(b, f, password))
	}
	var next atomic.Int64
	b.SetParallelism(1)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			for _, w := range work[int(next.Add(1))%len(work)] {
				w()
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "files/s")
	b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "cores")
}

// BenchmarkRead is the whole reader on the same files, on all cores.
func BenchmarkRead(b *testing.B) {
	files, password := benchFiles(b)
	opts := Options{Passwords: []string{password}, Now: testNow, WarnDays: 30}
	var next atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if f := Read(files[int(next.Add(1))%len(files)], opts); f.Status == StatusUnreadable {
				b.Errorf("unreadable: %v", f.Error)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "files/s")
}
