package scan

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"sync"
	"testing"
	"time"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/store"
)

// TestCache runs a first scan into a fresh SQLite cache, changes something,
// scans again and counts the reads of the second scan.
func TestCache(t *testing.T) {
	type env struct {
		t     *testing.T
		dir   string
		store *store.Store
	}
	tests := []struct {
		name      string
		first     Options // of the first scan (fake reader added)
		change    func(e env)
		second    Options
		noCache   bool // for the second scan
		wantReads int64
		check     func(e env, files []certs.File)
	}{
		{
			name:      "unchanged files are not read",
			wantReads: 0,
		},
		{
			name: "changed content is read",
			change: func(e env) {
				write(e.t, filepath.Join(e.dir, "a.pem"), "CERT 5000")
			},
			wantReads: 1,
			check: func(e env, files []certs.File) {
				if files[0].Certificate.DaysLeft != 5000 {
					e.t.Errorf("old result: DaysLeft %d", files[0].Certificate.DaysLeft)
				}
			},
		},
		{
			name: "touched file is found by its hash",
			change: func(e env) {
				later := time.Now().Add(time.Hour)
				os.Chtimes(filepath.Join(e.dir, "a.pem"), later, later)
			},
			wantReads: 0,
			check: func(e env, files []certs.File) {
				// The new mtime is cached, so the next scan takes the fast path.
				all, _ := e.store.LoadFiles(context.Background())
				fi, _ := os.Stat(files[0].Path)
				if all[files[0].Path].MtimeNS != fi.ModTime().UnixNano() {
					e.t.Error("new mtime not cached")
				}
			},
		},
		{
			name: "moved file is found by its hash, the old row pruned",
			change: func(e env) {
				os.Rename(filepath.Join(e.dir, "a.pem"), filepath.Join(e.dir, "sub", "moved.pem"))
			},
			wantReads: 0,
			check: func(e env, files []certs.File) {
				if files[3].Path != filepath.Join(e.dir, "sub", "moved.pem") || files[3].Status != valid {
					e.t.Errorf("moved file: %+v", files[3])
				}
				all, _ := e.store.LoadFiles(context.Background())
				if _, ok := all[filepath.Join(e.dir, "a.pem")]; ok {
					e.t.Error("row of the old path kept")
				}
			},
		},
		{
			name: "a same-size replacement with its mtime restored is read again (robocopy)",
			change: func(e env) {
				a := filepath.Join(e.dir, "a.pem")
				fi, _ := os.Stat(a)
				write(e.t, a+".new", "CERT 61")
				os.Chtimes(a+".new", fi.ModTime(), fi.ModTime())
				os.Rename(a+".new", a)
			},
			wantReads: 1,
		},
		{
			name: "a same-size rewrite in place with its mtime restored is read again (cp -p)",
			change: func(e env) {
				a := filepath.Join(e.dir, "a.pem")
				fi, _ := os.Stat(a)
				time.Sleep(10 * time.Millisecond) // a ctime that differs
				os.WriteFile(a, []byte("CERT 61"), 0o600)
				os.Chtimes(a, fi.ModTime(), fi.ModTime())
			},
			wantReads: 1,
		},
		{
			name: "copied file is found by its hash",
			change: func(e env) {
				write(e.t, filepath.Join(e.dir, "copy.pem"), "CERT 60")
			},
			wantReads: 0,
		},
		{
			name:      "cached results are judged at the new time",
			second:    Options{Now: t0.AddDate(0, 0, 40)},
			wantReads: 0,
			check: func(e env, files []certs.File) {
				a := files[0]
				if a.Status != certs.StatusExpiring || a.Certificate.DaysLeft != 20 {
					e.t.Errorf("a.pem: %s, %d days left; want expiring, 20", a.Status, a.Certificate.DaysLeft)
				}
			},
		},
		{
			name:      "cached results use the new warning window",
			second:    Options{WarnDays: 90},
			wantReads: 0,
			check: func(e env, files []certs.File) {
				if files[0].Status != certs.StatusExpiring {
					e.t.Errorf("a.pem: %s, want expiring", files[0].Status)
				}
			},
		},
		{
			name:      "locked files are read again when there are passwords",
			second:    Options{Passwords: []string{"other", "pw"}},
			wantReads: 1,
			check: func(e env, files []certs.File) {
				if f := files[2]; f.Status != valid || f.PasswordIndex != 1 {
					e.t.Errorf("locked.p12: %s, index %d", f.Status, f.PasswordIndex)
				}
			},
		},
		{
			name:      "locked files stay cached without passwords",
			wantReads: 0,
			check: func(e env, files []certs.File) {
				if files[2].Status != locked {
					e.t.Errorf("locked.p12: %s", files[2].Status)
				}
			},
		},
		{
			name:      "opened files stay cached with passwords",
			first:     Options{Passwords: []string{"pw"}},
			second:    Options{Passwords: []string{"pw"}},
			wantReads: 0,
		},
		{
			name: "results of another reader build are read again",
			change: func(e env) {
				all, _ := e.store.LoadFiles(context.Background())
				a := all[filepath.Join(e.dir, "a.pem")]
				a.Reader = "older-build"
				e.store.PutFiles(context.Background(), []store.Entry{a})
			},
			wantReads: 1,
		},
		{
			name:      "scan without a cache reads everything",
			noCache:   true,
			wantReads: 4,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := tree(t, map[string]string{
				"a.pem":      "CERT 60",
				"b.txt":      "junk",
				"locked.p12": "LOCKED pw 60",
				"sub/c.pem":  "CERT 200",
			})
			dir, _ = filepath.EvalSymlinks(dir)
			e := env{t: t, dir: dir, store: openStore(t)}
			var first fakeReader
			o := first.options(tt.first)
			o.Cache = e.store
			files1, err := Scan(context.Background(), []string{dir}, o)
			if err != nil || first.calls.Load() != 4 {
				t.Fatalf("first scan: %d reads, %v", first.calls.Load(), err)
			}
			if tt.change != nil {
				tt.change(e)
			}
			var second fakeReader
			o = second.options(tt.second)
			if !tt.noCache {
				o.Cache = e.store
			}
			files2, err := Scan(context.Background(), []string{dir}, o)
			if err != nil {
				t.Fatal(err)
			}
			if n := second.calls.Load(); n != tt.wantReads {
				t.Errorf("second scan read %d files, want %d", n, tt.wantReads)
			}
			if tt.change == nil && tt.second.Now.IsZero() && tt.second.WarnDays == 0 && tt.second.Passwords == nil {
				// Nothing changed: the cached results equal the fresh ones.
				for i := range files1 {
					files1[i].PasswordIndex = -1
				}
				if !reflect.DeepEqual(files1, files2) {
					t.Errorf("cached results differ\nfirst  %+v\nsecond %+v", files1, files2)
				}
			}
			if tt.check != nil {
				tt.check(e, files2)
			}
		})
	}
}

func TestCacheRealReader(t *testing.T) {
	p12, pemCert := realP12(t, "secret", 300)
	dir := tree(t, map[string]string{"org.p12": string(p12), "org.pem": string(pemCert)})
	cache := openStore(t)
	opts := Options{Passwords: []string{"secret"}, Now: t0, Cache: cache}
	first, err := Scan(context.Background(), []string{dir}, opts)
	if err != nil {
		t.Fatal(err)
	}
	var r fakeReader
	opts.read = r.read
	second, err := Scan(context.Background(), []string{dir}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if r.calls.Load() != 0 {
		t.Errorf("%d reads on rescan", r.calls.Load())
	}
	for i := range first {
		first[i].PasswordIndex = -1
	}
	if !reflect.DeepEqual(first, second) {
		t.Errorf("cached results differ\nfirst  %+v\nsecond %+v", first, second)
	}
	if len(second[0].Certificate.Raw) == 0 {
		t.Error("certificate DER not cached")
	}
}

// fakeCache records the batches written, and can fail.
type fakeCache struct {
	mu              sync.Mutex
	batches         []int
	pruned          []string
	loadErr, putErr error
	entries         map[string]store.Entry
}

func (c *fakeCache) LoadFiles(context.Context) (map[string]store.Entry, error) {
	return c.entries, c.loadErr
}

func (c *fakeCache) PutFiles(_ context.Context, es []store.Entry) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.batches = append(c.batches, len(es))
	return c.putErr
}

func (c *fakeCache) DeleteMissing(_ context.Context, root string, _ map[string]bool) (int, error) {
	c.pruned = append(c.pruned, root)
	return 0, nil
}

func TestCacheWrites(t *testing.T) {
	files := map[string]string{}
	for i := range 1201 {
		files["d"+strconv.Itoa(i%7)+"/f"+strconv.Itoa(i)] = "CERT 10"
	}
	dir := tree(t, files)
	tests := []struct {
		name        string
		cache       *fakeCache
		paths       []string
		wantBatches []int
		wantPruned  []string
	}{
		{
			name:        "batches of 500",
			cache:       &fakeCache{},
			paths:       []string{dir},
			wantBatches: []int{500, 500, 201},
			wantPruned:  []string{dir},
		},
		{
			name:        "a failed write stops caching, not the scan",
			cache:       &fakeCache{putErr: errors.New("disk full")},
			paths:       []string{dir},
			wantBatches: []int{500},
		},
		{
			name:  "a failed load reads without the cache",
			cache: &fakeCache{loadErr: errors.New("damaged")},
			paths: []string{dir},
		},
		{
			name:        "missing and single-file paths are not pruned",
			cache:       &fakeCache{},
			paths:       []string{filepath.Join(dir, "missing"), filepath.Join(dir, "d0", "f0")},
			wantBatches: []int{1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r fakeReader
			opts := r.options(Options{Cache: tt.cache})
			got, err := Scan(context.Background(), tt.paths, opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(tt.paths) == 1 && (len(got) != 1201 || r.calls.Load() != 1201) {
				t.Errorf("%d files, %d reads; want 1201", len(got), r.calls.Load())
			}
			if !reflect.DeepEqual(tt.cache.batches, tt.wantBatches) {
				t.Errorf("batches %v, want %v", tt.cache.batches, tt.wantBatches)
			}
			if !reflect.DeepEqual(tt.cache.pruned, tt.wantPruned) {
				t.Errorf("pruned %v, want %v", tt.cache.pruned, tt.wantPruned)
			}
		})
	}
}

func TestCancelledScanDoesNotPrune(t *testing.T) {
	dir := tree(t, map[string]string{"a": "CERT 1", "b": "CERT 1"})
	cache := &fakeCache{}
	ctx, cancel := context.WithCancel(context.Background())
	var r fakeReader
	r.hook = cancel
	if _, err := Scan(ctx, []string{dir}, r.options(Options{Cache: cache, Workers: 1})); !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
	if len(cache.pruned) != 0 {
		t.Errorf("pruned %v after cancel", cache.pruned)
	}
}
