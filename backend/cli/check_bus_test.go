//go:build linux

package cli

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dpgcerts/backend/config"
	"dpgcerts/backend/notify"
	"dpgcerts/internal/bustest"
)

// TestCheckNotifyOnBus: `dpgcerts check --notify` over a cache with an
// integration that expires in 5 days sends one Notify to a real server
// that names it and the days left, in English and in Danish; a second run
// the same day sends none; with nothing to do, none, and exit 0.
func TestCheckNotifyOnBus(t *testing.T) {
	rec := bustest.Start(t)
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
			rec.Reset()
			if code := run("--notify", "--db", db); code != ExitFailOn {
				t.Errorf("exit %d, want %d", code, ExitFailOn)
			}
			calls := rec.Wait(1, 3*time.Second)
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
			if calls := rec.Wait(2, 3*time.Second); len(calls) != 1 {
				t.Fatalf("the second run the same day sent again:\n%s", rec.String())
			}
		})
	}
	t.Run("nothing to do", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "app.db")
		fillCheck(t, db, 200, "en")
		rec.Reset()
		if code := run("--notify", "--db", db); code != ExitOK {
			t.Errorf("exit %d, want 0", code)
		}
		if calls := rec.Wait(1, 2*time.Second); len(calls) != 0 {
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
