// Package notify shows a desktop notification from a process without a
// window (`dpgcerts check --notify`, run by the OS scheduler): over D-Bus
// on Linux, a toast through PowerShell on Windows, osascript on macOS. The
// window uses the Wails runtime's notifications instead.
package notify

import (
	"context"
	"errors"
)

// AppName is who the notification is from.
const AppName = "DPG Certificates"

// ErrUnavailable: there is no notification service here (a server, an SSH
// session without a session bus). The caller prints the message instead.
var ErrUnavailable = errors.New("notify: no notification service")

// Message is one notification.
type Message struct {
	Title string
	Body  string
}

// Notifier shows notifications.
type Notifier interface {
	Notify(ctx context.Context, m Message) error
}

// System is the OS's notifier, or ErrUnavailable.
func System() (Notifier, error) { return system() }
