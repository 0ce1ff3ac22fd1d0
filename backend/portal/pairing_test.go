package portal_test

import (
	"reflect"
	"testing"

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
