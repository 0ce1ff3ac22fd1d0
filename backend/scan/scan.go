// Package scan finds certificate files in files and folders and reads them
// with certs.Read on all cores. Unchanged files come from the cache without
// being opened; moved or touched files are recognised by their SHA-256.
package scan

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/errs"
	"dpgcerts/backend/store"
)

// writeBatch is how many new results go to the cache per transaction.
const writeBatch = 500

// Progress reports a scan's progress after each file.
type Progress struct {
	// Done is how many files are finished.
	Done int `json:"done"`
	// Total is how many files were found so far. It grows while folders are
	// still being walked, so Done may catch up with it before the end; on the
	// last report Done == Total.
	Total int `json:"total"`
	// Counted is true once the walk has found every file: Total is final,
	// and Done of Total is a share of the work. The last report of a scan
	// that was not cancelled has Counted set.
	Counted bool `json:"counted"`
	// Path is the file just finished.
	Path string `json:"path"`
}

// Cache keeps results between scans. *store.Store implements it.
type Cache interface {
	// LoadFiles returns every cached entry by path, in one go.
	LoadFiles(ctx context.Context) (map[string]store.Entry, error)
	// PutFiles writes a batch of entries in one transaction.
	PutFiles(ctx context.Context, entries []store.Entry) error
	// DeleteMissing drops the entries under root whose path is not in seen.
	DeleteMissing(ctx context.Context, root string, seen map[string]bool) (int, error)
}

var _ Cache = (*store.Store)(nil)

// Options tune a scan. The zero value works: no passwords, now, the default
// warning window, one worker per core, no cache.
type Options struct {
	// Passwords are the candidates tried on PKCS#12 files. The one that
	// opened the previous file is tried first.
	Passwords []string
	// Now is the time the certificates are judged at; zero means time.Now().
	Now time.Time
	// WarnDays is the warning window; zero or less means certs.DefaultWarnDays.
	WarnDays int
	// Workers is how many files are read at once; zero or less means
	// runtime.GOMAXPROCS(0).
	Workers int
	// Cache, if not nil, skips files read before and keeps the new results.
	// Cache errors are logged and the scan goes on without it.
	Cache Cache
	// Progress, if not nil, is called after each file, on the goroutine that
	// called Scan, never concurrently.
	Progress func(Progress)

	// read is certs.Read unless a test counts the calls.
	read func([]byte, certs.Options) certs.File
}

// Scan reads the files and the folders (recursively) in paths and returns
// one certs.File per regular file found, sorted by path. Paths in the result
// are absolute and cleaned.
//
// Symbolic links met while walking a folder are skipped, so the walk never
// leaves the folder or loops; a link given in paths itself is followed. A
// path that is missing or cannot be read gives a File with status unreadable
// and one of the Code* errors; it does not stop the scan.
//
// When ctx is cancelled, Scan returns ctx.Err() as soon as the files being
// read are done. The results finished so far are still written to the cache.
func Scan(ctx context.Context, paths []string, opts Options) ([]certs.File, error) {
	s := newScanner(opts)
	if s.cache != nil {
		loaded, err := s.cache.LoadFiles(ctx)
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		}
		if err != nil {
			slog.Warn("scan: cache not loaded, reading every file", "err", err)
			s.cache = nil
		} else {
			s.index(loaded)
		}
	}

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	// The walk runs ahead of the readers (queue holds what it found), so it
	// ends early and Total is final long before the last file is read.
	found := make(chan job)
	jobs := make(chan job, s.workers)
	results := make(chan result, s.workers)
	var producers sync.WaitGroup
	producers.Go(func() {
		defer close(found)
		s.walk(runCtx, paths, found, results)
		s.counted.Store(true)
	})
	producers.Go(func() { queue(runCtx, found, jobs) })
	for range s.workers {
		producers.Go(func() {
			for j := range jobs {
				if runCtx.Err() != nil {
					continue // drain, so the walker can finish
				}
				r := s.process(j)
				select {
				case results <- r:
				case <-runCtx.Done():
				}
			}
		})
	}
	go func() {
		producers.Wait()
		close(results)
	}()

	files := []certs.File{}
	var pending []store.Entry
	var last Progress
	for r := range results {
		if ctx.Err() != nil {
			continue // drain until every goroutine is gone
		}
		files = append(files, r.file)
		if r.entry != nil && s.cache != nil {
			pending = append(pending, *r.entry)
			if len(pending) >= writeBatch {
				pending = s.flush(ctx, pending)
			}
		}
		if opts.Progress != nil {
			// Counted is read before Total: once it is true, Total is final.
			counted := s.counted.Load()
			last = Progress{Done: len(files), Total: int(s.total.Load()), Path: r.file.Path, Counted: counted}
			opts.Progress(last)
		}
	}
	// The walk may end after the last file was reported: say so once more.
	if opts.Progress != nil && ctx.Err() == nil && !last.Counted {
		last.Counted, last.Total = true, int(s.total.Load())
		opts.Progress(last)
	}
	// What was read is worth keeping even when the scan was cancelled.
	s.flush(context.WithoutCancel(ctx), pending)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.prune(ctx)
	slices.SortFunc(files, func(a, b certs.File) int { return strings.Compare(a.Path, b.Path) })
	return files, nil
}

// queue passes the jobs from in to out in order, holding as many as the
// walk finds ahead of the readers. It closes out when in is closed and
// every job is passed on, or when ctx ends.
func queue(ctx context.Context, in <-chan job, out chan<- job) {
	defer close(out)
	var q []job
	for in != nil || len(q) > 0 {
		var send chan<- job
		var next job
		if len(q) > 0 {
			send, next = out, q[0]
		}
		select {
		case j, ok := <-in:
			if !ok {
				in = nil
				continue
			}
			q = append(q, j)
		case send <- next:
			q[0] = job{}
			q = q[1:]
		case <-ctx.Done():
			return
		}
	}
}

// job is one regular file to read.
type job struct {
	path string
	// follow: the path was given explicitly and may be a symbolic link.
	follow bool
}

// result is one finished file and, when it is new, the cache entry to write.
type result struct {
	file  certs.File
	entry *store.Entry
}

type scanner struct {
	now      time.Time
	warnDays int
	workers  int
	read     func([]byte, certs.Options) certs.File
	hasPw    bool
	pw       *passwordOrder
	cache    Cache
	total    atomic.Int64
	// counted is set when the walk has ended, after the last total.Add.
	counted atomic.Bool

	// Read-only once the scan starts.
	byPath map[string]store.Entry
	byHash map[string]store.Entry

	// Folders walked to the end, and every path found: for DeleteMissing.
	// Written by the walker only, read after it has finished.
	roots []string
	seen  map[string]bool
}

func newScanner(opts Options) *scanner {
	s := &scanner{
		now:      opts.Now,
		warnDays: opts.WarnDays,
		workers:  opts.Workers,
		read:     opts.read,
		hasPw:    len(opts.Passwords) > 0,
		pw:       newPasswordOrder(opts.Passwords),
		cache:    opts.Cache,
		seen:     map[string]bool{},
	}
	if s.now.IsZero() {
		s.now = time.Now()
	}
	if s.warnDays <= 0 {
		s.warnDays = certs.DefaultWarnDays
	}
	if s.workers <= 0 {
		s.workers = runtime.GOMAXPROCS(0)
	}
	if s.read == nil {
		s.read = certs.Read
	}
	return s
}

// index keeps the loaded entries made by this reader build, by path and by
// content hash.
func (s *scanner) index(loaded map[string]store.Entry) {
	s.byPath = make(map[string]store.Entry, len(loaded))
	s.byHash = make(map[string]store.Entry, len(loaded))
	for p, e := range loaded {
		if e.Reader != readerTag {
			continue
		}
		s.byPath[p] = e
		if old, ok := s.byHash[e.SHA256]; !ok || e.ReadAt.After(old.ReadAt) {
			s.byHash[e.SHA256] = e
		}
	}
}

// reusable says whether a cached result stands. A locked file is tried
// again when there are passwords: one of them may open it now.
func (s *scanner) reusable(e store.Entry) bool {
	return !(e.File.Status == certs.StatusLocked && s.hasPw)
}

// walk sends every regular file under paths to jobs, and a File for each
// path that cannot be read to results.
func (s *scanner) walk(ctx context.Context, paths []string, jobs chan<- job, results chan<- result) {
	send := func(j job) bool {
		if s.seen[j.path] {
			return true // given twice, or inside a folder also given
		}
		s.seen[j.path] = true
		s.total.Add(1)
		select {
		case jobs <- j:
			return true
		case <-ctx.Done():
			return false
		}
	}
	fail := func(path string, err error) bool {
		if s.seen[path] {
			return true
		}
		s.seen[path] = true
		s.total.Add(1)
		select {
		case results <- result{file: errorFile(path, err)}:
			return true
		case <-ctx.Done():
			return false
		}
	}
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			if !fail(p, err) {
				return
			}
			continue
		}
		// Stat, not Lstat: a link given explicitly is followed.
		fi, err := os.Stat(abs)
		switch {
		case err != nil:
			if !fail(abs, err) {
				return
			}
		case fi.IsDir():
			if !s.walkDir(ctx, abs, send, fail) {
				return
			}
		case kindOf(fi.Mode(), fileAttrs(fi)) != kindSkip:
			if !send(job{path: abs, follow: true}) {
				return
			}
		default:
			if !fail(abs, errNotAFile) {
				return
			}
		}
	}
}

// walkDir walks one folder given in paths. It reports false when cancelled.
func (s *scanner) walkDir(ctx context.Context, root string, send func(job) bool, fail func(string, error) bool) bool {
	start := root
	if fi, err := os.Lstat(root); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		// WalkDir does not follow a root that is a link. With a trailing
		// separator, its Lstat resolves the link; the paths it reports
		// (filepath.Join of root and names) still start with the link.
		start = root + string(filepath.Separator)
	}
	complete := true
	err := filepath.WalkDir(start, func(path string, d fs.DirEntry, err error) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		path = filepath.Clean(path)
		if err != nil {
			// A folder that cannot be listed: report it and go on.
			complete = complete && path != root
			if !fail(path, err) {
				return ctx.Err()
			}
			return nil
		}
		if entryKind(d) == kindSkip {
			return nil // folders are walked; links, devices, pipes skipped
		}
		if !send(job{path: path}) {
			return ctx.Err()
		}
		return nil
	})
	if err != nil {
		return false
	}
	if complete {
		s.roots = append(s.roots, root)
	}
	return true
}

// process reads one file, or takes its result from the cache.
func (s *scanner) process(j job) result {
	stat := os.Lstat
	if j.follow {
		stat = os.Stat
	}
	fi, err := stat(j.path)
	k := kindSkip
	if err == nil {
		if k = kindOf(fi.Mode(), fileAttrs(fi)); k == kindSkip {
			err = errNotAFile // replaced by a link or a pipe since the walk
		}
	}
	if err != nil {
		return result{file: errorFile(j.path, err)}
	}
	// Fast path: the same file (identity and ctime) with the same size and
	// modification time, so the same content. Nothing is read or hashed.
	id, ctime := identity(j.path, fi)
	if e, ok := s.byPath[j.path]; ok && e.Size == fi.Size() && e.MtimeNS == fi.ModTime().UnixNano() &&
		e.FileID == id && e.CtimeNS == ctime && s.reusable(e) {
		f := cloneFile(e.File)
		f.Path = j.path
		certs.Judge(&f, s.now, s.warnDays)
		return result{file: f}
	}
	// Online only, and not read before as it is now: opening it would
	// download it.
	if k == kindOnlineOnly {
		return result{file: errorFile(j.path, errOnlineOnly)}
	}

	data, fi, err := readFile(j.path, j.follow)
	if err != nil {
		return result{file: errorFile(j.path, err)}
	}
	id, ctime = identity(j.path, fi)
	sum := sha256.Sum256(data)
	entry := &store.Entry{
		Path:    j.path,
		Size:    fi.Size(),
		MtimeNS: fi.ModTime().UnixNano(),
		FileID:  id,
		CtimeNS: ctime,
		SHA256:  hex.EncodeToString(sum[:]),
		Reader:  readerTag,
		ReadAt:  time.Now(),
	}
	// The same content elsewhere (moved, copied, touched): no need to decrypt.
	if e, ok := s.byHash[entry.SHA256]; ok && len(data) <= certs.MaxFileSize && s.reusable(e) {
		f := cloneFile(e.File)
		f.Path = j.path
		certs.Judge(&f, s.now, s.warnDays)
		entry.File = f
		return result{file: f, entry: entry}
	}

	cands, orig := s.pw.snapshot()
	f := s.read(data, certs.Options{Passwords: cands, Now: s.now, WarnDays: s.warnDays, Memory: readMemory})
	f.Path = j.path
	if f.PasswordIndex >= 0 && f.PasswordIndex < len(orig) {
		f.PasswordIndex = orig[f.PasswordIndex]
		s.pw.promote(f.PasswordIndex)
	} else {
		f.PasswordIndex = -1
	}
	entry.File = f
	return result{file: f, entry: entry}
}

// flush writes pending entries to the cache; on failure it stops caching for
// the rest of the scan. It returns the emptied slice for reuse.
func (s *scanner) flush(ctx context.Context, pending []store.Entry) []store.Entry {
	if s.cache == nil || len(pending) == 0 {
		return pending[:0]
	}
	if err := s.cache.PutFiles(ctx, pending); err != nil {
		slog.Warn("scan: results not cached", "err", err)
		s.cache = nil
	}
	return pending[:0]
}

// prune drops the cache rows of files that are gone from the folders walked.
func (s *scanner) prune(ctx context.Context) {
	if s.cache == nil {
		return
	}
	for _, root := range s.roots {
		if _, err := s.cache.DeleteMissing(ctx, root, s.seen); err != nil {
			slog.Warn("scan: cache not pruned", "root", root, "err", err)
			return
		}
	}
}

var errNotAFile = errors.New("not a regular file")

// ReadFile reads a certificate file the way the scan does: opened without
// blocking (a FIFO at the path doesn't hang it), checked to be a regular
// file after opening, and read no further than certs.MaxFileSize. A symbolic
// link is followed. Its error is a *errs.Error with one of the Code* codes,
// or errs.TooLarge or errs.EmptyFile, and a message without the
// path or any content.
func ReadFile(path string) ([]byte, error) {
	data, _, err := readFile(path, true)
	if err != nil {
		return nil, errorFile(path, err).Error
	}
	switch {
	case len(data) == 0:
		return nil, &errs.Error{Code: errs.EmptyFile, Message: "The file is empty. Copy or download it again."}
	case len(data) > certs.MaxFileSize:
		return nil, &errs.Error{Code: errs.TooLarge,
			Message: fmt.Sprintf("The file is larger than %d MiB, far larger than any certificate file.", certs.MaxFileSize>>20)}
	}
	return data, nil
}

// readFile reads at most certs.MaxFileSize+1 bytes: enough for the reader to
// tell a file that is too large, without loading a huge one.
func readFile(path string, follow bool) ([]byte, fs.FileInfo, error) {
	f, err := openRead(path, follow)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	// The type that counts is the one opened, not the one the walk saw.
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if kindOf(fi.Mode(), fileAttrs(fi)) != kindFile {
		return nil, nil, errNotAFile
	}
	limit := int64(certs.MaxFileSize) + 1
	data := make([]byte, 0, min(max(fi.Size(), 0), limit-1)+1)
	r := io.LimitReader(f, limit)
	for {
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)] // the file grew since Stat
		}
		n, err := r.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			return data, fi, nil
		}
		if err != nil {
			return nil, nil, err
		}
	}
}

// errorFile is the result for a path that could not be read. The message
// names no path (the File has it) and no file content.
func errorFile(path string, err error) certs.File {
	code, msg := errs.IOError, "The file could not be read."
	var pe *fs.PathError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		code, msg = errs.FileNotFound, "The file or folder does not exist."
	case errors.Is(err, fs.ErrPermission):
		code, msg = errs.PermissionDenied, "No permission to read this file or folder. Check its permissions."
	case errors.Is(err, errOnlineOnly):
		code, msg = errs.OnlineOnly, "Online-only file (OneDrive or SharePoint): download it first, e.g. with Always keep on this device."
	case errors.Is(err, errNotAFile):
		code, msg = errs.NotAFile, "This is not a regular file (for example a device or a pipe)."
	case errors.As(err, &pe):
		msg = "The file could not be read: " + pe.Err.Error() + "."
	}
	return certs.File{
		Path:          path,
		Status:        certs.StatusUnreadable,
		Error:         &errs.Error{Code: code, Message: msg},
		Chain:         []certs.Certificate{},
		PasswordIndex: -1,
	}
}

// cloneFile copies what certs.Judge changes, so results from one cache entry
// can be judged at once on several goroutines.
func cloneFile(f certs.File) certs.File {
	if f.Certificate != nil {
		c := *f.Certificate
		f.Certificate = &c
	}
	f.Chain = slices.Clone(f.Chain)
	if f.Chain == nil {
		f.Chain = []certs.Certificate{}
	}
	if f.Error != nil {
		e := *f.Error
		f.Error = &e
	}
	return f
}

// readerTag names the build of the reader, so cached results from another
// build are read again. The VCS revision changes with every release; a build
// without VCS stamping (go test, go run) shares the tag "dev".
var readerTag = func() string {
	tag := fmt.Sprintf("r%d/dev", certs.ReaderVersion)
	if bi, ok := debug.ReadBuildInfo(); ok {
		var rev, modified string
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value
			}
		}
		if rev != "" {
			tag = fmt.Sprintf("r%d/%s", certs.ReaderVersion, rev)
			if modified == "true" {
				tag += "+dirty"
			}
		}
	}
	return tag
}()

// passwordOrder is the candidate list shared by the workers. The password
// that opened a file moves to the front: most collections share one
// password, so later files open on the first try.
type passwordOrder struct {
	mu    sync.Mutex
	pw    []string
	order []int // indices into pw, best first
}

func newPasswordOrder(pw []string) *passwordOrder {
	p := &passwordOrder{pw: pw, order: make([]int, len(pw))}
	for i := range p.order {
		p.order[i] = i
	}
	return p
}

// snapshot returns the candidates in the current order and, for each, its
// index in Options.Passwords.
func (p *passwordOrder) snapshot() (cands []string, orig []int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	orig = slices.Clone(p.order)
	cands = make([]string, len(orig))
	for i, o := range orig {
		cands[i] = p.pw[o]
	}
	return cands, orig
}

// promote moves the password with index i in Options.Passwords to the front.
func (p *passwordOrder) promote(i int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	at := slices.Index(p.order, i)
	if at <= 0 {
		return
	}
	copy(p.order[1:at+1], p.order[:at])
	p.order[0] = i
}
