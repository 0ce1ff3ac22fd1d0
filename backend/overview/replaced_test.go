package overview_test

import (
	"testing"
	"time"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/overview"
	"dpgcerts/backend/portal"
)

// replacedWant is what a case expects of one certificate: replaced by
// (a SHA-256, "" for not replaced) and since when.
type replacedWant struct {
	by string
	at time.Time
}

func TestReplaced(t *testing.T) {
	activated := now.AddDate(0, 0, -2)
	// exoOn is Exchange Online with certificate id active since activated.
	exoOn := func(id string) portal.Integration {
		in := exo
		in.ActiveCertificateID, in.ActivatedAt = &id, &activated
		return in
	}
	withIntegrations := func(in overview.Input, ints ...portal.Integration) overview.Input {
		in.Integrations = ints
		return in
	}
	recOld := record("id-a", certA) // a, used by nothing now
	older := cert("0", "U-EXO", -400)
	tests := []struct {
		name  string
		in    overview.Input
		step  overview.Step
		tiles overview.Tiles
		// want is keyed by the SHA-256's first character.
		want     map[string]replacedWant
		notInUse []string
	}{
		{
			name:  "a renewal active in the integration: the old one is replaced",
			in:    withIntegrations(base(nil, []portal.Certificate{recOld, record("id-b", certB, exoOn("id-b")), recD}), exoOn("id-b"), dp, mitdk),
			step:  overview.StepNone,
			tiles: overview.Tiles{Valid: 2, Replaced: 1},
			want:  map[string]replacedWant{"a": {certB.SHA256, activated}, "b": {}, "d": {}},
		},
		{
			name:     "a renewal installed but not active: nothing is replaced yet",
			in:       base(nil, []portal.Certificate{recA, record("id-b", certB), recD}),
			step:     overview.StepActivate,
			tiles:    overview.Tiles{Valid: 2, Expiring: 1},
			want:     map[string]replacedWant{"a": {}, "b": {}, "d": {}},
			notInUse: []string{"b"},
		},
		{
			name:  "a renewal only on this PC: nothing is replaced",
			in:    base([]certs.File{p12("/c/renewed.p12", certB)}, []portal.Certificate{recA, recD}),
			step:  overview.StepInstallAndActivate,
			tiles: overview.Tiles{Valid: 2, Expiring: 1, Attention: 1},
			want:  map[string]replacedWant{"a": {}, "b": {}, "d": {}},
		},
		{
			name: "two generations back: both old ones are replaced by the newest",
			in: withIntegrations(base(nil, []portal.Certificate{record("id-0", older), recOld, record("id-b", certB, exoOn("id-b")), recD}),
				exoOn("id-b"), dp, mitdk),
			step:  overview.StepNone,
			tiles: overview.Tiles{Valid: 2, Replaced: 2},
			want:  map[string]replacedWant{"0": {certB.SHA256, activated}, "a": {certB.SHA256, activated}, "b": {}},
		},
		{
			// 0 pairs with a by UUID and with b by name only: a (in DPG and
			// valid) replaces it, and b replaces a, so b is the newest.
			name: "two generations back, paired by different rules: the chain ends at the newest",
			in: func() overview.Input {
				b := cert("b", "U-NEW", 3*365)
				return withIntegrations(base(nil, []portal.Certificate{record("id-0", older), recOld, record("id-b", b, exoOn("id-b")), recD}),
					exoOn("id-b"), dp, mitdk)
			}(),
			step:  overview.StepNone,
			tiles: overview.Tiles{Valid: 2, Replaced: 2},
			want:  map[string]replacedWant{"0": {certB.SHA256, activated}, "a": {certB.SHA256, activated}},
		},
		{
			name:     "an expired certificate with no successor stays expired and counted",
			in:       base(nil, []portal.Certificate{recA, recD, record("id-x", withName(cert("e", "U-OLD", -20), "hr@testkommune-nord.dk"))}),
			step:     overview.StepRenew,
			tiles:    overview.Tiles{Valid: 1, Expiring: 1, Invalid: 1, Attention: 1},
			want:     map[string]replacedWant{"e": {}},
			notInUse: []string{"e"},
		},
		{
			name:  "an old file on this PC is replaced",
			in:    base([]certs.File{p12("/home/admin/Downloads/old.p12", older), cer("/c/old.cer", older)}, []portal.Certificate{recA, recD}),
			step:  overview.StepRenew,
			tiles: overview.Tiles{Valid: 1, Expiring: 1, Attention: 1, Replaced: 1},
			// a has been active since the fixture's activation.
			want: map[string]replacedWant{"0": {certA.SHA256, now.AddDate(0, -6, 0)}, "a": {}},
		},
		{
			name: "a renewal in DPG and valid replaces an unused one, since its notBefore",
			in: func() overview.Input {
				hr := withName(cert("e", "U-HR", -20), "hr@testkommune-nord.dk")
				hr2 := withName(cert("f", "U-HR", 700), "hr@testkommune-nord.dk")
				hr2.NotBefore = now.AddDate(0, -1, 0)
				return base(nil, []portal.Certificate{recA, recD, record("id-e", hr), record("id-f", hr2)})
			}(),
			step:  overview.StepRenew,
			tiles: overview.Tiles{Valid: 2, Expiring: 1, Attention: 1, Replaced: 1},
			want:  map[string]replacedWant{"e": {cert("f", "", 0).SHA256, now.AddDate(0, -1, 0)}, "f": {}},
		},
		{
			name: "a replaced OCES2 file needs no attention",
			in: func() overview.Input {
				o := older
				o.OCES = "oces2"
				return base([]certs.File{p12("/c/oces2.p12", o)}, []portal.Certificate{recA, recD})
			}(),
			step:  overview.StepRenew,
			tiles: overview.Tiles{Valid: 1, Expiring: 1, Attention: 1, Replaced: 1},
			want:  map[string]replacedWant{"0": {certA.SHA256, now.AddDate(0, -6, 0)}},
		},
		{
			name: "another organisation's newer certificate replaces nothing",
			in: func() overview.Input {
				other := cert("f", "U-EXO", 3*365)
				other.CVR = "11223344"
				return base([]certs.File{p12("/c/old.p12", older)}, []portal.Certificate{recA, recD, record("id-f", other, dp)})
			}(),
			step:  overview.StepRenew,
			tiles: overview.Tiles{Valid: 2, Expiring: 1, Attention: 1, Replaced: 1},
			// 0 is replaced by a, of its own organisation, not by the later f.
			want: map[string]replacedWant{"0": {certA.SHA256, now.AddDate(0, -6, 0)}, "f": {}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ov := overview.Build(tt.in)
			if ov.Tiles != tt.tiles {
				t.Errorf("tiles %+v, want %+v", ov.Tiles, tt.tiles)
			}
			if step := integ(ov, exo.ID).NextStep; step != tt.step {
				t.Errorf("exchange online's step %s, want %s", step, tt.step)
			}
			for _, c := range ov.Certificates {
				w, ok := tt.want[c.SHA256[:1]]
				if !ok {
					continue
				}
				got := replacedWant{}
				if c.ReplacedBy != nil {
					got.by = *c.ReplacedBy
					if c.ReplacedAt == nil {
						t.Fatalf("%s: replaced with no time", c.SHA256[:1])
					}
					got.at = *c.ReplacedAt
					if s := find(ov, got.by); s == nil || c.ReplacedByName != s.CommonName {
						t.Errorf("%s: replaced by %q, named %q", c.SHA256[:1], got.by, c.ReplacedByName)
					}
					if len(c.Attention) != 0 || c.NotInUse {
						t.Errorf("%s: replaced, yet attention %v, not in use %v", c.SHA256[:1], c.Attention, c.NotInUse)
					}
				} else if c.ReplacedAt != nil {
					t.Errorf("%s: a time with no replacement", c.SHA256[:1])
				}
				if !got.at.Equal(w.at) || got.by != w.by {
					t.Errorf("%s: replaced by %.1s at %s, want by %.1s at %s", c.SHA256[:1], got.by, got.at, w.by, w.at)
				}
			}
			var notInUse []string
			for _, c := range ov.Certificates {
				if c.NotInUse {
					notInUse = append(notInUse, c.SHA256[:1])
				}
			}
			if len(notInUse) != len(tt.notInUse) || (len(notInUse) > 0 && notInUse[0] != tt.notInUse[0]) {
				t.Errorf("not in use %v, want %v", notInUse, tt.notInUse)
			}
		})
	}
}

// The list's rows carry what the window shows of a replaced certificate,
// and "not in use".
func TestListOfReplaced(t *testing.T) {
	activated := now.AddDate(0, 0, -2)
	id := "id-b"
	e := exo
	e.ActiveCertificateID, e.ActivatedAt = &id, &activated
	in := base(nil, []portal.Certificate{record("id-a", certA), record("id-b", certB, e), recD,
		record("id-x", withName(cert("e", "U-OLD", 100), "hr@testkommune-nord.dk"))})
	in.Integrations = []portal.Integration{e, dp, mitdk}
	l := overview.ListOf(overview.Build(in), nil)
	rows := map[string]overview.Row{}
	for _, r := range l.Rows {
		rows[r.Key[:1]] = r
	}
	if a := rows["a"]; a.ReplacedBy != certB.SHA256 || a.ReplacedByName != certB.CommonName || !a.ReplacedAt.Equal(activated) || a.NotInUse {
		t.Errorf("replaced row: %+v", a)
	}
	if b := rows["b"]; b.ReplacedBy != "" || !b.ReplacedAt.IsZero() || b.NotInUse {
		t.Errorf("the renewal in use: %+v", b)
	}
	if x := rows["e"]; !x.NotInUse || x.ReplacedBy != "" {
		t.Errorf("a certificate in DPG nobody uses: %+v", x)
	}
}
