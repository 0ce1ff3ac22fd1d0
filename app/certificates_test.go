package app

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
	"software.sslmate.com/src/go-pkcs12"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/config"
	"dpgcerts/backend/errs"
	"dpgcerts/backend/i18n"
	"dpgcerts/backend/local"
	"dpgcerts/backend/passwords"
	"dpgcerts/backend/remind"
	"dpgcerts/backend/revocation"
	"dpgcerts/backend/secrets"
	"dpgcerts/backend/session"
	"dpgcerts/internal/pkitest"
)

var testNow = pkitest.Now

// makeCert makes a self-signed certificate that expires days after testNow.
// All of them share one RSA key.
func makeCert(t *testing.T, cn string, days int) *x509.Certificate {
	t.Helper()
	return pkitest.SelfSigned(t, pkitest.Spec{CN: cn, Org: "Ærø Kommune", Country: "DK", Key: pkitest.RSAKey(t, 0),
		Serial: big.NewInt(int64(days + 1000)), NotBefore: testNow.AddDate(-1, 0, 0), NotAfter: testNow.AddDate(0, 0, days)}).Cert
}

func writeP12(t *testing.T, path string, c *x509.Certificate, password string) {
	t.Helper()
	pkitest.WriteFile(t, filepath.Dir(path), filepath.Base(path), pkitest.P12(t, pkcs12.Modern, pkitest.RSAKey(t, 0), c, nil, password))
}

func writePEM(t *testing.T, path string, c *x509.Certificate) {
	t.Helper()
	pkitest.WriteFile(t, filepath.Dir(path), filepath.Base(path), pkitest.PEM("CERTIFICATE", c.Raw))
}

// recorder keeps the events a scan emits.
type recorder struct {
	mu     sync.Mutex
	events []string
	done   chan local.ScanResult
}

func (r *recorder) emit(_ context.Context, name string, data any) {
	r.mu.Lock()
	r.events = append(r.events, name)
	r.mu.Unlock()
	if res, ok := data.(local.ScanResult); ok {
		r.done <- res
	}
}

func (r *recorder) wait(t *testing.T) local.ScanResult {
	t.Helper()
	select {
	case res := <-r.done:
		return res
	case <-time.After(30 * time.Second):
		t.Fatal("no scan:done")
		return local.ScanResult{}
	}
}

type fixture struct {
	s       *Services
	c       *Certificates
	dialogs *fakeDialogs
	rec     *recorder
	dir     string
	valid   *x509.Certificate
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	dir := t.TempDir()
	s := newTestServices(t, Options{Getenv: env(map[string]string{
		config.EnvNow: testNow.Format(time.RFC3339), config.EnvKeychain: "off",
	})})
	f := &fixture{s: s, c: s.Certificates, dialogs: &fakeDialogs{}, rec: &recorder{done: make(chan local.ScanResult, 10)}, dir: dir}
	s.core.dialogs = f.dialogs
	s.core.emit = f.rec.emit
	s.Startup(context.Background())

	f.valid = makeCert(t, "post@aeroe.dk", 400)
	writeP12(t, filepath.Join(dir, "valid.p12"), f.valid, "")
	writeP12(t, filepath.Join(dir, "locked.p12"), makeCert(t, "locked@aeroe.dk", 200), "Hemmelig-æøå!")
	writePEM(t, filepath.Join(dir, "expiring.pem"), makeCert(t, "soon@aeroe.dk", 10))
	writePEM(t, filepath.Join(dir, "expired.pem"), makeCert(t, "old@aeroe.dk", -3))
	return f
}

func (f *fixture) statuses(t *testing.T) map[string]certs.Status {
	t.Helper()
	ov, err := f.c.lib.Report(true)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]certs.Status{}
	for _, file := range ov.Files {
		out[filepath.Base(file.Path)] = file.Status
	}
	return out
}

func TestAddFilesAndUnlock(t *testing.T) {
	f := newFixture(t)
	if ok, err := f.c.AddFiles(); ok || err != nil {
		t.Fatalf("a cancelled dialog: AddFiles = %v, %v", ok, err)
	}
	f.dialogs.files = []string{filepath.Join(f.dir, "valid.p12"), filepath.Join(f.dir, "locked.p12"), filepath.Join(f.dir, "expiring.pem")}
	if ok, err := f.c.AddFiles(); !ok || err != nil {
		t.Fatalf("AddFiles = %v, %v", ok, err)
	}
	res := f.rec.wait(t)
	if res.Files != 3 || res.Cancelled || res.Error != nil || !res.Requested {
		t.Errorf("scan:done = %+v", res)
	}
	locked := filepath.Join(f.dir, "locked.p12")
	if len(res.Locked) != 1 || res.Locked[0] != locked {
		t.Errorf("locked = %v, want [%s]", res.Locked, locked)
	}
	if got := strings.Join(f.rec.events, ","); !strings.HasPrefix(got, "scan:started,scan:progress") || !strings.HasSuffix(got, "scan:done") {
		t.Errorf("events = %s", got)
	}
	want := map[string]certs.Status{"valid.p12": "valid", "locked.p12": "locked", "expiring.pem": "expiring"}
	if got := f.statuses(t); len(got) != 3 || got["valid.p12"] != want["valid.p12"] || got["locked.p12"] != want["locked.p12"] || got["expiring.pem"] != want["expiring.pem"] {
		t.Errorf("statuses = %v, want %v", got, want)
	}

	if _, err := f.c.Unlock(locked, "wrong", false); errs.Code(err) != errs.WrongPassword {
		t.Errorf("a wrong password: %v, want %s", err, errs.WrongPassword)
	}
	got, err := f.c.Unlock(locked, "Hemmelig-æøå!", true)
	if err != nil {
		t.Fatal(err)
	}
	if got.File.Status != certs.StatusValid || got.Remembered {
		t.Errorf("Unlock = %s, remembered %v (the keychain is off)", got.File.Status, got.Remembered)
	}
	if st := f.statuses(t)["locked.p12"]; st != certs.StatusValid {
		t.Errorf("after Unlock the overview says %s", st)
	}
	d, err := f.c.Details(locked)
	if err != nil || d.Certificate == nil || d.Certificate.CommonName != "locked@aeroe.dk" || d.Chain == nil {
		t.Errorf("Details = %+v, %v", d, err)
	}
	if _, err := f.c.Details("/nowhere"); errs.Code(err) != errs.NotInOverview {
		t.Errorf("Details of an unknown file: %v", err)
	}
}

func TestDialogsCancelledOrMissing(t *testing.T) {
	f := newFixture(t)
	if dir, err := f.c.ScanFolder(); dir != "" || err != nil {
		t.Errorf("a cancelled folder dialog: %q, %v", dir, err)
	}
	if folders, _ := f.c.Folders(); len(folders) != 0 {
		t.Errorf("a cancelled dialog remembered %v", folders)
	}
	if f.c.AddPaths(nil) {
		t.Error("nothing dropped started a scan")
	}
	if _, err := f.c.Unlock(filepath.Join(f.dir, "gone.p12"), "x", false); errs.Code(err) != errs.FileNotFound {
		t.Errorf("Unlock of a missing file: %v, want file_not_found", err)
	}
	if err := f.c.Rescan(); err != nil {
		t.Errorf("Rescan without folders: %v", err)
	}
	if len(f.rec.events) != 0 {
		t.Errorf("events without a scan: %v", f.rec.events)
	}
}

func TestUnlockRemembers(t *testing.T) {
	keyring.MockInit()
	f := newFixture(t)
	f.c.core.rt.Keychain = true
	f.c.core.passwords = passwords.New(true)
	f.c.lib = newCertificates(f.c.core).lib
	locked := filepath.Join(f.dir, "locked.p12")
	f.c.AddPaths([]string{locked})
	f.rec.wait(t)
	got, err := f.c.Unlock(locked, "Hemmelig-æøå!", true)
	if err != nil || !got.Remembered {
		t.Fatalf("Unlock = %+v, %v", got, err)
	}
	if pw, _ := secrets.Passwords(); len(pw) != 1 || pw[0] != "Hemmelig-æøå!" {
		t.Errorf("keychain holds %d passwords", len(pw))
	}
}

func TestScanFolderAndRemove(t *testing.T) {
	f := newFixture(t)
	f.dialogs.folder = f.dir
	dir, err := f.c.ScanFolder()
	if err != nil || dir != f.dir {
		t.Fatalf("ScanFolder = %q, %v", dir, err)
	}
	res := f.rec.wait(t)
	if res.Files != 4 {
		t.Errorf("scan:done = %+v", res)
	}
	folders, _ := f.c.Folders()
	if len(folders) != 1 || folders[0].Path != f.dir {
		t.Errorf("folders = %v", folders)
	}
	if got := f.statuses(t); got["expired.pem"] != certs.StatusExpired || len(got) != 4 {
		t.Errorf("statuses = %v", got)
	}
	// A file added on its own, outside the folder, stays when the folder goes.
	other := filepath.Join(t.TempDir(), "other.pem")
	writePEM(t, other, f.valid)
	f.c.AddPaths([]string{other})
	f.rec.wait(t)

	if err := f.c.RemoveFolder(f.dir); err != nil {
		t.Fatal(err)
	}
	if got := f.statuses(t); len(got) != 1 || got["other.pem"] != certs.StatusValid {
		t.Errorf("after RemoveFolder: %v", got)
	}
	if folders, _ := f.c.Folders(); len(folders) != 0 {
		t.Errorf("folder still remembered: %v", folders)
	}
}

func TestStartupRescansFolders(t *testing.T) {
	f := newFixture(t)
	if _, err := f.s.core.st.AddFolder(context.Background(), f.dir); err != nil {
		t.Fatal(err)
	}
	f.c.startup(context.Background())
	if res := f.rec.wait(t); res.Files != 4 || len(res.Locked) != 0 || res.Requested {
		t.Errorf("background rescan: %+v (it must not ask for passwords)", res)
	}
}

func TestExports(t *testing.T) {
	f := newFixture(t)
	f.c.AddPaths([]string{f.dir})
	f.rec.wait(t)

	if p, err := f.c.ExportCSV("da"); p != "" || err != nil {
		t.Errorf("a cancelled save dialog: %q, %v", p, err)
	}
	out := t.TempDir()
	f.dialogs.save = out
	tests := []struct {
		name   string
		export func() (string, error)
		ext    string
		want   string
	}{
		{"csv da", func() (string, error) { return f.c.ExportCSV("da") }, ".csv", "\ufeffNavn;Organisation;"},
		{"json", f.c.ExportJSON, ".json", `"warnDays": 30`},
		{"ics", func() (string, error) { return f.c.ExportICS("en") }, ".ics", "BEGIN:VCALENDAR\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := tt.export()
			if err != nil {
				t.Fatal(err)
			}
			if filepath.Dir(p) != out || filepath.Ext(p) != tt.ext || !strings.Contains(p, "2026-11-26") {
				t.Errorf("saved as %q", p)
			}
			data, _ := os.ReadFile(p)
			if !strings.Contains(string(data), tt.want) {
				t.Errorf("%s holds no %q:\n%.300s", p, tt.want, data)
			}
			// It names the organisation's files, like the database.
			if fi, _ := os.Stat(p); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
				t.Errorf("%s: mode %o, want 0600", p, fi.Mode().Perm())
			}
		})
	}

	valid := filepath.Join(f.dir, "valid.p12")
	p, err := f.s.Portal.ExportCer(session.Ref{Path: valid})
	if err != nil {
		t.Fatal(err)
	}
	// The one .cer name (certs.CerName): the certificate's, whatever the source.
	if filepath.Base(p) != certs.CerName(f.valid.Subject.CommonName) {
		t.Errorf("saved as %q", p)
	}
	if data, _ := os.ReadFile(p); !bytes.Equal(data, f.valid.Raw) {
		t.Error("the .cer is not the certificate's DER")
	}
	if fi, _ := os.Stat(p); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf(".cer: mode %o, want 0600", fi.Mode().Perm())
	}
	if _, err := f.s.Portal.ExportCer(session.Ref{Path: filepath.Join(f.dir, "locked.p12")}); errs.Code(err) != errs.NoCertificate {
		t.Errorf("ExportCer of a locked file: %v", err)
	}
	f.dialogs.save = filepath.Join(out, "missing", "dir")
	if _, err := f.c.ExportJSON(); errs.Code(err) != errs.WriteFailed {
		t.Errorf("saving into a missing folder: %v", err)
	}
	if err := f.c.OpenFileLocation(filepath.Join(f.dir, "gone.p12")); toError(err).Code != errs.FileNotFound {
		t.Errorf("OpenFileLocation of a missing file: %v", err)
	}
}

// TestEventShapes pins the JSON the frontend reads from the scan and
// revocation events and from Unlock, and compares the Go types with their
// interfaces in frontend/src/api/types.ts (an event's by its @event tag).
func TestEventShapes(t *testing.T) {
	tests := []struct {
		v    any
		want string
	}{
		{local.ScanState{Running: true, Done: 1, Total: 2, Counted: true, Path: "/a"}, `{"running":true,"done":1,"total":2,"counted":true,"path":"/a"}`},
		{local.ScanResult{Requested: true, Files: 3, Locked: []string{"/b"}}, `{"requested":true,"files":3,"cancelled":false,"locked":["/b"]}`},
		{local.ScanResult{Cancelled: true, Error: &errs.Error{Code: "io_error", Message: "x"}, Locked: []string{}}, `{"requested":false,"files":0,"cancelled":true,"error":{"code":"io_error","message":"x"},"locked":[]}`},
		{i18n.Guide{ID: "attention", Title: "T", Available: true}, `{"id":"attention","title":"T","available":true}`},
		{local.RevocationProgress{Run: 3, Progress: revocation.Progress{Done: 1, Total: 40}}, `{"run":3,"done":1,"total":40}`},
		{local.RevocationResult{Run: 3, Checked: 40, Cancelled: true}, `{"run":3,"checked":40,"cancelled":true}`},
	}
	for _, tt := range tests {
		got, err := json.Marshal(tt.v)
		if err != nil || string(got) != tt.want {
			t.Errorf("%T = %s, want %s", tt.v, got, tt.want)
		}
	}
	u, _ := json.Marshal(local.UnlockResult{File: certs.File{Path: "/c", Status: certs.StatusValid}, Remembered: true})
	if !strings.Contains(string(u), `"remembered":true`) || !strings.Contains(string(u), `"file":{"path":"/c"`) {
		t.Errorf("UnlockResult = %s", u)
	}

	// The frontend's interfaces have the same fields, optional where Go
	// leaves them out.
	src, err := os.ReadFile(filepath.Join("..", "frontend", "src", "api", "types.ts"))
	if err != nil {
		t.Fatal(err)
	}
	// An event's payload is the interface tagged `@event <name> <pkg.Type>`,
	// whatever its name.
	iface := map[string]string{}
	for _, m := range regexp.MustCompile(`(?ms)^/\*\*((?:[^*]|\*[^/])*)\*/\nexport interface (\w+)`).FindAllSubmatch(src, -1) {
		for _, tag := range regexp.MustCompile(`@event [a-z]+:[a-z]+ ([a-z]+\.\w+)`).FindAllSubmatch(m[1], -1) {
			iface[string(tag[1])] = string(m[2])
		}
	}
	for _, goType := range []string{"local.ScanResult", "local.RevocationProgress", "local.RevocationResult"} {
		if iface[goType] == "" {
			t.Errorf("types.ts tags no interface `@event ... %s`", goType)
		}
	}
	for _, v := range []any{local.ScanState{}, local.ScanResult{}, local.UnlockResult{}, i18n.Guide{}, local.RevocationProgress{}, local.RevocationResult{}, remind.Target{}} {
		rt := reflect.TypeOf(v)
		name := rt.Name()
		if n := iface[rt.String()]; n != "" {
			name = n
		}
		m := regexp.MustCompile(`(?ms)^export interface ` + name + ` \{\n(.*?)^\}`).FindSubmatch(src)
		if m == nil {
			t.Errorf("types.ts has no interface %s (for %s)", name, rt)
			continue
		}
		var ts []string
		for _, f := range regexp.MustCompile(`(?m)^\s*(\w+\??):`).FindAllSubmatch(m[1], -1) {
			ts = append(ts, string(f[1]))
		}
		goFields := jsonFields(rt)
		if !slices.Equal(ts, goFields) {
			t.Errorf("types.ts %s has %v, the Go struct %v", rt.Name(), ts, goFields)
		}
	}
}

// jsonFields are the names encoding/json gives rt's fields, with "?" for
// omitempty; an embedded struct without a name of its own adds its fields.
func jsonFields(rt reflect.Type) []string {
	var out []string
	for i := range rt.NumField() {
		f := rt.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			out = append(out, jsonFields(f.Type)...)
			continue
		}
		if name == "-" || !f.IsExported() {
			continue
		}
		if strings.Contains(opts, "omitempty") {
			name += "?"
		}
		out = append(out, name)
	}
	return out
}
