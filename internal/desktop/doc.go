// Package desktop is the shell around the window that main wires: the
// window's flags, the log file and its rotation, the console a command
// prints to on Windows, and the native boxes that speak before the window
// exists (a failed start, a cache that could not be opened, Wails' own
// WebView2 messages). It may import Wails; nothing under backend/ does.
package desktop
