package config

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"dpgcerts/backend/store"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestFromEnv(t *testing.T) {
	rt, err := FromEnv(env(map[string]string{EnvNow: "2026-11-26T12:00:00+01:00"}))
	if err != nil || rt.Now().Format(time.RFC3339) != "2026-11-26T11:00:00Z" {
		t.Errorf("DPGCERTS_NOW gave %v, %v", rt.Now(), err)
	}
	if !rt.Keychain {
		t.Error("the keychain is on unless DPGCERTS_KEYCHAIN=off")
	}
	if rt, _ := FromEnv(env(map[string]string{EnvKeychain: "off"})); rt.Keychain {
		t.Error("DPGCERTS_KEYCHAIN=off left the keychain on")
	}
	if !rt.Scheduler {
		t.Error("the OS scheduler is on unless DPGCERTS_SCHEDULER=off")
	}
	if rt, _ := FromEnv(env(map[string]string{EnvScheduler: "off"})); rt.Scheduler || !rt.Keychain {
		t.Errorf("DPGCERTS_SCHEDULER=off: scheduler %v, keychain %v", rt.Scheduler, rt.Keychain)
	}
}

// A bad DPGCERTS_NOW is an error, and the clock it leaves is the real one,
// as is the clock without DPGCERTS_NOW.
func TestFromEnvRealClock(t *testing.T) {
	for _, v := range []string{"tomorrow", ""} {
		rt, err := FromEnv(env(map[string]string{EnvNow: v}))
		if (err == nil) != (v == "") {
			t.Errorf("DPGCERTS_NOW=%q: error %v", v, err)
		}
		before := time.Now()
		got := rt.Now()
		after := time.Now()
		if got.Before(before) || got.After(after) || got.Location() != time.UTC {
			t.Errorf("DPGCERTS_NOW=%q gave %v, want the real time in UTC (between %v and %v)", v, got, before, after)
		}
	}
}

// The window opens whatever the environment and the cache: a bad
// DPGCERTS_NOW leaves the real clock, a cache that can't be opened an
// in-memory one and the reason; without getenv the process's environment
// is read.
func TestOpenWindow(t *testing.T) {
	t.Setenv(EnvKeychain, "off")
	rt, st, err := OpenWindow(nil, filepath.Join(t.TempDir(), "app.db"))
	if err != nil || st == nil || rt.Keychain {
		t.Fatalf("runtime %+v, store %v, %v; want the process's DPGCERTS_KEYCHAIN=off", rt, st, err)
	}
	st.Close()
	notDir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notDir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	rt, st, err = OpenWindow(env(map[string]string{EnvNow: "tomorrow"}), filepath.Join(notDir, "app.db"))
	if err == nil || st == nil || !rt.Keychain || time.Since(rt.Now()) > time.Minute {
		t.Fatalf("runtime %+v, store %v, %v; want the real clock and an in-memory store with the reason", rt, st, err)
	}
	defer st.Close()
	if err := st.SetString(context.Background(), store.Language, "da"); err != nil {
		t.Errorf("the in-memory store: %v", err)
	}
}
