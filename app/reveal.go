package app

import (
	"os/exec"
	"path/filepath"
	"runtime"
)

// reveal opens the system's file manager at path: with the file selected
// where the system can do that (Windows, macOS), at its folder otherwise.
func reveal(path string) error {
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
