//go:build windows

package desktop

import (
	"log"
	"os"

	"golang.org/x/sys/windows"
)

var procAttachConsole = windows.NewLazySystemDLL("kernel32.dll").NewProc("AttachConsole")

// attachParentProcess is ATTACH_PARENT_PROCESS, (DWORD)-1.
const attachParentProcess = ^uintptr(0) & 0xFFFFFFFF

// AttachConsole lets a command print to the cmd.exe or PowerShell window it
// was started from. dpgcerts.exe is a GUI-subsystem program, so Windows gives
// it no console: without this, `dpgcerts.exe scan --json DIR` would print
// nothing. It attaches to the parent's console and points the standard
// handles that lead nowhere at it; handles the shell redirected to a file or
// a pipe stay as they are. Started from Explorer or the Start menu there is
// no parent console, and nothing changes.
//
// It is called only for a subcommand, --version and --help: the window never
// attaches, so it never flashes a console.
func AttachConsole() {
	// BOOL AttachConsole(DWORD dwProcessId); x/sys/windows has no wrapper.
	if ok, _, _ := procAttachConsole.Call(attachParentProcess); ok == 0 {
		return
	}
	reopen(windows.STD_INPUT_HANDLE, "CONIN$", &os.Stdin)
	reopen(windows.STD_OUTPUT_HANDLE, "CONOUT$", &os.Stdout)
	reopen(windows.STD_ERROR_HANDLE, "CONOUT$", &os.Stderr)
	// The standard logger took os.Stderr before it was reopened.
	log.SetOutput(os.Stderr)
}

// reopen points one standard handle at the console unless it already leads
// somewhere (a console, a file, a pipe or NUL).
func reopen(std uint32, name string, f **os.File) {
	if h, err := windows.GetStdHandle(std); err == nil && h != 0 && h != windows.InvalidHandle {
		if t, err := windows.GetFileType(h); err == nil && t != windows.FILE_TYPE_UNKNOWN {
			return
		}
	}
	c, err := os.OpenFile(name, os.O_RDWR, 0)
	if err != nil {
		return
	}
	_ = windows.SetStdHandle(std, windows.Handle(c.Fd()))
	*f = c
}
