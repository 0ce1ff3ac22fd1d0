// Package config is the runtime configuration the window and the CLI share:
// the clock, whether the keychain is used, where the cache lives, and where
// the portal's token comes from. Each is read from the environment here and
// only here.
package config

import (
	"fmt"
	"log"
	"os"
	"time"

	"dpgcerts/backend/portal"
	"dpgcerts/backend/store"
)

// Environment variables for scripts and tests.
const (
	// EnvNow fixes "now" (RFC 3339), so reports can be compared over time.
	EnvNow = "DPGCERTS_NOW"
	// EnvKeychain=off keeps the OS keychain out of it, for machines without one.
	EnvKeychain = "DPGCERTS_KEYCHAIN"
	// EnvScheduler=off keeps the OS scheduler out of it: the "Remind me"
	// setting is kept, no task is registered. The test scripts set it, so a
	// test run never leaves a timer in the home of whoever runs it.
	EnvScheduler = "DPGCERTS_SCHEDULER"
)

// Runtime is the configuration of one process.
type Runtime struct {
	// Now is the clock: time.Now in UTC, or the time in DPGCERTS_NOW.
	Now func() time.Time
	// Keychain says whether the OS keychain may be asked (remembered
	// passwords, the portal token, pending installs' passwords).
	Keychain bool
	// Scheduler says whether the window may register the daily reminder
	// with the OS scheduler (not DPGCERTS_SCHEDULER=off).
	Scheduler bool
	// Getenv reads the environment.
	Getenv func(string) string
}

// FromEnv reads the runtime configuration. A DPGCERTS_NOW that is not an
// RFC 3339 time is an error; the Runtime then has the real clock, so a
// caller that only logs the error can go on.
func FromEnv(getenv func(string) string) (Runtime, error) {
	rt := Runtime{
		Now:       func() time.Time { return time.Now().UTC() },
		Keychain:  getenv(EnvKeychain) != "off",
		Scheduler: getenv(EnvScheduler) != "off",
		Getenv:    getenv,
	}
	if v := getenv(EnvNow); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return rt, fmt.Errorf("%s must be an RFC 3339 time, not %q", EnvNow, v)
		}
		rt.Now = func() time.Time { return t.UTC() }
	}
	return rt, nil
}

// OpenStore opens the cache at path, or at the default place when path is "".
func (rt Runtime) OpenStore(path string) (*store.Store, error) {
	if path == "" {
		p, err := store.DefaultPath()
		if err != nil {
			return nil, err
		}
		path = p
	}
	return store.Open(path)
}

// Token is the access token for the portal at url: $DPGCERTS_TOKEN, else
// the one the window's sign-in kept in the keychain.
func (rt Runtime) Token(url string) (string, error) {
	return portal.TokenFor(url, rt.Getenv, rt.Keychain)
}

// PortalKeychain is where pending installs keep their passwords.
func (rt Runtime) PortalKeychain() portal.Keychain {
	if rt.Keychain {
		return portal.SystemKeychain()
	}
	return portal.NoKeychain()
}

// OpenStoreOrMemory is OpenStore, or, when the cache can't be opened, an
// in-memory one that keeps nothing, with the reason (logged here): the
// window still opens, and says so.
func (rt Runtime) OpenStoreOrMemory(path string) (*store.Store, error) {
	st, err := rt.OpenStore(path)
	if err == nil {
		return st, nil
	}
	log.Printf("dpgcerts: the cache can't be opened, keeping nothing: %v", err)
	mem, merr := store.Open(store.Memory)
	if merr != nil {
		panic(merr) // an in-memory SQLite always opens
	}
	return mem, err
}

// OpenWindow is the window's start: the runtime configuration from getenv
// (nil: os.Getenv; a bad DPGCERTS_NOW is logged and the real clock used),
// and the cache at db by OpenStoreOrMemory, with why it could not be
// opened, if so.
func OpenWindow(getenv func(string) string, db string) (Runtime, *store.Store, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	rt, err := FromEnv(getenv)
	if err != nil {
		log.Printf("dpgcerts: %v; using the real clock", err)
	}
	st, err := rt.OpenStoreOrMemory(db)
	return rt, st, err
}
