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
	w := s.core.st.Window(context.Background())
	return w.Width, w.Height
}

// restoreWindow moves the window to where it was closed last time.
func (a *App) restoreWindow(ctx context.Context) {
	if w := a.core.st.Window(context.Background()); hasWindow(ctx) && w.Placed() {
		runtime.WindowSetPosition(ctx, w.X, w.Y)
	}
}

// BeforeClose saves the window's size and position (options.App.OnBeforeClose).
// It never stops the window from closing.
func (s *Services) BeforeClose(ctx context.Context) bool {
	if !hasWindow(ctx) || runtime.WindowIsMinimised(ctx) || runtime.WindowIsMaximised(ctx) || runtime.WindowIsFullscreen(ctx) {
		return false
	}
	var w store.Window
	w.Width, w.Height = runtime.WindowGetSize(ctx)
	w.X, w.Y = runtime.WindowGetPosition(ctx)
	if err := s.core.st.SetWindow(context.Background(), w); err != nil {
		log.Printf("dpgcerts: saving the window's place: %v", err)
	}
	return false
}
