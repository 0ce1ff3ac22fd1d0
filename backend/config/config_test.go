package config

import (
	"testing"
	"time"
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
}

// A bad DPGCERTS_NOW is an error, and the clock it leaves is the real one.
func TestFromEnvBadNow(t *testing.T) {
	rt, err := FromEnv(env(map[string]string{EnvNow: "tomorrow"}))
	if err == nil {
		t.Error("a bad DPGCERTS_NOW gave no error")
	}
	if d := time.Since(rt.Now()); d < 0 || d > time.Minute {
		t.Errorf("a bad DPGCERTS_NOW must fall back to the real time, got %v", rt.Now())
	}
	if rt.Now().Location() != time.UTC {
		t.Errorf("the clock is in %v, want UTC", rt.Now().Location())
	}
}
