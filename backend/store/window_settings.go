package store

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
