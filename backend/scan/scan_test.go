package scan

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/errs"
)

const (
	valid   = certs.StatusValid
	locked  = certs.StatusLocked
	unread  = certs.StatusUnreadable
	notCert = errs.NotACertificate
)

func TestScanPaths(t *testing.T) {
	files := map[string]string{
		"a.pem":           "CERT 100",
		"junk.txt":        "hello",
		"sub/b.p12":       "LOCKED pw 100",
		"sub/deep/c.cer":  "CERT 100",
		"other/d.pem":     "CERT 100",
		"other/z-last.pk": "CERT 100",
	}
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string) // extra layout
		args  []string                       // relative to dir
		want  []outcome
	}{
		{
			name: "one file",
			args: []string{"a.pem"},
			want: []outcome{{"a.pem", valid, ""}},
		},
		{
			name: "folder, recursive, sorted, non-certificates reported",
			args: []string{"."},
			want: []outcome{
				{"a.pem", valid, ""}, {"junk.txt", unread, notCert},
				{"other/d.pem", valid, ""}, {"other/z-last.pk", valid, ""},
				{"sub/b.p12", locked, errs.PasswordRequired}, {"sub/deep/c.cer", valid, ""},
			},
		},
		{
			name: "missing path does not stop the scan",
			args: []string{"nope.p12", "a.pem", "gone/"},
			want: []outcome{{"a.pem", valid, ""}, {"gone", unread, errs.FileNotFound}, {"nope.p12", unread, errs.FileNotFound}},
		},
		{
			name: "duplicates read once",
			args: []string{"sub", "sub/b.p12", "./sub/deep/../b.p12", "sub"},
			want: []outcome{{"sub/b.p12", locked, errs.PasswordRequired}, {"sub/deep/c.cer", valid, ""}},
		},
		{
			name: "empty folder",
			setup: func(t *testing.T, dir string) {
				os.Mkdir(filepath.Join(dir, "empty"), 0o755)
			},
			args: []string{"empty"},
			want: []outcome{},
		},
		{
			name: "links inside a folder are not followed",
			setup: func(t *testing.T, dir string) {
				symlink(t, filepath.Join(dir, "a.pem"), filepath.Join(dir, "sub", "link.pem"))
				symlink(t, filepath.Join(dir, "other"), filepath.Join(dir, "sub", "linkdir"))
				symlink(t, dir, filepath.Join(dir, "sub", "loop"))
			},
			args: []string{"sub"},
			want: []outcome{{"sub/b.p12", locked, errs.PasswordRequired}, {"sub/deep/c.cer", valid, ""}},
		},
		{
			name: "a link given explicitly is followed",
			setup: func(t *testing.T, dir string) {
				symlink(t, filepath.Join(dir, "a.pem"), filepath.Join(dir, "link.pem"))
				symlink(t, filepath.Join(dir, "other"), filepath.Join(dir, "linkdir"))
			},
			args: []string{"link.pem", "linkdir"},
			want: []outcome{{"link.pem", valid, ""}, {"linkdir/d.pem", valid, ""}, {"linkdir/z-last.pk", valid, ""}},
		},
		{
			name: "broken link given explicitly",
			setup: func(t *testing.T, dir string) {
				symlink(t, filepath.Join(dir, "missing"), filepath.Join(dir, "broken"))
			},
			args: []string{"broken"},
			want: []outcome{{"broken", unread, errs.FileNotFound}},
		},
		{
			name: "pipes: skipped in a folder, reported when given",
			setup: func(t *testing.T, dir string) {
				if err := mkfifo(filepath.Join(dir, "other", "fifo")); err != nil {
					t.Skip(err)
				}
			},
			args: []string{"other", "other/fifo"},
			want: []outcome{{"other/d.pem", valid, ""}, {"other/fifo", unread, errs.NotAFile}, {"other/z-last.pk", valid, ""}},
		},
		{
			name: "folder that cannot be listed",
			setup: func(t *testing.T, dir string) {
				if runtime.GOOS == "windows" || os.Geteuid() == 0 {
					t.Skip("permissions do not apply")
				}
				p := filepath.Join(dir, "sub", "deep")
				os.Chmod(p, 0)
				t.Cleanup(func() { os.Chmod(p, 0o755) })
			},
			args: []string{"sub"},
			want: []outcome{{"sub/b.p12", locked, errs.PasswordRequired}, {"sub/deep", unread, errs.PermissionDenied}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := tree(t, files)
			if tt.setup != nil {
				tt.setup(t, dir)
			}
			// Relative arguments are relative to the working directory.
			t.Chdir(dir)
			var r fakeReader
			got, err := Scan(context.Background(), tt.args, r.options(Options{}))
			if err != nil {
				t.Fatal(err)
			}
			// Resolve dir as the scanner does (macOS temp dirs sit behind a link).
			wd, _ := os.Getwd()
			if g := outcomes(t, wd, got); !reflect.DeepEqual(g, tt.want) {
				t.Errorf("got  %v\nwant %v", g, tt.want)
			}
			for _, f := range got {
				if f.Chain == nil || (f.Status == unread && f.Error == nil) {
					t.Errorf("%s: incomplete File %+v", f.Path, f)
				}
			}
		})
	}
}

func TestScanReadsAtMostMaxPlusOne(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.p12")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	f.Truncate(certs.MaxFileSize + 4096) // sparse: cheap
	f.Close()
	write(t, filepath.Join(dir, "small.pem"), "CERT 10")

	t.Run("fake reader sees the limit", func(t *testing.T) {
		var r fakeReader
		if _, err := Scan(context.Background(), []string{dir}, r.options(Options{})); err != nil {
			t.Fatal(err)
		}
		slices.Sort(r.sizes)
		if want := []int{7, certs.MaxFileSize + 1}; !slices.Equal(r.sizes, want) {
			t.Errorf("reader got %v bytes, want %v", r.sizes, want)
		}
	})
	t.Run("real reader says too large", func(t *testing.T) {
		got, err := Scan(context.Background(), []string{big}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Error == nil || got[0].Error.Code != errs.TooLarge {
			t.Errorf("got %+v", got)
		}
	})
}

func TestPasswordOrder(t *testing.T) {
	tests := []struct {
		name      string
		passwords []string
		files     []string // contents, read one by one
		wantCands [][]string
		wantIndex []int // File.PasswordIndex, in Options.Passwords
	}{
		{
			name:      "opener moves to the front",
			passwords: []string{"a", "b", "c"},
			files:     []string{"LOCKED b 9", "LOCKED b 9", "LOCKED c 9", "LOCKED a 9"},
			wantCands: [][]string{{"a", "b", "c"}, {"b", "a", "c"}, {"b", "a", "c"}, {"c", "b", "a"}},
			wantIndex: []int{1, 1, 2, 0},
		},
		{
			name:      "no opener, no change",
			passwords: []string{"a", "b"},
			files:     []string{"LOCKED zz 9", "CERT 9", "LOCKED b 9"},
			wantCands: [][]string{{"a", "b"}, {"a", "b"}, {"a", "b"}},
			wantIndex: []int{-1, -1, 1},
		},
		{
			name:      "duplicates keep their own index",
			passwords: []string{"x", "p", "p"},
			files:     []string{"LOCKED p 9", "LOCKED p 9"},
			wantCands: [][]string{{"x", "p", "p"}, {"p", "x", "p"}},
			wantIndex: []int{1, 1},
		},
		{
			name:      "no passwords",
			files:     []string{"LOCKED p 9"},
			wantCands: [][]string{{}},
			wantIndex: []int{-1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			var r fakeReader
			opts := r.options(Options{Passwords: tt.passwords, Workers: 1})
			var got []int
			// One file per scan is not enough: the order lives within a
			// scan. Name the files so the sorted walk reads them in order.
			var paths []string
			for i, content := range tt.files {
				p := filepath.Join(dir, strconv.Itoa(i)+".p12")
				write(t, p, content)
				paths = append(paths, p)
			}
			files, err := Scan(context.Background(), paths, opts)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range files {
				got = append(got, f.PasswordIndex)
			}
			for i := range r.seen {
				if r.seen[i] == nil {
					r.seen[i] = []string{}
				}
			}
			if !reflect.DeepEqual(r.seen, tt.wantCands) {
				t.Errorf("candidates %q, want %q", r.seen, tt.wantCands)
			}
			if !slices.Equal(got, tt.wantIndex) {
				t.Errorf("PasswordIndex %v, want %v", got, tt.wantIndex)
			}
		})
	}
}

func TestPromote(t *testing.T) {
	tests := []struct {
		name    string
		promote []int
		want    []int
	}{
		{"none", nil, []int{0, 1, 2, 3}},
		{"first stays", []int{0}, []int{0, 1, 2, 3}},
		{"last to front", []int{3}, []int{3, 0, 1, 2}},
		{"twice", []int{2, 1}, []int{1, 2, 0, 3}},
		{"unknown index", []int{9}, []int{0, 1, 2, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPasswordOrder([]string{"a", "b", "c", "d"})
			for _, i := range tt.promote {
				p.promote(i)
			}
			if !slices.Equal(p.order, tt.want) {
				t.Errorf("order %v, want %v", p.order, tt.want)
			}
		})
	}
}

func TestProgress(t *testing.T) {
	files := map[string]string{}
	for i := range 40 {
		files["d"+strconv.Itoa(i%4)+"/f"+strconv.Itoa(i)] = "CERT 10"
	}
	dir := tree(t, files)
	var r fakeReader
	var got []Progress // appended without a lock: the race detector checks the promise
	opts := r.options(Options{Workers: 4, Progress: func(p Progress) { got = append(got, p) }})
	res, err := Scan(context.Background(), []string{dir, filepath.Join(dir, "missing")}, opts)
	if err != nil {
		t.Fatal(err)
	}
	// One report per file, and one more when the walk ended after the last.
	if n := len(got); (n != 41 && n != 42) || len(res) != 41 {
		t.Fatalf("%d reports, %d files; want 41 (or 42) reports and 41 files", len(got), len(res))
	}
	counted := false
	for i, p := range got {
		done := min(i+1, 41)
		if p.Done != done || p.Total < p.Done || p.Path == "" {
			t.Errorf("report %d = %+v", i, p)
		}
		if counted && !p.Counted {
			t.Errorf("report %d = %+v: not counted after a counted one", i, p)
		}
		if p.Counted && p.Total != 41 {
			t.Errorf("report %d = %+v: counted, but Total is not final", i, p)
		}
		counted = p.Counted
	}
	if last := got[len(got)-1]; last.Done != last.Total || !last.Counted {
		t.Errorf("last report %+v: want Done == Total and Counted", last)
	}
}

// TestProgressCounted: the walk runs ahead of slow readers, so the count is
// final (Counted, Total of every file) while most files are still unread.
func TestProgressCounted(t *testing.T) {
	files := map[string]string{}
	for i := range 30 {
		files["d"+strconv.Itoa(i%3)+"/f"+strconv.Itoa(i)] = "CERT 10"
	}
	dir := tree(t, files)
	r := fakeReader{hook: func() { time.Sleep(5 * time.Millisecond) }}
	var got []Progress
	opts := r.options(Options{Workers: 1, Progress: func(p Progress) { got = append(got, p) }})
	if _, err := Scan(context.Background(), []string{dir}, opts); err != nil {
		t.Fatal(err)
	}
	first := slices.IndexFunc(got, func(p Progress) bool { return p.Counted })
	if first < 0 || got[first].Total != 30 || got[first].Done > 15 {
		t.Errorf("first counted report %d of %d: %+v, want it before half of the 30 files are read", first, len(got), got[max(first, 0)])
	}
	if last := got[len(got)-1]; !last.Counted || last.Total != 30 || last.Done != 30 {
		t.Errorf("last report %+v, want 30 of 30, counted", last)
	}
}

func TestCancel(t *testing.T) {
	files := map[string]string{}
	for i := range 200 {
		files["f"+strconv.Itoa(i)] = "CERT 10"
	}
	dir := tree(t, files)

	t.Run("before start", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		var r fakeReader
		got, err := Scan(ctx, []string{dir}, r.options(Options{Cache: openStore(t)}))
		if !errors.Is(err, context.Canceled) || got != nil {
			t.Errorf("got %d files, err %v", len(got), err)
		}
		if n := r.calls.Load(); n > 0 {
			t.Errorf("%d reads after cancel", n)
		}
	})
	t.Run("during the scan", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var r fakeReader
		r.hook = func() {
			if r.calls.Load() == 10 {
				cancel()
			}
			time.Sleep(time.Millisecond) // like a key derivation
		}
		cache := openStore(t)
		start := time.Now()
		got, err := Scan(ctx, []string{dir}, r.options(Options{Workers: 2, Cache: cache}))
		if !errors.Is(err, context.Canceled) || got != nil {
			t.Errorf("got %d files, err %v", len(got), err)
		}
		if n := r.calls.Load(); n > 10+2 {
			t.Errorf("%d reads; the scan went on after cancel", n)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("took %v to stop", d)
		}
		// What was read before the cancel is kept.
		all, _ := cache.LoadFiles(context.Background())
		if len(all) == 0 || len(all) > 12 {
			t.Errorf("%d cached rows after cancel, want 1..12", len(all))
		}
	})
	t.Run("while a progress callback runs", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var r fakeReader
		opts := r.options(Options{Progress: func(p Progress) {
			if p.Done == 5 {
				cancel()
			}
		}})
		if _, err := Scan(ctx, []string{dir}, opts); !errors.Is(err, context.Canceled) {
			t.Errorf("err %v", err)
		}
	})
}

func TestRealReader(t *testing.T) {
	p12, pemCert := realP12(t, "secret", 300)
	dir := tree(t, map[string]string{
		"org.p12":  string(p12),
		"org.pem":  string(pemCert),
		"soon.txt": "not a certificate",
	})
	got, err := Scan(context.Background(), []string{dir}, Options{
		Passwords: []string{"wrong", "secret"}, Now: t0,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []outcome{{"org.p12", valid, ""}, {"org.pem", valid, ""}, {"soon.txt", unread, notCert}}
	if g := outcomes(t, dir, got); !reflect.DeepEqual(g, want) {
		t.Fatalf("got %v, want %v", g, want)
	}
	if got[0].PasswordIndex != 1 || got[0].Certificate == nil || got[0].Certificate.CommonName != "Test Org - Scan" {
		t.Errorf("p12: PasswordIndex %d, certificate %+v", got[0].PasswordIndex, got[0].Certificate)
	}
	if got[0].Certificate.DaysLeft != 300 {
		t.Errorf("DaysLeft %d, want 300", got[0].Certificate.DaysLeft)
	}
}

func TestErrorFile(t *testing.T) {
	tests := []struct {
		name string
		err  error
		code string
	}{
		{"missing", &fs.PathError{Op: "open", Path: "/x", Err: fs.ErrNotExist}, errs.FileNotFound},
		{"permission", &fs.PathError{Op: "open", Path: "/x", Err: fs.ErrPermission}, errs.PermissionDenied},
		{"not a file", errNotAFile, errs.NotAFile},
		{"other", &fs.PathError{Op: "read", Path: "/secret/x", Err: errors.New("input/output error")}, errs.IOError},
		{"unwrapped", errors.New("odd"), errs.IOError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := errorFile("/x", tt.err)
			if f.Status != unread || f.Error == nil || f.Error.Code != tt.code || f.Path != "/x" ||
				f.PasswordIndex != -1 || f.Chain == nil {
				t.Errorf("errorFile = %+v %+v", f, f.Error)
			}
			if strings.Contains(f.Error.Message, "/secret") || f.Error.Message == "" {
				t.Errorf("message %q", f.Error.Message)
			}
		})
	}
}
