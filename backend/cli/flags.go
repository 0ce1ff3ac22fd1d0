package cli

import (
	"errors"
	"flag"
	"fmt"
)

// The commands' flag sets are made with flag.ContinueOnError and write to
// stderr, so a bad flag has been reported by the time these return.

// parseFlags parses a command that takes flags and no arguments. ok false:
// the command ends with code (0 after --help, 2 for wrong usage).
func parseFlags(fs *flag.FlagSet, args []string) (code int, ok bool) {
	if code, ok := parseOnce(fs, args); !ok {
		return code, false
	}
	if fs.NArg() > 0 {
		return usageError(fs, "unexpected argument %q", fs.Arg(0)), false
	}
	return ExitOK, true
}

// parseInterleaved parses flags that may come before or after the
// arguments, and returns the arguments.
func parseInterleaved(fs *flag.FlagSet, args []string) (rest []string, code int, ok bool) {
	for {
		if code, ok := parseOnce(fs, args); !ok {
			return nil, code, false
		}
		if fs.NArg() == 0 {
			return rest, ExitOK, true
		}
		rest = append(rest, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func parseOnce(fs *flag.FlagSet, args []string) (code int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK, false
		}
		return ExitUsage, false
	}
	return ExitOK, true
}

// usageError says what is wrong with the command line, then the usage; it
// returns the exit status for it.
func usageError(fs *flag.FlagSet, format string, a ...any) int {
	fmt.Fprintf(fs.Output(), fs.Name()+": "+format+"\n", a...)
	fs.Usage()
	return ExitUsage
}
