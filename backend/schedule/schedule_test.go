package schedule

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf16"
)

// An awkward path: spaces, quotes, a percent sign and Danish letters.
var job = Job{Exe: `/Users/Anna Ø/Applications/DPG Certificates.app/Contents/MacOS/dpgcerts`,
	Args: CheckArgs(`/Users/Anna Ø/dpg "test" 100%.db`), Hour: 9, Minute: 5}

func TestParseTime(t *testing.T) {
	for in, want := range map[string][2]int{"09:00": {9, 0}, "9:05": {9, 5}, " 23:59 ": {23, 59}, "00:00": {0, 0}} {
		h, m, err := ParseTime(in)
		if err != nil || h != want[0] || m != want[1] {
			t.Errorf("%q: %d:%d %v", in, h, m, err)
		}
	}
	for _, bad := range []string{"", "24:00", "9", "09:60", "9.00", "09:00:00", "-1:00"} {
		if _, _, err := ParseTime(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	if FormatTime(9, 5) != "09:05" {
		t.Error(FormatTime(9, 5))
	}
}

// task mirrors the parts of Task Scheduler's schema (task 1.2) the
// reminder uses. Parsing is strict about the namespace: a task in another
// one is not a task to schtasks.
type task struct {
	XMLName      xml.Name `xml:"http://schemas.microsoft.com/windows/2004/02/mit/task Task"`
	Version      string   `xml:"version,attr"`
	Registration struct {
		Author, Description, URI string
	} `xml:"RegistrationInfo"`
	Triggers struct {
		Calendar []struct {
			StartBoundary string
			Enabled       string
			DaysInterval  int `xml:"ScheduleByDay>DaysInterval"`
		} `xml:"CalendarTrigger"`
		Any []xml.Name `xml:",any"`
	}
	Principals []struct {
		ID        string `xml:"id,attr"`
		UserID    string `xml:"UserId"`
		LogonType string
		RunLevel  string
	} `xml:"Principals>Principal"`
	Settings struct {
		MultipleInstancesPolicy, DisallowStartIfOnBatteries, StopIfGoingOnBatteries, StartWhenAvailable string
		RunOnlyIfNetworkAvailable, Enabled, Hidden, ExecutionTimeLimit                                  string
	}
	Actions struct {
		Context string `xml:"Context,attr"`
		Exec    []struct {
			Command, Arguments string
		}
	}
}

func decodeUTF16(t *testing.T, b []byte) string {
	t.Helper()
	if len(b) < 2 || b[0] != 0xff || b[1] != 0xfe || len(b)%2 != 0 {
		t.Fatalf("not UTF-16LE with a byte-order mark: % x", b[:min(len(b), 4)])
	}
	u := make([]uint16, 0, len(b)/2-1)
	for i := 2; i < len(b); i += 2 {
		u = append(u, uint16(b[i])|uint16(b[i+1])<<8)
	}
	return string(utf16.Decode(u))
}

// TestTaskXML checks the task field by field against the schema's rules:
// the namespace and version, a daily calendar trigger at the time, the
// user's own rights with no stored password, and the command line.
func TestTaskXML(t *testing.T) {
	j := Job{Exe: `C:\Users\Anna Ø\AppData\Local\Programs\DPG Certificates\dpgcerts.exe`,
		Args: CheckArgs(`C:\Users\Anna Ø\dpg "test"\app.db`), Hour: 7, Minute: 30}
	doc := decodeUTF16(t, TaskXML(j))
	if !strings.HasPrefix(doc, `<?xml version="1.0" encoding="UTF-16"?>`) {
		t.Fatalf("declaration: %.60q", doc)
	}
	// encoding/xml reads UTF-8 only: the declaration says what we decoded.
	dec := xml.NewDecoder(strings.NewReader(strings.Replace(doc, `encoding="UTF-16"`, `encoding="UTF-8"`, 1)))
	dec.Strict = true
	var tk task
	if err := dec.Decode(&tk); err != nil {
		t.Fatalf("not a task: %v\n%s", err, doc)
	}
	if tk.Version != "1.2" {
		t.Errorf("version %q", tk.Version)
	}
	if tk.Registration.URI != `\`+TaskName || tk.Registration.Description == "" {
		t.Errorf("registration %+v", tk.Registration)
	}
	if len(tk.Triggers.Calendar) != 1 || len(tk.Triggers.Any) != 0 {
		t.Fatalf("triggers %+v", tk.Triggers)
	}
	tr := tk.Triggers.Calendar[0]
	if tr.StartBoundary != "2024-01-01T07:30:00" || tr.Enabled != "true" || tr.DaysInterval != 1 {
		t.Errorf("trigger %+v (local time: no zone)", tr)
	}
	if len(tk.Principals) != 1 {
		t.Fatalf("principals %+v", tk.Principals)
	}
	p := tk.Principals[0]
	if p.ID != "Author" || p.UserID != "" || p.LogonType != "InteractiveToken" || p.RunLevel != "LeastPrivilege" {
		t.Errorf("principal %+v: the user's own, no password, no elevation", p)
	}
	s := tk.Settings
	if s.StartWhenAvailable != "true" || s.DisallowStartIfOnBatteries != "false" || s.StopIfGoingOnBatteries != "false" ||
		s.Enabled != "true" || s.Hidden != "false" || s.MultipleInstancesPolicy != "IgnoreNew" || s.ExecutionTimeLimit != "PT10M" {
		t.Errorf("settings %+v", s)
	}
	if tk.Actions.Context != "Author" || len(tk.Actions.Exec) != 1 {
		t.Fatalf("actions %+v", tk.Actions)
	}
	e := tk.Actions.Exec[0]
	if e.Command != j.Exe {
		t.Errorf("command %q", e.Command)
	}
	if want := `check --notify --db "C:\Users\Anna Ø\dpg \"test\"\app.db"`; e.Arguments != want {
		t.Errorf("arguments\n got %s\nwant %s", e.Arguments, want)
	}
}

func TestWindowsArgs(t *testing.T) {
	for in, want := range map[string]string{`plain`: `plain`, `a b`: `"a b"`, `C:\dir\`: `C:\dir\`, `C:\my dir\`: `"C:\my dir\\"`,
		`say "hi"`: `"say \"hi\""`, ``: `""`, `a\\"b`: `"a\\\\\"b"`} {
		if got := windowsArgs([]string{in}); got != want {
			t.Errorf("%s: %s, want %s", in, got, want)
		}
	}
}

// plistValue is a parsed property list value.
type plistValue any

// parsePlist reads an XML property list into maps, slices, strings, ints
// and bools, strictly: an element plist doesn't have is an error.
func parsePlist(t *testing.T, data []byte) map[string]plistValue {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	var next func(start xml.StartElement) plistValue
	token := func() xml.Token {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	text := func() string {
		var s string
		for {
			switch tok := token().(type) {
			case xml.CharData:
				s += string(tok)
			case xml.EndElement:
				return s
			case xml.StartElement:
				t.Fatalf("<%s> inside a scalar", tok.Name.Local)
			}
		}
	}
	next = func(start xml.StartElement) plistValue {
		switch start.Name.Local {
		case "dict":
			m := map[string]plistValue{}
			var key string
			for {
				switch tok := token().(type) {
				case xml.StartElement:
					if tok.Name.Local == "key" {
						key = text()
						if _, dup := m[key]; dup {
							t.Fatalf("key %s twice", key)
						}
						continue
					}
					if key == "" {
						t.Fatalf("<%s> without a key", tok.Name.Local)
					}
					m[key], key = next(tok), ""
				case xml.EndElement:
					return m
				}
			}
		case "array":
			var a []plistValue
			for {
				switch tok := token().(type) {
				case xml.StartElement:
					a = append(a, next(tok))
				case xml.EndElement:
					return a
				}
			}
		case "string":
			return text()
		case "integer":
			var n int
			s := text()
			for _, c := range s {
				if c < '0' || c > '9' {
					t.Fatalf("integer %q", s)
				}
				n = 10*n + int(c-'0')
			}
			return n
		case "true", "false":
			text()
			return start.Name.Local == "true"
		}
		t.Fatalf("<%s> is not a plist element", start.Name.Local)
		return nil
	}
	for {
		if se, ok := token().(xml.StartElement); ok {
			if se.Name.Local != "plist" {
				continue
			}
			for {
				if se, ok := token().(xml.StartElement); ok {
					m, ok := next(se).(map[string]plistValue)
					if !ok {
						t.Fatal("the plist is not a dict")
					}
					return m
				}
			}
		}
	}
}

// TestLaunchAgent parses the plist and checks each field launchd reads.
func TestLaunchAgent(t *testing.T) {
	data := LaunchAgent(job)
	if !bytes.Contains(data, []byte(`<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN"`)) {
		t.Error("no plist DOCTYPE")
	}
	got := parsePlist(t, data)
	want := map[string]plistValue{
		"Label":                  AgentLabel,
		"ProgramArguments":       []plistValue{job.Exe, "check", "--notify", "--db", `/Users/Anna Ø/dpg "test" 100%.db`},
		"StartCalendarInterval":  map[string]plistValue{"Hour": 9, "Minute": 5},
		"RunAtLoad":              false,
		"ProcessType":            "Background",
		"LimitLoadToSessionType": "Aqua",
	}
	for k, v := range want {
		if !reflect.DeepEqual(got[k], v) {
			t.Errorf("%s = %#v, want %#v", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("keys %v", got)
	}
}

// TestSystemdUnits runs systemd-analyze verify over the units, with a
// real executable at an awkward path.
func TestSystemdUnits(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is missing (apt package systemd; scripts/apt-deps.sh)")
	}
	dir := t.TempDir()
	exe := filepath.Join(dir, "DPG Certificates 100%", "dpgcerts")
	os.MkdirAll(filepath.Dir(exe), 0o755)
	if err := os.WriteFile(exe, []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	j := Job{Exe: exe, Args: CheckArgs(filepath.Join(dir, `my "cache" $HOME.db`)), Hour: 18, Minute: 45}
	svc, timer := SystemdUnits(j)
	units := filepath.Join(dir, "units")
	os.MkdirAll(units, 0o755)
	os.WriteFile(filepath.Join(units, UnitName+".service"), svc, 0o644)
	os.WriteFile(filepath.Join(units, UnitName+".timer"), timer, 0o644)
	runtime := filepath.Join(dir, "run")
	os.Mkdir(runtime, 0o700)
	cmd := exec.Command(analyze, "--user", "verify", filepath.Join(units, UnitName+".timer"), filepath.Join(units, UnitName+".service"))
	cmd.Env = append(os.Environ(), "XDG_RUNTIME_DIR="+runtime, "SYSTEMD_LOG_LEVEL=info")
	out, err := cmd.CombinedOutput()
	// A warning (an unknown key, a bad time) is output with exit 0: both fail.
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Fatalf("systemd-analyze verify: %v\n%s\n%s\n%s", err, out, svc, timer)
	}
	if !bytes.Contains(timer, []byte("OnCalendar=*-*-* 18:45:00\n")) || !bytes.Contains(timer, []byte("Persistent=true\n")) {
		t.Errorf("timer:\n%s", timer)
	}
	// The arguments come through systemd's unquoting as given.
	want := `ExecStart="` + strings.ReplaceAll(exe, "%", "%%") + `" check --notify --db "` + strings.ReplaceAll(dir, "%", "%%") + `/my \"cache\" $$HOME.db"`
	if !bytes.Contains(svc, []byte(want+"\n")) {
		t.Errorf("service:\n%s\nwant %s", svc, want)
	}
}

// recorder is a Runner that notes each command; fail makes one fail.
type recorder struct {
	calls []string
	// xml is the task definition schtasks was given, read at the call.
	xml  []byte
	fail string
}

func (r *recorder) run(_ context.Context, name string, args ...string) error {
	line := strings.Join(append([]string{name}, args...), " ")
	r.calls = append(r.calls, line)
	for i, a := range args {
		if a == "/xml" {
			r.xml, _ = os.ReadFile(args[i+1])
		}
	}
	if r.fail != "" && strings.Contains(line, r.fail) {
		return errors.New("failed: " + line)
	}
	return nil
}

// TestOnOff: the setting on, then off, in a throwaway home, on each OS.
func TestOnOff(t *testing.T) {
	ctx := context.Background()
	for _, goos := range []string{"linux", "darwin", "windows"} {
		t.Run(goos, func(t *testing.T) {
			home := t.TempDir()
			rec := &recorder{}
			s := Scheduler{GOOS: goos, Home: home, UID: 501, TempDir: t.TempDir(), Run: rec.run}
			if err := s.Install(ctx, job); err != nil {
				t.Fatal(err)
			}
			files, _ := s.Files(job)
			for path, want := range files {
				if got, err := os.ReadFile(path); err != nil || !bytes.Equal(got, want) {
					t.Errorf("%s: %v", path, err)
				}
			}
			if goos == "windows" && !bytes.Equal(rec.xml, TaskXML(job)) {
				t.Errorf("schtasks got another XML")
			}
			on := strings.Join(rec.calls, "\n")
			want := map[string]string{
				"linux":   "systemctl --user daemon-reload\nsystemctl --user enable --now dpgcerts-reminder.timer",
				"darwin":  "launchctl bootout gui/501 " + s.agentPath() + "\nlaunchctl bootstrap gui/501 " + s.agentPath(),
				"windows": "schtasks /create /tn " + TaskName + " /xml ",
			}[goos]
			if !strings.HasPrefix(on, want) {
				t.Errorf("on:\n%s\nwant\n%s", on, want)
			}
			if ok, _ := s.Installed(ctx); !ok {
				t.Error("not installed")
			}
			rec.calls = nil
			if err := s.Remove(ctx); err != nil {
				t.Fatal(err)
			}
			left := 0
			filepath.WalkDir(home, func(p string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					left++
					t.Errorf("left behind: %s", p)
				}
				return nil
			})
			off := strings.Join(rec.calls, "\n")
			wantOff := map[string]string{
				"linux":   "systemctl --user disable --now dpgcerts-reminder.timer\nsystemctl --user daemon-reload",
				"darwin":  "launchctl bootout gui/501 " + s.agentPath(),
				"windows": "schtasks /delete /tn " + TaskName + " /f",
			}[goos]
			if off != wantOff {
				t.Errorf("off:\n%s\nwant\n%s", off, wantOff)
			}
			// Off again: nothing there, no error.
			if err := s.Remove(ctx); err != nil {
				t.Errorf("second remove: %v", err)
			}
		})
	}
	t.Run("linux without a user manager", func(t *testing.T) {
		home := t.TempDir()
		rec := &recorder{fail: "enable"}
		s := Scheduler{GOOS: "linux", Home: home, Run: rec.run}
		if err := s.Install(ctx, job); err == nil {
			t.Fatal("no error")
		}
		if ok, _ := s.Installed(ctx); ok {
			t.Error("a half registration is left")
		}
	})
}

// TestUninstallerRemovesTask: the NSIS uninstaller deletes the task by
// its name, so the name there must be TaskName.
func TestUninstallerRemovesTask(t *testing.T) {
	nsi, err := os.ReadFile(filepath.Join("..", "..", "build", "windows", "installer", "project.nsi"))
	if err != nil {
		t.Fatal(err)
	}
	if want := `schtasks.exe" /delete /tn "` + TaskName + `" /f`; !bytes.Contains(nsi, []byte(want)) {
		t.Fatalf("project.nsi does not run %s", want)
	}
}
