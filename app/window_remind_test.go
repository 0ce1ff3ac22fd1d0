//go:build linux

package app

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dpgcerts/backend/config"
	"dpgcerts/backend/store"
	"dpgcerts/internal/bustest"
)

// EnvWindowBin names the built app for TestWindowNotifies
// (scripts/notify-check.sh sets it after make build).
const EnvWindowBin = "DPGCERTS_WINDOW_BIN"

// TestWindowNotifies runs the real window under Xvfb on a session bus
// with dunst: at start it rescans the folder the user added, which holds
// the certificate the Exchange Online integration uses, 5 days from
// expiry. The window sends one Notify naming it and the days left, and a
// click on the notification (dunstctl action) reaches the window.
func TestWindowNotifies(t *testing.T) {
	bin := os.Getenv(EnvWindowBin)
	if bin == "" {
		t.Skip("set " + EnvWindowBin + " to the built app (scripts/notify-check.sh)")
	}
	rec := bustest.Start(t)
	if os.Getenv("DISPLAY") == "" {
		t.Fatal("no display: run under xvfb-run")
	}
	dir := t.TempDir()
	folder := filepath.Join(dir, "certs")
	c := makeCert(t, "postkasse@aeroe.dk", 5)
	writeP12(t, filepath.Join(folder, "exchange-online.p12"), c, "")
	db := filepath.Join(dir, "app.db")
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	sha := portalCopy(t, st, "http://127.0.0.1:1", c)
	if _, err := st.AddFolder(context.Background(), folder); err != nil {
		t.Fatal(err)
	}
	st.Close()

	home := filepath.Join(dir, "home")
	os.MkdirAll(home, 0o700)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--db", db, "--lang", "en")
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"XDG_CACHE_HOME="+filepath.Join(home, ".cache"), "XDG_DATA_HOME="+filepath.Join(home, ".local", "share"),
		config.EnvNow+"="+testNow.Format(time.RFC3339), config.EnvKeychain+"=off", config.EnvScheduler+"=off")
	var out bustest.Recorder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("the app's output:\n%s", out.String())
		}
	}()

	calls := rec.Wait(1, 60*time.Second)
	if len(calls) != 1 {
		t.Fatalf("%d Notify calls from the window, want 1:\n%s", len(calls), rec.String())
	}
	want := "Exchange Online (aeroe.onmicrosoft.com): the certificate expires in 5 days."
	if !strings.Contains(calls[0], want) || !strings.Contains(calls[0], `"1 thing to do in DPG"`) || !strings.Contains(calls[0], `string "dpgcerts"`) {
		t.Fatalf("the Notify call lacks %q:\n%s", want, calls[0])
	}
	t.Logf("the window's Notify:\n%s", calls[0])

	// The scan ran: the file is in the cache.
	st, err = store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	files, err := st.LoadFiles(context.Background())
	st.Close()
	if _, ok := files[filepath.Join(folder, "exchange-online.p12")]; err != nil || !ok {
		t.Errorf("the folder was not scanned: %v %v", files, err)
	}

	// A click: dunst invokes the default action, Wails hands it to the window.
	if ctl, err := exec.LookPath("dunstctl"); err == nil {
		for deadline := time.Now().Add(10 * time.Second); !strings.Contains(out.String(), "a reminder was clicked"); time.Sleep(300 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("the click did not reach the window")
			}
			exec.Command(ctl, "action", "0").Run()
		}
		if !strings.Contains(out.String(), `integration "int-exo", certificate "`+sha+`"`) {
			t.Errorf("the click opened something else:\n%s", out.String())
		}
	}
	// No second notification for the same thing the same day.
	if calls := rec.Wait(2, 3*time.Second); len(calls) != 1 {
		t.Errorf("%d Notify calls, want 1", len(calls))
	}
}
