package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"dpgcerts/backend/config"
	"dpgcerts/backend/i18n"
	"dpgcerts/backend/notify"
	"dpgcerts/backend/portal"
	"dpgcerts/backend/remind"
	"dpgcerts/backend/session"
	"dpgcerts/backend/store"
)

// checkDeps are the doors of `check` to the world, which tests replace.
type checkDeps struct {
	getenv   func(string) string
	notifier func() (notify.Notifier, error)
}

func runCheck(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	return check(args, stdout, stderr, checkDeps{getenv: getenv, notifier: notify.System})
}

// check is `dpgcerts check`: the daily reminder the OS scheduler runs.
func check(args []string, stdout, stderr io.Writer, deps checkDeps) int {
	p := newPortalFlags("check", "", "", stderr, false)
	notifyOn := p.fs.Bool("notify", false, "send one desktop notification of what needs doing (each thing once a day at most); without a notification service, print it")
	warnDays := p.warnDaysFlag()
	langFlag := p.fs.String("lang", "", "the `language` of the reminder, da or en (default: the app's, else the system's)")
	p.fs.Lookup("portal").Usage = "sync with the portal at `URL` first (default: the portal signed in to last, when a token for it is in the keychain or $" + portal.EnvToken + ")"
	p.fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: dpgcerts check [--notify] [--db FILE] [--warn-days N] [--lang da|en] [--portal URL]")
		fmt.Fprintln(stderr, "\nWhat needs doing in the DPG solution: integrations that expire within the warning window")
		fmt.Fprintln(stderr, "or have expired, renewals not installed in DPG, installs and activations that failed or wait")
		fmt.Fprintln(stderr, "for a password, revoked certificates. Signed in, it syncs first; then it reads the cache.")
		fmt.Fprintln(stderr, "The \"Remind me\" setting of the window runs dpgcerts check --notify daily.")
		fmt.Fprintln(stderr, "Exit status: 0, 1 when an integration expires within the warning window or has expired")
		fmt.Fprintln(stderr, "(as status --fail-on expiring; or the database can't be read), 2 wrong usage,")
		fmt.Fprintln(stderr, "3 the portal could not be reached (the offline copy is used), 5 refused by the portal.")
		p.fs.PrintDefaults()
	}
	rest, code, ok := p.parse(args)
	if !ok {
		return code
	}
	if len(rest) > 0 {
		return p.usageError("unexpected argument %q", rest[0])
	}
	if *warnDays < 0 || *warnDays > store.WarnDays.Max {
		return p.usageError("--warn-days must be between 1 and %d", store.WarnDays.Max)
	}
	if *langFlag != "" && i18n.Normalize(*langFlag) == "" {
		return p.usageError("--lang must be da or en")
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "dpgcerts check: "+format+"\n", a...)
		return ExitFailed
	}
	rt, err := config.FromEnv(deps.getenv)
	if err != nil {
		return p.usageError("%v", err)
	}
	st, err := rt.OpenStore(*p.dbPath)
	if err != nil {
		return fail("%v", err)
	}
	defer st.Close()
	ctx, stop := signalContext()
	defer stop()

	ses := session.New(session.Options{Store: st, Runtime: rt, Log: stderr,
		Backoff: portal.Backoff{Base: time.Second, Max: 30 * time.Second}})
	exit := syncForCheck(ctx, ses, st, rt, *p.portalURL, *p.timeout, stderr)
	if exit == ExitInterrupted || exit == ExitUsage {
		return exit
	}
	ov, err := ses.Overview(ctx, *warnDays)
	if err != nil {
		return fail("%v", err)
	}
	all := remind.Find(ov)
	lang := config.Language(ctx, st, *langFlag, i18n.Detect())

	if !*notifyOn {
		if len(all) > 0 {
			printMessage(stdout, remind.Compose(lang, all))
		}
	} else if err := notifyDue(ctx, st, rt, lang, all, deps.notifier, stdout, stderr); err != nil {
		return fail("%v", err)
	}

	for _, i := range ov.Integrations {
		if slices.Contains(statusFailLevels["expiring"], i.State) {
			return ExitFailOn
		}
	}
	return exit
}

// syncForCheck syncs first when signed in: with --portal, or the portal
// signed in to (or synced) last when there is a token for it. No token is
// no sync, not an error: the cache is what there is. It returns ExitOK,
// ExitPending (the portal could not be reached), ExitRefused, or
// ExitInterrupted; a failure never stops the reminder from the cache.
func syncForCheck(ctx context.Context, ses *session.Session, st *store.Store, rt config.Runtime, url string, timeout time.Duration,
	stderr io.Writer) int {
	if url == "" {
		if u, _ := st.String(ctx, store.PortalURL); u != "" {
			url = u
		} else if u, _ := st.LastSyncedPortal(ctx); u != "" {
			url = u
		}
	}
	if url == "" {
		return ExitOK
	}
	if timeout < 0 {
		fmt.Fprintln(stderr, "dpgcerts check: --timeout must not be negative")
		return ExitUsage
	}
	token, err := rt.Token(url)
	if err != nil {
		return ExitOK
	}
	if _, err := ses.Connect(url, token); err != nil {
		fmt.Fprintf(stderr, "dpgcerts check: %s; using the offline copy\n", errMessage(err))
		return ExitOK
	}
	res, err := ses.Send(ctx, session.SendOptions{GiveUpAfter: timeout})
	switch {
	case err != nil && ctx.Err() != nil:
		fmt.Fprintln(stderr, "dpgcerts check: interrupted")
		return ExitInterrupted
	case err != nil && portal.Classify(err) == portal.Account:
		fmt.Fprintf(stderr, "dpgcerts check: %s; using the offline copy\n", refusedMessage(err))
		return ExitRefused
	case err != nil:
		fmt.Fprintf(stderr, "dpgcerts check: the sync failed (%s); using the offline copy\n", errMessage(err))
		return ExitPending
	case res.RefreshError != "":
		fmt.Fprintf(stderr, "dpgcerts check: the portal could not be reached (%s); using the offline copy\n", res.RefreshError)
		return ExitPending
	}
	return ExitOK
}

// notifyDue sends one notification of what was not reminded of today, and
// notes it in the ledger. Without a notification service it prints what
// it would have said, and notes nothing: a printed line may reach nobody.
func notifyDue(ctx context.Context, st *store.Store, rt config.Runtime, lang string, all []remind.Reminder,
	notifier func() (notify.Notifier, error), stdout, stderr io.Writer) error {
	msg, err := remind.Notify(ctx, remind.Ledger{St: st, Now: rt.Now}, lang, all, func(m remind.Message) error {
		n, err := notifier()
		if err == nil {
			err = n.Notify(ctx, notify.Message{Title: m.Title, Body: m.Body})
		}
		return err
	})
	if err != nil && msg.Title != "" {
		// The message reached nobody: print it, and note nothing.
		if !errors.Is(err, notify.ErrUnavailable) {
			fmt.Fprintf(stderr, "dpgcerts check: %v\n", err)
		}
		printMessage(stdout, msg)
		return nil
	}
	return err
}

func printMessage(w io.Writer, m remind.Message) {
	fmt.Fprintln(w, m.Title)
	fmt.Fprintln(w, m.Body)
}
