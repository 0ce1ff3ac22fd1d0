package desktop

import (
	"bytes"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// testLogPath moves the config directory into a temporary one and returns
// where OpenLog writes there.
func testLogPath(t *testing.T) string {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("XDG_CONFIG_HOME moves the config directory on Linux only")
	}
	config := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", config)
	return filepath.Join(config, "dpgcerts", "dpgcerts.log")
}

func TestOpenLog(t *testing.T) {
	path := testLogPath(t)

	write := func(line string) {
		t.Helper()
		closeLog := OpenLog()
		log.Print(line)
		closeLog()
	}

	write("first")
	write("second")
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(got), "first") || !strings.Contains(string(got), "second") {
		t.Fatalf("the log holds %q, want both lines appended", got)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}

	// Past maxLogSize, the log starts afresh.
	if err := os.WriteFile(path, bytes.Repeat([]byte("x"), maxLogSize+1), 0o600); err != nil {
		t.Fatal(err)
	}
	write("fresh")
	got, _ = os.ReadFile(path)
	if len(got) > 1000 || !strings.Contains(string(got), "fresh") {
		t.Fatalf("the log is %d bytes, want it started afresh with the new line", len(got))
	}
}

// A log left 0644 by an older build is tightened to 0600 when opened.
func TestOpenLogTightensAnExistingLog(t *testing.T) {
	path := testLogPath(t)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	OpenLog()()
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
}
