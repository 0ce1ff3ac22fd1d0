//go:build !windows

package main

// attachConsole is needed on Windows only, where dpgcerts.exe is a
// GUI-subsystem program; elsewhere a program started from a terminal
// already writes to it.
func attachConsole() {}
