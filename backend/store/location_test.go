package store

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestResolveDefault(t *testing.T) {
	config := func() (string, error) { return "/home/u/.config", nil }
	local := func() (string, error) { return "/home/u/.cache", nil }
	t.Run("linux uses the config dir", func(t *testing.T) {
		got, err := resolveDefault("linux", config, local)
		if err != nil || got != filepath.Join("/home/u/.config", "dpgcerts", "dpgcerts.db") {
			t.Fatalf("got %q, %v", got, err)
		}
	})
	t.Run("windows uses local app data", func(t *testing.T) {
		root := t.TempDir()
		roaming := func() (string, error) { return filepath.Join(root, "Roaming"), nil }
		localApp := func() (string, error) { return filepath.Join(root, "Local"), nil }
		got, err := resolveDefault("windows", roaming, localApp)
		if err != nil || got != filepath.Join(root, "Local", "dpgcerts", "dpgcerts.db") {
			t.Fatalf("got %q, %v", got, err)
		}
	})
	t.Run("windows without a roaming dir", func(t *testing.T) {
		none := func() (string, error) { return "", errors.New("no APPDATA") }
		got, err := resolveDefault("windows", none, local)
		if err != nil || got != filepath.Join("/home/u/.cache", "dpgcerts", "dpgcerts.db") {
			t.Fatalf("got %q, %v", got, err)
		}
	})
}

func writeFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(n), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func TestMoveCache(t *testing.T) {
	all := []string{"dpgcerts.db", "dpgcerts.db-wal", "dpgcerts.db-shm", "dpgcerts.log"}
	t.Run("moves the database, its journal files and the log", func(t *testing.T) {
		root := t.TempDir()
		oldDir, newDir := filepath.Join(root, "old"), filepath.Join(root, "new", "dpgcerts")
		writeFiles(t, oldDir, all...)
		got, err := moveCache(oldDir, newDir)
		if err != nil || got != newDir {
			t.Fatalf("got %q, %v", got, err)
		}
		for _, n := range all {
			data, err := os.ReadFile(filepath.Join(newDir, n))
			if err != nil || string(data) != n {
				t.Errorf("%s: %q, %v", n, data, err)
			}
		}
		if exists(oldDir) {
			t.Error("the empty old folder is left behind")
		}
	})
	t.Run("a database already in the new place wins", func(t *testing.T) {
		root := t.TempDir()
		oldDir, newDir := filepath.Join(root, "old"), filepath.Join(root, "new")
		writeFiles(t, oldDir, "dpgcerts.db")
		writeFiles(t, newDir, "dpgcerts.db")
		if got, err := moveCache(oldDir, newDir); err != nil || got != newDir {
			t.Fatalf("got %q, %v", got, err)
		}
		if !exists(filepath.Join(oldDir, "dpgcerts.db")) {
			t.Error("the old database was touched")
		}
	})
	t.Run("nothing to move", func(t *testing.T) {
		root := t.TempDir()
		newDir := filepath.Join(root, "new")
		if got, err := moveCache(filepath.Join(root, "old"), newDir); err != nil || got != newDir {
			t.Fatalf("got %q, %v", got, err)
		}
		if exists(newDir) {
			t.Error("made the new folder for nothing")
		}
	})
	t.Run("a failed move puts everything back and keeps the old place", func(t *testing.T) {
		root := t.TempDir()
		oldDir, newDir := filepath.Join(root, "old"), filepath.Join(root, "new")
		writeFiles(t, oldDir, all...)
		// The -shm's place is taken (a stray file): the -wal, moved first,
		// must go back.
		writeFiles(t, newDir, "dpgcerts.db-shm")
		got, err := moveCache(oldDir, newDir)
		if err == nil || got != oldDir {
			t.Fatalf("got %q, %v; want the old folder and an error", got, err)
		}
		for _, n := range all {
			data, err := os.ReadFile(filepath.Join(oldDir, n))
			if err != nil || string(data) != n {
				t.Errorf("%s: %q, %v", n, data, err)
			}
		}
		if exists(filepath.Join(newDir, "dpgcerts.db-wal")) {
			t.Error("the -wal moved without its database")
		}
	})
}

func TestDefaultPathFollowsTheEnvironment(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("XDG_CONFIG_HOME moves the config directory on Linux only")
	}
	for _, dir := range []string{t.TempDir(), t.TempDir()} {
		t.Setenv("XDG_CONFIG_HOME", dir)
		got, err := DefaultPath()
		if want := filepath.Join(dir, "dpgcerts", "dpgcerts.db"); err != nil || got != want {
			t.Errorf("got %q, %v; want %q", got, err, want)
		}
	}
}
