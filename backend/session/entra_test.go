package session_test

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/errs"
	"dpgcerts/backend/overview"
	"dpgcerts/backend/portal"
	"dpgcerts/backend/portal/portaltest"
	"dpgcerts/backend/portal/sandbox"
	"dpgcerts/backend/session"
	"dpgcerts/backend/store/storetest"
)

func TestMatchThumbprint(t *testing.T) {
	newCert := session.CertFacts{
		SHA1:   "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3",
		SHA256: "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
	}
	old := session.CertFacts{
		SHA1:   "0beec7b5ea3f0fdbc95d0dd47f3c5bc275da8a33",
		SHA256: "fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9",
	}
	colons := func(s string) string {
		var parts []string
		for i := 0; i < len(s); i += 2 {
			parts = append(parts, s[i:i+2])
		}
		return strings.Join(parts, ":")
	}
	for _, tt := range []struct {
		name, pasted string
		want         bool
	}{
		{"SHA-1", newCert.SHA1, true},
		{"SHA-256", newCert.SHA256, true},
		{"upper case, as Entra shows it", strings.ToUpper(newCert.SHA1), true},
		{"spaces", strings.ReplaceAll(colons(strings.ToUpper(newCert.SHA1)), ":", " "), true},
		{"colons", colons(newCert.SHA256), true},
		{"around it", "  " + strings.ToUpper(newCert.SHA1) + "\t", true},
		{"the old certificate's SHA-1", strings.ToUpper(old.SHA1), false},
		{"the old certificate's SHA-256", old.SHA256, false},
		{"a prefix", newCert.SHA1[:20], false},
		{"garbage", "not a thumbprint", false},
		{"empty", "", false},
		{"only colons", ":::", false},
	} {
		if got := session.MatchThumbprint(tt.pasted, newCert); got != tt.want {
			t.Errorf("%s: MatchThumbprint(%q) = %v, want %v", tt.name, tt.pasted, got, tt.want)
		}
	}
}

// Exchange Online's renewal through the session, as the window and the CLI
// take it: the renewal in DPG is offered as the successor of the certificate
// in use (by SHA-256, with no file), the old certificate's thumbprint is
// refused naming it, the match is kept in SQLite so that a session opened
// afterwards (the window closed between the steps) is at the activation,
// and the activation leaves the note to remove the old certificate until it
// is dismissed. Skipping the check is logged.
func TestExchangeOnlineRenewal(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	url, _ := portaltest.Sandbox(t, sandbox.Options{})
	db := filepath.Join(t.TempDir(), "app.db")
	open := func(log io.Writer) *session.Session {
		t.Helper()
		st := storetest.Open(t, db)
		ses := withoutKeychain(session.Options{Store: st, Log: log})
		if err := ses.SignIn(ctx, url, sandbox.TokenAdmin, false); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(ses.Stop)
		return ses
	}
	var logged bytes.Buffer
	ses := open(&logged)
	send := session.SendOptions{GiveUpAfter: 10 * time.Second}
	pki := portaltest.NewPKI(t)
	dir := t.TempDir()
	install := func(name string, l portaltest.Leaf) string {
		t.Helper()
		path := portaltest.WriteFile(t, dir, name, pki.P12(t, pki.Issue(t, l), ""))
		res, _, err := ses.Install(ctx, []string{path}, send)
		if err != nil || res[0].Result != session.ResultInstalled {
			t.Fatalf("install %s: %+v, %v", name, res, err)
		}
		return res[0].Operation.CertificateSHA256
	}
	const cn = "exo@testkommune-nord.dk"
	oldSHA := install("old.p12", portaltest.Leaf{CN: cn, NotAfter: time.Now().AddDate(0, 0, 20)})
	const exo = sandbox.IntegrationExchangeOnline
	plan, err := ses.PrepareActivation(ctx, exo, session.Ref{SHA256: oldSHA})
	if err != nil || !plan.NeedsEntra {
		t.Fatalf("plan of the first certificate: %+v, %v", plan, err)
	}
	if out, err := ses.Activate(ctx, exo, session.Ref{SHA256: oldSHA}, plan.Integration.Version, session.ActivateOptions{SendOptions: send, SkipEntraCheck: true}); err != nil || out.Result != session.ResultActivated {
		t.Fatalf("activate without the Entra check: %+v, %v", out, err)
	}
	if !strings.Contains(logged.String(), "without checking Entra") || !strings.Contains(logged.String(), strings.ToUpper(plan.New.SHA1)) {
		t.Fatalf("the escape hatch is not in the log: %q", logged.String())
	}
	if err := ses.DismissEntraNote(ctx, exo); err != nil {
		t.Fatal(err)
	}

	newSHA := install("renewal.p12", portaltest.Leaf{CN: cn})
	succ, err := ses.Successors(ctx, session.Ref{SHA256: newSHA})
	if err != nil || len(succ) != 1 || succ[0].Predecessor.SHA256 != oldSHA || succ[0].Integration.IntegrationID != exo {
		t.Fatalf("the renewal in DPG renews the certificate in use: %+v, %v", succ, err)
	}
	step := func(ses *session.Session) overview.Integration {
		t.Helper()
		ov, err := ses.Overview(ctx, 30)
		if err != nil {
			t.Fatal(err)
		}
		for _, i := range ov.Integrations {
			if i.ID == exo {
				return i
			}
		}
		t.Fatalf("no %s in the overview", exo)
		return overview.Integration{}
	}
	if i := step(ses); i.NextStep != overview.StepRegisterEntra || i.EntraNote != nil {
		t.Fatalf("installed, Entra not confirmed: %+v", i)
	}
	plan, err = ses.PrepareActivation(ctx, exo, session.Ref{SHA256: newSHA})
	if err != nil || !plan.NeedsEntra || plan.Old == nil || plan.Old.SHA256 != oldSHA {
		t.Fatalf("plan of the renewal: %+v, %v", plan, err)
	}
	if _, err := ses.Activate(ctx, exo, session.Ref{SHA256: newSHA}, plan.Integration.Version, session.ActivateOptions{SendOptions: send}); errs.Code(err) != errs.EntraNotRegistered {
		t.Fatalf("activate before Entra: %v, want entra_not_registered", err)
	}
	chk, err := ses.CheckEntra(ctx, session.Ref{SHA256: newSHA}, strings.ToUpper(plan.Old.SHA1))
	if err != nil || chk.Matched || chk.Code != errs.EntraThumbprintMismatch || chk.Known == nil || chk.Known.SHA256 != oldSHA {
		t.Fatalf("the old certificate's thumbprint: %+v, %v", chk, err)
	}
	if chk, err := ses.CheckEntra(ctx, session.Ref{SHA256: newSHA}, "not a thumbprint"); err != nil || chk.Matched || chk.Code != errs.InvalidThumbprint {
		t.Fatalf("garbage: %+v, %v", chk, err)
	}
	if i := step(ses); i.NextStep != overview.StepRegisterEntra {
		t.Fatalf("after refused pastes: %s", i.NextStep)
	}
	colons := strings.Join(regexp.MustCompile("..").FindAllString(strings.ToUpper(newSHA), -1), ":")
	if chk, err := ses.CheckEntra(ctx, session.Ref{SHA256: newSHA[:12]}, colons); err != nil || !chk.Matched {
		t.Fatalf("the SHA-256 with colons: %+v, %v", chk, err)
	}

	// The window closed between the steps: the next one is the activation.
	ses.Stop()
	again := open(io.Discard)
	if i := step(again); i.NextStep != overview.StepActivate {
		t.Fatalf("after a restart: %s, want activate", i.NextStep)
	}
	plan, err = again.PrepareActivation(ctx, exo, session.Ref{SHA256: newSHA})
	if err != nil || plan.NeedsEntra {
		t.Fatalf("plan after a restart: %+v, %v", plan, err)
	}
	out, err := again.Activate(ctx, exo, session.Ref{SHA256: newSHA}, plan.Integration.Version, session.ActivateOptions{SendOptions: send})
	if err != nil || out.Result != session.ResultActivated || out.Old == nil || out.Old.SHA256 != oldSHA {
		t.Fatalf("activate: %+v, %v", out, err)
	}
	if err := again.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	i := step(again)
	if i.NextStep != overview.StepNone || i.EntraNote == nil || !strings.EqualFold(i.EntraNote.OldSHA1, plan.Old.SHA1) {
		t.Fatalf("after the activation: %+v (note %+v)", i, i.EntraNote)
	}
	if err := again.DismissEntraNote(ctx, exo); err != nil {
		t.Fatal(err)
	}
	if i := step(again); i.EntraNote != nil {
		t.Fatalf("a dismissed note: %+v", i.EntraNote)
	}
}

// An install still in the outbox (DPG down) is known by the file it came
// from: the thumbprint Entra shows, its SHA-1, matches it, as it will once
// DPG has it.
func TestEntraCheckOfAnInstallInTheOutbox(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	url, srv := portaltest.Sandbox(t, sandbox.Options{})
	st := storetest.Open(t, filepath.Join(t.TempDir(), "app.db"))
	pki := portaltest.NewPKI(t)
	issued := pki.Issue(t, portaltest.Leaf{CN: "exo@testkommune-nord.dk"})
	data := pki.P12(t, issued, "")
	path := portaltest.WriteFile(t, t.TempDir(), "renewal.p12", data)
	f := certs.Read(data, certs.Options{Now: time.Now()})
	f.Path = path
	ses := withoutKeychain(session.Options{Store: st, Files: fakeFiles{path: f}})
	// Signed in as the CLI is: no background sync to send it meanwhile.
	if err := ses.Connect(url, sandbox.TokenAdmin); err != nil {
		t.Fatal(err)
	}
	srv.SetChaos(sandbox.Chaos{Fail5xx: 1})
	res, _, err := ses.Install(ctx, []string{path}, session.SendOptions{GiveUpAfter: 300 * time.Millisecond})
	if err != nil || res[0].Result != session.ResultPending {
		t.Fatalf("install with DPG down: %+v, %v", res, err)
	}
	ref := session.Ref{SHA256: f.Certificate.SHA256}
	chk, err := ses.CheckEntra(ctx, ref, strings.ToUpper(f.Certificate.SHA1))
	if err != nil || !chk.Matched {
		t.Fatalf("the SHA-1 of an install in the outbox: %+v, %v", chk, err)
	}
	chk, err = ses.CheckEntra(ctx, ref, strings.Repeat("0", 40))
	if err != nil || chk.Matched || !strings.Contains(chk.Message, strings.ToUpper(f.Certificate.SHA1)) {
		t.Fatalf("another thumbprint: %+v, %v", chk, err)
	}
	if ops, err := ses.Operations(ctx, portal.StatePending); err != nil || len(ops) != 1 {
		t.Fatalf("the install is no longer in the outbox: %+v, %v", ops, err)
	}
}
