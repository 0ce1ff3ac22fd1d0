package notify

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
)

// toastNotifier shows a toast through PowerShell and WinRT, under
// PowerShell's own app id: a toast from an app id that no Start-menu
// shortcut registers is dropped by Windows, and PowerShell's is always
// registered.
type toastNotifier struct{ exe string }

const powershellAppID = `{1AC14E77-02E7-4E5D-B744-2EB1AE5198B7}\WindowsPowerShell\v1.0\powershell.exe`

func system() (Notifier, error) {
	exe, err := exec.LookPath("powershell.exe")
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	return toastNotifier{exe: exe}, nil
}

// script reads the XML from the environment, so no text is ever parsed as
// PowerShell.
const script = `
$ErrorActionPreference = 'Stop'
[Windows.UI.Notifications.ToastNotificationManager, Windows.UI.Notifications, ContentType = WindowsRuntime] > $null
[Windows.Data.Xml.Dom.XmlDocument, Windows.Data.Xml.Dom.XmlDocument, ContentType = WindowsRuntime] > $null
$xml = New-Object Windows.Data.Xml.Dom.XmlDocument
$xml.LoadXml([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($env:DPGCERTS_TOAST)))
$toast = New-Object Windows.UI.Notifications.ToastNotification $xml
[Windows.UI.Notifications.ToastNotificationManager]::CreateToastNotifier($env:DPGCERTS_TOAST_APP).Show($toast)
Write-Output '` + shown + `'
`

// shown is what the script prints once the toast is shown: a PowerShell
// that exits 0 without running it (Wine's stub, a locked-down policy) is
// no notification service.
const shown = "dpgcerts-toast-shown"

func (t toastNotifier) Notify(ctx context.Context, m Message) error {
	cmd := exec.CommandContext(ctx, t.exe, "-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass",
		"-EncodedCommand", encodeCommand(script))
	cmd.Env = append(os.Environ(),
		"DPGCERTS_TOAST="+base64.StdEncoding.EncodeToString([]byte(toastXML(m))),
		"DPGCERTS_TOAST_APP="+powershellAppID)
	// No console window flashes up when the scheduler runs the check.
	cmd.SysProcAttr = &syscall.SysProcAttr{HideWindow: true, CreationFlags: 0x08000000} // CREATE_NO_WINDOW
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("notify: powershell: %v: %s", err, strings.TrimSpace(string(out)))
	}
	if !strings.Contains(string(out), shown) {
		return fmt.Errorf("%w: powershell did not run the toast: %s", ErrUnavailable, strings.TrimSpace(string(out)))
	}
	return nil
}
