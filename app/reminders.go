package app

import (
	"context"
	"log"
	goruntime "runtime"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"dpgcerts/backend/channels"
	"dpgcerts/backend/overview"
	"dpgcerts/backend/remind"
	"dpgcerts/backend/schedule"
	"dpgcerts/backend/session"
)

// EventRemindOpen asks the frontend to open what a clicked reminder is
// about (remind.Target).
const EventRemindOpen = "remind:open"

// osScheduler is this user's OS scheduler. The package's tests set it to
// nil (scheduler_test.go), so no test run registers a task in the home of
// whoever runs it; a variable rather than testing.Testing keeps the
// testing package out of the release binary.
var osScheduler = schedule.System

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
	ctx   context.Context
	core  *core
	note  notifier
	watch *remind.Window
	team  channels.Setup
}

func newReminders(c *core, ses *session.Session, db string) *Reminders {
	r := &Reminders{core: c, note: wailsNotifier{},
		team: channels.Setup{St: c.st, Keychain: c.rt.Keychain, Now: c.rt.Now, Options: channels.Options{Now: c.rt.Now}}}
	system := osScheduler
	if !c.rt.Scheduler { // DPGCERTS_SCHEDULER=off
		system = nil
	}
	r.watch = remind.NewWindow(remind.WindowOptions{Store: c.st, DB: db, System: system, Now: c.rt.Now, Lang: c.lang.Get,
		Overview: func(ctx context.Context) (overview.Overview, error) { return ses.Overview(ctx, 0) },
		Send: func(m remind.Message, t remind.Target) error {
			return r.note.send(r.ctx, "dpgcerts-"+m.First.Key, m.Title, m.Body, t.Data())
		},
	})
	return r
}

func (r *Reminders) startup(ctx context.Context) {
	r.ctx = ctx
	r.watch.Start()
	if !hasWindow(ctx) {
		return
	}
	if err := r.note.init(ctx, r.open); err != nil {
		log.Printf("dpgcerts: no notifications: %v", err)
		return
	}
	r.watch.Ready() // and a check of what the cache already says
}

func (r *Reminders) shutdown(context.Context) {
	if r.watch.Close() {
		r.note.cleanup(r.ctx)
	}
}

// Setting is the "Remind me" setting.
func (r *Reminders) Setting() schedule.Setting { return r.watch.Setting.Setting(context.Background()) }

// SetSetting turns the daily reminder on at "HH:MM", or off, and
// registers or removes its task in the OS scheduler.
func (r *Reminders) SetSetting(on bool, at string) (schedule.Setting, error) {
	set, err := r.watch.Setting.Set(context.Background(), on, at)
	if err != nil {
		log.Printf("dpgcerts: the reminder setting: %v", err)
	}
	return set, err
}

// Team is the team's channels (e-mail, webhook), and the scheduled
// check's last run.
func (r *Reminders) Team() (channels.View, error) { return r.team.Load(context.Background()) }

// SetTeam saves the team's channels; the secrets go to the keychain.
func (r *Reminders) SetTeam(in channels.Input) (channels.View, error) {
	return r.team.Save(context.Background(), in)
}

// TestTeam sends a test message through channel ("email", "webhook").
func (r *Reminders) TestTeam(channel string, in channels.Input) channels.TestResult {
	return r.team.Test(context.Background(), channel, in, r.core.lang.Get())
}

// open shows the window with what the clicked reminder is about.
func (r *Reminders) open(data map[string]any) {
	t := remind.TargetIn(data)
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
