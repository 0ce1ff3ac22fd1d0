package remind

import (
	"context"
	"testing"
	"time"

	"dpgcerts/backend/overview"
	"dpgcerts/backend/schedule"
	"dpgcerts/backend/store"
	"dpgcerts/backend/store/storetest"
)

// The window's reminders check nothing before the notifications are
// ready; then a kick checks the overview and notifies once a day; Close
// says whether there is anything to release.
func TestWindow(t *testing.T) {
	st := storetest.Open(t, store.Memory)
	checked := make(chan struct{}, 4)
	var sent []Message
	ov := overview.Overview{Integrations: []overview.Integration{
		integration("int-exo", "exchange_online", "x.onmicrosoft.com", overview.StateExpiring, 5, overview.StepInstallAndActivate)}}
	w := NewWindow(WindowOptions{Store: st, Now: func() time.Time { return now }, Lang: func() string { return "en" },
		Overview: func(context.Context) (overview.Overview, error) { checked <- struct{}{}; return ov, nil },
		Send:     func(m Message, _ Target) error { sent = append(sent, m); return nil }})
	if w.Delay != WindowDelay || w.Setting.System != nil {
		t.Fatalf("delay %v, system set: %v", w.Delay, w.Setting.System != nil)
	}
	w.Delay = 0
	w.Start() // no System: the setting only, nothing registered
	w.Kick()
	w.Watcher.mu.Lock()
	pending := w.pending
	w.Watcher.mu.Unlock()
	if pending != nil {
		t.Fatal("a kick before the notifications were ready set a check")
	}
	w.Ready()
	<-checked
	w.Kick()
	<-checked
	if ready := w.Close(); !ready {
		t.Error("Close: the notifications were ready")
	}
	if len(sent) != 1 {
		t.Errorf("sent %d, want 1 (the same day once): %v", len(sent), sent)
	}
	w.Kick() // closed: nothing
	if got := w.Setting.Setting(context.Background()); got != (schedule.Setting{On: true, At: "09:00", WarnDays: got.WarnDays}) {
		t.Errorf("setting %+v", got)
	}
}

// A window without notifications has nothing to release.
func TestWindowNeverReady(t *testing.T) {
	st := storetest.Open(t, store.Memory)
	w := NewWindow(WindowOptions{Store: st})
	w.Start()
	if w.Close() {
		t.Error("Close: ready without Ready")
	}
}
