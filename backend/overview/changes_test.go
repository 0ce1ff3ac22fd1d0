package overview_test

import (
	"slices"
	"sync"
	"testing"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/overview"
)

func keys(rows []overview.Row) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r.Key)
	}
	slices.Sort(out)
	return out
}

func TestSentNext(t *testing.T) {
	a := overview.Row{Key: "aa", Status: certs.StatusValid, Files: []string{"/c/a.p12"}, DaysLeft: 400}
	b := overview.Row{Key: "bb", Status: certs.StatusExpiring, DaysLeft: 10, InPortal: true}
	locked := overview.Row{Key: "file:/c/locked.p12", Status: certs.StatusLocked, Files: []string{"/c/locked.p12"}}
	list := func(rows ...overview.Row) overview.List { return overview.List{WarnDays: warnDays, Rows: rows} }
	var sent overview.Sent

	first := sent.Next(list(a, b, locked), 0)
	if !first.Full || len(first.Rows) != 3 || first.Generation == 0 || first.WarnDays != warnDays {
		t.Fatalf("the first list: %+v, want all of it", first)
	}
	same := sent.Next(list(a, b, locked), first.Generation)
	if same.Full || len(same.Rows) != 0 || len(same.Removed) != 0 || same.Generation <= first.Generation {
		t.Fatalf("nothing changed: %+v, want no rows", same)
	}

	// The locked file opened with a password: its row is gone, and its
	// certificate is a row of its own; b's days went down.
	opened := overview.Row{Key: "cc", Status: certs.StatusValid, Files: []string{"/c/locked.p12"}, Installable: true}
	b2 := b
	b2.DaysLeft = 9
	ch := sent.Next(list(a, b2, opened), same.Generation)
	if ch.Full || !slices.Equal(keys(ch.Rows), []string{"bb", "cc"}) || !slices.Equal(ch.Removed, []string{locked.Key}) {
		t.Fatalf("one unlock: rows %v, removed %v", keys(ch.Rows), ch.Removed)
	}
	if ch.Rows[0].DaysLeft != 9 && ch.Rows[1].DaysLeft != 9 {
		t.Errorf("the changed row is not the new one: %+v", ch.Rows)
	}

	t.Run("a window that holds an older list gets all of it", func(t *testing.T) {
		if old := sent.Next(list(a, b2, opened), first.Generation); !old.Full || len(old.Rows) != 3 || len(old.Removed) != 0 {
			t.Fatalf("got %+v", old)
		}
	})
	t.Run("concurrent loads each get a generation of their own", func(t *testing.T) {
		var wg sync.WaitGroup
		gens := make([]uint64, 8)
		for i := range gens {
			wg.Go(func() { gens[i] = sent.Next(list(a), 0).Generation })
		}
		wg.Wait()
		slices.Sort(gens)
		if len(slices.Compact(gens)) != 8 {
			t.Fatalf("generations %v", gens)
		}
	})
}
