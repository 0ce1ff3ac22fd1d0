package overview_test

import (
	"fmt"
	"math/rand/v2"
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

// A window that applies each answer to what it holds (as the frontend's
// patchRows does) holds the same rows as the full list, whatever changed.
func TestSentNextPatchesToTheWholeList(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	var rows []overview.Row
	for i := range 50 {
		rows = append(rows, overview.Row{Key: fmt.Sprintf("%064x", i), Status: certs.StatusValid, DaysLeft: i})
	}
	var sent overview.Sent
	var held map[string]overview.Row
	gen := uint64(0)
	for step := range 200 {
		// Change, remove and add a few rows, and reorder them.
		next := slices.Clone(rows)
		for range rnd.IntN(4) {
			next[rnd.IntN(len(next))].DaysLeft = rnd.IntN(1000)
		}
		if rnd.IntN(3) == 0 && len(next) > 10 {
			i := rnd.IntN(len(next))
			next = slices.Delete(next, i, i+1)
		}
		if rnd.IntN(3) == 0 {
			next = append(next, overview.Row{Key: fmt.Sprintf("new-%d", step), Status: certs.StatusLocked})
		}
		rnd.Shuffle(len(next), func(i, j int) { next[i], next[j] = next[j], next[i] })
		rows = next

		ch := sent.Next(overview.List{Rows: rows}, gen)
		if ch.Full {
			if gen != 0 {
				t.Fatalf("step %d: a full list for the last generation", step)
			}
			held = map[string]overview.Row{}
		}
		for _, k := range ch.Removed {
			delete(held, k)
		}
		for _, r := range ch.Rows {
			held[r.Key] = r
		}
		gen = ch.Generation
		if len(held) != len(rows) {
			t.Fatalf("step %d: %d rows held, the list has %d", step, len(held), len(rows))
		}
		for _, r := range rows {
			if got, ok := held[r.Key]; !ok || got.DaysLeft != r.DaysLeft || got.Status != r.Status {
				t.Fatalf("step %d: row %s held as %+v, want %+v", step, r.Key, got, r)
			}
		}
	}
}
