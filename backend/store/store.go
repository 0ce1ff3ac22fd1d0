// Package store is the app's SQLite adapter: it keeps, in one database
// file, the certificate files the scanner has read (files.go), the folders
// the user added, the settings (window, language, reminders), the reminders
// already sent, the revocation answers and the CA certificates fetched for
// them, and for backend/portal its durable outbox of installs and
// activations (outbox.go) and the offline copy of the portal's records
// (portalcache.go), and the Entra registrations the admin confirmed and the
// notes after Exchange Online activations (entra.go). It opens from an injected path (":memory:" in tests)
// and migrates itself on open with the numbered migrations (Migrate, which
// the sandbox portal uses for its own schema too).
//
// The database never holds a password, a token or a private key.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver
)

// Memory is the path of a private in-memory database, for tests.
const Memory = ":memory:"

// dsnParams are set on every connection: WAL so the window can read while a
// scan writes, foreign keys on, a busy timeout instead of instant
// "database is locked", BEGIN IMMEDIATE so a write transaction waits for
// the lock up front rather than failing when it upgrades from read to write,
// and secure_delete so the encrypted .p12 of a finished install doesn't
// linger in free pages.
const dsnParams = "_journal_mode=WAL&_foreign_keys=on&_busy_timeout=5000&_synchronous=NORMAL&_txlock=immediate&_secure_delete=on"

// Store is an open database. Its methods are safe for concurrent use.
type Store struct {
	db   *sql.DB
	path string
	// now is the clock of the times the store records itself (time.Now;
	// tests set their own).
	now func() time.Time
}

// Open opens (creating if needed) the database at path and applies any
// pending migrations. A new file gets mode 0600 and a new parent directory
// 0700, as the file names the organisation's certificate files (off
// Windows; see modeBits).
func Open(path string) (*Store, error) {
	return open(path, migrationsFS)
}

func open(path string, migrations fs.FS) (*Store, error) {
	if path == "" {
		return nil, errors.New("store: empty database path")
	}
	memory := path == Memory
	if !memory {
		// The driver cuts the DSN at the first '?'.
		if strings.ContainsRune(path, '?') {
			return nil, fmt.Errorf("store: database path %q must not contain '?'", path)
		}
		if err := CreatePrivate(path); err != nil {
			return nil, err
		}
	}
	db, err := sql.Open("sqlite3", path+"?"+dsnParams)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if memory {
		// Each connection to ":memory:" is its own empty database: keep one.
		db.SetMaxOpenConns(1)
	}
	s := &Store{db: db, path: path, now: time.Now}
	if err := Migrate(context.Background(), db, migrations); err != nil {
		db.Close()
		return nil, err
	}
	if !memory && modeBits {
		// SQLite gives -wal and -shm the main file's mode; make sure anyway.
		for _, suffix := range []string{"-wal", "-shm"} {
			if err := os.Chmod(path+suffix, 0o600); err != nil && !errors.Is(err, fs.ErrNotExist) {
				db.Close()
				return nil, fmt.Errorf("store: %w", err)
			}
		}
	}
	return s, nil
}

// CreatePrivate makes the parent directory (0700) and the file (0600)
// before SQLite opens it, so the file is never briefly world-readable. An
// existing file, and its -wal and -shm, are tightened to 0600 too. The
// sandbox portal's database is made the same way.
func CreatePrivate(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if !modeBits {
		return nil
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o600); err != nil && (p == path || !errors.Is(err, fs.ErrNotExist)) {
			return fmt.Errorf("store: %w", err)
		}
	}
	return nil
}

// modeBits is false on Windows, where chmod only toggles the read-only bit
// (and fails with a sharing violation on the -shm file SQLite holds open).
// There the per-user profile's ACL keeps the cache private.
const modeBits = runtime.GOOS != "windows"

// Path is the path the store was opened with.
func (s *Store) Path() string { return s.path }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }
