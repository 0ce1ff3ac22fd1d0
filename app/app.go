// Package app holds the structs bound to the frontend. They are thin
// adapters: they keep the Wails context and pass calls through to backend/.
// Nothing in backend/ imports Wails; this package is where Wails meets it.
package app

import (
	"context"
	"log"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"dpgcerts/backend/config"
	"dpgcerts/backend/i18n"
	"dpgcerts/backend/local"
	"dpgcerts/backend/passwords"
	"dpgcerts/backend/secrets"
	"dpgcerts/backend/store"
)

// Options are the window's command line, which internal/desktop.Flags
// parses and documents, and its environment.
type Options struct {
	Version  string // injected at build time, "dev" otherwise
	Lang     string // resolved: --lang, else the OS language
	LangFlag bool   // Lang came from --lang: it wins over the one chosen in the window
	DBPath   string // --db; "" means the default location
	Sandbox  bool   // --sandbox: the portal is an in-process sandbox (session.WithSandbox)
	// Getenv reads the environment (DPGCERTS_NOW, the test hooks); nil means
	// os.Getenv.
	Getenv func(string) string
}

// service is a bound struct that wants the Wails lifecycle.
type service interface {
	startup(ctx context.Context)
	shutdown(ctx context.Context)
}

// core is what the bound structs share: the store, the clock, the current
// language and the doors to Wails' runtime, which tests replace.
type core struct {
	st        *store.Store
	rt        config.Runtime
	passwords *passwords.Source // typed in this session, then remembered
	dialogs   Dialogs
	emit      func(ctx context.Context, name string, data any)
	// heard hears the name of each event emitted (Reminders listens).
	heard func(name string)
	lang  config.Current
}

// Services builds every bound struct and drives their lifecycle. It is not
// bound itself, so its Startup and Shutdown never reach the frontend.
type Services struct {
	App          *App
	Certificates *Certificates
	Help         *Help
	Portal       *Portal
	Reminders    *Reminders

	core *core
	all  []service
	// cacheErr is why the cache could not be opened (the window then runs
	// on an in-memory one); nil when it opened.
	cacheErr error
}

// CacheError is why the cache could not be opened, nil when it opened.
func (s *Services) CacheError() error { return s.cacheErr }

// New builds the bound structs and opens the cache. A cache that can't be
// opened is logged and replaced by an in-memory one: the window still opens.
func New(opts Options) *Services {
	rt, st, cacheErr := config.OpenWindow(opts.Getenv, opts.DBPath)
	c := &core{
		st:        st,
		rt:        rt,
		passwords: passwords.New(rt.Keychain),
	}
	c.emit = func(ctx context.Context, name string, data any) {
		emitEvent(ctx, name, data)
		if c.heard != nil {
			c.heard(name)
		}
	}
	c.dialogs = dialogsFromEnv(rt.Getenv, nativeDialogs{lang: c.lang.Get})
	a := &App{opts: opts, core: c}
	// --lang, else the language chosen earlier in the window, else the OS's.
	c.lang.Set(config.LanguageAtStart(context.Background(), st, opts.Lang, opts.LangFlag))
	certs := newCertificates(c)
	help := newHelp(c)
	p := newPortal(c, certs.lib, opts.Sandbox)
	certs.list = p.ses.List
	rem := newReminders(c, p.ses, opts.DBPath)
	// A scan's end and a sync change the overview: time to look for what
	// is worth a reminder.
	c.heard = func(name string) {
		if name == local.EventScanDone || name == EventSyncStatus {
			rem.watch.Kick()
		}
	}
	return &Services{App: a, Certificates: certs, Help: help, Portal: p, Reminders: rem, cacheErr: cacheErr, core: c,
		all: []service{a, certs, help, p, rem}}
}

// Bind returns the structs whose exported methods the frontend may call.
func (s *Services) Bind() []interface{} {
	return []interface{}{s.App, s.Certificates, s.Help, s.Portal, s.Reminders}
}

// Startup hands the Wails context to every bound struct (options.App.OnStartup).
func (s *Services) Startup(ctx context.Context) {
	for _, svc := range s.all {
		svc.startup(ctx)
	}
}

// Shutdown lets every bound struct release what it holds, in reverse order
// (options.App.OnShutdown), then closes the cache.
func (s *Services) Shutdown(ctx context.Context) {
	for i := len(s.all) - 1; i >= 0; i-- {
		s.all[i].shutdown(ctx)
	}
	if err := s.core.st.Close(); err != nil {
		log.Printf("dpgcerts: closing the cache: %v", err)
	}
}

// App answers the frontend's questions about the app itself: its version
// and its language.
type App struct {
	ctx  context.Context
	opts Options
	core *core
}

func (a *App) startup(ctx context.Context) {
	a.ctx = ctx
	a.restoreWindow(ctx)
}

func (a *App) shutdown(context.Context) {}

// Version returns the build's version, such as "v1.2.0" or "dev".
func (a *App) Version() string { return a.opts.Version }

// Language returns the language the window shows ("da" or "en").
func (a *App) Language() string { return a.core.lang.Get() }

// SetLanguage switches the language ("da" or "en") and remembers it.
func (a *App) SetLanguage(lang string) error {
	if err := a.core.lang.Choose(context.Background(), a.core.st, lang); err != nil {
		return err // unsupported_language, or the cache failed (internal)
	}
	if hasWindow(a.ctx) {
		runtime.WindowSetTitle(a.ctx, i18n.T(lang, "app.title"))
	}
	return nil
}

// Messages returns every translated text of lang as a flat map from dotted
// id ("status.valid") to text, English filling any gap.
func (a *App) Messages(lang string) map[string]string {
	return i18n.Messages(lang)
}

// Keychain says whether a password or the token can be remembered: the
// keychain is on (not DPGCERTS_KEYCHAIN=off) and answers.
func (a *App) Keychain() bool { return a.core.rt.Keychain && secrets.Available() }
