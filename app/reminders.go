package app

import (
	"context"
	"log"
	goruntime "runtime"
	"sync"
	"testing"
	"time"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/errs"
	"dpgcerts/backend/overview"
	"dpgcerts/backend/remind"
	"dpgcerts/backend/schedule"
	"dpgcerts/backend/session"
)

// EventRemindOpen asks the frontend to open what a clicked reminder is
// about (RemindTarget).
const EventRemindOpen = "remind:open"

// EnvScheduler=off keeps the OS scheduler out of it: the setting is kept,
// no task is registered. The test scripts set it, so a test run never
// leaves a timer in the home of whoever runs it.
const EnvScheduler = "DPGCERTS_SCHEDULER"

// RemindTarget is what a reminder opens: an integration or a certificate,
// and the file to show for it, if this computer has one.
type RemindTarget struct {
	IntegrationID string `json:"integrationId,omitempty"`
	SHA256        string `json:"sha256,omitempty"`
	Path          string `json:"path,omitempty"`
}

// notifier is the window's door to the OS notifications (Wails' runtime);
// tests replace it.
type notifier interface {
	// init prepares the notifications and asks for permission where the OS
	// wants it; on a click, open is called with the notification's data.
	init(ctx context.Context, open func(data map[string]any)) error
	send(ctx context.Context, id, title, body string, data map[string]any) error
	// cleanup releases what init took (on Linux, the session bus).
	cleanup(ctx context.Context)
}

// Reminders is the "Remind me" setting and the window's notifications of
// what needs doing, sent when a scan or a sync changed the overview.
type Reminders struct {
	ctx  context.Context
	core *core
	ses  *session.Session
	db   string

	note      notifier
	scheduler func() (schedule.Scheduler, error)

	mu      sync.Mutex
	ready   bool // the notifications are initialised
	pending *time.Timer
	closed  bool
	wg      sync.WaitGroup // the checks and the registration under way
	checkMu sync.Mutex     // one check at a time
}

// remindDelay gathers the events of one change (a scan's end, the sync
// after it) into one check.
const remindDelay = 2 * time.Second

func newReminders(c *core, ses *session.Session, db string, getenv func(string) string) *Reminders {
	r := &Reminders{core: c, ses: ses, db: db, note: wailsNotifier{}, scheduler: schedule.System}
	if getenv(EnvScheduler) == "off" || testing.Testing() {
		r.scheduler = nil
	}
	return r
}

func (r *Reminders) startup(ctx context.Context) {
	r.ctx = ctx
	if r.scheduler != nil {
		r.wg.Go(func() {
			s, j, err := r.system()
			if err == nil {
				err = schedule.Ensure(context.Background(), r.core.st, s, j)
			}
			if err != nil {
				log.Printf("dpgcerts: the daily reminder is not registered: %v", err)
			}
		})
	}
	if !hasWindow(ctx) {
		return
	}
	if err := r.note.init(ctx, r.open); err != nil {
		log.Printf("dpgcerts: no notifications: %v", err)
		return
	}
	r.mu.Lock()
	r.ready = true
	r.mu.Unlock()
	// What the cache already says, once the window is up.
	r.kick()
}

func (r *Reminders) shutdown(context.Context) {
	r.mu.Lock()
	r.closed = true
	ready := r.ready
	if r.pending != nil {
		r.pending.Stop()
	}
	r.mu.Unlock()
	r.wg.Wait()
	if ready {
		r.note.cleanup(r.ctx)
	}
}

func (r *Reminders) system() (schedule.Scheduler, schedule.Job, error) {
	s, err := r.scheduler()
	if err != nil {
		return s, schedule.Job{}, err
	}
	j, err := schedule.ReminderJob(r.db)
	return s, j, err
}

// Setting is the "Remind me" setting.
func (r *Reminders) Setting() schedule.Setting {
	return schedule.Load(context.Background(), r.core.st)
}

// SetSetting turns the daily reminder on at "HH:MM", or off, and
// registers or removes its task in the OS scheduler.
func (r *Reminders) SetSetting(on bool, at string) (schedule.Setting, error) {
	ctx := context.Background()
	if _, _, err := schedule.ParseTime(at); err != nil {
		return r.Setting(), errs.New(errs.InvalidTime, "The time must be HH:MM.")
	}
	// Without an OS scheduler (tests, the test scripts) the setting is kept only.
	var s schedule.Scheduler
	var j schedule.Job
	var err error
	if r.scheduler != nil {
		s, j, err = r.system()
	}
	if err == nil {
		var set schedule.Setting
		if set, err = schedule.Save(ctx, r.core.st, s, j, on, at); err == nil {
			return set, nil
		}
	}
	log.Printf("dpgcerts: the reminder setting: %v", err)
	return r.Setting(), &errs.Error{Code: errs.ScheduleFailed, Message: err.Error(), Err: err}
}

// kick asks for a check soon; kicks close together make one check.
func (r *Reminders) kick() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.ready || r.closed {
		return
	}
	if r.pending != nil {
		r.pending.Stop()
	}
	r.pending = time.AfterFunc(remindDelay, func() {
		r.mu.Lock()
		if r.closed {
			r.mu.Unlock()
			return
		}
		// Added under mu while open: shutdown's Wait sees it.
		r.wg.Add(1)
		r.mu.Unlock()
		defer r.wg.Done()
		r.checkMu.Lock()
		defer r.checkMu.Unlock()
		r.check()
	})
}

// check sends one notification of what was not reminded of today.
func (r *Reminders) check() {
	ctx := context.Background()
	ov, err := r.ses.Overview(ctx, 0)
	if err != nil {
		log.Printf("dpgcerts: reminders: %v", err)
		return
	}
	revoked := map[string]bool{}
	if revs, err := r.core.st.Revocations(ctx); err == nil {
		for sha, rv := range revs {
			revoked[sha] = rv.Status == certs.RevocationRevoked
		}
	}
	ledger := remind.Ledger{St: r.core.st, Now: r.core.now}
	due, err := ledger.Due(ctx, remind.Find(ov, revoked))
	if err != nil || len(due) == 0 {
		return
	}
	msg := remind.Compose(r.core.language(), due)
	t := targetOf(ov, msg.First)
	data := map[string]any{"integrationId": t.IntegrationID, "sha256": t.SHA256, "path": t.Path}
	if err := r.note.send(r.ctx, "dpgcerts-"+msg.First.Key, msg.Title, msg.Body, data); err != nil {
		log.Printf("dpgcerts: the reminder was not shown: %v", err)
		return
	}
	if err := ledger.Mark(ctx, due); err != nil {
		log.Printf("dpgcerts: reminders: %v", err)
	}
}

// targetOf is what a click on the reminder opens: the integration's
// renewal, else its certificate; or the certificate; with a file of it.
func targetOf(ov overview.Overview, rm remind.Reminder) RemindTarget {
	t := RemindTarget{IntegrationID: rm.IntegrationID, SHA256: rm.SHA256}
	if rm.IntegrationID != "" {
		for _, i := range ov.Integrations {
			if i.ID != rm.IntegrationID {
				continue
			}
			if i.Successor != nil && len(i.Successor.Files) > 0 {
				t.SHA256, t.Path = i.Successor.SHA256, i.Successor.Files[0]
				return t
			}
			if i.Certificate != nil {
				t.SHA256 = i.Certificate.SHA256
			}
		}
	}
	for _, c := range ov.Certificates {
		if c.SHA256 == t.SHA256 && len(c.Files) > 0 {
			t.Path = c.Files[0]
		}
	}
	return t
}

// open shows the window with what the clicked reminder is about.
func (r *Reminders) open(data map[string]any) {
	str := func(k string) string { s, _ := data[k].(string); return s }
	t := RemindTarget{IntegrationID: str("integrationId"), SHA256: str("sha256"), Path: str("path")}
	log.Printf("dpgcerts: a reminder was clicked: integration %q, certificate %q", t.IntegrationID, t.SHA256)
	if hasWindow(r.ctx) {
		runtime.WindowUnminimise(r.ctx)
		runtime.WindowShow(r.ctx)
	}
	r.core.emit(r.ctx, EventRemindOpen, t)
}

// wailsNotifier is Wails' runtime notifications: D-Bus on Linux, the
// notification centre on macOS (which asks the user first), toasts on
// Windows.
type wailsNotifier struct{}

func (wailsNotifier) init(ctx context.Context, open func(map[string]any)) error {
	if err := runtime.InitializeNotifications(ctx); err != nil {
		return err
	}
	if goruntime.GOOS == "darwin" {
		if ok, _ := runtime.CheckNotificationAuthorization(ctx); !ok {
			if ok, err := runtime.RequestNotificationAuthorization(ctx); err != nil || !ok {
				log.Printf("dpgcerts: notifications not allowed (%v); reminders come from the daily check only", err)
			}
		}
	}
	runtime.OnNotificationResponse(ctx, func(res runtime.NotificationResult) {
		if res.Error != nil {
			log.Printf("dpgcerts: a notification's answer: %v", res.Error)
			return
		}
		open(res.Response.UserInfo)
	})
	return nil
}

func (wailsNotifier) send(ctx context.Context, id, title, body string, data map[string]any) error {
	return runtime.SendNotification(ctx, runtime.NotificationOptions{ID: id, Title: title, Body: body, Data: data})
}

func (wailsNotifier) cleanup(ctx context.Context) { runtime.CleanupNotifications(ctx) }
