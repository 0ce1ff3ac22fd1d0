package pace

import (
	"testing"
	"time"
)

// The overview calls of one load share one trim, trimDelay after the last:
// on a clock the test moves, not by sleeping past the delay.
func TestHeapTrimSharesOneFreeAmongCallsCloseTogether(t *testing.T) {
	clock := NewManual(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	n := 0
	h := newHeapTrim(clock, func() { n++ })
	for i := 0; i < 5; i++ {
		h.Call()
		clock.Advance(trimDelay / 4)
	}
	if n != 0 {
		t.Fatalf("freed %d times while the calls went on", n)
	}
	clock.Advance(trimDelay)
	if n != 1 {
		t.Fatalf("freed %d times, want once", n)
	}
}
