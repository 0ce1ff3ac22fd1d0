package notify

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/godbus/dbus/v5"
)

const (
	fdoName = "org.freedesktop.Notifications"
	fdoPath = "/org/freedesktop/Notifications"
)

// dbusNotifier speaks the freedesktop.org notification protocol on the
// session bus, which every Linux desktop (GNOME, KDE, dunst...) serves.
type dbusNotifier struct{}

func system() (Notifier, error) {
	return dbusNotifier{}, nil
}

func (dbusNotifier) Notify(ctx context.Context, m Message) error {
	// A private connection: this process sends one notification and ends.
	conn, err := dbus.ConnectSessionBus(dbus.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	defer conn.Close()
	obj := conn.Object(fdoName, fdoPath)
	// Servers that take markup would read "&" and "<" in a name as markup.
	var caps []string
	if err := obj.CallWithContext(ctx, fdoName+".GetCapabilities", 0).Store(&caps); err != nil {
		// No server owns the name and none can be started.
		return fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	body := m.Body
	if slices.Contains(caps, "body-markup") {
		body = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(body)
	}
	hints := map[string]dbus.Variant{
		"urgency":       dbus.MakeVariant(byte(1)), // normal: a reminder, not an alarm
		"desktop-entry": dbus.MakeVariant("dpgcerts"),
	}
	var id uint32
	err = obj.CallWithContext(ctx, fdoName+".Notify", 0,
		AppName, uint32(0), "dialog-warning", m.Title, body, []string{}, hints, int32(-1)).Store(&id)
	if err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	return nil
}
