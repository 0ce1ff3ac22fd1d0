package cli

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestCheckNagios: check --format nagios on the cache of a sync: exit codes
// and first lines as monitoring plugins give them.
func TestCheckNagios(t *testing.T) {
	for _, tt := range []struct {
		name  string
		days  int
		at    time.Time
		args  []string
		code  int
		first string
	}{
		{"critical", 5, statusNow, nil, 2, "DPG CRITICAL - Exchange Online (testkommunenord.onmicrosoft.com) stops in 5 days"},
		{"warning", 20, statusNow, nil, 1, "DPG WARNING - Exchange Online (testkommunenord.onmicrosoft.com) stops in 20 days"},
		{"--critical-days", 20, statusNow, []string{"--critical-days", "21"}, 2, "DPG CRITICAL - Exchange Online (testkommunenord.onmicrosoft.com) stops in 20 days"},
		{"ok", 200, statusNow, nil, 0, "DPG OK - 2 integrations; the first stops in 200 days (Exchange Online (testkommunenord.onmicrosoft.com))"},
		{"stale", 200, statusNow.Add(50 * time.Hour), nil, 3, "DPG UNKNOWN - no successful sync with DPG since 2026-12-01 11:00 UTC"},
		{"--max-age", 200, statusNow.Add(50 * time.Hour), []string{"--max-age", "72h"}, 0, "DPG OK - 2 integrations; the first stops in 197 days (Exchange Online (testkommunenord.onmicrosoft.com))"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "app.db")
			fillCheck(t, db, tt.days, "da")
			code, out, _ := runCheckWith(t, &fakeNotifier{}, tt.at, append([]string{"--db", db, "--format", "nagios"}, tt.args...)...)
			first, rest, _ := strings.Cut(out, "\n")
			if code != tt.code || first != tt.first {
				t.Fatalf("exit %d %q, want %d %q", code, first, tt.code, tt.first)
			}
			if !strings.Contains(rest, "| 'exchange_online days'=") || !strings.Contains(rest, ";30;") {
				t.Errorf("no performance data: %q", rest)
			}
		})
	}
	// A database that can't be read: the check failed, UNKNOWN.
	bad := filepath.Join(t.TempDir(), "app.db")
	os.WriteFile(bad, []byte("not a database, not at all, no"), 0o600)
	code, out, _ := runCheckWith(t, &fakeNotifier{}, statusNow, "--db", bad, "--format", "nagios")
	if code != 3 || !strings.HasPrefix(out, "DPG UNKNOWN - the check failed: ") {
		t.Fatalf("unreadable: exit %d %q", code, out)
	}
}

func TestCheckFormatUsage(t *testing.T) {
	for _, args := range [][]string{{"--format", "xml"}, {"--textfile", "x.prom"}, {"--format", "json", "--textfile", "x"},
		{"--critical-days", "-1"}, {"--max-age", "0s"}, {"--max-age", "soon"}} {
		if code, _, _ := runCheckWith(t, &fakeNotifier{}, statusNow, args...); code != ExitUsage {
			t.Errorf("%v: exit %d", args, code)
		}
	}
}

func TestCheckJSON(t *testing.T) {
	db := filepath.Join(t.TempDir(), "app.db")
	fillCheck(t, db, 5, "en")
	code, out, _ := runCheckWith(t, &fakeNotifier{}, statusNow, "--db", db, "--format", "json")
	var got checkJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if code != ExitFailOn || got.Status != "critical" || len(got.Integrations) != 2 || len(got.Reminders) != 1 ||
		got.SyncedAt == nil {
		t.Fatalf("exit %d, %+v", code, got)
	}
	for _, i := range got.Integrations {
		if i.Kind == "exchange_online" && (i.Status != "critical" || *i.DaysLeft != 5 || i.State != "expiring") {
			t.Errorf("%+v", i)
		}
	}
}

// TestCheckPrometheus: check --format prometheus --textfile writes the
// metrics atomically; promtool check metrics passes them, and a real
// node_exporter's textfile collector serves them. With
// DPGCERTS_PROM_TEST=1 (scripts/cli-check.sh, which installs them) the
// two programs must be there.
func TestCheckPrometheus(t *testing.T) {
	exporter, promtool := "/usr/bin/prometheus-node-exporter", "/usr/bin/promtool"
	for _, p := range []string{exporter, promtool} {
		if _, err := os.Stat(p); err != nil {
			if os.Getenv("DPGCERTS_PROM_TEST") == "1" {
				t.Fatalf("%s is missing (scripts/apt-deps.sh installs it)", p)
			}
			t.Skipf("%s is missing", p)
		}
	}
	db := filepath.Join(t.TempDir(), "app.db")
	fillCheck(t, db, 5, "en")
	dir := t.TempDir()
	file := filepath.Join(dir, "dpgcerts.prom")
	code, out, errOut := runCheckWith(t, &fakeNotifier{}, statusNow, "--db", db, "--format", "prometheus", "--textfile", file)
	if code != ExitFailOn || out != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lint := exec.Command(promtool, "check", "metrics")
	lint.Stdin = strings.NewReader(string(data))
	if out, err := lint.CombinedOutput(); err != nil {
		t.Fatalf("promtool check metrics: %v\n%s\n%s", err, out, data)
	}

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(exporter, "--web.listen-address="+addr, "--collector.disable-defaults",
		"--collector.textfile", "--collector.textfile.directory="+dir)
	var log strings.Builder
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	var body string
	for deadline := time.Now().Add(15 * time.Second); ; {
		resp, err := http.Get("http://" + addr + "/metrics")
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			body = string(b)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("node_exporter did not answer: %v\n%s", err, log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	// node_exporter sorts the labels and writes numbers as Go's %g does.
	num := func(t time.Time) string { return strconv.FormatFloat(float64(t.Unix()), 'g', -1, 64) }
	exo := num(goldenCert("a1", "postkasse@testkommune-nord.dk", "U-EXO", 5).NotAfter)
	for _, want := range []string{
		"node_textfile_scrape_error 0",
		"dpgcerts_up 1",
		`dpgcerts_integration_expiry_timestamp_seconds{integration="int-exchange-online",kind="exchange_online",name="testkommunenord.onmicrosoft.com"} ` + exo,
		`dpgcerts_integration_state{integration="int-exchange-online",kind="exchange_online",name="testkommunenord.onmicrosoft.com",state="expiring"} 1`,
		"dpgcerts_check_last_run_timestamp_seconds " + num(statusNow),
		"# HELP dpgcerts_last_sync_success_timestamp_seconds",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("node_exporter does not serve %q", want)
		}
	}
	if t.Failed() {
		t.Logf("served:\n%s", body)
	}
}
