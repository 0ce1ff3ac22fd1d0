// Command dpgcerts-console is dpgcerts.com, the console companion of the
// Windows program dpgcerts.exe, as devenv.com is to devenv.exe.
//
// dpgcerts.exe is a GUI program, so cmd.exe neither waits for it nor sets
// %ERRORLEVEL% to its status. cmd.exe and PowerShell pick dpgcerts.com
// before dpgcerts.exe when a script types `dpgcerts`, and dpgcerts.com is a
// console program: `dpgcerts scan --fail-on expiring C:\Certs` waits and
// returns its status like any other command.
//
// It is the command line only (backend/cli, no WebView linked in). Without a
// subcommand it starts the window, dpgcerts.exe beside it, and returns.
//
// On Linux and macOS the same program is dpgcerts-cli, the headless build
// for servers: nothing of GTK or WebKit is linked, so `dpgcerts-cli check`
// runs from cron or a systemd timer on a machine without a desktop. There it
// has no window to start: without a subcommand it prints the usage.
package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"dpgcerts/backend/cli"
)

// version is set at build time: -ldflags "-X main.version=v1.2.3".
var version = "dev"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch arg := args[0]; {
		case arg == "version" || arg == "--version" || arg == "-version":
			fmt.Fprintln(stdout, "dpgcerts", version)
			return cli.ExitOK
		case arg == "-h" || arg == "-help" || arg == "--help":
			return cli.Run([]string{"help"}, stdout, stderr)
		case !strings.HasPrefix(arg, "-"):
			return cli.Run(args, stdout, stderr)
		}
	}
	if runtime.GOOS != "windows" {
		fmt.Fprintln(stderr, "dpgcerts-cli: the command line without the window; give a command")
		cli.Run([]string{"help"}, stderr, stderr)
		return cli.ExitUsage
	}
	if err := startWindow(args); err != nil {
		fmt.Fprintln(stderr, "dpgcerts:", err)
		return 1
	}
	return cli.ExitOK
}

// startWindow starts the window program next to this one with the window's
// flags (--db, --lang, --sandbox) and does not wait for it.
func startWindow(args []string) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	name := "dpgcerts"
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	cmd := exec.Command(filepath.Join(filepath.Dir(self), name), args...)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("the window can't be started: %w", err)
	}
	return cmd.Process.Release()
}
