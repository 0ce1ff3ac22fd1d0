package certs

import (
	"runtime"
	"testing"
	"time"

	"dpgcerts/internal/pkitest"
)

// hugeBER is 4 MiB of one indefinite SEQUENCE of about two million NULLs:
// small on disk, two million elements as a tree.
func hugeBER() []byte {
	data := make([]byte, 0, MaxFileSize)
	data = append(data, 0x30, 0x80)
	for len(data) < MaxFileSize-4 {
		data = append(data, 0x05, 0x00)
	}
	return append(data, 0x00, 0x00)
}

func TestBERElementCountIsBounded(t *testing.T) {
	data := hugeBER()
	if _, _, err := parseBER(data, 0); err == nil {
		t.Fatal("two million elements were parsed")
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f := Read(data, Options{Now: time.Now()})
	runtime.ReadMemStats(&after)
	if f.Status != StatusUnreadable {
		t.Fatalf("status = %s", f.Status)
	}
	// Before the bound this allocated about 2 GB.
	if got := after.TotalAlloc - before.TotalAlloc; got > 64<<20 {
		t.Fatalf("reading it allocated %d MiB", got>>20)
	}
}

func TestBERWithinTheBoundStillConverts(t *testing.T) {
	data := []byte{0x30, 0x80}
	for range maxBERElements - 2 {
		data = append(data, 0x05, 0x00)
	}
	data = append(data, 0x00, 0x00)
	if _, err := toDER(data); err != nil {
		t.Fatal(err)
	}
}

// memoryLog records the largest reservation and checks each is given back.
type memoryLog struct {
	max, held int64
}

func (m *memoryLog) Acquire(n int64) { m.held += n; m.max = max(m.max, n) }
func (m *memoryLog) Release(n int64) { m.held -= n }

func TestScryptReservesItsMemory(t *testing.T) {
	pki := pkitest.DefaultOrg(t)
	dir := pkiDir(t, pki)
	key := opensslRun(t, dir, "k.pem", "pkcs8", "-topk8", "-in", "key.pem", "-scrypt", "-passout", "env:P12PASS", "-out", "k.pem")
	data := append(key, pkitest.PEM("CERTIFICATE", pki.Leaf.Cert.Raw)...)
	var m memoryLog
	f := Read(data, Options{Passwords: []string{"wrong", pw}, Now: time.Now(), Memory: &m})
	if f.Status != StatusValid {
		t.Fatalf("status = %s", f.Status)
	}
	// OpenSSL's default scrypt: N=16384, r=8, so a 16 MiB table.
	if m.max < 16<<20 || m.held != 0 {
		t.Fatalf("reserved at most %d bytes, %d still held", m.max, m.held)
	}
}
