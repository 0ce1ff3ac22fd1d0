package desktop

import (
	"flag"
	"fmt"
	"io"

	"dpgcerts/app"
	"dpgcerts/backend/i18n"
)

// Flags parses the flags of the window: --db FILE, --lang da|en and
// --sandbox. A --help is flag.ErrHelp.
func Flags(args []string, stderr io.Writer, version string) (app.Options, error) {
	fs := flag.NewFlagSet("dpgcerts", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: dpgcerts [--db FILE] [--lang da|en] [--sandbox]   open the window")
		fmt.Fprintln(stderr, "       dpgcerts <command> [flags]            run a command, e.g. dpgcerts scan --help")
		fmt.Fprintln(stderr, "       dpgcerts --version                    print the version")
		fs.PrintDefaults()
	}
	db := fs.String("db", "", "the cache `FILE` (default: dpgcerts.db in %LOCALAPPDATA%\\dpgcerts on Windows, the user config dir elsewhere)")
	useSandbox := fs.Bool("sandbox", false, "try the portal safely: open the window against an in-process sandbox portal (in memory, loopback)")
	lang := fs.String("lang", "", "the window's `language`, da or en (default: the one chosen last in the window, else the system's)")
	if err := fs.Parse(args); err != nil {
		return app.Options{}, err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "dpgcerts: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return app.Options{}, fmt.Errorf("unexpected argument")
	}
	resolved, err := i18n.Resolve(*lang)
	if err != nil {
		fmt.Fprintln(stderr, "dpgcerts:", err)
		return app.Options{}, err
	}
	return app.Options{Version: version, Lang: resolved, LangFlag: *lang != "", DBPath: *db, Sandbox: *useSandbox}, nil
}
