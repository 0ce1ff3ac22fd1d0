package store

import "context"

// Settings of the window. They default in code and are clamped on load, so a
// damaged value never opens the window off-screen or a pixel wide.
var (
	// Language is the language chosen with the flag in the window; "" means
	// none yet, so the window follows the OS.
	Language = StringSetting{Key: "language", Default: "", Allowed: []string{"", "da", "en"}}
	// PortalURL is the portal address of the last sign-in.
	PortalURL = StringSetting{Key: "portal_url", Default: ""}

	WindowWidth  = IntSetting{Key: "window_width", Default: 1180, Min: 800, Max: 10000}
	WindowHeight = IntSetting{Key: "window_height", Default: 760, Min: 560, Max: 10000}
	// WindowX and WindowY are the top-left corner; NoPosition (the default)
	// leaves the placement to the OS.
	WindowX = IntSetting{Key: "window_x", Default: NoPosition, Min: NoPosition, Max: 20000}
	WindowY = IntSetting{Key: "window_y", Default: NoPosition, Min: NoPosition, Max: 20000}
)

// NoPosition marks a window position that was never saved.
const NoPosition = -20000

// Window is the window's place and size when it was last closed.
type Window struct{ X, Y, Width, Height int }

// Placed says whether X and Y are a saved place on the screen to move the
// window to; otherwise the OS places it.
func (w Window) Placed() bool {
	return w.X != NoPosition && w.Y != NoPosition && w.X >= 0 && w.Y >= 0
}

// Window reads the window's settings, each clamped (defaults where unset).
func (s *Store) Window(ctx context.Context) Window {
	var w Window
	w.X, _ = s.Int(ctx, WindowX)
	w.Y, _ = s.Int(ctx, WindowY)
	w.Width, _ = s.Int(ctx, WindowWidth)
	w.Height, _ = s.Int(ctx, WindowHeight)
	return w
}

// SetWindow saves the window's place and size, each clamped.
func (s *Store) SetWindow(ctx context.Context, w Window) error {
	for _, v := range []struct {
		set IntSetting
		v   int
	}{{WindowWidth, w.Width}, {WindowHeight, w.Height}, {WindowX, w.X}, {WindowY, w.Y}} {
		if _, err := s.SetInt(ctx, v.set, v.v); err != nil {
			return err
		}
	}
	return nil
}
