package app

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/zalando/go-keyring"

	"dpgcerts/backend/config"
	"dpgcerts/backend/errs"
	"dpgcerts/backend/store"
)

// env is a fake environment for Options.Getenv.
func env(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

func newTestServices(t *testing.T, opts Options) *Services {
	t.Helper()
	if opts.DBPath == "" {
		opts.DBPath = store.Memory
	}
	if opts.Getenv == nil {
		opts.Getenv = env(map[string]string{config.EnvKeychain: "off"})
	}
	s := New(opts)
	t.Cleanup(func() { s.Shutdown(context.Background()) })
	return s
}

func TestApp(t *testing.T) {
	s := newTestServices(t, Options{Version: "v1.2.3", Lang: "da"})
	s.Startup(context.Background())

	if got := s.App.Version(); got != "v1.2.3" {
		t.Errorf("Version = %q", got)
	}
	if got := s.App.Language(); got != "da" {
		t.Errorf("Language = %q, want da", got)
	}
	if got := s.App.Messages("da")["status.valid"]; got != "Gyldig" {
		t.Errorf("Messages(da)[status.valid] = %q, want Gyldig", got)
	}
	if got := s.App.Messages("en")["status.valid"]; got != "Valid" {
		t.Errorf("Messages(en)[status.valid] = %q, want Valid", got)
	}
	if s.App.ctx == nil {
		t.Error("startup did not keep the context")
	}
}

// The window offers to remember a password or the token only where the
// keychain is on and answers.
func TestKeychain(t *testing.T) {
	s := newTestServices(t, Options{})
	keyring.MockInit()
	if s.App.Keychain() {
		t.Error("DPGCERTS_KEYCHAIN=off, yet the keychain is offered")
	}
	s.core.rt.Keychain = true
	if !s.App.Keychain() {
		t.Error("a keychain that answers is not offered")
	}
	keyring.MockInitWithError(errors.New("org.freedesktop.DBus.Error.ServiceUnknown"))
	t.Cleanup(keyring.MockInit)
	if s.App.Keychain() {
		t.Error("a keychain that fails is offered")
	}
}

func TestLanguageDefault(t *testing.T) {
	if got := newTestServices(t, Options{}).App.Language(); got != "en" {
		t.Errorf("Language without a choice = %q, want en", got)
	}
}

func TestLanguageRemembered(t *testing.T) {
	db := t.TempDir() + "/w.db"
	first := New(Options{Lang: "en", DBPath: db, Getenv: env(nil)})
	if err := first.App.SetLanguage("da"); err != nil {
		t.Fatal(err)
	}
	if err := first.App.SetLanguage("sv"); errs.Code(err) != errs.UnsupportedLanguage {
		t.Errorf("SetLanguage(sv) = %v, want %s", err, errs.UnsupportedLanguage)
	}
	if got := first.App.Language(); got != "da" {
		t.Errorf("after SetLanguage: %q", got)
	}
	first.Shutdown(context.Background())
	// A cache that fails is not a wrong language: internal, with the details in the log.
	if err := first.App.SetLanguage("en"); err == nil || errs.Code(err) == errs.UnsupportedLanguage {
		t.Errorf("SetLanguage on a closed cache = %v", err)
	}
	if got := first.App.Language(); got != "da" {
		t.Errorf("after a failed SetLanguage: %q", got)
	}

	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"the OS language loses to the choice made in the window", Options{Lang: "en"}, "da"},
		{"--lang wins", Options{Lang: "en", LangFlag: true}, "en"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.DBPath, tt.opts.Getenv = db, env(nil)
			s := New(tt.opts)
			defer s.Shutdown(context.Background())
			if got := s.App.Language(); got != tt.want {
				t.Errorf("Language = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestWindowGeometry(t *testing.T) {
	s := newTestServices(t, Options{})
	if w, h := s.WindowSize(); w != 1180 || h != 760 {
		t.Errorf("default size %dx%d", w, h)
	}
	if err := s.core.st.SetWindow(context.Background(), store.Window{X: 10, Y: 20, Width: 1000, Height: 100}); err != nil {
		t.Fatal(err)
	}
	if w, h := s.WindowSize(); w != 1000 || h != store.WindowHeight.Min {
		t.Errorf("saved size %dx%d, want 1000x%d", w, h, store.WindowHeight.Min)
	}
	// Without a Wails context nothing is asked of the runtime.
	if s.BeforeClose(context.Background()) {
		t.Error("BeforeClose must never keep the window open")
	}
}

func TestBindOnlyAdapters(t *testing.T) {
	s := newTestServices(t, Options{})
	app := reflect.TypeFor[Services]().PkgPath()
	bound := map[any]bool{}
	for _, b := range s.Bind() {
		if _, ok := b.(*Services); ok {
			t.Error("Services must not be bound: its Startup would reach the frontend")
		}
		rt := reflect.TypeOf(b)
		if rt.Kind() != reflect.Pointer || rt.Elem().Kind() != reflect.Struct || rt.Elem().PkgPath() != app {
			t.Errorf("%T is bound: only the adapters of package app may be", b)
			continue
		}
		// Wails binds every exported method, so a lifecycle hook would be
		// callable from the frontend.
		for _, hook := range []string{"Startup", "Shutdown", "DomReady", "BeforeClose"} {
			if _, ok := rt.MethodByName(hook); ok {
				t.Errorf("%T exports %s, which the frontend could then call", b, hook)
			}
		}
		if bound[b] {
			t.Errorf("%T is bound twice", b)
		}
		bound[b] = true
	}
	// Each adapter (an exported field of Services) is bound.
	v := reflect.ValueOf(s).Elem()
	for i := range v.NumField() {
		if f := v.Type().Field(i); f.IsExported() && !bound[v.Field(i).Interface()] {
			t.Errorf("Services.%s is not bound", f.Name)
		}
	}
}
