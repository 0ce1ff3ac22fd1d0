package desktop

import (
	"io"
	"log"
	"os"
	"path/filepath"
	"runtime"

	"dpgcerts/backend/store"
)

// maxLogSize is the size past which the log starts afresh when the window
// opens.
const maxLogSize = 1 << 20

// OpenLog sends the window's log (the standard logger, and slog through it)
// to dpgcerts.log next to the default cache (store.DefaultPath):
// %LOCALAPPDATA%\dpgcerts on Windows, ~/Library/Application Support/dpgcerts
// on macOS, ~/.config/dpgcerts on Linux. A window started from the Start menu
// or the Dock has no terminal to log to. Lines still go to stderr when there
// is one. If the file can't be opened, the log stays on stderr. The returned
// function closes the file.
func OpenLog() (closeLog func()) {
	db, err := store.DefaultPath()
	if err != nil {
		return func() {}
	}
	dir := filepath.Dir(db)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return func() {}
	}
	path := filepath.Join(dir, "dpgcerts.log")
	flags := os.O_CREATE | os.O_WRONLY | os.O_APPEND
	if fi, err := os.Stat(path); err == nil && fi.Size() > maxLogSize {
		flags |= os.O_TRUNC
	}
	f, err := os.OpenFile(path, flags, 0o600)
	if err != nil {
		return func() {}
	}
	// A log from an older build may be 0644; it names files and folders.
	if runtime.GOOS != "windows" {
		_ = f.Chmod(0o600)
	}
	log.SetOutput(logWriter{file: f, stderr: os.Stderr})
	return func() {
		log.SetOutput(os.Stderr)
		_ = f.Close()
	}
}

// logWriter writes to the file, and to stderr as far as it can: a
// GUI-subsystem program on Windows has no stderr, and io.MultiWriter would
// stop at its first error.
type logWriter struct {
	file   *os.File
	stderr io.Writer
}

func (w logWriter) Write(p []byte) (int, error) {
	_, _ = w.stderr.Write(p)
	return w.file.Write(p)
}
