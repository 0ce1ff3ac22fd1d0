//go:build !windows

package desktop

import (
	"fmt"
	"os"
)

// showError prints to stderr. On Linux and macOS the window's start fails
// mostly without a display, where no box could show, and is started from a
// terminal more often; the log has the line too.
func showError(title, text string) {
	fmt.Fprintf(os.Stderr, "%s: %s\n", title, text)
}

// showInfo prints to stderr, as showError.
func showInfo(title, text string) { showError(title, text) }
