package store

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"runtime"
)

// Names of the files kept in the default folder.
const (
	dbName  = "dpgcerts.db"
	logName = "dpgcerts.log"
)

// DefaultPath is where the window and the CLI keep the database unless told
// otherwise, with the window's log (dpgcerts.log) beside it:
//
//   - Windows: %LOCALAPPDATA%\dpgcerts\dpgcerts.db. Not Roaming: a roaming
//     profile is often redirected to a network share, where SQLite's WAL
//     mode is unsafe, and this is a cache of this machine's files.
//   - macOS and Linux: dpgcerts/dpgcerts.db in os.UserConfigDir().
//
// On Windows it first moves a cache that an earlier version left in
// %APPDATA%\dpgcerts (the database with its -wal and -shm files, and the
// log), once: after that the new place has a database and nothing moves. If
// it can't be moved (say, an old window still has it open), the old place
// is returned and the move is tried again on the next call. It reads the
// environment on every call, so tests may move the folders.
func DefaultPath() (string, error) {
	return resolveDefault(runtime.GOOS, os.UserConfigDir, os.UserCacheDir)
}

// resolveDefault is DefaultPath for an OS and its per-user folders.
// os.UserCacheDir is %LOCALAPPDATA% on Windows.
func resolveDefault(goos string, configDir, localDir func() (string, error)) (string, error) {
	config, err := configDir()
	if goos != "windows" {
		if err != nil {
			return "", fmt.Errorf("store: no config directory: %w", err)
		}
		return filepath.Join(config, "dpgcerts", dbName), nil
	}
	local, lerr := localDir()
	if lerr != nil {
		return "", fmt.Errorf("store: no local app data directory: %w", lerr)
	}
	newDir := filepath.Join(local, "dpgcerts")
	if err != nil {
		return filepath.Join(newDir, dbName), nil
	}
	dir, err := moveCache(filepath.Join(config, "dpgcerts"), newDir)
	if err != nil {
		log.Printf("dpgcerts: the cache stays in %s this time: %v", dir, err)
	}
	return filepath.Join(dir, dbName), nil
}

// moveCache moves the database (with -wal and -shm) and the log from oldDir
// to newDir, unless newDir already has a database or oldDir has none. It
// returns the folder to use: newDir, or oldDir when the database could not
// be moved whole (what was moved is moved back).
func moveCache(oldDir, newDir string) (string, error) {
	oldDB := filepath.Join(oldDir, dbName)
	if exists(filepath.Join(newDir, dbName)) || !exists(oldDB) {
		return newDir, nil
	}
	if err := os.MkdirAll(newDir, 0o700); err != nil {
		return oldDir, err
	}
	var moved []string
	for _, name := range []string{dbName + "-wal", dbName + "-shm", dbName} {
		src := filepath.Join(oldDir, name)
		if !exists(src) {
			continue
		}
		if err := moveFile(src, filepath.Join(newDir, name)); err != nil {
			for _, m := range moved {
				_ = moveFile(filepath.Join(newDir, m), filepath.Join(oldDir, m))
			}
			return oldDir, err
		}
		moved = append(moved, name)
	}
	// The log is worth keeping, but not worth failing over.
	if src := filepath.Join(oldDir, logName); exists(src) {
		_ = moveFile(src, filepath.Join(newDir, logName))
	}
	_ = os.Remove(oldDir) // only when empty
	log.Printf("dpgcerts: moved the cache from %s to %s", oldDir, newDir)
	return newDir, nil
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// moveFile renames src to dst, or copies and removes it when a rename can't
// (another volume: a redirected profile). dst must not exist.
func moveFile(src, dst string) error {
	if exists(dst) {
		return fmt.Errorf("store: %s: %w", dst, fs.ErrExist)
	}
	if err := os.Rename(src, dst); err == nil {
		return nil
	}
	if err := copyFile(src, dst); err != nil {
		_ = os.Remove(dst)
		return err
	}
	if err := os.Remove(src); err != nil {
		// Still in use: keep the original and drop the copy.
		return errors.Join(err, os.Remove(dst))
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
