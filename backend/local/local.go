// Package local is the collection of certificate files on this computer:
// the scan cache judged now, the scans (one at a time, with progress and
// Cancel), the remembered folders, unlocking a locked file, and the
// background revocation checks. The window adapts it to Wails; nothing
// here knows about a window.
package local

import (
	"context"
	"io"
	"log"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/config"
	"dpgcerts/backend/errs"
	"dpgcerts/backend/overview"
	"dpgcerts/backend/pace"
	"dpgcerts/backend/passwords"
	"dpgcerts/backend/report"
	"dpgcerts/backend/revocation"
	"dpgcerts/backend/scan"
	"dpgcerts/backend/secrets"
	"dpgcerts/backend/store"
)

// Events of a scan. Each carries one JSON object.
const (
	EventScanStarted  = "scan:started"  // ScanState
	EventScanProgress = "scan:progress" // ScanState
	EventScanDone     = "scan:done"     // ScanResult
)

// progressEvery keeps a scan of thousands of files from flooding the
// frontend with events; the last one is always sent.
const progressEvery = 50 * time.Millisecond

// ScanState is where the scan stands.
type ScanState struct {
	Running bool `json:"running"`
	Done    int  `json:"done"`
	// Total is the files found so far; it grows until Counted.
	Total int `json:"total"`
	// Counted is true once every file is found: until then the window
	// shows an indeterminate bar, since Done of a growing Total says nothing.
	Counted bool   `json:"counted"`
	Path    string `json:"path"`
}

// ScanResult ends every scan that was started (event scan:done).
type ScanResult struct {
	// Requested is true for a scan the user asked for (files, a drop, a
	// folder), false for the rescan at start.
	Requested bool        `json:"requested"`
	Files     int         `json:"files"`
	Cancelled bool        `json:"cancelled"`
	Error     *errs.Error `json:"error,omitempty"`
	// Locked are the files the user added in this scan that no known
	// password opens: the window asks for their passwords. Background
	// rescans leave it empty.
	Locked []string `json:"locked"`
}

// UnlockResult is a file opened with the password the user typed.
type UnlockResult struct {
	File certs.File `json:"file"`
	// Remembered is true when the password went into the keychain.
	Remembered bool `json:"remembered"`
	// Others is how many other locked files the password is now tried on,
	// in the background (events unlock:progress and unlock:done).
	Others int `json:"others"`
}

// Collection is the overview of the certificate files on this computer. It
// keeps no file in memory: each call reads the cache, which the scans of
// this process and of others keep current, and judges it now. Its methods
// are safe for concurrent use.
type Collection struct {
	ctx       context.Context
	st        *store.Store
	now       func() time.Time
	passwords *passwords.Source
	keychain  bool
	emit      func(event string, data any)

	mu      sync.Mutex
	state   ScanState
	scanCtx context.Context
	cancel  context.CancelFunc
	scanMu  sync.Mutex     // one scan at a time
	revMu   sync.Mutex     // one background revocation check at a time
	revRun  int            // the last check's number; under revMu
	scans   sync.WaitGroup // for Shutdown and tests
}

// Options configure a Collection.
type Options struct {
	Store     *store.Store
	Runtime   config.Runtime
	Passwords *passwords.Source
	// Emit receives the events of scans and checks (scan:*, revocation:*),
	// each with one JSON-ready value.
	Emit func(event string, data any)
}

// New is the collection of the files in the cache.
func New(o Options) *Collection {
	if o.Emit == nil {
		o.Emit = func(string, any) {}
	}
	if o.Passwords == nil {
		o.Passwords = passwords.New(o.Runtime.Keychain)
	}
	return &Collection{st: o.Store, now: o.Runtime.Now, passwords: o.Passwords, keychain: o.Runtime.Keychain, emit: o.Emit}
}

// Start rescans the remembered folders in the background (the cached
// overview shows meanwhile). ctx is the parent of every scan and check.
func (c *Collection) Start(ctx context.Context) {
	c.mu.Lock()
	c.ctx = ctx
	c.mu.Unlock()
	if err := c.Rescan(); err != nil {
		slog.Warn("local: the folders were not rescanned", "err", err)
	}
}

// Close stops the running scan and checks and waits for them.
func (c *Collection) Close() {
	c.CancelScan()
	c.Wait()
}

// Wait waits for the scans and checks under way.
func (c *Collection) Wait() { c.scans.Wait() }

func (c *Collection) context() context.Context {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ctx == nil {
		return context.Background()
	}
	return c.ctx
}

// WarnDays is the warning window, the setting.
func (c *Collection) WarnDays() int {
	d, _ := c.st.Int(context.Background(), store.WarnDays)
	return d
}

// SetWarnDays sets the warning window, clamped into its range, and returns
// the days kept. The next read judges the files with it.
func (c *Collection) SetWarnDays(days int) (int, error) {
	return c.st.SetInt(context.Background(), store.WarnDays, days)
}

// judge makes a cached file current: its dates judged at now with the
// warning window, and the CA's last answer about its certificate, aged, put
// on it. answer looks that answer up by the certificate's SHA-256.
func judge(f *certs.File, now time.Time, warnDays int, answer func(sha256 string) (certs.Revocation, bool)) {
	certs.Judge(f, now, warnDays)
	if f.Certificate == nil || f.Status == certs.StatusExpired {
		return
	}
	if r, ok := answer(f.Certificate.SHA256); ok {
		revocation.Apply(f, revocation.Aged(r, now))
	}
}

// sorted reads every file from the cache, judged now, by path; light drops
// the chains, which only the details need.
func (c *Collection) sorted(light bool) ([]certs.File, error) {
	ctx := context.Background()
	entries, err := c.st.LoadFiles(ctx)
	if err != nil {
		return nil, err
	}
	// Without the answers the files show as not checked.
	revs, _ := c.st.Revocations(ctx)
	answer := func(sha256 string) (certs.Revocation, bool) {
		r, ok := revs[sha256]
		return r, ok
	}
	now, warn := c.now(), c.WarnDays()
	files := make([]certs.File, 0, len(entries))
	for _, e := range entries {
		f := e.File
		if light {
			f.Chain = nil
		}
		judge(&f, now, warn, answer)
		files = append(files, f)
	}
	slices.SortFunc(files, func(a, b certs.File) int { return strings.Compare(a.Path, b.Path) })
	return files, nil
}

// Details reads one file from the cache, judged now, with its chain. One
// that is not there is the error not_in_overview.
func (c *Collection) Details(path string) (certs.File, error) {
	ctx := context.Background()
	e, ok, err := c.st.File(ctx, path)
	if err != nil {
		return certs.File{}, err
	}
	if !ok {
		return certs.File{}, errs.New(errs.NotInOverview, "The file is not in the overview.")
	}
	f := e.File
	judge(&f, c.now(), c.WarnDays(), func(sha256 string) (certs.Revocation, bool) {
		r, ok, _ := c.st.Revocation(ctx, sha256)
		return r, ok
	})
	if f.Chain == nil {
		f.Chain = []certs.Certificate{}
	}
	return f, nil
}

// Report returns every file in the cache, judged now, in the shape of
// `dpgcerts scan --json`; light leaves the chains out (see Details), so
// that 10,000 files stay quick to send.
func (c *Collection) Report(light bool) (report.Report, error) {
	files, err := c.sorted(light)
	if err != nil {
		return report.Report{}, err
	}
	return report.Report{ScannedAt: c.now(), WarnDays: c.WarnDays(), Files: files}, nil
}

// File is one file of the overview with its chain (session.Files).
func (c *Collection) File(path string) (certs.File, error) { return c.Details(path) }

// Files is the overview with the chains (session.Files).
func (c *Collection) Files() ([]certs.File, error) { return c.sorted(false) }

// ScanState tells a window that opens during a scan where it stands.
func (c *Collection) ScanState() ScanState {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state
}

// AddFolder remembers a folder (it is rescanned at each start) and scans it
// in the background. It returns the folder's absolute path.
func (c *Collection) AddFolder(dir string) (string, error) {
	folder, err := c.st.AddFolder(context.Background(), dir)
	if err != nil {
		return "", err
	}
	c.startScan([]string{folder.Path}, true)
	return folder.Path, nil
}

// AddPaths reads files the user added (a dialog, a drop), in the background.
func (c *Collection) AddPaths(paths []string) bool {
	if len(paths) == 0 {
		return false
	}
	c.startScan(paths, true)
	return true
}

// Rescan scans every remembered folder again, in the background.
func (c *Collection) Rescan() error {
	folders, err := c.st.Folders(context.Background())
	if err != nil {
		return err
	}
	paths := make([]string, len(folders))
	for i, f := range folders {
		paths[i] = f.Path
	}
	if len(paths) > 0 {
		c.startScan(paths, false)
	}
	return nil
}

// Folders lists the remembered folders.
func (c *Collection) Folders() ([]store.Folder, error) {
	return c.st.Folders(context.Background())
}

// RemoveFolder forgets a folder and takes its files out of the overview,
// except those another remembered folder still covers. Nothing on disk is
// touched.
func (c *Collection) RemoveFolder(path string) error {
	ctx := context.Background()
	if err := c.st.RemoveFolder(ctx, path); err != nil {
		return err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	folders, err := c.st.Folders(ctx)
	if err != nil {
		return err
	}
	files, err := c.sorted(true)
	if err != nil {
		return err
	}
	keep := map[string]bool{}
	for _, f := range files {
		for _, other := range folders {
			if within(f.Path, other.Path) {
				keep[f.Path] = true
			}
		}
	}
	_, err = c.st.DeleteMissing(ctx, abs, keep)
	return err
}

// within says whether path is dir or under it.
func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// CancelScan stops the running scan and any waiting behind it. The files
// read so far are kept.
func (c *Collection) CancelScan() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cancel != nil {
		c.cancel()
	}
}

// WorkContext is the context of the scans and the revocation checks, which
// CancelScan and Close end.
func (c *Collection) WorkContext() context.Context {
	parent := c.context()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.scanCtx == nil || c.scanCtx.Err() != nil {
		c.scanCtx, c.cancel = context.WithCancel(context.WithoutCancel(parent))
	}
	return c.scanCtx
}

// startScan reads paths in the background. Scans run one at a time, in the
// order asked; CancelScan stops the running one and those waiting.
func (c *Collection) startScan(paths []string, interactive bool) {
	ctx := c.WorkContext()
	c.scans.Add(1)
	go func() {
		defer c.scans.Done()
		c.scanMu.Lock()
		defer c.scanMu.Unlock()
		c.runScan(ctx, paths, interactive)
	}()
}

func (c *Collection) setState(s ScanState) {
	c.mu.Lock()
	c.state = s
	c.mu.Unlock()
}

func (c *Collection) runScan(ctx context.Context, paths []string, interactive bool) {
	res := ScanResult{Requested: interactive, Locked: []string{}}
	if ctx.Err() != nil {
		res.Cancelled = true
		c.emit(EventScanDone, res)
		return
	}
	c.setState(ScanState{Running: true})
	c.emit(EventScanStarted, ScanState{Running: true})
	th := pace.NewThrottle(nil, progressEvery, func(s ScanState) { c.emit(EventScanProgress, s) })
	counted := false
	opts := scan.Options{
		Passwords: c.passwords.List(),
		Now:       c.now(),
		WarnDays:  c.WarnDays(),
		Cache:     c.st,
		Progress: func(p scan.Progress) {
			s := ScanState{Running: true, Done: p.Done, Total: p.Total, Counted: p.Counted, Path: p.Path}
			c.setState(s)
			// The end of the walk and the last file are always told.
			if p.Counted != counted || (p.Counted && p.Done == p.Total) {
				counted = p.Counted
				th.SendNow(s)
			} else {
				th.Send(s)
			}
		},
	}
	files, err := scan.Scan(ctx, paths, opts)
	th.Flush()
	c.setState(ScanState{})
	switch {
	case err != nil && ctx.Err() != nil:
		res.Cancelled = true
	case err != nil:
		shown := errs.Shown(err)
		if shown.Code == errs.Internal {
			slog.Error("local: scan", "err", err)
		}
		res.Error = &shown
	default:
		res.Files = len(files)
		c.CheckInBackground(ctx, files)
		if interactive {
			for _, f := range files {
				if f.Status == certs.StatusLocked {
					res.Locked = append(res.Locked, f.Path)
				}
			}
		}
	}
	c.emit(EventScanDone, res)
}

// Unlock reads a locked file again with password. A password that does not
// open it is the error wrong_password. With remember, a password that does
// goes into the keychain; either way it is tried on the other files of this
// session.
func (c *Collection) Unlock(path, password string, remember bool) (UnlockResult, error) {
	files, err := scan.Scan(context.Background(), []string{path}, scan.Options{
		Passwords: []string{password},
		Now:       c.now(),
		WarnDays:  c.WarnDays(),
		Cache:     c.st,
	})
	if err != nil {
		return UnlockResult{}, err
	}
	if len(files) != 1 {
		return UnlockResult{}, errs.New(errs.NotInOverview, "The file is not in the overview.")
	}
	f := files[0]
	if f.Status == certs.StatusLocked {
		return UnlockResult{}, errs.New(errs.WrongPassword, "The password does not open the file.")
	}
	if f.Status == certs.StatusUnreadable && f.Error != nil {
		// Gone, or changed into something else since it was listed.
		return UnlockResult{}, errs.New(f.Error.Code, f.Error.Message)
	}
	c.passwords.Add(password)
	res := UnlockResult{File: f}
	if remember && c.keychain {
		if err := secrets.RememberPassword(password); err != nil {
			log.Printf("dpgcerts: password not remembered: %v", err)
		} else {
			res.Remembered = true
		}
	}
	if res.File.Chain == nil {
		res.File.Chain = []certs.Certificate{}
	}
	res.Others = c.tryOnLocked(password, path)
	return res, nil
}

// Events of trying a password that opened one file on the other locked files.
const (
	EventUnlockProgress = "unlock:progress" // ScanState
	EventUnlockDone     = "unlock:done"     // UnlockDone
)

// UnlockDone ends the try of a password on the other locked files (event
// unlock:done).
type UnlockDone struct {
	// Opened is how many of them the password opened; Locked how many stay
	// locked.
	Opened    int  `json:"opened"`
	Locked    int  `json:"locked"`
	Cancelled bool `json:"cancelled"`
}

// tryOnLocked tries password, which just opened except, on every other
// locked file, in the background (often a whole folder shares one
// password). It returns how many files it tries; CancelScan stops it.
func (c *Collection) tryOnLocked(password, except string) int {
	files, err := c.sorted(true)
	if err != nil {
		return 0
	}
	var locked []string
	for _, f := range files {
		if f.Status == certs.StatusLocked && f.Path != except {
			locked = append(locked, f.Path)
		}
	}
	if len(locked) == 0 {
		return 0
	}
	ctx := c.WorkContext()
	c.scans.Add(1)
	go func() {
		defer c.scans.Done()
		c.scanMu.Lock() // after the scan under way, not alongside it
		defer c.scanMu.Unlock()
		th := pace.NewThrottle(nil, progressEvery, func(s ScanState) { c.emit(EventUnlockProgress, s) })
		res, err := scan.Scan(ctx, locked, scan.Options{
			Passwords: []string{password}, Now: c.now(), WarnDays: c.WarnDays(), Cache: c.st,
			Progress: func(p scan.Progress) {
				s := ScanState{Running: true, Done: p.Done, Total: len(locked), Counted: true, Path: p.Path}
				if p.Done == p.Total {
					th.SendNow(s) // the last file is always told
				} else {
					th.Send(s)
				}
			},
		})
		th.Flush()
		done := UnlockDone{Cancelled: err != nil}
		for _, f := range res {
			if f.Status == certs.StatusLocked {
				done.Locked++
			} else {
				done.Opened++
			}
		}
		if done.Cancelled {
			done.Locked = len(locked) - done.Opened
		}
		c.emit(EventUnlockDone, done)
	}()
	return len(locked)
}

// ExportName is the name an export of the overview is offered under.
func (c *Collection) ExportName(ext string) string {
	return "dpg-certificates-" + c.now().Local().Format("2006-01-02") + "." + ext
}

// Export is the overview as a file to save: csv (for Excel, in lang),
// json (the shape of `dpgcerts scan --json`) or ics (a calendar in lang),
// with the name it is offered under. list is the window's list, which
// says which certificates a renewal has taken over; without it (nil, or it
// fails) every file is still exported, none marked replaced.
func (c *Collection) Export(ctx context.Context, format, lang string, list func(context.Context) (overview.List, error)) (name string, data []byte, err error) {
	replaced := replacedIn(ctx, list)
	var b strings.Builder
	switch format {
	case "csv":
		err = c.WriteCSV(&b, lang, replaced)
	case "json":
		err = c.WriteJSON(&b, replaced)
	case "ics":
		err = c.WriteICS(&b, lang, replaced)
	default:
		err = errs.New(errs.BadRequest, "No such export.")
	}
	if err != nil {
		return "", nil, err
	}
	return c.ExportName(format), []byte(b.String()), nil
}

// replacedIn are the certificates list shows as replaced; none when there
// is no list.
func replacedIn(ctx context.Context, list func(context.Context) (overview.List, error)) report.Replacements {
	if list == nil {
		return nil
	}
	l, err := list(ctx)
	if err != nil {
		log.Printf("dpgcerts: export without the replaced certificates: %v", err)
		return nil
	}
	return report.ReplacementsOf(l)
}

// WriteCSV writes the overview as CSV for Excel in lang (semicolons and
// 26.11.2026 dates in Danish), saying which certificates are replaced.
func (c *Collection) WriteCSV(w io.Writer, lang string, replaced report.Replacements) error {
	files, err := c.sorted(true)
	if err != nil {
		return err
	}
	return report.CSV(w, files, replaced, lang, time.Local)
}

// WriteJSON writes the overview in the shape of `dpgcerts scan --json`,
// with replacedBy and replacedAt on the files of a replaced certificate.
func (c *Collection) WriteJSON(w io.Writer, replaced report.Replacements) error {
	rep, err := c.Report(false)
	if err != nil {
		return err
	}
	rep.Replaced = replaced
	return report.JSON(w, rep)
}

// WriteICS writes a calendar with each expiry and a reminder the warning
// window before it; a replaced certificate has none.
func (c *Collection) WriteICS(w io.Writer, lang string, replaced report.Replacements) error {
	files, err := c.sorted(true)
	if err != nil {
		return err
	}
	return report.ICS(w, files, report.ICSOptions{Lang: lang, Now: c.now(), WarnDays: c.WarnDays(), Location: time.Local,
		Replaced: replaced})
}

// Events of the background revocation check after a scan: progress (0 of
// N at the start, then after the certificates' answers, at most every
// progressEvery, and the last count always), and done at the end,
// cancelled or not.
const (
	EventRevocationProgress = "revocation:progress" // RevocationProgress
	EventRevocationDone     = "revocation:done"     // RevocationResult
)

// RevocationProgress is how far a background revocation check is (event
// revocation:progress).
type RevocationProgress struct {
	// Run numbers the checks; the events of one carry the same. Events may
	// arrive out of order (wails dev sends each on a goroutine of its own):
	// the window ignores progress for a check it has seen end.
	Run int `json:"run"`
	revocation.Progress
}

// RevocationResult ends every background revocation check (event
// revocation:done); the window reloads the overview.
type RevocationResult struct {
	Run       int  `json:"run"`
	Checked   int  `json:"checked"`
	Cancelled bool `json:"cancelled"`
}

func (c *Collection) checker() *revocation.Checker {
	return revocation.New(revocation.Options{Cache: c.st, Now: c.now})
}

// CheckInBackground asks the CAs about the scanned certificates, unless the
// setting has it off. CancelScan stops it too (ctx is the scan's).
func (c *Collection) CheckInBackground(ctx context.Context, files []certs.File) {
	if !c.st.RevocationEnabled(ctx) {
		return
	}
	var todo []certs.File
	unique := map[string]bool{} // CheckFiles asks once per certificate
	for _, f := range files {
		if revocation.Checkable(f) {
			todo = append(todo, f)
			unique[f.Certificate.SHA256] = true
		}
	}
	if len(todo) == 0 {
		return
	}
	c.scans.Add(1)
	go func() {
		defer c.scans.Done()
		c.revMu.Lock()
		defer c.revMu.Unlock()
		c.revRun++
		run := c.revRun
		// 0 of N first: the window shows the check before the first answer,
		// which a slow responder may keep for seconds.
		c.emit(EventRevocationProgress, RevocationProgress{Run: run, Progress: revocation.Progress{Total: len(unique)}})
		th := pace.NewThrottle(nil, progressEvery, func(p revocation.Progress) {
			c.emit(EventRevocationProgress, RevocationProgress{Run: run, Progress: p})
		})
		err := c.checker().CheckFiles(ctx, todo, false, th.Send)
		th.Flush()
		c.emit(EventRevocationDone, RevocationResult{Run: run, Checked: len(todo), Cancelled: err != nil})
	}()
}

// CheckRevocation asks the CA now about the certificate in path ("Check
// revocation" in the details), even with the background checks off: the
// user asked. It returns the file as Details does.
func (c *Collection) CheckRevocation(path string) (certs.File, error) {
	f, err := c.Details(path)
	if err != nil {
		return certs.File{}, err
	}
	if f.Certificate == nil {
		return certs.File{}, errs.New(errs.NoCertificate, "The file holds no certificate to check.")
	}
	r := c.checker().Lookup(c.context(), *f.Certificate, f.Chain, true)
	// Read again: the old answer may have made it revoked.
	if f, err = c.Details(path); err != nil {
		return certs.File{}, err
	}
	revocation.Apply(&f, r)
	return f, nil
}

// showReplaced is whether the window's list shows the replaced
// certificates (overview.Certificate.ReplacedBy), hidden at first.
var showReplaced = store.StringSetting{Key: "show_replaced", Default: "off", Allowed: []string{"on", "off"}}

// ShowReplaced says whether the list shows the replaced certificates.
func (c *Collection) ShowReplaced() bool {
	v, _ := c.st.String(context.Background(), showReplaced)
	return v == "on"
}

// SetShowReplaced remembers whether the list shows the replaced certificates.
func (c *Collection) SetShowReplaced(on bool) error {
	v := "off"
	if on {
		v = "on"
	}
	return c.st.SetString(context.Background(), showReplaced, v)
}

// RevocationCheck says whether the background checks are on.
func (c *Collection) RevocationCheck() bool {
	return c.st.RevocationEnabled(context.Background())
}

// SetRevocationCheck turns the background checks on or off.
func (c *Collection) SetRevocationCheck(on bool) error {
	v := "off"
	if on {
		v = "on"
	}
	return c.st.SetString(context.Background(), store.RevocationCheck, v)
}
