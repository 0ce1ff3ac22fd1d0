package report

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestWriteFileIsPrivate(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no file modes")
	}
	dir := t.TempDir()
	fresh := filepath.Join(dir, "new.csv")
	old := filepath.Join(dir, "old.ics")
	if err := os.WriteFile(old, []byte("older and longer content"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{fresh, old} {
		if err := WriteFile(p, []byte("x;y\n")); err != nil {
			t.Fatal(err)
		}
		fi, _ := os.Stat(p)
		b, _ := os.ReadFile(p)
		if fi.Mode().Perm() != 0o600 || string(b) != "x;y\n" {
			t.Fatalf("%s: mode %o, %q", filepath.Base(p), fi.Mode().Perm(), b)
		}
	}
}
