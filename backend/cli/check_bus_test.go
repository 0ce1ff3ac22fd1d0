//go:build linux

package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"dpgcerts/backend/config"
	"dpgcerts/backend/notify"
)

// EnvBusTest=1 runs the tests on a real session bus with a real
// notification server; scripts/notify-check.sh sets it, inside
// dbus-run-session and xvfb-run.
const EnvBusTest = "DPGCERTS_BUS_TEST"

// syncBuffer is a bytes.Buffer for a process's output read while it runs.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// busPeers starts dunst and dbus-monitor on the session bus and returns
// the monitor's record of Notify calls.
func busPeers(t *testing.T) *syncBuffer {
	t.Helper()
	if os.Getenv(EnvBusTest) != "1" {
		t.Skip("needs a session bus and a display: scripts/notify-check.sh")
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
	// dunst with no config of the user's, in a home of its own.
	home := t.TempDir()
	dunst := exec.Command("dunst")
	dunst.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"))
	var dunstOut syncBuffer
	dunst.Stdout, dunst.Stderr = &dunstOut, &dunstOut
	if err := dunst.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dunst.Process.Kill(); dunst.Wait() })
	for deadline := time.Now().Add(10 * time.Second); ; {
		var owned bool
		if err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, "org.freedesktop.Notifications").Store(&owned); err == nil && owned {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("dunst did not take org.freedesktop.Notifications: %s", dunstOut.String())
		}
		time.Sleep(100 * time.Millisecond)
	}

	var rec syncBuffer
	mon := exec.Command("dbus-monitor", "--session", "interface='org.freedesktop.Notifications',member='Notify'")
	mon.Stdout, mon.Stderr = &rec, &rec
	if err := mon.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mon.Process.Kill(); mon.Wait() })
	// The monitor is listening once it sees a probe; then it starts afresh.
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(rec.String(), "monitor-probe"); {
		if time.Now().After(deadline) {
			t.Fatalf("dbus-monitor saw no probe: %s", rec.String())
		}
		exec.Command("notify-send", "monitor-probe").Run()
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	rec.mu.Lock()
	rec.b.Reset()
	rec.mu.Unlock()
	return &rec
}

// notifyCalls splits dbus-monitor's record into one text per Notify call.
func notifyCalls(rec string) []string {
	var calls []string
	for _, part := range strings.Split(rec, "method call ")[1:] {
		if strings.Contains(part, "member=Notify") {
			calls = append(calls, part)
		}
	}
	return calls
}

// waitCalls gives the monitor a moment to print what it saw.
func waitCalls(rec *syncBuffer, n int) []string {
	deadline := time.Now().Add(3 * time.Second)
	for {
		calls := notifyCalls(rec.String())
		if len(calls) >= n || time.Now().After(deadline) {
			if n == 0 {
				time.Sleep(500 * time.Millisecond)
				calls = notifyCalls(rec.String())
			}
			return calls
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestCheckNotifyOnBus: `dpgcerts check --notify` over a cache with an
// integration that expires in 5 days sends one Notify to a real server
// that names it and the days left, in English and in Danish; a second run
// the same day sends none; with nothing to do, none, and exit 0.
func TestCheckNotifyOnBus(t *testing.T) {
	rec := busPeers(t)
	env := map[string]string{config.EnvNow: statusNow.Format(time.RFC3339), config.EnvKeychain: "off"}
	run := func(args ...string) int {
		var stdout, stderr bytes.Buffer
		code := check(args, &stdout, &stderr, checkDeps{getenv: func(k string) string { return env[k] }, notifier: notify.System})
		if stdout.Len() > 0 || stderr.Len() > 0 {
			t.Errorf("check %v printed %q %q (with a notification server it should notify)", args, stdout.String(), stderr.String())
		}
		return code
	}
	for _, tt := range []struct{ lang, title, line string }{
		{"en", `"1 thing to do in DPG"`, "Exchange Online (testkommunenord.onmicrosoft.com): the certificate expires in 5 days."},
		{"da", `"1 opgave i DPG"`, "Exchange Online (testkommunenord.onmicrosoft.com): certifikatet udløber om 5 dage."},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "app.db")
			fillCheck(t, db, 5, tt.lang)
			rec.mu.Lock()
			rec.b.Reset()
			rec.mu.Unlock()
			if code := run("--notify", "--db", db); code != ExitFailOn {
				t.Errorf("exit %d, want %d", code, ExitFailOn)
			}
			calls := waitCalls(rec, 1)
			if len(calls) != 1 {
				t.Fatalf("%d Notify calls, want 1:\n%s", len(calls), rec.String())
			}
			if !strings.Contains(calls[0], tt.title) || !strings.Contains(calls[0], tt.line) || !strings.Contains(calls[0], `"DPG Certificates"`) {
				t.Fatalf("the Notify call lacks %s / %q:\n%s", tt.title, tt.line, calls[0])
			}
			t.Logf("Notify on the bus:\n%s", calls[0])
			if code := run("--notify", "--db", db); code != ExitFailOn {
				t.Errorf("second run: exit %d", code)
			}
			if calls := waitCalls(rec, 2); len(calls) != 1 {
				t.Fatalf("the second run the same day sent again:\n%s", rec.String())
			}
		})
	}
	t.Run("nothing to do", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "app.db")
		fillCheck(t, db, 200, "en")
		rec.mu.Lock()
		rec.b.Reset()
		rec.mu.Unlock()
		if code := run("--notify", "--db", db); code != ExitOK {
			t.Errorf("exit %d, want 0", code)
		}
		if calls := waitCalls(rec, 0); len(calls) != 0 {
			t.Fatalf("sent with nothing to do:\n%s", rec.String())
		}
	})
}

// TestCheckWithoutBus: no session bus (a server, cron): the real notifier
// finds no service, and check prints what it would have said.
func TestCheckWithoutBus(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+filepath.Join(t.TempDir(), "no-bus"))
	db := filepath.Join(t.TempDir(), "app.db")
	fillCheck(t, db, 5, "en")
	env := map[string]string{config.EnvNow: statusNow.Format(time.RFC3339), config.EnvKeychain: "off"}
	var stdout, stderr bytes.Buffer
	code := check([]string{"--notify", "--db", db}, &stdout, &stderr, checkDeps{getenv: func(k string) string { return env[k] }, notifier: notify.System})
	if code != ExitFailOn || stderr.Len() > 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr.String())
	}
	want := "1 thing to do in DPG\nExchange Online (testkommunenord.onmicrosoft.com): the certificate expires in 5 days."
	if !strings.HasPrefix(stdout.String(), want) {
		t.Fatalf("stdout %q, want it to start %q", stdout.String(), want)
	}
}
