//go:build unix

package scan

import (
	"os"
	"syscall"
)

// openRead opens without blocking: a FIFO swapped in for the file would
// otherwise hang the call until a writer comes. Without follow, a symbolic
// link swapped in since the walk is refused rather than followed.
func openRead(path string, follow bool) (*os.File, error) {
	flags := os.O_RDONLY | syscall.O_NONBLOCK
	if !follow {
		flags |= syscall.O_NOFOLLOW
	}
	f, err := os.OpenFile(path, flags, 0)
	if err != nil && !follow && isLoop(err) {
		return nil, errNotAFile
	}
	return f, err
}

// isLoop is O_NOFOLLOW's answer to a symbolic link.
func isLoop(err error) bool {
	pe, ok := err.(*os.PathError)
	return ok && pe.Err == syscall.ELOOP
}
