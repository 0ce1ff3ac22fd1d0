//go:build !windows

package desktop

// AttachConsole is needed on Windows only, where dpgcerts.exe is a
// GUI-subsystem program; elsewhere a program started from a terminal
// already writes to it.
func AttachConsole() {}
