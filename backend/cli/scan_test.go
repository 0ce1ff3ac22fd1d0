package cli

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/report"
	"dpgcerts/internal/pkitest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func runCLI(t *testing.T, args ...string) (int, []byte, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(args, &out, &errb)
	return code, out.Bytes(), errb.String()
}

// writeCollection writes the test kit's collection of certificate files
// (see pkitest.WriteCollection) into dir, and a passwords file with its
// passwords, and returns what the reader must say of each file and the
// passwords file's path.
func writeCollection(t *testing.T, dir, passwords string) (map[string]pkitest.Expectation, string) {
	t.Helper()
	want := pkitest.WriteCollection(t, dir, certs.MaxFileSize)
	pwFile := pkitest.WriteFile(t, t.TempDir(), "passwords.txt", []byte(passwords))
	t.Setenv("DPGCERTS_NOW", pkitest.Now.Format(time.RFC3339))
	t.Setenv("DPGCERTS_KEYCHAIN", "off")
	return want, pwFile
}

// checkReport checks each file's verdict in the scan's JSON report against
// the collection's expectations, and that no file is missing or extra.
func checkReport(t *testing.T, dir string, out []byte, want map[string]pkitest.Expectation) {
	t.Helper()
	var r report.Report
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	seen := map[string]bool{}
	for _, f := range r.Files {
		rel, _ := filepath.Rel(dir, f.Path)
		rel = filepath.ToSlash(rel)
		seen[rel] = true
		w, ok := want[rel]
		if !ok {
			t.Errorf("unexpected file in the report: %s", rel)
			continue
		}
		code := ""
		if f.Error != nil {
			code = f.Error.Code
		}
		if string(f.Status) != w.Status || code != w.Code {
			t.Errorf("%s: %s/%s (%v), want %s/%s", rel, f.Status, code, f.Error, w.Status, w.Code)
		}
	}
	for rel := range want {
		if !seen[rel] {
			t.Errorf("%s is missing from the report", rel)
		}
	}
}

// TestScanCollection runs `dpgcerts scan --json --passwords FILE DIR` over a
// varied folder tree and checks every file's verdict, then compares the whole
// report with the golden file.
func TestScanCollection(t *testing.T) {
	dir := t.TempDir()
	want, pwFile := writeCollection(t, dir, strings.Join(pkitest.CollectionPasswords, "\r\n")+"\r\n")
	// A link out of the tree is not followed.
	outside := filepath.Join(t.TempDir(), "outside.p12")
	os.WriteFile(outside, []byte("outside"), 0o600)
	if err := os.Symlink(outside, filepath.Join(dir, "pkcs12", "link.p12")); err != nil {
		t.Fatal(err)
	}

	code, out, stderr := runCLI(t, "scan", "--json", "--passwords", pwFile, "--no-cache", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	checkReport(t, dir, out, want)
	for _, p := range pkitest.CollectionPasswords {
		if p != "" && bytes.Contains(out, []byte(p)) {
			t.Errorf("the report holds a password")
		}
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, out, "", "  "); err != nil {
		t.Fatal(err)
	}
	compareGolden(t, filepath.Join("testdata", "collection.golden.json"), normalize(pretty.Bytes(), dir))

	// --fail-on: the collection has expired and unreadable files.
	if code, _, _ := runCLI(t, "scan", "--no-cache", "--passwords", pwFile, "--fail-on", "expired", dir); code != 1 {
		t.Errorf("--fail-on expired: exit %d, want 1", code)
	}
	if code, _, _ := runCLI(t, "scan", "--no-cache", "--passwords", pwFile, "--fail-on", "expiring", filepath.Join(dir, "pkcs12")); code != 0 {
		t.Errorf("--fail-on expiring over valid files: exit %d, want 0", code)
	}
}

// TestScanCachedAgrees checks that a rescan from the cache reports the same
// as the first scan, and that both scans succeed and report every file.
func TestScanCachedAgrees(t *testing.T) {
	dir := t.TempDir()
	want, pwFile := writeCollection(t, dir, strings.Join(pkitest.CollectionPasswords, "\n"))
	db := filepath.Join(t.TempDir(), "cache.db")
	code, first, stderr := runCLI(t, "scan", "--json", "--passwords", pwFile, "--db", db, dir)
	if code != 0 {
		t.Fatalf("first scan: exit %d: %s", code, stderr)
	}
	checkReport(t, dir, first, want)
	code, second, stderr := runCLI(t, "scan", "--json", "--passwords", pwFile, "--db", db, dir)
	if code != 0 {
		t.Fatalf("cached rescan: exit %d: %s", code, stderr)
	}
	if !bytes.Equal(first, second) {
		t.Fatalf("cached rescan differs from the first scan")
	}
	info, err := os.Stat(db)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("cache file mode %v (%v), want 0600", info.Mode().Perm(), err)
	}
	raw, _ := os.ReadFile(db)
	for _, p := range pkitest.CollectionPasswords {
		if p != "" && bytes.Contains(raw, []byte(p)) {
			t.Errorf("the cache holds a password")
		}
	}
}

func TestScanUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"no path", []string{"scan"}, 2},
		{"bad fail-on", []string{"scan", "--fail-on", "bad", "."}, 2},
		{"db and no-cache", []string{"scan", "--db", "x.db", "--no-cache", "."}, 2},
		{"bad warn-days", []string{"scan", "--warn-days", "-3", "."}, 2},
		{"unknown flag", []string{"scan", "--bogus", "."}, 2},
		{"unknown command", []string{"frobnicate"}, 2},
		{"help", []string{"scan", "--help"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code, _, _ := runCLI(t, tt.args...); code != tt.code {
				t.Errorf("exit %d, want %d", code, tt.code)
			}
		})
	}
}

var (
	reHex64  = regexp.MustCompile(`"sha256": "[0-9a-f]{64}"`)
	reHex40  = regexp.MustCompile(`"sha1": "[0-9a-f]{40}"`)
	reSerial = regexp.MustCompile(`"serialNumber": "-?[0-9a-f]+"`)
	reKey    = regexp.MustCompile(`"keyAlgorithm": "RSA \d+"`)
	reSizes  = regexp.MustCompile(`should be \d+ bytes but is \d+`)
)

// normalize replaces what differs between runs (fresh keys and serials, so
// file sizes too, and the temporary folder) so the report can be compared with a golden file.
func normalize(out []byte, dir string) []byte {
	out = bytes.ReplaceAll(out, []byte(dir+string(filepath.Separator)), []byte("COLLECTION/"))
	out = reHex64.ReplaceAll(out, []byte(`"sha256": "<sha256>"`))
	out = reHex40.ReplaceAll(out, []byte(`"sha1": "<sha1>"`))
	out = reSerial.ReplaceAll(out, []byte(`"serialNumber": "<serial>"`))
	out = reSizes.ReplaceAll(out, []byte(`should be <n> bytes but is <m>`))
	return reKey.ReplaceAll(out, []byte(`"keyAlgorithm": "RSA <bits>"`))
}

func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) && i < len(wl); i++ {
			if gl[i] != wl[i] {
				t.Fatalf("report differs from %s at line %d:\n got: %s\nwant: %s\n(run go test -update if the change is intended)", path, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("report differs from %s in length (%d vs %d lines)", path, len(gl), len(wl))
	}
}

// TestReportFieldsMatchCLI checks that the window's JSON export
// (report.JSON) is the object `dpgcerts scan --json` prints: the CLI's
// report, read into a report.Report with no field left over and written
// again by report.JSON, is the same JSON value.
func TestReportFieldsMatchCLI(t *testing.T) {
	dir := t.TempDir()
	_, pwFile := writeCollection(t, dir, strings.Join(pkitest.CollectionPasswords, "\n"))
	code, out, stderr := runCLI(t, "scan", "--json", "--passwords", pwFile, "--no-cache", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.DisallowUnknownFields()
	var r report.Report
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("the CLI prints what report.Report has not: %v", err)
	}
	var export bytes.Buffer
	if err := report.JSON(&export, r); err != nil {
		t.Fatal(err)
	}
	var fromCLI, fromExport map[string]any
	if err := json.Unmarshal(out, &fromCLI); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(export.Bytes(), &fromExport); err != nil {
		t.Fatal(err)
	}
	files, _ := fromCLI["files"].([]any)
	if len(files) < 40 {
		t.Fatalf("the CLI reported %d files", len(files))
	}
	for k := range fromExport {
		if _, ok := fromCLI[k]; !ok {
			t.Errorf("the export has %q, the CLI not", k)
		}
	}
	if !reflect.DeepEqual(fromCLI, fromExport) {
		exported, _ := fromExport["files"].([]any)
		for i := range min(len(files), len(exported)) {
			if !reflect.DeepEqual(files[i], exported[i]) {
				t.Fatalf("file %d differs:\n   CLI: %v\nexport: %v", i, files[i], exported[i])
			}
		}
		t.Fatalf("the export differs from the CLI's report")
	}
}
