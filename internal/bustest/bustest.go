//go:build linux

package bustest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"dpgcerts/internal/syncbuf"
)

// EnvBusTest=1 says the test runs on a private session bus with a display.
const EnvBusTest = "DPGCERTS_BUS_TEST"

// Recorder is dbus-monitor's record of the Notify calls.
type Recorder struct {
	syncbuf.Buffer
}

// Calls is one text per Notify call recorded.
func (r *Recorder) Calls() []string {
	var calls []string
	for _, part := range strings.Split(r.String(), "method call ")[1:] {
		if strings.Contains(part, "member=Notify") {
			calls = append(calls, part)
		}
	}
	return calls
}

// Wait waits up to timeout for n calls and returns the calls recorded.
func (r *Recorder) Wait(n int, timeout time.Duration) []string {
	for deadline := time.Now().Add(timeout); ; time.Sleep(100 * time.Millisecond) {
		if calls := r.Calls(); len(calls) >= n || time.Now().After(deadline) {
			return calls
		}
	}
}

// Start starts dunst and dbus-monitor, or skips the test outside the
// set-up. They end with the test.
func Start(t *testing.T) *Recorder {
	t.Helper()
	if os.Getenv(EnvBusTest) != "1" {
		t.Skip("needs a session bus and a display: scripts/remind-check.sh")
	}
	for _, tool := range []string{"dunst", "dbus-monitor", "notify-send"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing (scripts/apt-deps.sh)", tool)
		}
	}
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		t.Fatalf("no session bus: %v", err)
	}
	defer conn.Close()
	// dunst with none of the user's config, in a home of its own.
	home := t.TempDir()
	dunst := exec.Command("dunst")
	dunst.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"))
	var dunstOut Recorder
	dunst.Stdout, dunst.Stderr = &dunstOut, &dunstOut
	if err := dunst.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dunst.Process.Kill(); dunst.Wait() })
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		var owned bool
		if err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, "org.freedesktop.Notifications").Store(&owned); err == nil && owned {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("dunst did not take org.freedesktop.Notifications: %s", dunstOut.String())
		}
	}

	rec := &Recorder{}
	mon := exec.Command("dbus-monitor", "--session", "interface='org.freedesktop.Notifications',member='Notify'")
	mon.Stdout, mon.Stderr = rec, rec
	if err := mon.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mon.Process.Kill(); mon.Wait() })
	// The monitor listens once it sees a probe; then it starts afresh.
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(rec.String(), "monitor-probe"); {
		if time.Now().After(deadline) {
			t.Fatalf("dbus-monitor saw no probe: %s", rec.String())
		}
		exec.Command("notify-send", "monitor-probe").Run()
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	rec.Reset()
	return rec
}
