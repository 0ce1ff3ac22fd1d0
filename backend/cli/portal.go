package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"dpgcerts/backend/config"
	"dpgcerts/backend/errs"
	"dpgcerts/backend/passwords"
	"dpgcerts/backend/portal"
	"dpgcerts/backend/session"
	"dpgcerts/backend/store"
)

// Exit statuses of the portal commands (install, activate, sync), besides
// ExitOK and ExitUsage.
const (
	// ExitFailed: an operation failed for good (a bad file, a refused activation).
	ExitFailed = 1
	// ExitPending: the command gave up on transient errors (network, 5xx,
	// 429); the operations stay in the outbox for the next sync.
	ExitPending = 3
	// ExitNeedsPassword: an install waits for its file's password
	// (sync --passwords FILE, or the window).
	ExitNeedsPassword = 4
	// ExitRefused: the portal refused the user: unauthenticated,
	// not_registered or migration_required.
	ExitRefused = 5
)

// DefaultGiveUp is how long the portal commands retry transient failures.
const DefaultGiveUp = 2 * time.Minute

// portalFlags are the flags every portal command has.
type portalFlags struct {
	fs        *flag.FlagSet
	portalURL *string
	dbPath    *string
	asJSON    *bool
	timeout   *time.Duration
	passwords *string
}

func newPortalFlags(name, synopsis, about string, stderr io.Writer, withPasswords bool) *portalFlags {
	fs := flag.NewFlagSet("dpgcerts "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	p := &portalFlags{fs: fs}
	p.portalURL = fs.String("portal", "", "the portal's `URL`, e.g. https://portal.timengodpg.com (the client appends /api/v1)")
	p.dbPath = fs.String("db", "", "the app's database `FILE` with the outbox (default: dpgcerts/dpgcerts.db in the user's config dir)")
	p.asJSON = fs.Bool("json", false, "print one JSON object")
	p.timeout = fs.Duration("timeout", DefaultGiveUp, "how long to retry network errors, 429 and 5xx before giving up; 0 tries once (the outbox keeps what is left)")
	if withPasswords {
		p.passwords = fs.String("passwords", "", "a UTF-8 `FILE` of candidate passwords, one per line")
	}
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: "+synopsis)
		fmt.Fprintln(stderr, "\n"+about)
		fmt.Fprintln(stderr, "The token comes from $"+portal.EnvToken+", else from the keychain (the window's sign-in).")
		fmt.Fprintln(stderr, "Exit status: 0 done, 1 an operation failed, 2 wrong usage, 3 gave up on transient errors")
		fmt.Fprintln(stderr, "(run dpgcerts sync later), 4 waiting for a password, 5 refused by the portal (sign in again).")
		fs.PrintDefaults()
	}
	return p
}

// usageError says what is wrong with the command line, then the usage; it
// returns the exit status for it.
func (p *portalFlags) usageError(format string, a ...any) int {
	return usageError(p.fs, format, a...)
}

// warnDaysFlag adds --warn-days; 0 means the app's setting.
func (p *portalFlags) warnDaysFlag() *int {
	return p.fs.Int("warn-days", 0, "the warning window before expiry, in `days` (default: the app's setting, 30)")
}

// parse parses flags that may come before or after the arguments.
func (p *portalFlags) parse(args []string) (rest []string, exit int, ok bool) {
	return parseInterleaved(p.fs, args)
}

// parseNoArgs parses a command that takes flags only: an argument, before
// or after them, is a usage error.
func (p *portalFlags) parseNoArgs(args []string) (exit int, ok bool) {
	rest, exit, ok := p.parse(args)
	if ok && len(rest) > 0 {
		return p.usageError("unexpected argument %q", rest[0]), false
	}
	return exit, ok
}

// portalSession is what a portal command works with.
type portalSession struct {
	st  *store.Store
	ses *session.Session
}

func (ps *portalSession) Close() { ps.st.Close() }

// startSession is openSession for a command that works until it is done or
// interrupted: ctx ends at Ctrl-C, and done (deferred) stops that and
// closes the session.
func startSession(name string, p *portalFlags, stderr io.Writer, getenv func(string) string) (ses *portalSession, ctx context.Context, done func(), code int) {
	ses, code = openSession(name, p, stderr, getenv)
	if ses == nil {
		return nil, nil, nil, code
	}
	ctx, stop := signalContext()
	return ses, ctx, func() { stop(); ses.Close() }, ExitOK
}

// openSession checks the portal address, finds the token, opens the
// database and reads the passwords file. On failure it prints why and
// returns the exit status.
func openSession(name string, p *portalFlags, stderr io.Writer, getenv func(string) string) (*portalSession, int) {
	fail := func(code int, format string, a ...any) (*portalSession, int) {
		fmt.Fprintf(stderr, "dpgcerts %s: "+format+"\n", append([]any{name}, a...)...)
		if code == ExitUsage {
			p.fs.Usage()
		}
		return nil, code
	}
	if *p.portalURL == "" {
		return fail(ExitUsage, "--portal is required")
	}
	url, err := portal.NormalizeURL(*p.portalURL)
	if err != nil {
		return fail(ExitUsage, "--portal: %s", errMessage(err))
	}
	if *p.timeout < 0 {
		return fail(ExitUsage, "--timeout must not be negative")
	}
	rt, err := config.FromEnv(getenv)
	if err != nil {
		return fail(ExitUsage, "%v", err)
	}
	token, err := rt.Token(url)
	if err != nil {
		return fail(ExitUsage, "%s", errMessage(err))
	}
	given, code := readPasswords(p.fs, p.passwords)
	if code != ExitOK {
		return nil, code
	}
	st, err := rt.OpenStore(*p.dbPath)
	if err != nil {
		return fail(ExitFailed, "%v", err)
	}
	// Retries and failures are logged to stderr (never a secret).
	ses := session.New(session.Options{Store: st, Runtime: rt, Passwords: passwords.New(rt.Keychain, given...), Log: stderr,
		Backoff: portal.Backoff{Base: time.Second, Max: 30 * time.Second}})
	if err := ses.Connect(url, token); err != nil {
		st.Close()
		if badAddress(err) {
			return fail(ExitUsage, "--portal: %s", errMessage(err))
		}
		return fail(ExitFailed, "%s", errMessage(err))
	}
	return &portalSession{st: st, ses: ses}, ExitOK
}

// badAddress says whether err is a --portal that can't be used (wrong
// usage, exit 2) rather than a failure behind a good one.
func badAddress(err error) bool {
	c := errs.Code(err)
	return c == errs.InvalidURL || c == errs.InsecureURL
}

// readPasswords reads the --passwords file, if one is given; a file it
// can't use is a usage error of the command fs parsed.
func readPasswords(fs *flag.FlagSet, path *string) ([]string, int) {
	if path == nil || *path == "" {
		return nil, ExitOK
	}
	data, err := os.ReadFile(*path)
	if err != nil {
		return nil, usageError(fs, "can't read the passwords file: %v", err)
	}
	list, err := passwords.Parse(data)
	if err != nil {
		return nil, usageError(fs, "the passwords file: %v", err)
	}
	return list, ExitOK
}

// errMessage is an error's text for a person: a portal error's message and
// code.
func errMessage(err error) string {
	var pe *errs.Error
	if errors.As(err, &pe) {
		if pe.Message == "" {
			return pe.Code
		}
		return pe.Message + " (" + pe.Code + ")"
	}
	return err.Error()
}

// refusedMessage explains a 401/403.
// sync sends what is pending with a progress line on a console, and turns a
// failure into its message and exit status (ExitOK when it finished).
func (ses *portalSession) sync(ctx context.Context, cmd string, giveUpAfter time.Duration, stderr io.Writer, interrupted string) (portal.SyncResult, int) {
	res, err := ses.ses.Send(ctx, session.SendOptions{GiveUpAfter: giveUpAfter, Progress: progressLine(stderr, isTerminal(stderr))})
	if isTerminal(stderr) {
		fmt.Fprint(stderr, "\r\033[K")
	}
	return res, ses.failure(ctx, err, cmd, stderr, interrupted)
}

// failure prints why a flow failed and returns its exit status; ExitOK for
// no error.
func (ses *portalSession) failure(ctx context.Context, err error, cmd string, stderr io.Writer, interrupted string) int {
	switch {
	case err == nil:
		return ExitOK
	case ctx.Err() != nil:
		fmt.Fprintf(stderr, "dpgcerts %s: %s\n", cmd, interrupted)
		return ExitInterrupted
	case portal.Classify(err) == portal.Account:
		fmt.Fprintf(stderr, "dpgcerts %s: %s\n", cmd, refusedMessage(err))
		return ExitRefused
	}
	fmt.Fprintf(stderr, "dpgcerts %s: %v\n", cmd, err)
	return ExitFailed
}

func refusedMessage(err error) string {
	switch errs.Code(err) {
	case errs.NotRegistered:
		return "access denied: you are not registered for the Customer Portal. Register with DPG through the registration form, then try again (not_registered)"
	case errs.MigrationRequired:
		return "you are still on the old portal. Ask DPG to migrate you through the migration form, then try again (migration_required)"
	case errs.Unauthenticated:
		return "the access token is unknown or has expired: sign in again, or set " + portal.EnvToken + " (unauthenticated)"
	}
	return errMessage(err)
}

func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// progressLine prints a line per finished operation on a console.
func progressLine(w io.Writer, on bool) func(portal.Progress) {
	if !on {
		return nil
	}
	return func(p portal.Progress) {
		switch p.Event {
		case portal.ProgressDone, portal.ProgressFailed:
			fmt.Fprintf(w, "\r\033[K%d of %d: %s %s", p.Done, p.Total, opLabel(p.Operation), p.Event)
		case portal.ProgressRetry:
			fmt.Fprintf(w, "\r\033[K%s: %s, retrying", opLabel(p.Operation), p.Operation.ErrorCode)
		}
	}
}

func opLabel(o portal.Operation) string {
	if o.Kind == "install" {
		if o.Path != "" {
			return o.Path
		}
		return o.Filename
	}
	return "activation of " + o.IntegrationID
}

// outcomeOf is how a command reports an operation.
func outcomeOf(o portal.Operation) string {
	switch r := session.ResultOf(o); r {
	case session.ResultAlready:
		return "already installed"
	default:
		return strings.ReplaceAll(r, "_", " ")
	}
}

// exitFor is the exit status for a set of operations, the most serious
// first: failed, pending, needs password.
func exitFor(ops []portal.Operation, localErrors int) int {
	var failed, pending, needs bool
	for _, o := range ops {
		switch o.State {
		case portal.StateFailed:
			failed = true
		case portal.StatePending:
			pending = true
		case portal.StateNeedsPassword:
			needs = true
		}
	}
	switch {
	case failed || localErrors > 0:
		return ExitFailed
	case pending:
		return ExitPending
	case needs:
		return ExitNeedsPassword
	}
	return ExitOK
}

func writeJSON(stdout io.Writer, v any) {
	enc := json.NewEncoder(stdout)
	if isTerminal(stdout) {
		enc.SetIndent("", "  ")
	}
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// installResult is one file in the install report.
type installResult struct {
	File      string            `json:"file"`
	Operation *portal.Operation `json:"operation,omitempty"`
	Error     *errs.Error       `json:"error,omitempty"`
}

func runInstall(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	p := newPortalFlags("install",
		"dpgcerts install --portal URL [--db FILE] [--passwords FILE] [--json] [--timeout D] FILE...",
		"Installs certificate files (.p12/.pfx) in the organisation's DPG solution. Each install is\n"+
			"recorded in the outbox first, then sent; one bad file doesn't stop the others, and a\n"+
			"certificate the portal already has counts as installed.", stderr, true)
	files, code, ok := p.parse(args)
	if !ok {
		return code
	}
	if len(files) == 0 {
		return p.usageError("no FILE given")
	}
	ses, ctx, done, code := startSession("install", p, stderr, getenv)
	if ses == nil {
		return code
	}
	defer done()

	installed, res, err := ses.ses.Install(ctx, files, session.SendOptions{GiveUpAfter: *p.timeout, Progress: progressLine(stderr, isTerminal(stderr))})
	if isTerminal(stderr) {
		fmt.Fprint(stderr, "\r\033[K")
	}
	if code := ses.failure(ctx, err, "install", stderr, "interrupted; the outbox keeps the rest for dpgcerts sync"); code != ExitOK {
		return code
	}
	results := make([]installResult, len(installed))
	var ops []portal.Operation
	localErrors := 0
	for i, r := range installed {
		results[i] = installResult{File: files[i], Operation: r.Operation}
		if r.Operation == nil {
			localErrors++
			results[i].Error = errs.New(r.Code, r.Message)
			continue
		}
		ops = append(ops, *r.Operation)
	}
	if *p.asJSON {
		writeJSON(stdout, struct {
			Portal  string            `json:"portal"`
			Results []installResult   `json:"results"`
			Sync    portal.SyncResult `json:"sync"`
		}{ses.ses.Portal(), results, res})
	} else {
		printInstall(stdout, results, res)
	}
	return exitFor(ops, localErrors)
}

func printInstall(w io.Writer, results []installResult, res portal.SyncResult) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RESULT\tFILE\tCERTIFICATE\tDETAILS")
	counts := map[string]int{}
	for _, r := range results {
		if r.Error != nil {
			counts["failed"]++
			fmt.Fprintf(tw, "failed\t%s\t-\t%s (%s)\n", r.File, r.Error.Message, r.Error.Code)
			continue
		}
		o := *r.Operation
		out := outcomeOf(o)
		counts[out]++
		cert := "-"
		if o.CertificateSHA256 != "" {
			cert = "sha256 " + o.CertificateSHA256[:16] + "…"
		}
		details := ""
		switch o.State {
		case portal.StateFailed:
			details = o.ErrorMessage + " (" + o.ErrorCode + ")"
		case portal.StateNeedsPassword:
			details = "give the password: dpgcerts sync --passwords FILE"
		case portal.StatePending:
			details = "will retry (" + o.ErrorCode + "): dpgcerts sync"
		case portal.StateDone:
			details = "id " + o.CertificateID
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", out, r.File, cert, details)
	}
	tw.Flush()
	var parts []string
	for _, k := range []string{"installed", "already installed", "failed", "needs password", "pending"} {
		if counts[k] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[k], k))
		}
	}
	noun := "files"
	if len(results) == 1 {
		noun = "file"
	}
	fmt.Fprintf(w, "\n%d %s: %s\n", len(results), noun, strings.Join(parts, ", "))
	if res.RefreshError != "" {
		fmt.Fprintf(w, "The overview could not be refreshed (%s); run dpgcerts sync later.\n", res.RefreshError)
	}
}
