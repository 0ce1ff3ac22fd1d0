package portal_test

import (
	"reflect"
	"testing"
	"time"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/portal"
)

func TestPredecessors(t *testing.T) {
	used := []portal.Usage{{IntegrationID: "i1", Kind: portal.KindExchangeOnline}}
	installed := []portal.Certificate{
		{ID: "by-name", SHA256: "01", CommonName: "Postkasse", Usages: used},
		{ID: "by-uuid", SHA256: "02", UUID: "U-1", CommonName: "old name", Usages: used},
		{ID: "unused", SHA256: "03", UUID: "U-1"},
		{ID: "by-email", SHA256: "04", Email: "post@x.dk", Usages: used},
		{ID: "itself", SHA256: "aa", UUID: "U-1", Usages: used},
		{ID: "other", SHA256: "05", UUID: "U-2", CommonName: "other", Usages: used},
	}
	n := certs.Certificate{SHA256: "AA", UUID: "u-1", Email: "POST@x.dk", CommonName: "postkasse"}
	var got []string
	for _, c := range portal.Predecessors(n, installed) {
		got = append(got, c.ID)
	}
	if want := []string{"by-uuid", "by-email", "by-name"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if m := portal.Missing([]string{"01", "FF", "ff", "02", "ee"}, installed); !reflect.DeepEqual(m, []string{"ff", "ee"}) {
		t.Fatalf("missing %v", m)
	}
}

func TestRenews(t *testing.T) {
	day := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	old := portal.Certificate{SHA256: "aa", UUID: "U-1", Email: "post@x.dk", CommonName: "Postkasse", NotAfter: day}
	tests := []struct {
		name     string
		n        certs.Certificate
		rank     int
		renewsIt bool
	}{
		{"same uuid, later", certs.Certificate{SHA256: "bb", UUID: "u-1", NotAfter: day.AddDate(3, 0, 0)}, 0, true},
		{"same e-mail, later", certs.Certificate{SHA256: "bb", Email: "POST@x.dk", NotAfter: day.AddDate(3, 0, 0)}, 1, true},
		{"same name, later", certs.Certificate{SHA256: "bb", CommonName: "postkasse", NotAfter: day.Add(time.Hour)}, 2, true},
		{"same uuid, same notAfter", certs.Certificate{SHA256: "bb", UUID: "U-1", NotAfter: day}, -1, false},
		{"same uuid, earlier", certs.Certificate{SHA256: "bb", UUID: "U-1", NotAfter: day.AddDate(-1, 0, 0)}, -1, false},
		{"itself", certs.Certificate{SHA256: "AA", UUID: "U-1", NotAfter: day.AddDate(3, 0, 0)}, -1, false},
		{"another mailbox", certs.Certificate{SHA256: "bb", UUID: "U-2", CommonName: "other", NotAfter: day.AddDate(3, 0, 0)}, -1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if rank, ok := portal.Renews(tt.n, old); rank != tt.rank || ok != tt.renewsIt {
				t.Fatalf("Renews = %d, %v; want %d, %v", rank, ok, tt.rank, tt.renewsIt)
			}
		})
	}
	if f := old.Facts(); f.SHA256 != "aa" || f.UUID != "U-1" || !f.NotAfter.Equal(day) {
		t.Fatalf("Facts = %+v", f)
	}
}
