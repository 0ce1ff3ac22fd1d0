package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"dpgcerts/backend/config"
	"dpgcerts/backend/errs"
	"dpgcerts/backend/i18n"
	"dpgcerts/backend/monitor"
	"dpgcerts/backend/notify"
	"dpgcerts/backend/overview"
	"dpgcerts/backend/portal"
	"dpgcerts/backend/remind"
	"dpgcerts/backend/secrets"
	"dpgcerts/backend/session"
	"dpgcerts/backend/store"
)

// checkDeps are the doors of `check` to the world, which tests replace.
type checkDeps struct {
	getenv   func(string) string
	notifier func() (notify.Notifier, error)
	team     teamDeps
}

func runCheck(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	return check(args, stdout, stderr, checkDeps{getenv: getenv, notifier: notify.System})
}

// ExitChannel: a reminder channel (e-mail, webhook) failed to send; what
// it should have said is sent again on the next run. It outranks 0 and 1:
// a reminder that didn't go out matters more than the state it was about.
const ExitChannel = 6

// checkFormats are the values of check --format.
var checkFormats = []string{"text", "json", "nagios", "prometheus"}

// check is `dpgcerts check`: the daily reminder the OS scheduler runs.
func check(args []string, stdout, stderr io.Writer, deps checkDeps) (exitCode int) {
	p := newPortalFlags("check", "", "", stderr, false)
	configPath := p.fs.String("config", "", "read the settings from the TOML `FILE` (portal_url, db, language, warn_days, critical_days, max_age, token_file, [reminders]); flags override it")
	tokenFile := p.fs.String("token-file", "", "read the portal's access token from `FILE` (mode 600; also $CREDENTIALS_DIRECTORY/token)")
	notifyOn := p.fs.Bool("notify", false, "send one desktop notification of what needs doing (each thing once a day at most); without a notification service, print it")
	warnDays := p.warnDaysFlag()
	langFlag := p.fs.String("lang", "", "the `language` of the reminder, da or en (default: the app's, else the system's)")
	format := p.fs.String("format", "text", "the output `FORMAT`: text, json, nagios (a monitoring plugin: exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN) or prometheus (node_exporter's textfile format)")
	textfile := p.fs.String("textfile", "", "with --format prometheus: write the metrics to `FILE` atomically (for node_exporter's textfile collector) instead of stdout")
	criticalDays := p.fs.Int("critical-days", monitor.DefaultCriticalDays, "an integration with at most `N` days left is CRITICAL (--format nagios)")
	maxAge := p.fs.Duration("max-age", monitor.DefaultMaxAge, "without a successful sync with DPG for `DURATION`, the state is UNKNOWN (nagios) and dpgcerts_up is 0 (prometheus)")
	team := addTeamFlags(p.fs)
	p.fs.Lookup("portal").Usage = "sync with the portal at `URL` first (default: the portal signed in to last, when a token for it is in the keychain or $" + portal.EnvToken + ")"
	p.fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: dpgcerts check [--notify] [--mail-to ADDR[,ADDR...]] [--mail-from ADDR] [--mail-lang da|en]")
		fmt.Fprintln(stderr, "                      [--smtp URL] [--smtp-password-file FILE] [--webhook URL] [--webhook-format teams|slack|json]")
		fmt.Fprintln(stderr, "                      [--lead-days 90,30,14,7,3,1,0] [--digest] [--format text|json|nagios|prometheus] [--textfile FILE]")
		fmt.Fprintln(stderr, "                      [--critical-days N] [--max-age DURATION] [--db FILE] [--warn-days N] [--lang da|en] [--portal URL]")
		fmt.Fprintln(stderr, "                      [--config FILE] [--token-file FILE]")
		fmt.Fprintln(stderr, "\nWhat needs doing in the DPG solution: integrations that expire within the warning window")
		fmt.Fprintln(stderr, "or have expired, renewals not installed in DPG, installs and activations that failed or wait")
		fmt.Fprintln(stderr, "for a password, revoked certificates. Signed in, it syncs first; then it reads the cache.")
		fmt.Fprintln(stderr, "The \"Remind me\" setting of the window runs dpgcerts check --notify daily.")
		fmt.Fprintln(stderr, "The team is told by e-mail and webhook at each lead time, once per step and channel; without")
		fmt.Fprintln(stderr, "--mail-to, --smtp or --webhook, the channels saved in the window's Reminders dialog are used")
		fmt.Fprintln(stderr, "(the other team flags, such as --lead-days and --digest, change them).")
		fmt.Fprintln(stderr, "Exit status: 0, 1 when an integration expires within the warning window or has expired")
		fmt.Fprintln(stderr, "(as status --fail-on expiring; or the database can't be read), 2 wrong usage,")
		fmt.Fprintln(stderr, "3 the portal could not be reached (the offline copy is used), 5 refused by the portal,")
		fmt.Fprintln(stderr, "6 a reminder channel failed to send (it is sent again next time; outranks 0 and 1).")
		fmt.Fprintln(stderr, "With --format nagios: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN, as monitoring plugins do.")
		p.fs.PrintDefaults()
	}
	if code, ok := p.parseNoArgs(args); !ok {
		return code
	}
	set := map[string]bool{}
	p.fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var fileTeam *remind.Settings
	passwordFile := *team.smtpPasswordFile
	if *configPath != "" {
		cfg, err := config.LoadFile(*configPath)
		if err != nil {
			return p.usageError("%s", errMessage(err))
		}
		for name, v := range map[string]*string{"portal": p.portalURL, "db": p.dbPath, "lang": langFlag, "token-file": tokenFile} {
			from := map[string]string{"portal": cfg.PortalURL, "db": cfg.DB, "lang": cfg.Language, "token-file": cfg.TokenFile}[name]
			if !set[name] && from != "" {
				*v = from
			}
		}
		if !set["warn-days"] && cfg.WarnDays != 0 {
			*warnDays = cfg.WarnDays
		}
		if !set["critical-days"] && cfg.CriticalDays != nil {
			*criticalDays = *cfg.CriticalDays
		}
		if !set["max-age"] && cfg.MaxAge.Duration != 0 {
			*maxAge = cfg.MaxAge.Duration
		}
		if cfg.Reminders != nil {
			s, err := cfg.Reminders.Team()
			if err != nil {
				return p.usageError("%s: %s", *configPath, errMessage(err))
			}
			fileTeam = &s
			if !set["smtp-password-file"] {
				passwordFile = cfg.Reminders.Email.PasswordFile
			}
		}
	}
	getenv := deps.getenv
	if *tokenFile != "" || getenv(secrets.EnvCredentialsDirectory) != "" {
		token, ok, err := secrets.FromFileOrCredentials(*tokenFile, secrets.CredentialToken, getenv)
		if err != nil {
			return p.usageError("%s", errMessage(err))
		}
		if ok {
			// The token reaches the portal client as $DPGCERTS_TOKEN would,
			// without being in this process's environment.
			getenv = func(k string) string {
				if k == portal.EnvToken {
					return token
				}
				return deps.getenv(k)
			}
		}
	}
	if *warnDays < 0 || *warnDays > store.WarnDays.Max {
		return p.usageError("--warn-days must be between 1 and %d", store.WarnDays.Max)
	}
	if *langFlag != "" && i18n.Normalize(*langFlag) == "" {
		return p.usageError("--lang must be da or en")
	}
	if !slices.Contains(checkFormats, *format) {
		return p.usageError("--format must be text, json, nagios or prometheus")
	}
	if *textfile != "" && *format != "prometheus" {
		return p.usageError("--textfile needs --format prometheus")
	}
	if *criticalDays < 0 || *criticalDays > store.WarnDays.Max {
		return p.usageError("--critical-days must be between 0 and %d", store.WarnDays.Max)
	}
	if *maxAge <= 0 {
		return p.usageError("--max-age must be a positive duration, such as 48h")
	}
	channelFlags, teamFlagsSet := team.given(p.fs)
	if *team.mailLang != "" && i18n.Normalize(*team.mailLang) == "" {
		return p.usageError("--mail-lang must be da or en")
	}
	rt, err := config.FromEnv(getenv)
	if err != nil {
		return p.usageError("%v", err)
	}
	run := monitor.Run{Now: rt.Now(), CriticalDays: *criticalDays, MaxAge: *maxAge}
	out := checkOutput{format: *format, textfile: *textfile, stdout: stdout, stderr: stderr, run: run}
	fail := func(format string, a ...any) int {
		return out.failed(fmt.Sprintf(format, a...))
	}
	st, err := rt.OpenStore(*p.dbPath)
	if err != nil {
		return fail("%v", err)
	}
	defer st.Close()
	ctx, stop := signalContext()
	defer stop()
	// The run is noted for the window ("The daily check has not run since").
	var runErrors []remind.LastRunError
	sent, completed := 0, false
	defer func() {
		last := remind.LastRun{At: rt.Now(), Exit: exitCode, Sent: sent, Errors: runErrors, OK: completed && len(runErrors) == 0}
		if err := remind.SaveLastRun(context.WithoutCancel(ctx), st, last); err != nil {
			fmt.Fprintf(stderr, "dpgcerts check: %v\n", err)
		}
	}()
	fail = func(format string, a ...any) int {
		msg := fmt.Sprintf(format, a...)
		runErrors = append(runErrors, remind.LastRunError{Code: errs.Internal, Message: msg})
		return out.failed(msg)
	}

	ses := session.New(session.Options{Store: st, Runtime: rt, Log: stderr,
		Backoff: portal.Backoff{Base: time.Second, Max: 30 * time.Second}})
	exit := syncForCheck(ctx, ses, st, rt, *p.portalURL, *p.timeout, stderr)
	if exit == ExitInterrupted || exit == ExitUsage {
		return exit
	}
	switch exit {
	case ExitPending:
		runErrors = append(runErrors, remind.LastRunError{Code: errs.Network, Message: "the portal could not be reached; the offline copy was used"})
	case ExitRefused:
		runErrors = append(runErrors, remind.LastRunError{Code: errs.Unauthenticated, Message: "the portal refused the sync; the offline copy was used"})
	}
	ov, err := ses.Overview(ctx, *warnDays)
	if err != nil {
		return fail("%v", err)
	}
	all := remind.Find(ov)
	lang := config.Language(ctx, st, *langFlag, i18n.Detect())

	if *notifyOn {
		if err := notifyDue(ctx, st, rt, lang, all, deps.notifier, stdout, stderr); err != nil {
			return fail("%v", err)
		}
	}
	base := remind.Settings{}
	if fileTeam != nil {
		base = *fileTeam
	} else if !channelFlags {
		if base, err = remind.LoadSettings(ctx, st); err != nil {
			fmt.Fprintf(stderr, "dpgcerts check: %v\n", err)
		}
	}
	settings, err := team.settings(base)
	if err != nil {
		if teamFlagsSet {
			return p.usageError("%v", err)
		}
		return fail("the saved reminder settings: %v", err)
	}
	// A channel that can't be set up (a secret file others can read, no
	// password) failed like one that can't send: exit 6, and the rest goes on.
	routes, err := teamRoutes(settings, ov, lang, passwordFile, rt, deps.team)
	channelFailed := err != nil
	if err != nil {
		fmt.Fprintf(stderr, "dpgcerts check: %s (%s)\n", i18n.T(lang, "errors."+errs.Code(err)), errMessage(err))
		runErrors = append(runErrors, remind.LastRunError{Code: errs.Code(err), Message: errs.Shown(err).Message})
	} else {
		var failed bool
		out.deliveries, failed = sendTeam(ctx, st, rt, settings, routes, ov, lang, deps.team.loc, *format != "text", stdout, stderr)
		channelFailed = failed
		for _, d := range out.deliveries {
			if d.Err != nil {
				runErrors = append(runErrors, remind.LastRunError{Channel: d.Channel, Code: errs.Code(d.Err), Message: errs.Shown(d.Err).Message})
			} else if d.Subject != "" {
				sent++
			}
		}
	}
	for _, i := range ov.Integrations {
		if slices.Contains(statusFailLevels["expiring"], i.State) {
			exit = ExitFailOn
		}
	}
	completed = true
	exit = out.write(ov, lang, all, *notifyOn, exit)
	if channelFailed && *format != "nagios" && (exit == ExitOK || exit == ExitFailOn) {
		exit = ExitChannel
	}
	return exit
}

// checkOutput writes what check found in the chosen format, and decides
// the exit status that format calls for.
type checkOutput struct {
	format, textfile string
	stdout, stderr   io.Writer
	run              monitor.Run
	deliveries       []remind.Delivery
}

// failed reports a check that could not read the state: monitoring
// formats say UNKNOWN (nagios) or dpgcerts_up 0 (prometheus).
func (o checkOutput) failed(msg string) int {
	fmt.Fprintln(o.stderr, "dpgcerts check: "+msg)
	o.run.Failed = msg
	switch o.format {
	case "nagios":
		_, text := monitor.Nagios(overview.Overview{}, o.run)
		fmt.Fprint(o.stdout, text)
		return monitor.Unknown
	case "prometheus":
		o.metrics(overview.Overview{})
	case "json":
		writeJSON(o.stdout, checkJSON{CheckedAt: o.run.Now, Status: "unknown", Error: msg})
	}
	return ExitFailed
}

func (o checkOutput) metrics(ov overview.Overview) error {
	data := monitor.Prometheus(ov, o.run)
	if o.textfile == "" {
		_, err := o.stdout.Write(data)
		return err
	}
	if err := monitor.WriteTextfile(o.textfile, data); err != nil {
		fmt.Fprintln(o.stderr, "dpgcerts check: "+err.Error())
		return err
	}
	return nil
}

// checkJSON is check --format json.
type checkJSON struct {
	CheckedAt time.Time `json:"checkedAt"`
	// Status is the monitoring verdict: ok, warning, critical or unknown.
	Status       string                 `json:"status"`
	SyncedAt     *time.Time             `json:"syncedAt"`
	Integrations []checkJSONIntegration `json:"integrations"`
	Reminders    []remind.Reminder      `json:"reminders"`
	Deliveries   []checkJSONDelivery    `json:"deliveries"`
	Error        string                 `json:"error,omitempty"`
}

// checkJSONDelivery is what one channel did: error is set when it failed.
type checkJSONDelivery struct {
	remind.Delivery
	Error *errs.Error `json:"error,omitempty"`
}

type checkJSONIntegration struct {
	ID       string         `json:"id"`
	Kind     string         `json:"kind"`
	Name     string         `json:"name"`
	State    overview.State `json:"state"`
	Status   string         `json:"status"`
	NextStep overview.Step  `json:"nextStep"`
	DaysLeft *int           `json:"daysLeft"`
	NotAfter *time.Time     `json:"notAfter"`
}

func (o checkOutput) write(ov overview.Overview, lang string, all []remind.Reminder, notified bool, exit int) int {
	switch o.format {
	case "nagios":
		code, text := monitor.Nagios(ov, o.run)
		fmt.Fprint(o.stdout, text)
		return code
	case "prometheus":
		if err := o.metrics(ov); err != nil && exit == ExitOK {
			return ExitFailed
		}
	case "json":
		code, _ := monitor.Nagios(ov, o.run)
		j := checkJSON{CheckedAt: o.run.Now, Status: strings.ToLower(monitor.StatusName[code]), SyncedAt: ov.SyncedAt,
			Integrations: []checkJSONIntegration{}, Reminders: all}
		if j.Reminders == nil {
			j.Reminders = []remind.Reminder{}
		}
		j.Deliveries = []checkJSONDelivery{}
		for _, d := range o.deliveries {
			jd := checkJSONDelivery{Delivery: d}
			if d.Err != nil {
				shown := errs.Shown(d.Err)
				jd.Error = &shown
			}
			j.Deliveries = append(j.Deliveries, jd)
		}
		for _, i := range ov.Integrations {
			ji := checkJSONIntegration{ID: i.ID, Kind: i.Kind, Name: i.Name, State: i.State, NextStep: i.NextStep,
				Status: strings.ToLower(monitor.StatusName[o.run.Level(i)])}
			if c := i.Certificate; c != nil {
				ji.DaysLeft, ji.NotAfter = &c.DaysLeft, &c.NotAfter
			}
			j.Integrations = append(j.Integrations, ji)
		}
		writeJSON(o.stdout, j)
	default:
		if !notified && len(all) > 0 {
			printMessage(o.stdout, remind.Compose(lang, all))
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
	if err := ses.Connect(url, token); err != nil {
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
