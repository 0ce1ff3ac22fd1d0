package local

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"

	"dpgcerts/backend/errs"
)

// Reveal opens the system's file manager at path: with the file selected
// where the system can do that (Windows, macOS), at its folder otherwise.
// A file that is gone is the error file_not_found.
func Reveal(path string) error {
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return errs.New(errs.FileNotFound, "The file no longer exists.")
		}
		return err
	}
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "windows":
		cmd = exec.Command("explorer", "/select,", path)
	case "darwin":
		cmd = exec.Command("open", "-R", path)
	default:
		cmd = exec.Command("xdg-open", filepath.Dir(path))
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait() // reap it; explorer exits 1 even when it worked
	return nil
}
