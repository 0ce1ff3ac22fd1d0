package app

import (
	"sync/atomic"
	"testing"
	"time"
)

func TestHeapTrimSharesOneFreeAmongCallsCloseTogether(t *testing.T) {
	var n atomic.Int32
	h := &heapTrim{free: func() { n.Add(1) }}
	for i := 0; i < 5; i++ {
		h.soon()
	}
	time.Sleep(trimDelay + 500*time.Millisecond)
	if got := n.Load(); got != 1 {
		t.Fatalf("freed %d times, want once", got)
	}
}
