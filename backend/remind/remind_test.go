package remind

import (
	"context"
	"strings"
	"testing"
	"time"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/overview"
	"dpgcerts/backend/portal"
	"dpgcerts/backend/store"
	"dpgcerts/backend/store/storetest"
)

var now = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

func integration(id, kind, name string, st overview.State, days int, step overview.Step) overview.Integration {
	return overview.Integration{ID: id, Kind: kind, Name: name, State: st, NextStep: step,
		Certificate: &overview.Active{SHA256: id + "-sha", CommonName: name, DaysLeft: days}}
}

func TestFind(t *testing.T) {
	ov := overview.Overview{
		Integrations: []overview.Integration{
			integration("int-sm", "secure_mail", "sikkerpost@x.dk", overview.StateExpired, -3, overview.StepRenew),
			func() overview.Integration {
				i := integration("int-exo", "exchange_online", "x.onmicrosoft.com", overview.StateExpiring, 5, overview.StepInstallAndActivate)
				i.Successor = &overview.Successor{SHA256: "new-exo", CommonName: "postkasse@x.dk"}
				return i
			}(),
			integration("int-dp", "digital_post", "Digital Post (NgDP)", overview.StateOK, 400, overview.StepNone),
			{ID: "int-none", Kind: "secure_mail", State: overview.StateNoCertificate, NextStep: overview.StepNone},
		},
		Certificates: []overview.Certificate{
			{SHA256: "new-exo", CommonName: "postkasse@x.dk", Status: certs.StatusValid, Attention: []overview.Reason{overview.ReasonNotInstalled}},
			{SHA256: "new-mit", CommonName: "mit.dk", Status: certs.StatusValid, Attention: []overview.Reason{overview.ReasonNotInstalled}},
			{SHA256: "rev", CommonName: "revoked.dk", Status: certs.StatusRevoked, Revocation: certs.Revocation{Status: certs.RevocationRevoked}},
			{SHA256: "old-rev", CommonName: "old.dk", Status: certs.StatusExpired, Revocation: certs.Revocation{Status: certs.RevocationRevoked}},
			{SHA256: "locked", CommonName: "pw.dk", Status: certs.StatusValid, Operation: &overview.Operation{Kind: "install", State: portal.StateNeedsPassword}},
			{SHA256: "fail", CommonName: "fail.dk", Status: certs.StatusValid, Operation: &overview.Operation{Kind: "activate", State: portal.StateFailed}},
			{SHA256: "busy", CommonName: "busy.dk", Status: certs.StatusValid, Operation: &overview.Operation{Kind: "install", State: portal.StatePending}},
		},
	}
	got := Find(ov)
	var keys []string
	for _, r := range got {
		keys = append(keys, r.Key)
	}
	want := "expired:int-sm expiring:int-exo not_installed:new-mit revoked:rev needs_password:locked failed:fail"
	if strings.Join(keys, " ") != want {
		t.Fatalf("keys:\n got %s\nwant %s", strings.Join(keys, " "), want)
	}
	if got := Find(overview.Overview{Integrations: ov.Integrations[2:]}); len(got) != 0 {
		t.Errorf("nothing to do, got %v", got)
	}
}

// An integration whose certificate is revoked is reminded of as stopped,
// once: not again as a revoked certificate.
func TestFindRevokedIntegration(t *testing.T) {
	i := integration("int-exo", "exchange_online", "x.onmicrosoft.com", overview.StateRevoked, 300, overview.StepRenew)
	ov := overview.Overview{Integrations: []overview.Integration{i}, Certificates: []overview.Certificate{
		{SHA256: "int-exo-sha", CommonName: "x.onmicrosoft.com", Status: certs.StatusRevoked, Revocation: certs.Revocation{Status: certs.RevocationRevoked}},
	}}
	got := Find(ov)
	if len(got) != 1 || got[0].Key != "integration_revoked:int-exo" {
		t.Fatalf("reminders %+v", got)
	}
	for _, lang := range []string{"en", "da"} {
		line := Line(lang, got[0])
		if !strings.Contains(line, "Exchange Online") || !strings.Contains(line, map[string]string{"en": "revoked", "da": "spærret"}[lang]) {
			t.Errorf("%s: %q", lang, line)
		}
	}
}

func TestLines(t *testing.T) {
	exo := Reminder{Kind: KindExpiring, IntegrationKind: "exchange_online", Name: "x.onmicrosoft.com", DaysLeft: 12,
		Step: overview.StepRenew}
	for _, tt := range []struct {
		lang string
		r    Reminder
		want string
	}{
		{"en", exo, "Exchange Online (x.onmicrosoft.com): the certificate expires in 12 days. Renew it in MitID Erhverv, then install and activate it."},
		{"da", exo, "Exchange Online (x.onmicrosoft.com): certifikatet udløber om 12 dage. Forny det i MitID Erhverv, og installér og aktivér det derefter."},
		{"en", Reminder{Kind: KindExpiring, IntegrationKind: "mit_dk", Name: "mit.dk", DaysLeft: 1, Step: overview.StepActivate, Successor: "mit.dk 2029"},
			"mit.dk: the certificate expires in 1 day. Activate the renewal mit.dk 2029."},
		{"da", Reminder{Kind: KindExpiring, IntegrationKind: "mit_dk", Name: "mit.dk", DaysLeft: 1, Step: overview.StepWait},
			"mit.dk: certifikatet udløber om 1 dag. En installation eller aktivering venter på at blive sendt."},
		{"en", Reminder{Kind: KindExpiring, IntegrationKind: "digital_post", Name: "NgDP", DaysLeft: 0}, "Digital Post (NgDP): the certificate expires today."},
		{"en", Reminder{Kind: KindExpired, IntegrationKind: "secure_mail", Name: "s@x.dk", DaysLeft: -3, Step: overview.StepFix},
			"Secure mail (s@x.dk): the certificate has expired, and the integration has stopped. Its last install or activation failed."},
		{"da", Reminder{Kind: KindRevoked, Name: "r.dk"}, "Certifikatet r.dk er spærret."},
		{"en", Reminder{Kind: KindFailed, Name: "f.dk", Operation: "activate"}, "The activation of f.dk failed."},
		{"da", Reminder{Kind: KindFailed, Name: "f.dk", Operation: "install"}, "Installationen af f.dk i DPG mislykkedes."},
		{"en", Reminder{Kind: KindNeedsPassword, Name: "p.dk"}, "The install of p.dk waits for the file's password."},
		{"da", Reminder{Kind: KindNotInstalled, Name: "n.dk"}, "Fornyelsen n.dk ligger på denne pc, men er ikke installeret i DPG."},
	} {
		if got := Line(tt.lang, tt.r); got != tt.want {
			t.Errorf("%s %s:\n got %q\nwant %q", tt.lang, tt.r.Kind, got, tt.want)
		}
	}
}

func TestCompose(t *testing.T) {
	var rs []Reminder
	for range 7 {
		rs = append(rs, Reminder{Kind: KindRevoked, Name: "r.dk"})
	}
	m := Compose("en", rs)
	if m.Title != "7 things to do in DPG" {
		t.Errorf("title %q", m.Title)
	}
	lines := strings.Split(m.Body, "\n")
	if len(lines) != MaxLines+1 || lines[MaxLines] != "…and 2 more." {
		t.Errorf("body %q", m.Body)
	}
	if m := Compose("da", rs[:1]); m.Title != "1 opgave i DPG" || m.Body != "Certifikatet r.dk er spærret." {
		t.Errorf("one: %+v", m)
	}
}

// TestLedger: once a day at most, in the real store.
func TestLedger(t *testing.T) {
	st := storetest.Open(t, store.Memory)
	ctx := context.Background()
	clock := now
	l := Ledger{St: st, Now: func() time.Time { return clock }}
	rs := []Reminder{{Key: "expiring:a"}, {Key: "revoked:b"}}
	due, err := l.Due(ctx, rs)
	if err != nil || len(due) != 2 {
		t.Fatalf("first: %v %v", due, err)
	}
	if err := l.Mark(ctx, due[:1]); err != nil {
		t.Fatal(err)
	}
	if due, _ := l.Due(ctx, rs); len(due) != 1 || due[0].Key != "revoked:b" {
		t.Fatalf("same day: %v", due)
	}
	clock = clock.Add(24 * time.Hour)
	if due, _ := l.Due(ctx, rs); len(due) != 2 {
		t.Fatalf("next day: %v", due)
	}
}

// A clicked notification hands back the data it was sent with.
func TestTargetData(t *testing.T) {
	want := Target{IntegrationID: "int-exo", SHA256: strings.Repeat("a", 64), Path: "/c/exchange.p12"}
	if got := TargetIn(want.Data()); got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	if got := TargetIn(map[string]any{"sha256": 7}); got != (Target{}) {
		t.Fatalf("data of another shape: %+v", got)
	}
}

// A replaced certificate is history: revoked, failed or not installed, it
// gets no reminder.
func TestFindSkipsReplaced(t *testing.T) {
	by := "new"
	ov := overview.Overview{Certificates: []overview.Certificate{
		{SHA256: "old", CommonName: "old.dk", Status: certs.StatusRevoked, Revocation: certs.Revocation{Status: certs.RevocationRevoked},
			Operation: &overview.Operation{Kind: "install", State: portal.StateFailed}, ReplacedBy: &by},
		{SHA256: "new", CommonName: "old.dk", Status: certs.StatusRevoked, Revocation: certs.Revocation{Status: certs.RevocationRevoked}},
	}}
	got := Find(ov)
	if len(got) != 1 || got[0].Key != "revoked:new" {
		t.Fatalf("reminders %+v, want only revoked:new", got)
	}
}
