package sandbox

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"dpgcerts/backend/errs"
	"dpgcerts/backend/portal"
)

func startTest(t *testing.T, opts Options) string {
	t.Helper()
	s, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	url, stop, err := s.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stop(); s.Close() })
	return url
}

// Item 11: a body far over the limit gets its 413 as an answer the client
// can read, not a connection reset while it is still sending. The client
// here sends its whole body before it reads, at about 20 MB/s as over a real
// network (Go's own client reads early answers; curl and others don't).
func TestTooLargeBodyGetsA413(t *testing.T) {
	url := startTest(t, Options{})
	addr := strings.TrimPrefix(url, "http://")
	for _, size := range []int{5 << 20, 40 << 20} {
		t.Run(fmt.Sprintf("%d MiB", size>>20), func(t *testing.T) {
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			fmt.Fprintf(conn, "POST %s/certificates HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"+
				"Idempotency-Key: 00000000-0000-4000-8000-000000000001\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n",
				portal.APIPath, TokenAdmin, size)
			if _, err := io.Copy(conn, &slowReader{r: bytes.NewReader(bytes.Repeat([]byte("A"), size))}); err != nil {
				t.Fatalf("sending: %v", err)
			}
			conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatalf("no answer: %v", err)
			}
			defer resp.Body.Close()
			var e struct{ Error struct{ Code string } }
			json.NewDecoder(resp.Body).Decode(&e)
			if resp.StatusCode != http.StatusRequestEntityTooLarge || e.Error.Code != errs.PayloadTooLarge {
				t.Fatalf("HTTP %d %q", resp.StatusCode, e.Error.Code)
			}
		})
	}
}

type slowReader struct{ r io.Reader }

func (s *slowReader) Read(p []byte) (int, error) {
	time.Sleep(3 * time.Millisecond)
	return s.r.Read(p[:min(len(p), 64<<10)])
}

// sendRaw writes a request by hand (format takes the API path and the
// admin's token) and gives the connection 5 s to answer or close.
func sendRaw(t *testing.T, addr, format string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	fmt.Fprintf(conn, format, portal.APIPath, TokenAdmin)
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	return conn
}

// Item 12: a client that stops sending mid-request, or holds an idle
// connection, is cut off.
func TestTimeouts(t *testing.T) {
	url := startTest(t, Options{ReadTimeout: 300 * time.Millisecond, IdleTimeout: 300 * time.Millisecond})
	addr := strings.TrimPrefix(url, "http://")
	t.Run("a body that never comes", func(t *testing.T) {
		conn := sendRaw(t, addr, "POST %s/certificates HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nIdempotency-Key: k\r\nContent-Length: 1000\r\n\r\n{")
		start := time.Now()
		io.Copy(io.Discard, conn)
		if took := time.Since(start); took > 3*time.Second {
			t.Fatalf("the connection stayed open %s", took)
		}
	})
	t.Run("an idle connection", func(t *testing.T) {
		conn := sendRaw(t, addr, "GET %s/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n")
		br := bufio.NewReader(conn)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		start := time.Now()
		if _, err := br.ReadByte(); err == nil {
			t.Fatal("unexpected data")
		}
		if took := time.Since(start); took > 3*time.Second {
			t.Fatalf("the idle connection stayed open %s", took)
		}
	})
}

// Item 12: the reader's checks of uploads run at most MaxChecks at a time.
// Two checks are held inside their slots while the other eight ask for
// one; those eight are then called off, and each must still be waiting
// for a slot (answered busy), not checking.
func TestUploadChecksAreBounded(t *testing.T) {
	s, err := Open(Options{MaxChecks: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var now, peak atomic.Int64
	var mu sync.Mutex
	entered, release := make(chan struct{}), make(chan struct{})
	s.checkHook = func() {
		n := now.Add(1)
		mu.Lock()
		peak.Store(max(peak.Load(), n))
		mu.Unlock()
		entered <- struct{}{}
		<-release
		now.Add(-1)
	}
	ctx, callOff := context.WithCancel(context.Background())
	defer callOff()
	results := make(chan checked, 10)
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() { results <- s.checkBounded(ctx, &installBody{pkcs12: []byte("x")}) })
	}
	<-entered
	<-entered // both slots are taken and held
	callOff()
	for range 8 {
		select {
		case r := <-results:
			if r.code != errs.Unavailable {
				t.Errorf("a check that found no slot: %q, want %q", r.code, errs.Unavailable)
			}
		case <-entered:
			t.Errorf("a third check ran at once (%d)", now.Load())
		}
	}
	close(release)
	wg.Wait()
	if p := peak.Load(); p != 2 {
		t.Fatalf("%d checks at once, want 2", p)
	}
}

// The sandbox's database names certificates and users: 0600, also when it
// existed with a wider mode.
func TestDatabaseIsPrivate(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no file modes")
	}
	path := filepath.Join(t.TempDir(), "sandbox.db")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Open(Options{DB: path})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %o", fi.Mode().Perm())
	}
}
