package scan

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/errs"
)

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.p12")
	if err := os.WriteFile(big, make([]byte, certs.MaxFileSize+1), 0o600); err != nil {
		t.Fatal(err)
	}
	small := filepath.Join(dir, "small.p12")
	write(t, small, "CERT 60")
	empty := filepath.Join(dir, "empty.p12")
	write(t, empty, "")
	for _, tc := range []struct {
		path, code string
	}{
		{small, ""},
		{big, errs.TooLarge},
		{empty, errs.EmptyFile},
		{dir, errs.NotAFile},
		{filepath.Join(dir, "missing"), errs.FileNotFound},
	} {
		t.Run(filepath.Base(tc.path), func(t *testing.T) {
			data, err := ReadFile(tc.path)
			if got := errs.Code(err); got != tc.code || (err == nil) != (tc.code == "") {
				t.Fatalf("code %q (%v), want %q", got, err, tc.code)
			}
			if tc.code == "" && string(data) != "CERT 60" {
				t.Fatalf("data %q", data)
			}
		})
	}
}

// A FIFO at the path must not hang the read: without O_NONBLOCK, open
// waits for a writer that never comes.
func TestReadFileDoesNotBlockOnAFIFO(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no FIFOs")
	}
	fifo := filepath.Join(t.TempDir(), "pipe.p12")
	if err := mkfifo(fifo); err != nil {
		t.Fatal(err)
	}
	for _, follow := range []bool{true, false} {
		done := make(chan error, 1)
		go func() {
			if follow {
				_, err := ReadFile(fifo)
				done <- err
			} else {
				_, _, err := readFile(fifo, false)
				done <- err
			}
		}()
		select {
		case err := <-done:
			if follow && errs.Code(err) != errs.NotAFile || !follow && !errors.Is(err, errNotAFile) {
				t.Fatalf("follow %v: %v, want not_a_file", follow, err)
			}
		case <-time.After(5 * time.Second):
			// Unblock the stuck open so the test binary can end.
			if f, err := os.OpenFile(fifo, os.O_WRONLY, 0); err == nil {
				f.Close()
			}
			t.Fatalf("follow %v: the read of a FIFO blocked", follow)
		}
	}
}

// A link swapped in between the walk's Lstat and the open is not followed.
func TestReadFileInAFolderRefusesASwappedInLink(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("O_NOFOLLOW")
	}
	dir := t.TempDir()
	write(t, filepath.Join(dir, "target"), "CERT 60")
	symlink(t, filepath.Join(dir, "target"), filepath.Join(dir, "link.pem"))
	if _, _, err := readFile(filepath.Join(dir, "link.pem"), false); !errors.Is(err, errNotAFile) {
		t.Fatalf("err = %v, want not a file", err)
	}
}

// The reads of a scan share one memory budget: with eight workers and
// scrypt-sized reads, no more than the budget's worth run at once.
func TestScanBoundsTheMemoryOfConcurrentReads(t *testing.T) {
	files := map[string]string{}
	for i := range 16 {
		files[filepath.Join("d", string(rune('a'+i))+".p12")] = "CERT 60"
	}
	dir := tree(t, files)
	const each = 128 << 20
	var now, peak atomic.Int64
	var mu sync.Mutex
	read := func(data []byte, opts certs.Options) certs.File {
		if opts.Memory == nil {
			t.Error("no memory budget given to the reader")
			return certs.File{}
		}
		opts.Memory.Acquire(each)
		n := now.Add(1)
		mu.Lock()
		peak.Store(max(peak.Load(), n))
		mu.Unlock()
		time.Sleep(20 * time.Millisecond)
		now.Add(-1)
		opts.Memory.Release(each)
		return certs.File{Status: certs.StatusLocked, Chain: []certs.Certificate{}}
	}
	if _, err := Scan(t.Context(), []string{dir}, Options{Workers: 8, read: read}); err != nil {
		t.Fatal(err)
	}
	if p := peak.Load(); p > readMemoryBudget/each || p < 1 {
		t.Fatalf("%d reads of %d MiB ran at once; the budget is %d MiB", p, each>>20, readMemoryBudget>>20)
	}
}
