package schedule

import (
	"os/exec"
	"syscall"
)

// hideWindow keeps schtasks from flashing a console over the window.
func hideWindow(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{HideWindow: true, CreationFlags: 0x08000000} // CREATE_NO_WINDOW
}
