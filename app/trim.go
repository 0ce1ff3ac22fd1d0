package app

import (
	"runtime/debug"
	"sync"
	"time"
)

// trimDelay is how long after the last overview call the heap is trimmed.
const trimDelay = 2 * time.Second

// heapTrim gives the memory of a large overview back to the system once the
// window has it. Building and encoding the overview of 10,000 certificates
// allocates a few hundred megabytes that are garbage as soon as the JSON is
// sent, and the Go runtime would keep them for minutes (make bench's window
// RSS). One debug.FreeOSMemory, after the calls of a load have settled,
// returns them; calls close together share one.
type heapTrim struct {
	mu    sync.Mutex
	timer *time.Timer
	free  func()
}

var overviewTrim = &heapTrim{free: debug.FreeOSMemory}

// soon trims the heap trimDelay after the last call of soon.
func (h *heapTrim) soon() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.timer != nil {
		h.timer.Stop()
	}
	h.timer = time.AfterFunc(trimDelay, h.free)
}
