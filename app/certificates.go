package app

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/i18n"
	"dpgcerts/backend/report"
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
	Running bool   `json:"running"`
	Done    int    `json:"done"`
	Total   int    `json:"total"`
	Path    string `json:"path"`
}

// ScanResult ends every scan that was started (event scan:done).
type ScanResult struct {
	// Requested is true for a scan the user asked for (files, a drop, a
	// folder), false for the rescan at start.
	Requested bool   `json:"requested"`
	Files     int    `json:"files"`
	Cancelled bool   `json:"cancelled"`
	Error     *Error `json:"error,omitempty"`
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
}

// Certificates is the overview of certificate files: it lists them from the
// cache, adds files and folders, opens locked files and exports.
type Certificates struct {
	ctx  context.Context
	core *core

	mu       sync.Mutex
	overview map[string]certs.File // judged, with Raw; nil until loaded
	session  []string              // passwords typed in this session
	state    ScanState
	scanCtx  context.Context
	cancel   context.CancelFunc
	scanMu   sync.Mutex     // one scan at a time
	scans    sync.WaitGroup // for Shutdown and tests
}

func (c *Certificates) startup(ctx context.Context) {
	c.ctx = ctx
	// Folders the user added are rescanned in the background; the window
	// shows the cached overview meanwhile.
	if folders, err := c.core.st.Folders(ctx); err == nil && len(folders) > 0 {
		paths := make([]string, len(folders))
		for i, f := range folders {
			paths[i] = f.Path
		}
		c.startScan(paths, false)
	}
}

func (c *Certificates) shutdown(context.Context) {
	c.CancelScan()
	c.scans.Wait()
}

func (c *Certificates) context() context.Context {
	if c.ctx == nil {
		return context.Background()
	}
	return c.ctx
}

func (c *Certificates) warnDays() int {
	d, _ := c.core.st.Int(context.Background(), store.WarnDays)
	return d
}

// load reads the overview from the cache, judged for now. The caller holds c.mu.
func (c *Certificates) load() error {
	if c.overview != nil {
		return nil
	}
	entries, err := c.core.st.LoadFiles(context.Background())
	if err != nil {
		return err
	}
	now, warn := c.core.now(), c.warnDays()
	ov := make(map[string]certs.File, len(entries))
	for p, e := range entries {
		f := e.File
		f.Path = p
		certs.Judge(&f, now, warn)
		ov[p] = f
	}
	c.overview = ov
	return nil
}

func (c *Certificates) invalidate() {
	c.mu.Lock()
	c.overview = nil
	c.mu.Unlock()
}

// sorted returns the overview by path; light drops the chains, which only
// the details need.
func (c *Certificates) sorted(light bool) ([]certs.File, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.load(); err != nil {
		return nil, err
	}
	files := make([]certs.File, 0, len(c.overview))
	for _, f := range c.overview {
		if light {
			f.Chain = nil
		}
		files = append(files, f)
	}
	slices.SortFunc(files, func(a, b certs.File) int { return strings.Compare(a.Path, b.Path) })
	return files, nil
}

// Overview returns every file in the cache, judged now, in the shape of
// `dpgcerts scan --json`. The chains are left out (see Details) so that
// 10,000 files stay quick to send.
func (c *Certificates) Overview() (report.Report, error) {
	files, err := c.sorted(true)
	if err != nil {
		return report.Report{}, err
	}
	return report.Report{ScannedAt: c.core.now(), WarnDays: c.warnDays(), Files: files}, nil
}

// Details returns one file with its chain.
func (c *Certificates) Details(path string) (certs.File, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.load(); err != nil {
		return certs.File{}, err
	}
	f, ok := c.overview[path]
	if !ok {
		return certs.File{}, newError(CodeNotInOverview, "The file is not in the overview.")
	}
	if f.Chain == nil {
		f.Chain = []certs.Certificate{}
	}
	return f, nil
}

// ScanState tells a window that opens during a scan where it stands.
func (c *Certificates) ScanState() ScanState {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state
}

// AddFiles asks for certificate files and reads them in the background
// (events scan:*). It returns false when the dialog was cancelled.
func (c *Certificates) AddFiles() (bool, error) {
	paths, err := c.core.dialogs.OpenFiles(c.context(), i18n.T(c.core.language(), "toolbar.addFiles"))
	if err != nil || len(paths) == 0 {
		return false, err
	}
	c.startScan(paths, true)
	return true, nil
}

// AddPaths reads files dropped onto the window, in the background.
func (c *Certificates) AddPaths(paths []string) bool {
	if len(paths) == 0 {
		return false
	}
	c.startScan(paths, true)
	return true
}

// ScanFolder asks for a folder, remembers it (it is rescanned at each start)
// and scans it in the background. It returns the folder, or "" when the
// dialog was cancelled.
func (c *Certificates) ScanFolder() (string, error) {
	dir, err := c.core.dialogs.OpenFolder(c.context(), i18n.T(c.core.language(), "toolbar.scanFolder"))
	if err != nil || dir == "" {
		return "", err
	}
	folder, err := c.core.st.AddFolder(context.Background(), dir)
	if err != nil {
		return "", err
	}
	c.startScan([]string{folder.Path}, true)
	return folder.Path, nil
}

// Rescan scans every remembered folder again, in the background.
func (c *Certificates) Rescan() error {
	folders, err := c.core.st.Folders(context.Background())
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
func (c *Certificates) Folders() ([]store.Folder, error) {
	return c.core.st.Folders(context.Background())
}

// RemoveFolder forgets a folder and takes its files out of the overview,
// except those another remembered folder still covers. Nothing on disk is
// touched.
func (c *Certificates) RemoveFolder(path string) error {
	ctx := context.Background()
	if err := c.core.st.RemoveFolder(ctx, path); err != nil {
		return err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	folders, err := c.core.st.Folders(ctx)
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
	if _, err := c.core.st.DeleteMissing(ctx, abs, keep); err != nil {
		return err
	}
	c.invalidate()
	return nil
}

// within says whether path is dir or under it.
func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// CancelScan stops the running scan and any waiting behind it. The files
// read so far are kept.
func (c *Certificates) CancelScan() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cancel != nil {
		c.cancel()
	}
}

// passwords are the candidates for a scan: those typed in this session,
// then the remembered ones.
func (c *Certificates) passwords() []string {
	c.mu.Lock()
	pw := slices.Clone(c.session)
	c.mu.Unlock()
	if c.core.keychain {
		if remembered, err := secrets.Passwords(); err == nil {
			for _, p := range remembered {
				if !slices.Contains(pw, p) {
					pw = append(pw, p)
				}
			}
		}
	}
	return pw
}

// startScan reads paths in the background. Scans run one at a time, in the
// order asked; CancelScan stops the running one and those waiting.
func (c *Certificates) startScan(paths []string, interactive bool) {
	c.mu.Lock()
	if c.scanCtx == nil || c.scanCtx.Err() != nil {
		c.scanCtx, c.cancel = context.WithCancel(context.WithoutCancel(c.context()))
	}
	ctx := c.scanCtx
	c.mu.Unlock()
	c.scans.Add(1)
	go func() {
		defer c.scans.Done()
		c.scanMu.Lock()
		defer c.scanMu.Unlock()
		c.runScan(ctx, paths, interactive)
	}()
}

func (c *Certificates) setState(s ScanState) {
	c.mu.Lock()
	c.state = s
	c.mu.Unlock()
}

func (c *Certificates) runScan(ctx context.Context, paths []string, interactive bool) {
	res := ScanResult{Requested: interactive, Locked: []string{}}
	if ctx.Err() != nil {
		res.Cancelled = true
		c.core.emit(c.ctx, EventScanDone, res)
		return
	}
	c.setState(ScanState{Running: true})
	c.core.emit(c.ctx, EventScanStarted, ScanState{Running: true})
	var last time.Time
	opts := scan.Options{
		Passwords: c.passwords(),
		Now:       c.core.now(),
		WarnDays:  c.warnDays(),
		Cache:     c.core.st,
		Progress: func(p scan.Progress) {
			s := ScanState{Running: true, Done: p.Done, Total: p.Total, Path: p.Path}
			c.setState(s)
			if time.Since(last) >= progressEvery || p.Done == p.Total {
				last = time.Now()
				c.core.emit(c.ctx, EventScanProgress, s)
			}
		},
	}
	files, err := scan.Scan(ctx, paths, opts)
	c.invalidate()
	c.setState(ScanState{})
	switch {
	case err != nil && ctx.Err() != nil:
		res.Cancelled = true
	case err != nil:
		fe := toError(err)
		res.Error = &fe
	default:
		res.Files = len(files)
		if interactive {
			for _, f := range files {
				if f.Status == certs.StatusLocked {
					res.Locked = append(res.Locked, f.Path)
				}
			}
		}
	}
	c.core.emit(c.ctx, EventScanDone, res)
}

// Unlock reads a locked file again with password. A password that does not
// open it is the error wrong_password. With remember, a password that does
// goes into the keychain; either way it is tried on the other files of this
// session.
func (c *Certificates) Unlock(path, password string, remember bool) (UnlockResult, error) {
	files, err := scan.Scan(context.Background(), []string{path}, scan.Options{
		Passwords: []string{password},
		Now:       c.core.now(),
		WarnDays:  c.warnDays(),
		Cache:     c.core.st,
	})
	c.invalidate()
	if err != nil {
		return UnlockResult{}, err
	}
	if len(files) != 1 {
		return UnlockResult{}, newError(CodeNotInOverview, "The file is not in the overview.")
	}
	f := files[0]
	if f.Status == certs.StatusLocked {
		return UnlockResult{}, newError(CodeWrongPassword, "The password does not open the file.")
	}
	if f.Status == certs.StatusUnreadable && f.Error != nil {
		// Gone, or changed into something else since it was listed.
		return UnlockResult{}, newError(f.Error.Code, f.Error.Message)
	}
	c.mu.Lock()
	if !slices.Contains(c.session, password) {
		c.session = append(c.session, password)
	}
	c.mu.Unlock()
	res := UnlockResult{File: f}
	if remember && c.core.keychain {
		if err := secrets.RememberPassword(password); err != nil {
			log.Printf("dpgcerts: password not remembered: %v", err)
		} else {
			res.Remembered = true
		}
	}
	if res.File.Chain == nil {
		res.File.Chain = []certs.Certificate{}
	}
	return res, nil
}

// save asks where to save name and writes it there. It returns the path,
// or "" when the dialog was cancelled.
func (c *Certificates) save(title, name string, write func(io.Writer) error) (string, error) {
	path, err := c.core.dialogs.SaveFile(c.context(), title, name)
	if err != nil || path == "" {
		return "", err
	}
	var b bytes.Buffer
	if err := write(&b); err != nil {
		return "", err
	}
	if err := report.WriteFile(path, b.Bytes()); err != nil {
		log.Printf("dpgcerts: export: %v", err)
		return "", newError(CodeWriteFailed, "The file could not be saved.")
	}
	return path, nil
}

func (c *Certificates) exportName(ext string) string {
	return "dpg-certificates-" + c.core.now().Local().Format("2006-01-02") + "." + ext
}

// ExportCSV saves the overview as CSV for Excel in lang (semicolons and
// 26.11.2026 dates in Danish). It returns the path, or "" when cancelled.
func (c *Certificates) ExportCSV(lang string) (string, error) {
	files, err := c.sorted(true)
	if err != nil {
		return "", err
	}
	return c.save(i18n.T(lang, "toolbar.export"), c.exportName("csv"), func(w io.Writer) error {
		return report.CSV(w, files, lang, time.Local)
	})
}

// ExportJSON saves the overview in the shape of `dpgcerts scan --json`.
func (c *Certificates) ExportJSON() (string, error) {
	files, err := c.sorted(false)
	if err != nil {
		return "", err
	}
	rep := report.Report{ScannedAt: c.core.now(), WarnDays: c.warnDays(), Files: files}
	return c.save(i18n.T(c.core.language(), "toolbar.export"), c.exportName("json"), func(w io.Writer) error {
		return report.JSON(w, rep)
	})
}

// ExportICS saves a calendar with each expiry and a reminder the warning
// window before it.
func (c *Certificates) ExportICS(lang string) (string, error) {
	files, err := c.sorted(true)
	if err != nil {
		return "", err
	}
	opts := report.ICSOptions{Lang: lang, Now: c.core.now(), WarnDays: c.warnDays(), Location: time.Local}
	return c.save(i18n.T(lang, "toolbar.export"), c.exportName("ics"), func(w io.Writer) error {
		return report.ICS(w, files, opts)
	})
}

// ExportCer saves the file's certificate as DER (.cer), for the Entra app
// registration.
func (c *Certificates) ExportCer(path string) (string, error) {
	c.mu.Lock()
	err := c.load()
	f, ok := c.overview[path]
	c.mu.Unlock()
	if err != nil {
		return "", err
	}
	if !ok {
		return "", newError(CodeNotInOverview, "The file is not in the overview.")
	}
	if f.Certificate == nil || len(f.Certificate.Raw) == 0 {
		return "", newError(CodeNoCertificate, "The file holds no certificate to export.")
	}
	raw := f.Certificate.Raw
	name := cerName(f)
	return c.save(i18n.T(c.core.language(), "details.exportCer"), name, func(w io.Writer) error {
		_, err := w.Write(raw)
		return err
	})
}

// cerName is the .cer file name: the file's name with .cer.
func cerName(f certs.File) string {
	base := strings.TrimSuffix(filepath.Base(f.Path), filepath.Ext(f.Path))
	if base == "" || base == "." {
		base = "certificate"
	}
	return base + ".cer"
}

// OpenFileLocation shows the file in the system's file manager.
func (c *Certificates) OpenFileLocation(path string) error {
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return newError(scan.CodeNotFound, "The file no longer exists.")
		}
		return err
	}
	return reveal(path)
}
