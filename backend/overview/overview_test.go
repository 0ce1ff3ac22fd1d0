package overview_test

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/errs"
	"dpgcerts/backend/overview"
	"dpgcerts/backend/portal"
)

var now = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

const warnDays = 30

// cert is a certificate's facts; sha is its (fake) thumbprint.
func cert(sha, uuid string, daysLeft int) certs.Certificate {
	return certs.Certificate{SHA256: strings.Repeat(sha, 64/len(sha)), SHA1: strings.Repeat(sha, 40/len(sha)),
		CommonName: "postkasse@testkommune-nord.dk", CVR: "29189889", UUID: uuid, OCES: "oces3",
		NotBefore: now.AddDate(-1, 0, 0), NotAfter: now.AddDate(0, 0, daysLeft).Add(time.Hour), Raw: []byte("der-" + sha)}
}

// p12 is a file with the certificate and its key; cer one without a key.
func p12(path string, c certs.Certificate) certs.File {
	f := certs.File{Path: path, Format: certs.FormatPKCS12, HasPrivateKey: true, KeyMatchesCertificate: true, Certificate: &c}
	certs.Judge(&f, now, warnDays)
	f.Status, _ = certs.JudgeDates(c.NotBefore, c.NotAfter, now, warnDays)
	return f
}

func cer(path string, c certs.Certificate) certs.File {
	f := p12(path, c)
	f.Format, f.HasPrivateKey, f.KeyMatchesCertificate = certs.FormatDER, false, false
	return f
}

// record is the portal's record of a certificate, used by the integrations.
func record(id string, c certs.Certificate, usedBy ...portal.Integration) portal.Certificate {
	r := portal.Certificate{ID: id, SHA256: c.SHA256, SHA1: c.SHA1, CommonName: c.CommonName, CVR: c.CVR, UUID: c.UUID,
		NotBefore: c.NotBefore, NotAfter: c.NotAfter, InstalledAt: now.AddDate(0, -6, 0), InstalledBy: "admin@testkommune-nord.dk",
		Certificate: []byte("portal-der-" + id), Usages: []portal.Usage{}}
	for _, in := range usedBy {
		r.Usages = append(r.Usages, portal.Usage{IntegrationID: in.ID, Kind: in.Kind, Name: in.Name})
	}
	return r
}

func integration(id, kind, activeID string) portal.Integration {
	in := portal.Integration{ID: id, Kind: kind, Name: id + ".example", Version: "v1"}
	if activeID != "" {
		at := now.AddDate(0, -6, 0)
		in.ActiveCertificateID, in.ActivatedAt = &activeID, &at
	}
	return in
}

func op(id int64, kind, state string, set func(*portal.Operation)) portal.Operation {
	o := portal.Operation{ID: id, Kind: kind, State: state, CreatedAt: now.Add(-time.Hour)}
	if state == portal.StateDone || state == portal.StateFailed {
		o.FinishedAt = now.Add(-30 * time.Minute)
	}
	set(&o)
	return o
}

// Fixtures: the Exchange Online certificate "a" (expiring in 10 days) and
// its renewals, the Digital Post certificate "d" (valid), another mailbox.
var (
	exo    = integration("int-exo", portal.KindExchangeOnline, "id-a")
	dp     = integration("int-dp", portal.KindDigitalPost, "id-d")
	mitdk  = integration("int-mitdk", portal.KindMitDK, "")
	certA  = cert("a", "U-EXO", 10)
	certB  = cert("b", "U-EXO", 3*365)
	certD  = withName(cert("d", "U-DP", 400), "digitalpost@testkommune-nord.dk")
	recA   = record("id-a", certA, exo)
	recD   = record("id-d", certD, dp)
	shaOf  = func(c certs.Certificate) string { return c.SHA256 }
	idOf   = func(s string) *string { return &s }
	exoOps = func(st string) portal.Operation {
		return op(7, "activate", st, func(o *portal.Operation) {
			o.IntegrationID, o.CertificateID, o.IfMatch = exo.ID, portal.SHA256Ref(certB.SHA256), "v1"
			if st == portal.StateFailed {
				o.ErrorCode = errs.PreconditionFailed
			}
		})
	}
)

func withName(c certs.Certificate, name string) certs.Certificate {
	c.CommonName = name
	return c
}

func find(ov overview.Overview, sha string) *overview.Certificate {
	for i := range ov.Certificates {
		if ov.Certificates[i].SHA256 == sha {
			return &ov.Certificates[i]
		}
	}
	return nil
}

func integ(ov overview.Overview, id string) overview.Integration {
	for _, in := range ov.Integrations {
		if in.ID == id {
			return in
		}
	}
	return overview.Integration{}
}

// base is an input whose certificates Entra has (TestExchangeOnlineSteps
// takes that step).
func base(files []certs.File, recs []portal.Certificate, ops ...portal.Operation) overview.Input {
	entra := map[string]bool{}
	for _, f := range files {
		if f.Certificate != nil {
			entra[strings.ToLower(f.Certificate.SHA256)] = true
		}
	}
	for _, r := range recs {
		entra[strings.ToLower(r.SHA256)] = true
	}
	return overview.Input{Files: files, Certificates: recs, Integrations: []portal.Integration{exo, dp, mitdk},
		Operations: ops, SyncedAt: now.Add(-time.Minute), Me: &portal.Me{Organization: portal.Organization{CVR: "29189889", Name: "Testkommune Nord"}},
		Now: now, WarnDays: warnDays, EntraRegistered: entra}
}

// TestExchangeOnlineSteps follows Exchange Online's renewal through its
// three steps (install in DPG, register in Entra, activate) and the note
// after it; other integrations activate without the Entra step.
func TestExchangeOnlineSteps(t *testing.T) {
	recB := record("id-b", certB)
	stages := []struct {
		name string
		in   func(in *overview.Input)
		want overview.Step
	}{
		{"the renewal on this computer", func(in *overview.Input) {
			in.Files = []certs.File{p12("/c/renewal.p12", certB)}
		}, overview.StepInstallAndActivate},
		{"installed in DPG, Entra not confirmed", func(in *overview.Input) {
			in.Files = []certs.File{p12("/c/renewal.p12", certB)}
			in.Certificates = append(in.Certificates, recB)
		}, overview.StepRegisterEntra},
		{"installed, confirmed for another certificate only", func(in *overview.Input) {
			in.Certificates = append(in.Certificates, recB)
			in.EntraRegistered = map[string]bool{strings.ToLower(certA.SHA256): true}
		}, overview.StepRegisterEntra},
		{"the activation waits in the outbox", func(in *overview.Input) {
			in.Certificates = append(in.Certificates, recB)
			in.Operations = []portal.Operation{exoOps(portal.StatePending)}
		}, overview.StepWait},
		{"Entra confirmed (any case of the SHA-256)", func(in *overview.Input) {
			in.Certificates = append(in.Certificates, recB)
			in.EntraRegistered = map[string]bool{strings.ToLower(certB.SHA256): true}
		}, overview.StepActivate},
	}
	for _, st := range stages {
		t.Run(st.name, func(t *testing.T) {
			in := overview.Input{Certificates: []portal.Certificate{recA, recD}, Integrations: []portal.Integration{exo, dp},
				SyncedAt: now.Add(-time.Minute), Now: now, WarnDays: warnDays}
			st.in(&in)
			if got := integ(overview.Build(in), exo.ID).NextStep; got != st.want {
				t.Fatalf("next step %q, want %q", got, st.want)
			}
		})
	}

	// Activated: nothing to do, and the note to remove the old certificate
	// from the app registration until it is dismissed.
	active := integration("int-exo", portal.KindExchangeOnline, "id-b")
	note := overview.EntraNote{OldSHA1: strings.ToUpper(certA.SHA1), OldCommonName: certA.CommonName, At: now}
	in := overview.Input{Certificates: []portal.Certificate{recA, record("id-b", certB, active), recD}, Integrations: []portal.Integration{active, dp},
		SyncedAt: now.Add(-time.Minute), Now: now, WarnDays: warnDays,
		EntraNotes: map[string]overview.EntraNote{"int-exo": note, "int-dp": note}}
	ov := overview.Build(in)
	if e := integ(ov, exo.ID); e.NextStep != overview.StepNone || e.EntraNote == nil || *e.EntraNote != note {
		t.Fatalf("after the activation: %+v", e)
	}
	if d := integ(ov, dp.ID); d.EntraNote != nil {
		t.Fatalf("a note on Digital Post: %+v", d.EntraNote)
	}
	in.EntraNotes = nil
	if e := integ(overview.Build(in), exo.ID); e.EntraNote != nil {
		t.Fatalf("a dismissed note: %+v", e.EntraNote)
	}

	// Digital Post's renewal in DPG: activate, no Entra step.
	dpOld := integration("int-dp", portal.KindDigitalPost, "id-o")
	old := withName(cert("o", "U-DP", 10), "digitalpost@testkommune-nord.dk")
	in = overview.Input{Certificates: []portal.Certificate{record("id-o", old, dpOld), record("id-d", certD)}, Integrations: []portal.Integration{dpOld},
		SyncedAt: now.Add(-time.Minute), Now: now, WarnDays: warnDays}
	if d := integ(overview.Build(in), dpOld.ID); d.NextStep != overview.StepActivate {
		t.Fatalf("digital post: %+v", d)
	}
}

// want is what a case expects of the Exchange Online integration.
type want struct {
	state     overview.State
	step      overview.Step
	successor string // sha, "" for none
	inPortal  bool
}

type buildCase struct {
	name  string
	in    overview.Input
	exo   want
	tiles overview.Tiles
	check func(t *testing.T, ov overview.Overview)
}

func TestBuild(t *testing.T) {
	tests := []buildCase{
		{
			name: "one certificate in three files",
			in: base([]certs.File{p12("/c/exo.p12", certB), cer("/c/exo.cer", certB), p12("/b/copy/exo.pfx", certB)},
				[]portal.Certificate{recA, recD}),
			exo:   want{overview.StateExpiring, overview.StepInstallAndActivate, shaOf(certB), false},
			tiles: overview.Tiles{Valid: 2, Expiring: 1, Attention: 1},
			check: func(t *testing.T, ov overview.Overview) {
				if len(ov.Certificates) != 3 {
					t.Fatalf("%d certificates, want 3 (one per SHA-256)", len(ov.Certificates))
				}
				b := find(ov, certB.SHA256)
				if want := []string{"/b/copy/exo.pfx", "/c/exo.cer", "/c/exo.p12"}; !reflect.DeepEqual(b.Files, want) {
					t.Fatalf("files %v, want %v", b.Files, want)
				}
				if b.InPortal || b.PortalID != nil || string(b.Raw) != "der-b" {
					t.Fatalf("local certificate: %+v", b)
				}
			},
		},
		{
			name:  "a certificate only in DPG",
			in:    base(nil, []portal.Certificate{recA, recD}),
			exo:   want{overview.StateExpiring, overview.StepRenew, "", false},
			tiles: overview.Tiles{Valid: 1, Expiring: 1, Attention: 1},
			check: func(t *testing.T, ov overview.Overview) {
				d := find(ov, certD.SHA256)
				if d == nil || !d.InPortal || *d.PortalID != "id-d" || len(d.Files) != 0 || d.InstalledBy != "admin@testkommune-nord.dk" ||
					d.InstalledAt == nil || string(d.Raw) != "portal-der-id-d" || d.DaysLeft != 400 || d.Status != certs.StatusValid {
					t.Fatalf("DPG-only certificate: %+v", d)
				}
				if want := []overview.Usage{{IntegrationID: dp.ID, Kind: dp.Kind, Name: dp.Name}}; !reflect.DeepEqual(d.Usages, want) {
					t.Fatalf("usages %v", d.Usages)
				}
				if dpi := integ(ov, dp.ID); dpi.State != overview.StateOK || dpi.NextStep != overview.StepNone || dpi.Certificate.DaysLeft != 400 {
					t.Fatalf("digital post: %+v", dpi)
				}
				if m := integ(ov, mitdk.ID); m.State != overview.StateNoCertificate || m.NextStep != overview.StepNone || m.Certificate != nil {
					t.Fatalf("mit.dk: %+v", m)
				}
				if a := find(ov, certA.SHA256); !slices.Equal(a.Attention, []overview.Reason{overview.ReasonNoSuccessor}) {
					t.Fatalf("the expiring certificate in use without a successor: %v", a.Attention)
				}
			},
		},
		{
			name:  "a renewal on disk only",
			in:    base([]certs.File{p12("/c/renewed.p12", certB)}, []portal.Certificate{recA, recD}),
			exo:   want{overview.StateExpiring, overview.StepInstallAndActivate, shaOf(certB), false},
			tiles: overview.Tiles{Valid: 2, Expiring: 1, Attention: 1},
			check: func(t *testing.T, ov overview.Overview) {
				s := integ(ov, exo.ID).Successor
				if !reflect.DeepEqual(s.Files, []string{"/c/renewed.p12"}) || s.PortalID != nil {
					t.Fatalf("successor %+v", s)
				}
				if b := find(ov, certB.SHA256); !slices.Equal(b.Attention, []overview.Reason{overview.ReasonNotInstalled}) {
					t.Fatalf("renewal not installed: %v", b.Attention)
				}
				if a := find(ov, certA.SHA256); len(a.Attention) != 0 {
					t.Fatalf("the old certificate has a successor: %v", a.Attention)
				}
			},
		},
		{
			name: "a renewal on disk as .cer only can't be installed",
			in:   base([]certs.File{cer("/c/renewed.cer", certB)}, []portal.Certificate{recA, recD}),
			exo:  want{overview.StateExpiring, overview.StepRenew, "", false},
			// a: no successor; b: nothing to do with it.
			tiles: overview.Tiles{Valid: 2, Expiring: 1, Attention: 1},
		},
		{
			name:  "a renewal installed but not active",
			in:    base(nil, []portal.Certificate{recA, recD, record("id-b", certB)}),
			exo:   want{overview.StateExpiring, overview.StepActivate, shaOf(certB), true},
			tiles: overview.Tiles{Valid: 2, Expiring: 1},
			check: func(t *testing.T, ov overview.Overview) {
				if s := integ(ov, exo.ID).Successor; s.PortalID == nil || *s.PortalID != "id-b" || s.DaysLeft != 3*365 {
					t.Fatalf("successor %+v", s)
				}
			},
		},
		{
			name: "a renewal in DPG wins over a later one on disk",
			in: base([]certs.File{p12("/c/later.p12", cert("c", "U-EXO", 4*365))},
				[]portal.Certificate{recA, recD, record("id-b", certB)}),
			exo: want{overview.StateExpiring, overview.StepActivate, shaOf(certB), true},
			// c is a renewal not installed.
			tiles: overview.Tiles{Valid: 3, Expiring: 1, Attention: 1},
		},
		{
			name: "an older certificate of the same mailbox is no successor",
			in: base([]certs.File{p12("/c/old.p12", cert("e", "U-EXO", 5))},
				[]portal.Certificate{recA, recD}),
			exo: want{overview.StateExpiring, overview.StepRenew, "", false},
			// e: replaced by a, which is in use.
			tiles: overview.Tiles{Valid: 1, Expiring: 1, Attention: 1, Replaced: 1},
		},
		{
			name: "another organisation's certificate is no successor",
			in: func() overview.Input {
				other := cert("f", "U-EXO", 3*365)
				other.CVR = "11223344"
				return base([]certs.File{p12("/c/other.p12", other)}, []portal.Certificate{recA, recD})
			}(),
			exo:   want{overview.StateExpiring, overview.StepRenew, "", false},
			tiles: overview.Tiles{Valid: 2, Expiring: 1, Attention: 1},
		},
		{
			name: "an expired integration",
			in: func() overview.Input {
				in := base(nil, []portal.Certificate{recA, recD})
				in.Now = now.AddDate(0, 0, 11)
				return in
			}(),
			exo:   want{overview.StateExpired, overview.StepRenew, "", false},
			tiles: overview.Tiles{Valid: 1, Invalid: 1, Attention: 1},
			check: func(t *testing.T, ov overview.Overview) {
				a := find(ov, certA.SHA256)
				if a.Status != certs.StatusExpired || a.DaysLeft != -1 || !slices.Equal(a.Attention, []overview.Reason{overview.ReasonNoSuccessor}) {
					t.Fatalf("expired certificate: %+v", a)
				}
				if ov.Integrations[0].ID != exo.ID {
					t.Fatalf("the expired integration comes first: %v", ov.Integrations[0].ID)
				}
			},
		},
		{
			name: "a revoked certificate in use",
			in: func() overview.Input {
				in := base(nil, []portal.Certificate{recA, recD})
				at := now.AddDate(0, 0, -2)
				in.Revocations = map[string]certs.Revocation{certA.SHA256: {Status: certs.RevocationRevoked, RevokedAt: &at, Reason: "keyCompromise", Source: "ocsp"}}
				return in
			}(),
			exo:   want{overview.StateRevoked, overview.StepRenew, "", false},
			tiles: overview.Tiles{Valid: 1, Invalid: 1, Attention: 1},
			check: func(t *testing.T, ov overview.Overview) {
				a := find(ov, certA.SHA256)
				if a.Status != certs.StatusRevoked || a.Revocation.Reason != "keyCompromise" || !slices.Equal(a.Attention, []overview.Reason{overview.ReasonNoSuccessor}) {
					t.Fatalf("revoked certificate: %+v", a)
				}
				if d := find(ov, certD.SHA256); d.Revocation.Status != certs.RevocationNotChecked {
					t.Fatalf("a certificate nobody asked about: %+v", d.Revocation)
				}
				if ov.Integrations[0].ID != exo.ID {
					t.Fatalf("the revoked integration comes first: %v", ov.Integrations[0].ID)
				}
			},
		},
		{
			name: "a revoked certificate with its renewal in DPG",
			in: func() overview.Input {
				in := base(nil, []portal.Certificate{recA, record("id-b", certB), recD})
				in.Revocations = map[string]certs.Revocation{certA.SHA256: {Status: certs.RevocationRevoked}}
				return in
			}(),
			exo:   want{overview.StateRevoked, overview.StepActivate, certB.SHA256, true},
			tiles: overview.Tiles{Valid: 2, Invalid: 1},
		},
		{
			name: "a good answer changes nothing, and a file's own answer counts",
			in: func() overview.Input {
				a := p12("/c/a.p12", certA)
				a.Certificate.Revocation = &certs.Revocation{Status: certs.RevocationGood, Source: "crl"}
				return base([]certs.File{a}, []portal.Certificate{recA, recD})
			}(),
			exo:   want{overview.StateExpiring, overview.StepRenew, "", false},
			tiles: overview.Tiles{Valid: 1, Expiring: 1, Attention: 1},
			check: func(t *testing.T, ov overview.Overview) {
				if a := find(ov, certA.SHA256); a.Revocation.Status != certs.RevocationGood || a.Status != certs.StatusExpiring {
					t.Fatalf("good answer: %+v", a)
				}
			},
		},
		{
			name: "a pending operation",
			in: base([]certs.File{p12("/c/renewed.p12", certB)}, []portal.Certificate{recA, recD},
				op(6, "install", portal.StatePending, func(o *portal.Operation) { o.CertificateSHA256 = certB.SHA256; o.Path = "/c/renewed.p12" }),
				exoOps(portal.StatePending)),
			exo:   want{overview.StateExpiring, overview.StepWait, shaOf(certB), false},
			tiles: overview.Tiles{Valid: 2, Expiring: 1, Attention: 1},
			check: func(t *testing.T, ov overview.Overview) {
				if o := find(ov, certB.SHA256).Operation; o == nil || o.ID != 7 || o.Kind != "activate" || o.State != portal.StatePending {
					t.Fatalf("operation %+v", o)
				}
			},
		},
		{
			name: "an install waiting for its password",
			in: base([]certs.File{p12("/c/renewed.p12", certB)}, []portal.Certificate{recA, recD},
				op(6, "install", portal.StateNeedsPassword, func(o *portal.Operation) {
					o.CertificateSHA256, o.ErrorCode = certB.SHA256, errs.PasswordRequired
				})),
			exo:   want{overview.StateExpiring, overview.StepWait, shaOf(certB), false},
			tiles: overview.Tiles{Valid: 2, Expiring: 1, Attention: 1},
			check: func(t *testing.T, ov overview.Overview) {
				if o := find(ov, certB.SHA256).Operation; o == nil || o.State != portal.StateNeedsPassword || o.ErrorCode != errs.PasswordRequired {
					t.Fatalf("operation %+v", o)
				}
			},
		},
		{
			name: "a failed operation",
			in: base(nil, []portal.Certificate{recA, recD, record("id-b", certB)},
				op(6, "install", portal.StateDone, func(o *portal.Operation) { o.CertificateSHA256, o.CertificateID = certB.SHA256, "id-b" }),
				exoOps(portal.StateFailed)),
			exo:   want{overview.StateExpiring, overview.StepFix, shaOf(certB), true},
			tiles: overview.Tiles{Valid: 2, Expiring: 1},
			check: func(t *testing.T, ov overview.Overview) {
				if o := find(ov, certB.SHA256).Operation; o == nil || o.State != portal.StateFailed || o.ErrorCode != errs.PreconditionFailed {
					t.Fatalf("operation %+v", o)
				}
			},
		},
		{
			name: "a failure before the integration's last change is history",
			in: func() overview.Input {
				in := base(nil, []portal.Certificate{recA, recD, record("id-b", certB)}, exoOps(portal.StateFailed))
				e := exo
				at := now.Add(-time.Minute)
				e.ActivatedAt = &at
				in.Integrations = []portal.Integration{e, dp, mitdk}
				return in
			}(),
			exo:   want{overview.StateExpiring, overview.StepActivate, shaOf(certB), true},
			tiles: overview.Tiles{Valid: 2, Expiring: 1},
		},
		{
			name: "a later activation that went through makes a failure history",
			in: base(nil, []portal.Certificate{recA, recD, record("id-b", certB)},
				exoOps(portal.StateFailed), op(8, "activate", portal.StateDone, func(o *portal.Operation) { o.IntegrationID = "int-exo" })),
			exo:   want{overview.StateExpiring, overview.StepActivate, shaOf(certB), true},
			tiles: overview.Tiles{Valid: 2, Expiring: 1},
			check: func(t *testing.T, ov overview.Overview) {
				if o := find(ov, certB.SHA256).Operation; o == nil || o.State != portal.StateFailed {
					t.Fatalf("b's own last operation failed: %+v", o)
				}
			},
		},
		{
			name: "an ok integration with its renewal on disk",
			in: func() overview.Input {
				in := base([]certs.File{p12("/c/renewed.p12", certB)}, []portal.Certificate{recA, recD})
				in.WarnDays = 5
				return in
			}(),
			exo:   want{overview.StateOK, overview.StepInstallAndActivate, shaOf(certB), false},
			tiles: overview.Tiles{Valid: 3, Attention: 1},
		},
		{
			name: "a locked file",
			in: base([]certs.File{
				{Path: "/c/locked.p12", Format: certs.FormatPKCS12, Status: certs.StatusLocked,
					Error: &errs.Error{Code: errs.PasswordRequired, Message: "No known password opens the file."}},
				{Path: "/c/junk.p12", Status: certs.StatusUnreadable, Error: &errs.Error{Code: errs.Malformed, Message: "damaged"}},
			}, []portal.Certificate{recA, recD}),
			exo:   want{overview.StateExpiring, overview.StepRenew, "", false},
			tiles: overview.Tiles{Valid: 1, Expiring: 1, Attention: 3},
			check: func(t *testing.T, ov overview.Overview) {
				if len(ov.Files) != 2 || ov.Files[0].Path != "/c/junk.p12" || ov.Files[1].Status != certs.StatusLocked ||
					ov.Files[1].Error.Code != errs.PasswordRequired || len(ov.Certificates) != 2 {
					t.Fatalf("files %+v", ov.Files)
				}
			},
		},
		{
			name: "signed out: the local certificates only",
			in: overview.Input{Files: []certs.File{p12("/c/renewed.p12", certB), func() certs.File {
				f := p12("/c/bad.p12", cert("9", "U-9", 100))
				f.Status, f.KeyMatchesCertificate = certs.StatusInvalid, false
				return f
			}(), p12("/c/oces2.p12", func() certs.Certificate { c := cert("8", "U-8", 100); c.OCES = "oces2"; return c }())},
				Now: now, WarnDays: warnDays},
			tiles: overview.Tiles{Valid: 2, Invalid: 1, Attention: 1},
			check: func(t *testing.T, ov overview.Overview) {
				if ov.SyncedAt != nil || ov.Organization != nil || len(ov.Integrations) != 0 {
					t.Fatalf("signed out: %+v", ov)
				}
				if c := find(ov, cert("9", "", 0).SHA256); c.Status != certs.StatusInvalid {
					t.Fatalf("a certificate only in an invalid file: %s", c.Status)
				}
				if c := find(ov, cert("8", "", 0).SHA256); !slices.Equal(c.Attention, []overview.Reason{overview.ReasonOCES2}) {
					t.Fatalf("OCES2: %v", c.Attention)
				}
			},
		},
		{
			name: "a revoked file: its certificate is revoked, in every file",
			in: overview.Input{Files: []certs.File{func() certs.File {
				f := p12("/c/revoked.p12", cert("7", "U-7", 100))
				f.Status = certs.StatusRevoked
				return f
			}(), cer("/c/revoked.cer", cert("7", "U-7", 100))}, Now: now, WarnDays: warnDays},
			tiles: overview.Tiles{Invalid: 1},
			check: func(t *testing.T, ov overview.Overview) {
				if c := find(ov, cert("7", "", 0).SHA256); c.Status != certs.StatusRevoked || len(c.Files) != 2 {
					t.Fatalf("revoked: %s %v", c.Status, c.Files)
				}
			},
		},
		{
			// Two Exchange Online integrations (test and production), each with
			// its own certificate of the same name: neither is the other's renewal.
			name: "another integration's certificate of the same kind is no successor",
			in: func() overview.Input {
				prod := integration("int-exo-prod", portal.KindExchangeOnline, "id-p")
				in := base(nil, []portal.Certificate{recA, recD, record("id-p", cert("c", "U-EXO", 2*365), prod)})
				in.Integrations = append(in.Integrations, prod)
				return in
			}(),
			exo:   want{overview.StateExpiring, overview.StepRenew, "", false},
			tiles: overview.Tiles{Valid: 2, Expiring: 1, Attention: 1},
			check: func(t *testing.T, ov overview.Overview) {
				if p := integ(ov, "int-exo-prod"); p.State != overview.StateOK || p.NextStep != overview.StepNone || p.Successor != nil {
					t.Fatalf("production: %+v", p)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := json.Marshal(tt.in)
			ov := overview.Build(tt.in)
			if after, _ := json.Marshal(tt.in); string(before) != string(after) {
				t.Fatal("Build changed its input")
			}
			if ov.Tiles != tt.tiles {
				t.Errorf("tiles %+v, want %+v", ov.Tiles, tt.tiles)
			}
			if len(tt.in.Integrations) > 0 {
				e := integ(ov, exo.ID)
				got := want{state: e.State, step: e.NextStep}
				if e.Successor != nil {
					got.successor, got.inPortal = e.Successor.SHA256, e.Successor.InPortal
				}
				if got != tt.exo {
					t.Errorf("exchange online: %+v, want %+v", got, tt.exo)
				}
				if e.Certificate == nil || e.Certificate.SHA256 != certA.SHA256 || e.Certificate.PortalID != "id-a" || e.Version != "v1" {
					t.Errorf("exchange online's certificate %+v", e.Certificate)
				}
			}
			// The tiles agree with the list.
			n := 0
			for _, c := range ov.Certificates {
				if len(c.Attention) > 0 {
					n++
				}
			}
			if n+len(ov.Files) != ov.Tiles.Attention || ov.Tiles.Valid+ov.Tiles.Expiring+ov.Tiles.Invalid+ov.Tiles.Replaced != len(ov.Certificates) {
				t.Errorf("tiles %+v disagree with %d certificates (%d need attention) and %d files", ov.Tiles, len(ov.Certificates), n, len(ov.Files))
			}
			if tt.check != nil {
				tt.check(t, ov)
			}
		})
	}
}

func TestIntegrationOrder(t *testing.T) {
	// Secure mail (expired) stops first, then Exchange Online (10 days),
	// then Digital Post (ok); mit.dk has nothing to stop.
	sm := integration("int-sm", portal.KindSecureMail, "id-s")
	recS := record("id-s", withName(cert("5", "U-SM", -3), "sikkerpost@testkommune-nord.dk"), sm)
	in := base(nil, []portal.Certificate{recA, recD, recS})
	in.Integrations = []portal.Integration{mitdk, dp, exo, sm}
	var got []string
	for _, i := range overview.Build(in).Integrations {
		got = append(got, i.ID+":"+string(i.State))
	}
	if want := []string{"int-sm:expired", "int-exo:expiring", "int-dp:ok", "int-mitdk:no_certificate"}; !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
	// Certificates: the one that expires first first.
	var shas []string
	for _, c := range overview.Build(in).Certificates {
		shas = append(shas, c.SHA256[:1])
	}
	if want := []string{"5", "a", "d"}; !slices.Equal(shas, want) {
		t.Fatalf("certificates %v, want %v", shas, want)
	}
}

// TestJSONShape checks the names of the issue's `status --json` shape.
func TestJSONShape(t *testing.T) {
	ov := overview.Build(base([]certs.File{p12("/c/renewed.p12", certB), {Path: "/c/x", Status: certs.StatusUnreadable,
		Error: &errs.Error{Code: errs.Malformed, Message: "damaged"}}}, []portal.Certificate{recA, recD}))
	data, err := json.Marshal(ov)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(data, &m)
	keys := func(what string, v any, want ...string) {
		t.Helper()
		obj, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%s is %T, want an object", what, v)
		}
		for _, k := range want {
			if _, ok := obj[k]; !ok {
				t.Errorf("%s has no %q: %v", what, k, obj)
			}
		}
	}
	keys("overview", m, "syncedAt", "organization", "warnDays", "integrations", "certificates", "files")
	keys("organization", m["organization"], "cvr", "name")
	ints := m["integrations"].([]any)
	exoJSON := ints[0].(map[string]any)
	keys("integration", exoJSON, "id", "kind", "name", "state", "nextStep", "certificate", "successor")
	keys("integration.certificate", exoJSON["certificate"], "sha256", "commonName", "notAfter", "daysLeft")
	keys("integration.successor", exoJSON["successor"], "sha256", "inPortal", "files")
	if mit := ints[2].(map[string]any); mit["certificate"] != nil || mit["successor"] != nil {
		t.Errorf("mit.dk without a certificate: %v", mit)
	}
	for _, c := range m["certificates"].([]any) {
		keys("certificate", c, "sha256", "commonName", "cvr", "notAfter", "daysLeft", "status", "inPortal", "portalId",
			"files", "usages", "operation", "replacedBy", "replacedAt")
	}
	keys("usage", m["certificates"].([]any)[0].(map[string]any)["usages"].([]any)[0], "integrationId", "kind")
	keys("file", m["files"].([]any)[0], "path", "status", "error")
	if strings.Contains(string(data), "der-") {
		t.Error("the DER is in the JSON")
	}
	// Signed out: null, and empty lists rather than null.
	data, _ = json.Marshal(overview.Build(overview.Input{Now: now, WarnDays: warnDays}))
	if want := `{"syncedAt":null,"organization":null,"warnDays":30,"integrations":[],"certificates":[],"files":[],"tiles":{"valid":0,"expiring":0,"invalid":0,"attention":0,"replaced":0}}`; string(data) != want {
		t.Errorf("empty overview:\n got %s\nwant %s", data, want)
	}
}

// BenchmarkBuild: 10,000 files (5,000 certificates), 1,000 in DPG and an
// outbox of 5,000 installs, as after a bulk install.
func BenchmarkBuild(b *testing.B) {
	in := base(nil, []portal.Certificate{recA, recD})
	for i := range 5000 {
		c := cert("a", "U-EXO", 400)
		c.SHA256 = strings.Repeat("0", 56) + hex8(i)
		in.Files = append(in.Files, p12("/c/"+hex8(i)+".p12", c), cer("/c/"+hex8(i)+".cer", c))
		if i < 1000 {
			in.Certificates = append(in.Certificates, record("id-"+hex8(i), c))
		}
		in.Operations = append(in.Operations, op(int64(i+1), "install", portal.StateDone, func(o *portal.Operation) { o.CertificateSHA256 = c.SHA256 }))
	}
	b.ResetTimer()
	for b.Loop() {
		overview.Build(in)
	}
}

func hex8(i int) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 8)
	for k := 7; k >= 0; k-- {
		out[k] = digits[i&15]
		i >>= 4
	}
	return string(out)
}
