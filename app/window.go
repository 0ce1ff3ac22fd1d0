package app

import (
	"context"
	"log"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"dpgcerts/backend/store"
)

// Wails' runtime functions end the process (log.Fatal) when given a context
// that is not the one from OnStartup. Tests and the CLI have none, so every
// call goes through these guards and does nothing without a window.
func hasWindow(ctx context.Context) bool {
	return ctx != nil && ctx.Value("frontend") != nil
}

func emitEvent(ctx context.Context, name string, data any) {
	if ctx != nil && ctx.Value("events") != nil {
		runtime.EventsEmit(ctx, name, data)
	}
}

// WindowSize is the saved size for options.App, so the window opens at it.
func (s *Services) WindowSize() (width, height int) {
	ctx := context.Background()
	w, _ := s.core.st.Int(ctx, store.WindowWidth)
	h, _ := s.core.st.Int(ctx, store.WindowHeight)
	return w, h
}

// restoreWindow moves the window to where it was closed last time.
func (a *App) restoreWindow(ctx context.Context) {
	if !hasWindow(ctx) {
		return
	}
	bg := context.Background()
	x, _ := a.core.st.Int(bg, store.WindowX)
	y, _ := a.core.st.Int(bg, store.WindowY)
	if x != store.NoPosition && y != store.NoPosition && x >= 0 && y >= 0 {
		runtime.WindowSetPosition(ctx, x, y)
	}
}

// BeforeClose saves the window's size and position (options.App.OnBeforeClose).
// It never stops the window from closing.
func (s *Services) BeforeClose(ctx context.Context) bool {
	if !hasWindow(ctx) || runtime.WindowIsMinimised(ctx) || runtime.WindowIsMaximised(ctx) || runtime.WindowIsFullscreen(ctx) {
		return false
	}
	w, h := runtime.WindowGetSize(ctx)
	x, y := runtime.WindowGetPosition(ctx)
	s.saveGeometry(x, y, w, h)
	return false
}

func (s *Services) saveGeometry(x, y, w, h int) {
	bg := context.Background()
	for _, v := range []struct {
		set store.IntSetting
		v   int
	}{{store.WindowWidth, w}, {store.WindowHeight, h}, {store.WindowX, x}, {store.WindowY, y}} {
		if _, err := s.core.st.SetInt(bg, v.set, v.v); err != nil {
			log.Printf("dpgcerts: saving the window's place: %v", err)
			return
		}
	}
}
