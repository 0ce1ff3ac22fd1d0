package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mattn/go-isatty"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/config"
	"dpgcerts/backend/passwords"
	"dpgcerts/backend/report"
	"dpgcerts/backend/revocation"
	"dpgcerts/backend/scan"
	"dpgcerts/backend/session"
	"dpgcerts/backend/store"
)

// failLevels are the statuses --fail-on accepts. revoked ranks with expired.
var failLevels = []certs.Status{certs.StatusExpiring, certs.StatusExpired, certs.StatusRevoked, certs.StatusLocked, certs.StatusUnreadable}

func runScan(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("dpgcerts scan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print one JSON object instead of a table")
	passwordsFile := fs.String("passwords", "", "a UTF-8 `FILE` of candidate passwords, one per line (an empty line is the empty password)")
	warnDays := fs.Int("warn-days", 0, "the warning window before expiry, in `days` (default: the app's setting, 30)")
	dbPath := fs.String("db", "", "the cache `FILE` (default: dpgcerts/dpgcerts.db in the user's config dir)")
	noCache := fs.Bool("no-cache", false, "read every file, and keep nothing")
	failOn := fs.String("fail-on", "", "exit 1 when a file is at or past `LEVEL`: expiring, expired (or revoked, the same level), locked or unreadable")
	checkRevocation := fs.Bool("revocation", false, "ask each certificate's CA (OCSP, else the CRL) whether it is revoked; answers are cached in the --db")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: dpgcerts scan [--json] [--passwords FILE] [--warn-days N] [--db FILE | --no-cache] [--fail-on LEVEL] [--revocation] PATH...")
		fmt.Fprintln(stderr, "\nReads certificate files (PKCS#12, PEM, DER); folders are walked recursively.")
		fmt.Fprintln(stderr, "Exit status: 0, 1 when --fail-on is met, 2 for wrong usage.")
		fs.PrintDefaults()
	}
	// Flags may come before or after the paths.
	paths, code, ok := parseInterleaved(fs, args)
	if !ok {
		return code
	}
	if len(paths) == 0 {
		return usageError(fs, "no PATH given")
	}
	if *noCache && *dbPath != "" {
		return usageError(fs, "--db and --no-cache exclude each other")
	}
	threshold := -1
	if *failOn != "" {
		for _, l := range failLevels {
			if string(l) == *failOn {
				threshold = certs.Severity(l)
			}
		}
		if threshold < 0 {
			return usageError(fs, "--fail-on must be one of expiring, expired, revoked, locked, unreadable")
		}
	}
	if *warnDays < 0 || *warnDays > store.WarnDays.Max {
		return usageError(fs, "--warn-days must be between 1 and %d", store.WarnDays.Max)
	}
	rt, err := config.FromEnv(getenv)
	if err != nil {
		return usageError(fs, "%v", err)
	}
	now := rt.Now()
	given, code := readPasswords(fs, passwordsFile)
	if code != ExitOK {
		return code
	}
	// Remembered passwords come after the given ones.
	candidates := passwords.New(rt.Keychain, given...).List()

	// A scan allocates in short bursts; collecting less often makes a cached
	// rescan much faster, and the limit keeps big scans' memory bounded.
	debug.SetGCPercent(400)
	debug.SetMemoryLimit(150 << 20)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	opts := scan.Options{Passwords: candidates, Now: now, WarnDays: *warnDays}
	var st *store.Store
	if !*noCache {
		var err error
		st, err = rt.OpenStore(*dbPath)
		if err != nil {
			fmt.Fprintf(stderr, "dpgcerts scan: the cache can't be used, reading every file: %v\n", err)
		} else {
			defer st.Close()
			opts.Cache = st
			if opts.WarnDays == 0 {
				if d, err := st.Int(ctx, store.WarnDays); err == nil {
					opts.WarnDays = d
				}
			}
		}
	}
	if opts.WarnDays == 0 {
		opts.WarnDays = certs.DefaultWarnDays
	}
	if isTerminal(stderr) {
		opts.Progress = progressPrinter(stderr)
	}

	files, err := scan.Scan(ctx, paths, opts)
	if opts.Progress != nil {
		fmt.Fprint(stderr, "\r\033[K")
	}
	if err != nil {
		if ctx.Err() != nil {
			fmt.Fprintln(stderr, "dpgcerts scan: cancelled")
			return ExitInterrupted
		}
		fmt.Fprintf(stderr, "dpgcerts scan: %v\n", err)
		return ExitUsage
	}
	if *checkRevocation {
		// Asked for explicitly, so it runs even when the window's setting has
		// the background checks off.
		if err := checkFiles(ctx, files, st, now, getenv(config.EnvNow) != "", stderr); err != nil {
			fmt.Fprintln(stderr, "dpgcerts scan: cancelled")
			return ExitInterrupted
		}
	}

	if *asJSON {
		enc := json.NewEncoder(stdout)
		if isTerminal(stdout) {
			enc.SetIndent("", "  ") // for people; scripts get compact JSON, which is faster
		}
		enc.SetEscapeHTML(false)
		if err := enc.Encode(report.Report{ScannedAt: now, WarnDays: opts.WarnDays, Files: files}); err != nil {
			fmt.Fprintf(stderr, "dpgcerts scan: %v\n", err)
		}
	} else {
		printTable(stdout, files, *checkRevocation)
	}
	if threshold >= 0 {
		replaced := replacedFiles(ctx, st, rt, files, opts.WarnDays, stderr)
		for _, f := range files {
			if certs.Severity(f.Status) >= threshold && !replaced[f.Path] {
				return ExitFailOn
			}
		}
	}
	return ExitOK
}

// replacedFiles are the paths of the files whose certificate is replaced
// (overview.Certificate.ReplacedBy), judged with the offline copy of DPG in
// st: --fail-on ignores them. Without a cache, or when it can't be read,
// nothing is replaced.
func replacedFiles(ctx context.Context, st *store.Store, rt config.Runtime, files []certs.File, warnDays int, stderr io.Writer) map[string]bool {
	out := map[string]bool{}
	if st == nil {
		return out
	}
	ses := session.New(session.Options{Store: st, Runtime: rt, Files: scannedFiles(files)})
	ov, err := ses.Overview(ctx, warnDays)
	if err != nil {
		fmt.Fprintf(stderr, "dpgcerts scan: the offline copy of DPG can't be read, so no file counts as replaced: %v\n", err)
		return out
	}
	for _, c := range ov.Certificates {
		if c.ReplacedBy != nil {
			for _, p := range c.Files {
				out[p] = true
			}
		}
	}
	return out
}

// scannedFiles are the files of one scan as the overview's files.
type scannedFiles []certs.File

func (s scannedFiles) Files() ([]certs.File, error) { return s, nil }

func (s scannedFiles) File(path string) (certs.File, error) {
	for _, f := range s {
		if f.Path == path {
			return f, nil
		}
	}
	return certs.File{}, os.ErrNotExist
}

// checkFiles asks the CAs about the files' certificates, with the cache
// when there is one. With a fixed "now" the answers are judged at that time
// too, so a report can be made as of another day.
func checkFiles(ctx context.Context, files []certs.File, st *store.Store, now time.Time, fixed bool, stderr io.Writer) error {
	o := revocation.Options{}
	if st != nil {
		o.Cache = st
	}
	if fixed {
		o.Now = func() time.Time { return now }
	}
	var progress func(revocation.Progress)
	if isTerminal(stderr) {
		var last time.Time
		progress = func(p revocation.Progress) {
			if time.Since(last) < 100*time.Millisecond && p.Done != p.Total {
				return
			}
			last = time.Now()
			fmt.Fprintf(stderr, "\r\033[KChecking revocation: %d of %d certificates", p.Done, p.Total)
		}
	}
	err := revocation.New(o).CheckFiles(ctx, files, false, progress)
	if progress != nil {
		fmt.Fprint(stderr, "\r\033[K")
	}
	return err
}

// isTerminal says whether w is a console a person reads (not /dev/null,
// which is a character device too).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// progressPrinter draws one status line, at most ten times a second.
func progressPrinter(w io.Writer) func(scan.Progress) {
	var last time.Time
	return func(p scan.Progress) {
		if time.Since(last) < 100*time.Millisecond && p.Done != p.Total {
			return
		}
		last = time.Now()
		fmt.Fprintf(w, "\r\033[KScanning: %d of %d files", p.Done, p.Total)
	}
}

// printTable prints a readable overview, then a summary line. With
// revocation, a REVOCATION column says what the CA answered.
func printTable(w io.Writer, files []certs.File, withRevocation bool) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if withRevocation {
		fmt.Fprintln(tw, "STATUS\tDAYS\tEXPIRES\tREVOCATION\tNAME\tCVR\tFILE")
	} else {
		fmt.Fprintln(tw, "STATUS\tDAYS\tEXPIRES\tNAME\tCVR\tFILE")
	}
	var unsure []certs.File
	counts := map[certs.Status]int{}
	var problems []certs.File
	for _, f := range files {
		counts[f.Status]++
		days, expires, name, cvr := "-", "-", "-", "-"
		if c := f.Certificate; c != nil {
			days = fmt.Sprint(c.DaysLeft)
			expires = c.NotAfter.Format("2006-01-02")
			name = c.CommonName
			if c.CVR != "" {
				cvr = c.CVR
			}
		}
		if withRevocation {
			rev := "-"
			if c := f.Certificate; c != nil && c.Revocation != nil {
				rev = revocationCell(*c.Revocation)
				if c.Revocation.Status == certs.RevocationUnknown && c.Revocation.Error != nil {
					unsure = append(unsure, f)
				}
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", f.Status, days, expires, rev, name, cvr, f.Path)
		} else {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", f.Status, days, expires, name, cvr, f.Path)
		}
		if f.Error != nil {
			problems = append(problems, f)
		}
	}
	tw.Flush()
	if len(problems) > 0 {
		fmt.Fprintln(w)
		for _, f := range problems {
			fmt.Fprintf(w, "%s: %s (%s)\n", f.Path, f.Error.Message, f.Error.Code)
		}
	}
	if len(unsure) > 0 {
		fmt.Fprintln(w)
		for _, f := range unsure {
			e := f.Certificate.Revocation.Error
			fmt.Fprintf(w, "%s: revocation unknown: %s (%s)\n", f.Path, e.Message, e.Code)
		}
	}
	var parts []string
	for _, s := range []certs.Status{certs.StatusValid, certs.StatusExpiring, certs.StatusExpired, certs.StatusRevoked, certs.StatusNotYetValid,
		certs.StatusInvalid, certs.StatusLocked, certs.StatusUnreadable} {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[s], strings.ReplaceAll(string(s), "_", " ")))
		}
	}
	noun := "files"
	if len(files) == 1 {
		noun = "file"
	}
	fmt.Fprintf(w, "\n%d %s: %s\n", len(files), noun, strings.Join(parts, ", "))
}

// revocationCell is the REVOCATION column: "good", "revoked 2026-11-30
// (keyCompromise)", "unknown", "not checked"; a stale answer says its date.
func revocationCell(r certs.Revocation) string {
	out := strings.ReplaceAll(string(r.Status), "_", " ")
	if r.Status == certs.RevocationRevoked && r.RevokedAt != nil {
		out += " " + r.RevokedAt.Format("2006-01-02")
		if r.Reason != "" {
			out += " (" + r.Reason + ")"
		}
	}
	if r.Stale {
		out += ", as of " + r.CheckedAt.Format("2006-01-02 15:04")
	}
	return out
}
