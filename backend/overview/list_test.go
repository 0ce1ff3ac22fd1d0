package overview_test

import (
	"encoding/json"
	"slices"
	"testing"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/errs"
	"dpgcerts/backend/overview"
	"dpgcerts/backend/portal"
)

func row(l overview.List, key string) overview.Row {
	for _, r := range l.Rows {
		if r.Key == key {
			return r
		}
	}
	return overview.Row{}
}

func TestListOf(t *testing.T) {
	orgB := certB
	orgB.Organization, orgB.SerialNumber = "Testkommune Nord (fil)", "5f3a9c01"
	mail := withName(cert("e", "U-MAIL", 200), "Sikker post")
	mail.Email, mail.OCES = "sikkerpost@testkommune-nord.dk", "oces2"
	future := cert("f", "U-FUT", 400)
	future.NotBefore = now.AddDate(0, 0, 5)
	files := []certs.File{
		p12("/c/future.p12", future),
		cer("/c/a-renewed.cer", orgB),
		p12("/c/b-renewed.p12", orgB),
		cer("/c/e.cer", mail),
		{Path: "/c/locked.p12", Format: certs.FormatPKCS12, Status: certs.StatusLocked,
			Error: &errs.Error{Code: errs.PasswordRequired, Message: "No known password opens the file."}},
	}
	in := base(files, []portal.Certificate{recA, recD})
	ov := overview.Build(in)
	l := overview.ListOf(ov, in.Files)

	t.Run("one row per certificate and per unknown file", func(t *testing.T) {
		if len(l.Rows) != len(ov.Certificates)+len(ov.Files) || len(l.Rows) != 6 {
			t.Fatalf("rows %d, certificates %d, files %d", len(l.Rows), len(ov.Certificates), len(ov.Files))
		}
		if l.WarnDays != warnDays || l.SyncedAt == nil || l.Organization == nil || len(l.Integrations) != len(ov.Integrations) {
			t.Fatalf("lost the overview's head: %+v", l)
		}
	})
	t.Run("the file an install takes comes first, whatever its name", func(t *testing.T) {
		r := row(l, certB.SHA256)
		if !slices.Equal(r.Files, []string{"/c/b-renewed.p12", "/c/a-renewed.cer"}) || !r.Installable {
			t.Fatalf("files %v, installable %v", r.Files, r.Installable)
		}
		if got := find(ov, certB.SHA256).Files; !slices.Equal(got, []string{"/c/a-renewed.cer", "/c/b-renewed.p12"}) {
			t.Fatalf("the overview's entry changed: %v", got)
		}
		if r.Organization != "Testkommune Nord (fil)" || r.Serial != "5f3a9c01" {
			t.Fatalf("the organisation and serial are the file's: %q, %q", r.Organization, r.Serial)
		}
	})
	t.Run("the start date only for a certificate not yet valid", func(t *testing.T) {
		if r := row(l, future.SHA256); r.Status != certs.StatusNotYetValid || !r.NotBefore.Equal(future.NotBefore) {
			t.Fatalf("not yet valid: %+v", r)
		}
		if r := row(l, certB.SHA256); !r.NotBefore.IsZero() || r.NotAfter.IsZero() {
			t.Fatalf("valid: %+v", r)
		}
	})
	t.Run("a file without its key is not installable", func(t *testing.T) {
		if r := row(l, mail.SHA256); r.Installable || len(r.Files) != 1 {
			t.Fatalf("got %+v", r)
		}
	})
	t.Run("a certificate only in DPG has the organisation of its CVR, and its usages once", func(t *testing.T) {
		r := row(l, certA.SHA256)
		if r.Organization != "Testkommune Nord" || !r.InPortal || len(r.Files) != 0 {
			t.Fatalf("got %+v", r)
		}
		if !slices.Equal(r.Usages, []string{portal.KindExchangeOnline}) {
			t.Fatalf("usages %v", r.Usages)
		}
	})
	t.Run("the e-mail only when it is not the name", func(t *testing.T) {
		if r := row(l, certA.SHA256); r.Email != "" {
			t.Fatalf("the name's address again: %q", r.Email)
		}
		if r := row(l, mail.SHA256); r.Email != "sikkerpost@testkommune-nord.dk" || !r.OCES2 || !r.Attention {
			t.Fatalf("got %+v", r)
		}
	})
	t.Run("an unknown file is a row of its own, with its error's code", func(t *testing.T) {
		r := row(l, "file:/c/locked.p12")
		if r.Status != certs.StatusLocked || r.Error != errs.PasswordRequired || !slices.Equal(r.Files, []string{"/c/locked.p12"}) {
			t.Fatalf("got %+v", r)
		}
	})
	t.Run("a row is small", func(t *testing.T) {
		b, err := json.Marshal(row(l, certB.SHA256))
		if err != nil {
			t.Fatal(err)
		}
		// The entry sends the UUID, the install record and the revocation
		// answer too; the row only what the columns show.
		if len(b) > 500 {
			t.Fatalf("%d bytes: %s", len(b), b)
		}
	})
}
