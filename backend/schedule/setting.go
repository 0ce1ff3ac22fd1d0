package schedule

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"dpgcerts/backend/errs"
	"dpgcerts/backend/store"
)

// registered is what was last registered (the program, its arguments and
// the time), so the window registers again only when that changed: the
// app moved, was updated into another folder, or the time was changed.
var registered = store.StringSetting{Key: "remind_registered", Default: ""}

// onSince is when the daily check was registered and turned on (RFC 3339,
// UTC; "" while off), so the window can tell a check that never ran from
// one that has not had its first day yet.
var onSince = store.StringSetting{Key: "remind_on_since", Default: ""}

// OnSince says since when the daily check has been registered, on; ok is
// false while it is off or was never registered by this version.
func OnSince(ctx context.Context, st *store.Store) (time.Time, bool) {
	v, err := st.String(ctx, onSince)
	if err != nil || v == "" {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339, v)
	return t, err == nil
}

// noteOnSince keeps the first moment the check was registered, on, and
// forgets it when it is turned off.
func noteOnSince(ctx context.Context, st *store.Store, on bool, now time.Time) error {
	if !on {
		return st.SetString(ctx, onSince, "")
	}
	if _, ok := OnSince(ctx, st); ok {
		return nil
	}
	return st.SetString(ctx, onSince, now.UTC().Format(time.RFC3339))
}

// Setting is the "Remind me" setting: off, or daily at a time. The warning
// window (store.WarnDays) decides what is worth a reminder.
type Setting struct {
	On       bool   `json:"on"`
	At       string `json:"at"`
	WarnDays int    `json:"warnDays"`
}

// Load reads the setting: on at 09:00 until changed.
func Load(ctx context.Context, st *store.Store) Setting {
	on, _ := st.String(ctx, store.Remind)
	at, _ := st.String(ctx, store.RemindAt)
	h, m, err := ParseTime(at)
	if err != nil {
		h, m, _ = ParseTime(store.RemindAt.Default)
	}
	warn, _ := st.Int(ctx, store.WarnDays)
	return Setting{On: on == "on", At: FormatTime(h, m), WarnDays: warn}
}

// System is the scheduler of this computer's user.
func System() (Scheduler, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return Scheduler{}, err
	}
	return Scheduler{GOOS: runtime.GOOS, Home: home, UID: os.Getuid(), Run: Exec}, nil
}

// ReminderJob is the job for this program over the cache at db ("" for
// the default place).
func ReminderJob(db string) (Job, error) {
	exe, err := os.Executable()
	if err != nil {
		return Job{}, err
	}
	if e, err := filepath.EvalSymlinks(exe); err == nil {
		exe = e
	}
	if db != "" {
		if abs, err := filepath.Abs(db); err == nil {
			db = abs
		}
	}
	return Job{Exe: exe, Args: CheckArgs(db)}, nil
}

// Save stores the setting and registers or removes the task to match (a
// Scheduler without Run keeps the setting only).
// A time that is not HH:MM is an error and changes nothing.
func Save(ctx context.Context, st *store.Store, s Scheduler, j Job, on bool, at string) (Setting, error) {
	h, m, err := ParseTime(at)
	if err != nil {
		return Load(ctx, st), err
	}
	j.Hour, j.Minute = h, m
	switch {
	case s.Run == nil: // no OS scheduler: the setting only
	case on:
		err = s.Install(ctx, j)
	default:
		err = s.Remove(ctx)
	}
	if err != nil {
		return Load(ctx, st), err
	}
	state, sig := "off", ""
	if on {
		state, sig = "on", signature(j)
	}
	for _, kv := range []struct {
		set store.StringSetting
		v   string
	}{{store.Remind, state}, {store.RemindAt, FormatTime(h, m)}, {registered, sig}} {
		if err := st.SetString(ctx, kv.set, kv.v); err != nil {
			return Load(ctx, st), err
		}
	}
	return Load(ctx, st), nil
}

// Ensure registers the reminder when the setting is on and what is
// registered is not this program at this time (the first start, or the
// app moved). It is what makes "on" the default.
func Ensure(ctx context.Context, st *store.Store, s Scheduler, j Job) error {
	set := Load(ctx, st)
	if !set.On {
		return nil
	}
	j.Hour, j.Minute, _ = ParseTime(set.At)
	if sig, _ := st.String(ctx, registered); sig == signature(j) {
		if ok, err := s.Installed(ctx); ok || err != nil {
			return err
		}
	}
	_, err := Save(ctx, st, s, j, true, set.At)
	return err
}

func signature(j Job) string {
	return fmt.Sprintf("%s\x00%s\x00%s", j.Exe, strings.Join(j.Args, "\x00"), FormatTime(j.Hour, j.Minute))
}

// Reminder is the "Remind me" setting of this computer's user, kept in
// the cache at DB and registered with the OS scheduler. Without System
// (tests, DPGCERTS_SCHEDULER=off) the setting is kept only.
type Reminder struct {
	Store  *store.Store
	DB     string
	System func() (Scheduler, error)
	// Now is the clock of OnSince (time.Now when nil).
	Now func() time.Time
}

func (r Reminder) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r Reminder) system() (Scheduler, Job, error) {
	if r.System == nil {
		return Scheduler{}, Job{}, nil
	}
	s, err := r.System()
	if err != nil {
		return s, Job{}, err
	}
	j, err := ReminderJob(r.DB)
	return s, j, err
}

// Setting is the setting as stored.
func (r Reminder) Setting(ctx context.Context) Setting { return Load(ctx, r.Store) }

// Set turns the daily reminder on at "HH:MM", or off, and registers or
// removes its task. The errors are invalid_time and schedule_failed.
func (r Reminder) Set(ctx context.Context, on bool, at string) (Setting, error) {
	if _, _, err := ParseTime(at); err != nil {
		return r.Setting(ctx), errs.New(errs.InvalidTime, "The time must be HH:MM.")
	}
	s, j, err := r.system()
	if err == nil {
		var set Setting
		if set, err = Save(ctx, r.Store, s, j, on, at); err == nil {
			if r.System != nil {
				if err := noteOnSince(ctx, r.Store, set.On, r.now()); err != nil {
					return set, &errs.Error{Code: errs.ScheduleFailed, Message: err.Error(), Err: err}
				}
			}
			return set, nil
		}
	}
	return r.Setting(ctx), &errs.Error{Code: errs.ScheduleFailed, Message: err.Error(), Err: err}
}

// Ensure registers the task again when it is on and the program moved or
// the time changed; with no System it does nothing.
func (r Reminder) Ensure(ctx context.Context) error {
	if r.System == nil {
		return nil
	}
	s, j, err := r.system()
	if err != nil {
		return err
	}
	if err := Ensure(ctx, r.Store, s, j); err != nil {
		return err
	}
	return noteOnSince(ctx, r.Store, Load(ctx, r.Store).On, r.now())
}
