// Package cli is the command line of dpgcerts. It calls the same backend
// packages as the window and never imports Wails.
package cli

import (
	"fmt"
	"io"
)

// Run runs the subcommand in args (without the program name) and returns the
// process exit status: 0 success, 1 a --fail-on threshold was hit, 2 wrong usage.
func Run(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintf(stderr, "dpgcerts: unknown command %q\n", args[0])
	return 2
}
