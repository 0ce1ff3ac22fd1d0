package local

import (
	"slices"
	"sync"
	"testing"
	"time"
)

// A bunch of values inside one interval: the first goes out at once, the
// last a little later, those between not at all, and nothing after Flush.
func TestThrottle(t *testing.T) {
	var mu sync.Mutex
	var got []int
	th := newThrottle(40*time.Millisecond, func(v int) {
		mu.Lock()
		got = append(got, v)
		mu.Unlock()
	})
	snapshot := func() []int {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(got)
	}
	for i := 1; i <= 4; i++ {
		th.Send(i)
	}
	if s := snapshot(); !slices.Equal(s, []int{1}) {
		t.Fatalf("at once: %v, want [1]", s)
	}
	deadline := time.Now().Add(2 * time.Second)
	for !slices.Equal(snapshot(), []int{1, 4}) && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if s := snapshot(); !slices.Equal(s, []int{1, 4}) {
		t.Fatalf("after the interval: %v, want [1 4], the last one held back", s)
	}

	// Flush sends what is held back at once, then nothing more.
	// 5 may go out at once or be held back, 6 is held back behind it.
	th.Send(5)
	th.Send(6)
	th.Flush()
	th.Send(7)
	time.Sleep(80 * time.Millisecond)
	s := snapshot()
	if s[len(s)-1] != 6 || slices.Contains(s, 7) {
		t.Errorf("after Flush: %v, want 6 last and no 7", s)
	}
}
