// Package cli is the command line of dpgcerts. It calls the same backend
// packages as the window and never imports Wails.
package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
)

// Exit statuses. They are part of the contract scripts rely on.
const (
	ExitOK     = 0
	ExitFailOn = 1
	ExitUsage  = 2
	// ExitInterrupted follows the shell's convention for SIGINT.
	ExitInterrupted = 130
)

// commands are the subcommands, each given the rest of the command line and
// the environment (tests pass their own).
var commands = map[string]func(args []string, stdout, stderr io.Writer, getenv func(string) string) int{
	"scan":       runScan,
	"install":    runInstall,
	"activate":   runActivate,
	"export-cer": runExportCer,
	"sync":       runSync,
	"status":     runStatus,
	"check":      runCheck,
	"sandbox": func(args []string, stdout, stderr io.Writer, _ func(string) string) int {
		return runSandbox(args, stdout, stderr)
	},
}

// Run runs the subcommand in args (without the program name) and returns the
// process exit status.
func Run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return ExitUsage
	}
	if run, ok := commands[args[0]]; ok {
		return run(args[1:], stdout, stderr, os.Getenv)
	}
	switch args[0] {
	case "help", "-h", "--help":
		usage(stdout)
		return ExitOK
	}
	fmt.Fprintf(stderr, "dpgcerts: unknown command %q\n", args[0])
	usage(stderr)
	return ExitUsage
}

func usage(w io.Writer) {
	fmt.Fprint(w, strings.TrimLeft(`
usage: dpgcerts [--db FILE] [--lang da|en]     open the window
       dpgcerts scan [flags] PATH...           report on certificate files
       dpgcerts status [--portal URL] [--json] the DPG solution at a glance: integrations, certificates
       dpgcerts check [--notify]               what needs doing; --notify: as a desktop notification (daily, by "Remind me");
                                               tells the team by e-mail and webhook; --format nagios|prometheus for monitoring
       dpgcerts install --portal URL FILE...   install certificates in the DPG solution
       dpgcerts activate --portal URL --integration KIND_OR_ID --certificate SHA256
                [--entra-thumbprint HEX | --skip-entra-check]   (Exchange Online: one of them)
       dpgcerts export-cer --certificate SHA256 [-o FILE]   the public certificate (.cer), for Entra
       dpgcerts sync --portal URL              send the outbox, refresh the offline copy
       dpgcerts sandbox [--addr HOST:PORT]     run the local reference portal

Run "dpgcerts <command> --help" for a command's flags.
`, "\n"))
}
