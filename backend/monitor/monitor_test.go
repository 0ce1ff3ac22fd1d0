package monitor

import (
	"strings"
	"testing"
	"time"

	"dpgcerts/backend/overview"
)

var now = time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)

func integ(kind, name string, state overview.State, days int) overview.Integration {
	i := overview.Integration{ID: "int-" + kind, Kind: kind, Name: name, State: state}
	if state != overview.StateNoCertificate {
		i.Certificate = &overview.Active{SHA256: kind, CommonName: name, NotAfter: now.AddDate(0, 0, days), DaysLeft: days}
	}
	return i
}

func ov(synced time.Duration, ints ...overview.Integration) overview.Overview {
	o := overview.Overview{WarnDays: 30, Integrations: ints}
	if synced >= 0 {
		at := now.Add(-synced)
		o.SyncedAt = &at
	}
	return o
}

// TestNagios: states against exit codes and first lines.
func TestNagios(t *testing.T) {
	run := Run{Now: now, CriticalDays: DefaultCriticalDays, MaxAge: DefaultMaxAge}
	ok := integ("digital_post", "Digital Post", overview.StateOK, 120)
	for _, tt := range []struct {
		name  string
		ov    overview.Overview
		run   Run
		code  int
		first string
	}{
		{"all fine", ov(time.Hour, ok, integ("mit_dk", "mit.dk", overview.StateOK, 200)), run, OK,
			"DPG OK - 2 integrations; the first stops in 120 days (Digital Post)"},
		{"inside the warning window", ov(time.Hour, ok, integ("mit_dk", "mit.dk", overview.StateExpiring, 12)), run, Warning,
			"DPG WARNING - mit.dk stops in 12 days"},
		{"inside --critical-days", ov(time.Hour, integ("secure_mail", "Secure mail", overview.StateExpiring, 2),
			integ("digital_post", "Digital Post", overview.StateExpiring, 12)), run, Critical,
			"DPG CRITICAL - Secure mail stops in 2 days; Digital Post in 12 days"},
		{"exactly --critical-days", ov(time.Hour, integ("secure_mail", "Secure mail", overview.StateExpiring, 7)), run, Critical,
			"DPG CRITICAL - Secure mail stops in 7 days"},
		{"a day more is a warning", ov(time.Hour, integ("secure_mail", "Secure mail", overview.StateExpiring, 8)), run, Warning,
			"DPG WARNING - Secure mail stops in 8 days"},
		{"today", ov(time.Hour, integ("secure_mail", "Secure mail", overview.StateExpiring, 0)), run, Critical,
			"DPG CRITICAL - Secure mail stops today"},
		{"expired", ov(time.Hour, ok, integ("exchange_online", "contoso.onmicrosoft.com", overview.StateExpired, -3)), run, Critical,
			"DPG CRITICAL - Exchange Online (contoso.onmicrosoft.com) has stopped (3 Dec 2026)"},
		{"revoked", ov(time.Hour, integ("mit_dk", "mit.dk", overview.StateRevoked, 100)), run, Critical,
			"DPG CRITICAL - mit.dk has stopped (certificate revoked)"},
		{"no certificate", ov(time.Hour, integ("mit_dk", "mit.dk", overview.StateNoCertificate, 0)), run, Critical,
			"DPG CRITICAL - mit.dk has no certificate"},
		{"a stale copy is unknown", ov(49*time.Hour, ok), run, Unknown,
			"DPG UNKNOWN - no successful sync with DPG since 2026-12-04 07:00 UTC"},
		{"a stale copy still tells what it knew", ov(49*time.Hour, integ("mit_dk", "mit.dk", overview.StateExpired, -1)), run, Unknown,
			"DPG UNKNOWN - no successful sync with DPG since 2026-12-04 07:00 UTC; last known: mit.dk has stopped (5 Dec 2026)"},
		{"--max-age", ov(49*time.Hour, ok), Run{Now: now, CriticalDays: 7, MaxAge: 72 * time.Hour}, OK,
			"DPG OK - 1 integrations; the first stops in 120 days (Digital Post)"},
		{"never synced", ov(-1), run, Unknown, "DPG UNKNOWN - no copy of the DPG solution: never synced with DPG"},
		{"the check failed", ov(time.Hour, ok), Run{Now: now, MaxAge: time.Hour, Failed: "store: open: disk I/O error\nmore"}, Unknown,
			"DPG UNKNOWN - the check failed: store: open: disk I/O error more"},
		{"--critical-days 0", ov(time.Hour, integ("secure_mail", "Secure mail", overview.StateExpiring, 1)),
			Run{Now: now, CriticalDays: 0, MaxAge: DefaultMaxAge}, Warning, "DPG WARNING - Secure mail stops in 1 day"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, text := Nagios(tt.ov, tt.run)
			first, _, _ := strings.Cut(text, "\n")
			if code != tt.code || first != tt.first {
				t.Errorf("got %d %q\nwant %d %q", code, first, tt.code, tt.first)
			}
		})
	}
}

// TestNagiosPerfdata: one value per integration with the warning and
// critical thresholds, after a | on the last line, as plugins give it.
func TestNagiosPerfdata(t *testing.T) {
	_, text := Nagios(ov(time.Hour, integ("secure_mail", "Secure mail", overview.StateExpiring, 2),
		integ("exchange_online", "a.onmicrosoft.com", overview.StateOK, 90),
		integ("exchange_online", "b'=.onmicrosoft.com", overview.StateNoCertificate, 0)),
		Run{Now: now, CriticalDays: 7, MaxAge: DefaultMaxAge})
	lines := strings.Split(strings.TrimSpace(text), "\n")
	want := "| 'exchange_online b_.onmicrosoft.com days'=U;30;7 'secure_mail days'=2;30;7 'exchange_online a.onmicrosoft.com days'=90;30;7 'sync_age'=3600s;;172800;0"
	if len(lines) != 5 || lines[4] != want {
		t.Fatalf("%q\nwant last line %q", lines, want)
	}
	if lines[2] != "CRITICAL: Secure mail stops in 2 days" {
		t.Errorf("line %q", lines[2])
	}
}

func TestPrometheus(t *testing.T) {
	o := ov(time.Hour, integ("secure_mail", `Secure "mail"`, overview.StateExpiring, 2))
	by, at := "ab", now.AddDate(0, -1, 0)
	o.Certificates = []overview.Certificate{{SHA256: "ab", CommonName: "X\\Y", CVR: "12345678", NotAfter: now, InPortal: true},
		{SHA256: "cd", CommonName: "old", CVR: "12345678", NotAfter: now.AddDate(0, 0, -20), InPortal: true, ReplacedBy: &by, ReplacedAt: &at}}
	out := string(Prometheus(o, Run{Now: now, CriticalDays: 7, MaxAge: DefaultMaxAge}))
	for _, want := range []string{
		"# TYPE dpgcerts_up gauge\ndpgcerts_up 1\n",
		"dpgcerts_check_last_run_timestamp_seconds 1796544000\n",
		"dpgcerts_last_sync_success_timestamp_seconds 1796540400\n",
		`dpgcerts_integration_expiry_timestamp_seconds{integration="int-secure_mail",kind="secure_mail",name="Secure \"mail\""} 1796716800` + "\n",
		`dpgcerts_integration_state{integration="int-secure_mail",kind="secure_mail",name="Secure \"mail\"",state="expiring"} 1` + "\n",
		`dpgcerts_integration_state{integration="int-secure_mail",kind="secure_mail",name="Secure \"mail\"",state="ok"} 0` + "\n",
		`dpgcerts_certificate_not_after_timestamp_seconds{sha256="ab",common_name="X\\Y",cvr="12345678",in_dpg="true"} 1796544000` + "\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	if strings.Contains(out, `sha256="cd"`) {
		t.Errorf("a replaced certificate is in the metrics:\n%s", out)
	}
	// A failed check still says when it ran, and that it is down.
	out = string(Prometheus(overview.Overview{}, Run{Now: now, Failed: "broken"}))
	if !strings.Contains(out, "dpgcerts_up 0\n") || !strings.Contains(out, "dpgcerts_check_last_run_timestamp_seconds 1796544000\n") ||
		strings.Contains(out, "integration") {
		t.Errorf("failed run:\n%s", out)
	}
}
