package report

import (
	"reflect"
	"testing"
	"time"

	"dpgcerts/backend/certs"
)

func TestForList(t *testing.T) {
	full := certs.Certificate{
		Subject: "CN=a@example.dk, O=Testkommune", CommonName: "a@example.dk", Organization: "Testkommune",
		CVR: "29189889", UUID: "fa04ec09", Email: "a@example.dk", Issuer: "CN=CA", SerialNumber: "07",
		NotBefore: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC),
		DaysLeft: 400, SHA1: "aa", SHA256: "bb", KeyAlgorithm: "RSA 3072", SignatureAlgorithm: "RSASSA-PSS SHA-256", OCES: "oces3",
	}
	in := Report{WarnDays: 30, Files: []certs.File{
		{Path: "/a.p12", Format: certs.FormatPKCS12, Status: certs.StatusValid, HasPrivateKey: true, KeyMatchesCertificate: true, Certificate: &full, Chain: []certs.Certificate{full}},
		{Path: "/b.p12", Status: certs.StatusLocked},
	}}
	got := in.ForList()

	t.Run("keeps what the list shows and searches", func(t *testing.T) {
		f := got.Files[0]
		if f.Path != "/a.p12" || f.Status != certs.StatusValid || !f.KeyMatchesCertificate || got.WarnDays != 30 {
			t.Fatalf("file facts lost: %+v", f)
		}
		c := f.Certificate
		want := certs.Certificate{
			CommonName: full.CommonName, Organization: full.Organization, CVR: full.CVR, Email: full.Email,
			SerialNumber: full.SerialNumber, NotBefore: full.NotBefore, NotAfter: full.NotAfter, DaysLeft: full.DaysLeft,
			SHA1: full.SHA1, SHA256: full.SHA256, OCES: full.OCES,
		}
		if !reflect.DeepEqual(*c, want) {
			t.Fatalf("certificate = %+v, want %+v", *c, want)
		}
		if f.Chain != nil {
			t.Fatalf("chain = %v, want none", f.Chain)
		}
		if got.Files[1].Certificate != nil || got.Files[1].Status != certs.StatusLocked {
			t.Fatalf("locked file = %+v", got.Files[1])
		}
	})
	t.Run("leaves the report alone", func(t *testing.T) {
		if in.Files[0].Certificate.Subject == "" || len(in.Files[0].Chain) != 1 {
			t.Fatalf("the input changed: %+v", in.Files[0])
		}
	})
}
