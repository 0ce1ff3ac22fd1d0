package store

import (
	"context"
	"database/sql"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"dpgcerts/backend/certs"
)

func openMemory(t *testing.T) *Store {
	t.Helper()
	s, err := Open(Memory)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// openUnixMemory is openMemory for a test written with Unix paths; it
// skips the test elsewhere.
func openUnixMemory(t *testing.T) *Store {
	t.Helper()
	if filepathSep() != '/' {
		t.Skip("Unix paths")
	}
	return openMemory(t)
}

func pragma(t *testing.T, s *Store, name string) string {
	t.Helper()
	var v string
	if err := s.db.QueryRow("PRAGMA " + name).Scan(&v); err != nil {
		t.Fatalf("PRAGMA %s: %v", name, err)
	}
	return v
}

func TestOpenFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix file modes")
	}
	dir := filepath.Join(t.TempDir(), "new", "dir")
	path := filepath.Join(dir, "dpgcerts.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	t.Run("modes", func(t *testing.T) {
		for p, want := range map[string]fs.FileMode{
			dir: 0o700, path: 0o600, path + "-wal": 0o600, path + "-shm": 0o600,
		} {
			fi, err := os.Stat(p)
			if os.IsNotExist(err) && strings.Contains(p, "-") {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := fi.Mode().Perm(); got != want {
				t.Errorf("%s: mode %o, want %o", filepath.Base(p), got, want)
			}
		}
	})
	t.Run("pragmas", func(t *testing.T) {
		ms, err := loadMigrations(migrationsFS)
		if err != nil {
			t.Fatal(err)
		}
		for name, want := range map[string]string{
			// The newest migration, whatever its number.
			"journal_mode": "wal", "foreign_keys": "1", "busy_timeout": "5000", "secure_delete": "1", "user_version": strconv.Itoa(len(ms)),
		} {
			if got := pragma(t, s, name); got != want {
				t.Errorf("PRAGMA %s = %s, want %s", name, got, want)
			}
		}
	})
}

func TestOpenTightensExistingFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix file modes")
	}
	path := filepath.Join(t.TempDir(), "x.db")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	fi, _ := os.Stat(path)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %o, want 600", fi.Mode().Perm())
	}
}

func TestOpenRejects(t *testing.T) {
	for name, path := range map[string]string{
		"empty":         "",
		"question mark": filepath.Join(t.TempDir(), "a?b.db"),
	} {
		t.Run(name, func(t *testing.T) {
			if s, err := Open(path); err == nil {
				s.Close()
				t.Errorf("Open(%q) succeeded", path)
			}
		})
	}
}

func TestMemoryIsOneDatabase(t *testing.T) {
	s := openMemory(t)
	// Parallel use must not open a second, empty in-memory database.
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := s.Folders(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}

func TestDefaultPath(t *testing.T) {
	p, err := DefaultPath()
	if err != nil {
		t.Skip("no config dir here:", err)
	}
	if !strings.HasSuffix(p, filepath.Join("dpgcerts", "dpgcerts.db")) || !filepath.IsAbs(p) {
		t.Errorf("DefaultPath() = %q", p)
	}
}

func TestMigrations(t *testing.T) {
	m1 := &fstest.MapFile{Data: []byte("CREATE TABLE a (x INTEGER);")}
	m2 := &fstest.MapFile{Data: []byte("CREATE TABLE b (y INTEGER); INSERT INTO a VALUES (1);")}
	bad := &fstest.MapFile{Data: []byte("CREATE TABLE c (z INTEGER); THIS IS NOT SQL;")}
	tests := []struct {
		name    string
		steps   []fstest.MapFS // opened in turn on the same file
		wantErr bool           // of the last step
		version int            // after the last step
		tables  []string
		absent  []string
	}{
		{
			name:    "fresh",
			steps:   []fstest.MapFS{{"0001_a.sql": m1}},
			version: 1, tables: []string{"a"},
		},
		{
			// 0001 has no IF NOT EXISTS: applying it twice would fail.
			name:    "reopen does not re-apply",
			steps:   []fstest.MapFS{{"0001_a.sql": m1}, {"0001_a.sql": m1}},
			version: 1, tables: []string{"a"},
		},
		{
			name:    "new migration applies",
			steps:   []fstest.MapFS{{"0001_a.sql": m1}, {"0001_a.sql": m1, "0002_b.sql": m2}},
			version: 2, tables: []string{"a", "b"},
		},
		{
			name:    "failed migration rolls back",
			steps:   []fstest.MapFS{{"0001_a.sql": m1}, {"0001_a.sql": m1, "0002_c.sql": bad}},
			wantErr: true, version: 1, tables: []string{"a"}, absent: []string{"c"},
		},
		{
			name:    "gap in numbers",
			steps:   []fstest.MapFS{{"0001_a.sql": m1, "0003_b.sql": m2}},
			wantErr: true, version: 0, absent: []string{"a"},
		},
		{
			name:    "bad name",
			steps:   []fstest.MapFS{{"init.sql": m1}},
			wantErr: true, version: 0,
		},
		{
			name:    "database newer than program",
			steps:   []fstest.MapFS{{"0001_a.sql": m1, "0002_b.sql": m2}, {"0001_a.sql": m1}},
			wantErr: true, version: 2, tables: []string{"a", "b"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "m.db")
			for i, step := range tt.steps {
				s, err := open(path, step)
				last := i == len(tt.steps)-1
				if !last || !tt.wantErr {
					if err != nil {
						t.Fatalf("step %d: %v", i, err)
					}
				} else if err == nil {
					t.Fatalf("step %d: no error", i)
				}
				if s != nil {
					s.Close()
				}
			}
			s := rawStore(t, path)
			if got, _ := s.Version(context.Background()); got != tt.version {
				t.Errorf("version %d, want %d", got, tt.version)
			}
			for _, name := range tt.tables {
				if !hasTable(t, s, name) {
					t.Errorf("table %s missing", name)
				}
			}
			for _, name := range tt.absent {
				if hasTable(t, s, name) {
					t.Errorf("table %s exists", name)
				}
			}
		})
	}
}

func TestSchema(t *testing.T) {
	s := openMemory(t)
	for _, name := range []string{"files", "folders", "settings"} {
		if !hasTable(t, s, name) {
			t.Errorf("table %s missing", name)
		}
	}
	// Later issues add these; they must not sneak in early.
	for _, name := range []string{"outbox", "certificates", "usages", "events"} {
		if hasTable(t, s, name) {
			t.Errorf("table %s exists", name)
		}
	}
}

func hasTable(t *testing.T, s *Store, name string) bool {
	t.Helper()
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n == 1
}

// TestResultHoldsNoSecrets guards the rule that the database never holds a
// password, a token or a private key: certs.File is stored whole, so a new
// field there that could hold one must be looked at before it lands here.
func TestResultHoldsNoSecrets(t *testing.T) {
	allowed := map[string]bool{
		"File.HasPrivateKey": true, "File.KeyMatchesCertificate": true,
		"File.PasswordIndex": true, "Certificate.KeyAlgorithm": true,
	}
	suspicious := []string{"key", "password", "secret", "token", "pass"}
	var walk func(typ reflect.Type, seen map[reflect.Type]bool)
	walk = func(typ reflect.Type, seen map[reflect.Type]bool) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice {
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct || seen[typ] || typ.PkgPath() != reflect.TypeFor[certs.File]().PkgPath() {
			return
		}
		seen[typ] = true
		for i := range typ.NumField() {
			f := typ.Field(i)
			name := typ.Name() + "." + f.Name
			if f.Type.Kind() == reflect.Interface {
				t.Errorf("%s is an interface (could hold a key)", name)
			}
			for _, w := range suspicious {
				if strings.Contains(strings.ToLower(f.Name), w) && !allowed[name] {
					t.Errorf("%s may hold a secret; review the store before allowing it", name)
				}
			}
			walk(f.Type, seen)
		}
	}
	walk(reflect.TypeFor[certs.File](), map[reflect.Type]bool{})
}

func TestConcurrentWriters(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 10 {
				e := testEntry("/w" + string(rune('a'+w)) + "/" + string(rune('a'+i)))
				if err := s.PutFiles(ctx, []Entry{e}); err != nil {
					t.Error(err)
					return
				}
				if _, err := s.LoadFiles(ctx); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	all, _ := s.LoadFiles(ctx)
	if len(all) != 40 {
		t.Errorf("%d rows, want 40", len(all))
	}
}

// rawStore opens a database without migrating it, to look inside.
func rawStore(t *testing.T, path string) *Store {
	t.Helper()
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &Store{db: db, path: path}
}
