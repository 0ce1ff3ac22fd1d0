package schedule

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dpgcerts/backend/store"
)

func TestSetting(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(store.Memory)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
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
