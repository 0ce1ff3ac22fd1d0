package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

type runCase struct {
	name     string
	args     []string
	code     int
	stdout   string
	stderrIn string
}

func TestRun(t *testing.T) {
	var tests []runCase
	for _, tc := range []runCase{
		{"--version", []string{"--version"}, 0, "dpgcerts dev\n", ""},
		{"version", []string{"version"}, 0, "dpgcerts dev\n", ""},
		{"--help is the command line's", []string{"--help"}, 0, "usage: dpgcerts", ""},
		{"-help too", []string{"-help"}, 0, "usage: dpgcerts", ""},
		{"a subcommand runs in-process", []string{"scan", "--fail-on", "sometimes", "x"}, 2, "", "--fail-on must be one of"},
		{"an unknown one is wrong usage", []string{"frobnicate"}, 2, "", "unknown command"},
	} {
		tests = append(tests, tc)
	}
	if runtime.GOOS != "windows" {
		// The headless build has no window to start.
		tests = append(tests, runCase{"no command is usage", []string{"--db", "x"}, 2, "", "give a command"})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(tc.args, &stdout, &stderr); code != tc.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tc.code, stderr.String())
			}
			if !strings.HasPrefix(stdout.String(), tc.stdout) {
				t.Errorf("stdout %q, want it to start with %q", stdout.String(), tc.stdout)
			}
			if !strings.Contains(stderr.String(), tc.stderrIn) {
				t.Errorf("stderr %q, want %q in it", stderr.String(), tc.stderrIn)
			}
		})
	}
}

// TestNoWindowLinked: nothing of the window (Wails, native dialogs, GTK or
// WebKit through cgo) is in the headless program's imports, for any of the
// systems it is built for.
func TestNoWindowLinked(t *testing.T) {
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	for _, goos := range []string{"linux", "darwin", "windows"} {
		cmd := exec.Command(gobin, "list", "-deps", ".")
		cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH=amd64")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: go list: %v\n%s", goos, err, out)
		}
		for _, pkg := range strings.Fields(string(out)) {
			for _, bad := range []string{"wailsapp", "sqweek", "gotk", "webkit", "dpgcerts/app"} {
				if strings.Contains(pkg, bad) {
					t.Errorf("%s: the headless program imports %s", goos, pkg)
				}
			}
		}
	}
}
