// Command dpgcerts is DPG Certificates: with a subcommand it is the command
// line (`dpgcerts scan ...`), without one it opens the window.
//
// This file only wires: the command line (backend/cli), the window's shell
// (internal/desktop: flags, log, console, start-up boxes) and the bound
// services (app), handed to Wails.
package main

import (
	"embed"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"

	"dpgcerts/app"
	"dpgcerts/backend/cli"
	"dpgcerts/backend/i18n"
	"dpgcerts/internal/desktop"
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
			desktop.AttachConsole()
			fmt.Println("dpgcerts", version)
			os.Exit(0)
		case arg == "-h" || arg == "-help" || arg == "--help":
			desktop.AttachConsole()
		case !strings.HasPrefix(arg, "-"):
			// A subcommand: on Windows, print to the console it was run from.
			desktop.AttachConsole()
			os.Exit(cli.Run(os.Args[1:], os.Stdout, os.Stderr))
		}
	}

	opts, err := desktop.Flags(os.Args[1:], os.Stderr, version)
	if err != nil {
		if err == flag.ErrHelp {
			os.Exit(0)
		}
		os.Exit(2)
	}
	closeLog := desktop.OpenLog()
	defer closeLog()
	services := app.New(opts)
	if services.CacheError() != nil {
		desktop.CacheFailed(opts.Lang, services.CacheError())
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
		Windows:          desktop.WindowsOptions(opts.Lang),
		// Files dropped on the window reach the frontend as paths. The
		// webview stays a drop target (on Linux, disabling it unsets the GTK
		// drop target and no drop arrives); the runtime stops the browser
		// from opening a dropped file.
		DragAndDrop: &options.DragAndDrop{EnableFileDrop: true},
	})
	if err != nil {
		desktop.StartFailed(opts.Lang, err)
		os.Exit(1)
	}
}
