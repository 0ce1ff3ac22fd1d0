// Command dpgcerts is DPG Certificates: with a subcommand it is the command
// line (`dpgcerts scan ...`), without one it opens the window.
//
// This file only wires: it parses the window's flags, builds the bound
// services, and hands them to Wails.
package main

import (
	"embed"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"

	"dpgcerts/app"
	"dpgcerts/backend/cli"
	"dpgcerts/backend/i18n"
)

// version is set at build time: -ldflags "-X main.version=v1.2.3".
var version = "dev"

//go:embed all:frontend/dist
var assets embed.FS

//go:embed build/appicon.png
var icon []byte

func main() {
	if len(os.Args) > 1 {
		switch arg := os.Args[1]; {
		case arg == "version" || arg == "--version" || arg == "-version":
			attachConsole()
			fmt.Println("dpgcerts", version)
			os.Exit(0)
		case arg == "-h" || arg == "-help" || arg == "--help":
			attachConsole()
		case !strings.HasPrefix(arg, "-"):
			// A subcommand: on Windows, print to the console it was run from.
			attachConsole()
			os.Exit(cli.Run(os.Args[1:], os.Stdout, os.Stderr))
		}
	}

	opts, err := windowOptions(os.Args[1:], os.Stderr)
	if err != nil {
		if err == flag.ErrHelp {
			os.Exit(0)
		}
		os.Exit(2)
	}
	closeLog := openLog()
	defer closeLog()
	services := app.New(opts)
	if services.CacheError() != nil {
		cacheFailed(opts.Lang, services.CacheError())
	}
	width, height := services.WindowSize()

	err = wails.Run(&options.App{
		Title:            i18n.T(opts.Lang, "app.title"),
		Width:            width,
		Height:           height,
		MinWidth:         800,
		MinHeight:        560,
		BackgroundColour: &options.RGBA{R: 246, G: 247, B: 249, A: 255},
		AssetServer:      &assetserver.Options{Assets: assets},
		OnStartup:        services.Startup,
		OnShutdown:       services.Shutdown,
		OnBeforeClose:    services.BeforeClose,
		Bind:             services.Bind(),
		ErrorFormatter:   app.FormatError,
		Linux:            &linux.Options{Icon: icon, ProgramName: "dpgcerts"},
		Windows:          windowsOptions(opts.Lang),
		// Files dropped on the window reach the frontend as paths. The
		// webview stays a drop target (on Linux, disabling it unsets the GTK
		// drop target and no drop arrives); the runtime stops the browser
		// from opening a dropped file.
		DragAndDrop: &options.DragAndDrop{EnableFileDrop: true},
	})
	if err != nil {
		startFailed(opts.Lang, err)
		os.Exit(1)
	}
}

// windowOptions parses the flags of the window: --db FILE, --lang da|en and
// --sandbox.
func windowOptions(args []string, stderr io.Writer) (app.Options, error) {
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
