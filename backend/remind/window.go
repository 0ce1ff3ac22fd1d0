package remind

import (
	"context"
	"log"
	"sync"
	"time"

	"dpgcerts/backend/overview"
	"dpgcerts/backend/schedule"
	"dpgcerts/backend/store"
)

// WindowDelay gathers the events of one change (a scan's end, the sync
// after it) into one check.
const WindowDelay = 2 * time.Second

// Window is the reminders of the open window: the "Remind me" setting,
// registered again with the OS scheduler when the window starts, and the
// Watcher, whose checks wait until the notifications are ready.
type Window struct {
	*Watcher
	Setting schedule.Reminder

	mu    sync.Mutex
	ready bool           // the notifications are ready
	wg    sync.WaitGroup // the registration under way
}

// WindowOptions are what a Window needs.
type WindowOptions struct {
	Store *store.Store
	// DB is the cache's path ("" for the default place), for the daily
	// check's task; System is the OS scheduler (nil keeps the setting only).
	DB     string
	System func() (schedule.Scheduler, error)
	Now    func() time.Time
	Lang   func() string
	// Overview is the overview to look for what is worth a reminder.
	Overview func(ctx context.Context) (overview.Overview, error)
	// Send shows a notification; target is what a click on it opens.
	Send func(msg Message, target Target) error
}

// NewWindow returns the window's reminders; Start begins them.
func NewWindow(o WindowOptions) *Window {
	return &Window{
		Setting: schedule.Reminder{Store: o.Store, DB: o.DB, System: o.System, Now: o.Now},
		Watcher: &Watcher{Ledger: Ledger{St: o.Store, Now: o.Now}, Lang: o.Lang, Overview: o.Overview, Send: o.Send,
			Delay: WindowDelay},
	}
}

// Start registers the daily check again in the background, when it is on
// and the program moved or the time changed (schedule.Reminder.Ensure).
func (w *Window) Start() {
	w.wg.Go(func() {
		if err := w.Setting.Ensure(context.Background()); err != nil {
			log.Printf("dpgcerts: the daily reminder is not registered: %v", err)
		}
	})
}

// Ready says the notifications are ready, and asks for a check of what the
// cache already says.
func (w *Window) Ready() {
	w.mu.Lock()
	w.ready = true
	w.mu.Unlock()
	w.Watcher.Kick()
}

// Kick asks for a check soon, once the notifications are ready.
func (w *Window) Kick() {
	w.mu.Lock()
	ready := w.ready
	w.mu.Unlock()
	if ready {
		w.Watcher.Kick()
	}
}

// Close stops the checks and waits for them and for the registration. It
// says whether the notifications were ready, so the caller releases them.
func (w *Window) Close() (ready bool) {
	w.Watcher.Close()
	w.mu.Lock()
	ready = w.ready
	w.mu.Unlock()
	w.wg.Wait()
	return ready
}
