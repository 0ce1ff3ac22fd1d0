package pace

import (
	"slices"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// A bunch of values inside one interval: the first goes out at once, the
// last once the interval is over, those between not at all, and nothing
// after Flush.
func TestThrottle(t *testing.T) {
	clock := NewManual(t0)
	var got []int
	th := NewThrottle(clock, 40*time.Millisecond, func(v int) { got = append(got, v) })
	for i := 1; i <= 4; i++ {
		th.Send(i)
		clock.Advance(5 * time.Millisecond)
	}
	if !slices.Equal(got, []int{1}) {
		t.Fatalf("within the interval: %v, want [1]", got)
	}
	clock.Advance(20 * time.Millisecond) // 40 ms after 1
	if !slices.Equal(got, []int{1, 4}) {
		t.Fatalf("after the interval: %v, want [1 4], the last one held back", got)
	}

	// SendNow goes out at once and drops what is held back.
	clock.Advance(10 * time.Millisecond)
	th.Send(5)
	th.SendNow(6)
	clock.Advance(time.Second)
	if !slices.Equal(got, []int{1, 4, 6}) {
		t.Fatalf("after SendNow: %v, want [1 4 6]", got)
	}

	// Flush sends what is held back at once, then nothing more.
	th.Send(7)
	th.Flush()
	th.Send(8)
	th.SendNow(9)
	clock.Advance(time.Second)
	if !slices.Equal(got, []int{1, 4, 6, 7}) {
		t.Errorf("after Flush: %v, want 7 last and no 8 or 9", got)
	}
	if clock.Pending() != 0 {
		t.Errorf("%d timers left after Flush", clock.Pending())
	}
}

// Calls close together share one run, delay after the last of them; a call
// after that runs again.
func TestDebounce(t *testing.T) {
	clock := NewManual(t0)
	n := 0
	d := NewDebounce(clock, 2*time.Second, func() { n++ })
	for i := 0; i < 5; i++ {
		d.Call()
		clock.Advance(time.Second)
	}
	if n != 0 {
		t.Fatalf("ran %d times while the calls went on", n)
	}
	clock.Advance(time.Second)
	if n != 1 {
		t.Fatalf("ran %d times after the calls settled, want once", n)
	}
	d.Call()
	clock.Advance(2 * time.Second)
	if n != 2 {
		t.Errorf("ran %d times after a later call, want twice", n)
	}
}

// The real clock's throttle passes values on too.
func TestThrottleOnTheRealClock(t *testing.T) {
	got := make(chan int, 2)
	th := NewThrottle(nil, time.Millisecond, func(v int) { got <- v })
	th.Send(1)
	th.Send(2)
	if v := <-got; v != 1 {
		t.Fatalf("first = %d", v)
	}
	if v := <-got; v != 2 {
		t.Fatalf("held back = %d", v)
	}
	th.Flush()
}
