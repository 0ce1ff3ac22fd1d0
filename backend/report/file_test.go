package report

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"dpgcerts/backend/errs"
)

// Save writes the file, and a place that can't be written is write_failed.
func TestSave(t *testing.T) {
	path := filepath.Join(t.TempDir(), "export.csv")
	if err := Save(path, []byte("a;b")); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(path); err != nil || string(got) != "a;b" {
		t.Fatalf("saved %q, %v", got, err)
	}
	if err := Save(filepath.Join(t.TempDir(), "gone", "export.csv"), nil); errs.Code(err) != errs.WriteFailed {
		t.Errorf("an unwritable place: %v, want %s", err, errs.WriteFailed)
	}
}

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
