package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	for _, tc := range []struct {
		name     string
		args     []string
		code     int
		stdout   string
		stderrIn string
	}{
		{"--version", []string{"--version"}, 0, "dpgcerts dev\n", ""},
		{"version", []string{"version"}, 0, "dpgcerts dev\n", ""},
		{"--help is the command line's", []string{"--help"}, 0, "usage: dpgcerts", ""},
		{"-help too", []string{"-help"}, 0, "usage: dpgcerts", ""},
		{"a subcommand runs in-process", []string{"scan", "--fail-on", "sometimes", "x"}, 2, "", "--fail-on must be one of"},
		{"an unknown one is wrong usage", []string{"frobnicate"}, 2, "", "unknown command"},
	} {
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
