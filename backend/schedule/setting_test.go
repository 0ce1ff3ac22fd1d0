package schedule

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dpgcerts/backend/store"
	"dpgcerts/backend/store/storetest"
)

func TestSetting(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t, store.Memory)
	home := t.TempDir()
	rec := &recorder{}
	s := Scheduler{GOOS: "linux", Home: home, Run: rec.run}
	timer := filepath.Join(home, ".config", "systemd", "user", UnitName+".timer")

	if got := Load(ctx, st); !got.On || got.At != "09:00" || got.WarnDays != 30 {
		t.Fatalf("default %+v, want on at 09:00", got)
	}
	// The first start registers the default.
	if err := Ensure(ctx, st, s, job); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(timer); err != nil || !strings.Contains(string(b), "OnCalendar=*-*-* 09:00:00") {
		t.Fatalf("timer %s %v", b, err)
	}
	// The next start, nothing changed: nothing to do.
	rec.calls = nil
	if err := Ensure(ctx, st, s, job); err != nil || len(rec.calls) != 0 {
		t.Fatalf("second start: %v %v", rec.calls, err)
	}
	// The app moved: registered again.
	moved := job
	moved.Exe = "/opt/dpgcerts/dpgcerts"
	if err := Ensure(ctx, st, s, moved); err != nil || len(rec.calls) == 0 {
		t.Fatalf("moved: %v %v", rec.calls, err)
	}
	if _, err := Save(ctx, st, s, job, true, "7.30"); err == nil {
		t.Fatal("a bad time was taken")
	}
	got, err := Save(ctx, st, s, job, true, "7:30")
	if err != nil || got.At != "07:30" || !got.On {
		t.Fatalf("save %+v %v", got, err)
	}
	if b, _ := os.ReadFile(timer); !strings.Contains(string(b), "OnCalendar=*-*-* 07:30:00") {
		t.Fatalf("timer %s", b)
	}
	got, err = Save(ctx, st, s, job, false, got.At)
	if err != nil || got.On {
		t.Fatalf("off %+v %v", got, err)
	}
	if _, err := os.Stat(timer); !os.IsNotExist(err) {
		t.Fatalf("the timer is left: %v", err)
	}
	// Off stays off at the next start.
	rec.calls = nil
	if err := Ensure(ctx, st, s, job); err != nil || len(rec.calls) != 0 {
		t.Fatalf("off, at start: %v %v", rec.calls, err)
	}
}

// TestOnSince: the window knows since when the daily check should have
// run: from its first registration, on; kept while it stays on (also when
// its time changes), forgotten when it is turned off; nothing without an
// OS scheduler.
func TestOnSince(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t, store.Memory)
	home := t.TempDir()
	rec := &recorder{}
	now := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	r := Reminder{Store: st, DB: filepath.Join(home, "app.db"), Now: func() time.Time { return now },
		System: func() (Scheduler, error) { return Scheduler{GOOS: "linux", Home: home, Run: rec.run}, nil }}
	since := func() time.Time {
		t.Helper()
		at, ok := OnSince(ctx, st)
		if !ok {
			return time.Time{}
		}
		return at
	}
	if err := r.Ensure(ctx); err != nil || !since().Equal(now) {
		t.Fatalf("first start: %v %v", since(), err)
	}
	first := now
	now = now.Add(72 * time.Hour)
	if err := r.Ensure(ctx); err != nil || !since().Equal(first) {
		t.Fatalf("next start: %v %v", since(), err)
	}
	if _, err := r.Set(ctx, true, "07:30"); err != nil || !since().Equal(first) {
		t.Fatalf("another time: %v %v", since(), err)
	}
	if _, err := r.Set(ctx, false, "07:30"); err != nil || !since().IsZero() {
		t.Fatalf("off: %v %v", since(), err)
	}
	if err := r.Ensure(ctx); err != nil || !since().IsZero() {
		t.Fatalf("off, at start: %v %v", since(), err)
	}
	if _, err := r.Set(ctx, true, "07:30"); err != nil || !since().Equal(now) {
		t.Fatalf("on again: %v %v", since(), err)
	}

	// Without an OS scheduler (tests, DPGCERTS_SCHEDULER=off) nothing runs the check.
	st2 := storetest.Open(t, store.Memory)
	bare := Reminder{Store: st2, Now: func() time.Time { return now }}
	if _, err := bare.Set(ctx, true, "09:00"); err != nil {
		t.Fatal(err)
	}
	if err := bare.Ensure(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := OnSince(ctx, st2); ok {
		t.Fatal("on since, without a scheduler")
	}
}
