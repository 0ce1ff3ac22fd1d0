// Package app holds the structs bound to the frontend. They are thin
// adapters: they keep the Wails context and pass calls through to backend/.
// Nothing in backend/ imports Wails; this package is where Wails meets it.
package app

import (
	"context"

	"dpgcerts/backend/i18n"
)

// Options are the choices made on the command line when the window opens.
type Options struct {
	Version string // injected at build time, "dev" otherwise
	Lang    string // resolved language code: the --lang flag or the OS language
	DBPath  string // --db: the cache file; "" means the default location
}

// service is a bound struct that wants the Wails lifecycle.
type service interface {
	startup(ctx context.Context)
	shutdown(ctx context.Context)
}

// Services builds every bound struct and drives their lifecycle. It is not
// bound itself, so its Startup and Shutdown never reach the frontend.
type Services struct {
	App *App

	all []service
}

// New builds the bound structs.
func New(opts Options) *Services {
	a := &App{opts: opts}
	return &Services{App: a, all: []service{a}}
}

// Bind returns the structs whose exported methods the frontend may call.
func (s *Services) Bind() []interface{} {
	return []interface{}{s.App}
}

// Startup hands the Wails context to every bound struct (options.App.OnStartup).
func (s *Services) Startup(ctx context.Context) {
	for _, svc := range s.all {
		svc.startup(ctx)
	}
}

// Shutdown lets every bound struct release what it holds, in reverse order
// (options.App.OnShutdown).
func (s *Services) Shutdown(ctx context.Context) {
	for i := len(s.all) - 1; i >= 0; i-- {
		s.all[i].shutdown(ctx)
	}
}

// App answers the frontend's questions about the app itself: its version
// and its language.
type App struct {
	ctx  context.Context
	opts Options
}

func (a *App) startup(ctx context.Context) { a.ctx = ctx }

func (a *App) shutdown(context.Context) {}

// Version returns the build's version, such as "v1.2.0" or "dev".
func (a *App) Version() string { return a.opts.Version }

// Language returns the language the window starts in ("da" or "en"):
// the --lang flag, else the OS language, else English.
func (a *App) Language() string {
	if a.opts.Lang == "" {
		return i18n.Default
	}
	return a.opts.Lang
}

// Messages returns every translated text of lang as a flat map from dotted
// id ("status.valid") to text, English filling any gap.
func (a *App) Messages(lang string) map[string]string {
	return i18n.Messages(lang)
}
