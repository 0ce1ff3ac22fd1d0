package certs

import (
	"runtime"
	"sync"
)

// NewMemoryBudget is a Memory of size bytes for readers that run at once:
// the scan's workers, the sandbox's upload checks.
func NewMemoryBudget(size int64) Memory { return newBudget(size) }

// budget is a counting semaphore of bytes. A request larger than the whole
// budget waits until nothing else is held, then runs alone.
type budget struct {
	mu   sync.Mutex
	cond *sync.Cond
	size int64
	used int64
}

func newBudget(size int64) *budget {
	w := &budget{size: size}
	w.cond = sync.NewCond(&w.mu)
	return w
}

func (w *budget) clamp(n int64) int64 { return min(n, w.size) }

// Acquire waits until n bytes are free and takes them.
func (w *budget) Acquire(n int64) {
	n = w.clamp(n)
	w.mu.Lock()
	for w.used+n > w.size {
		w.cond.Wait()
	}
	w.used += n
	w.mu.Unlock()
}

// collectAbove is the release past which the memory is collected at once.
const collectAbove = 32 << 20

// Release gives n bytes back. A large release (a scrypt table) is garbage
// now: it is collected at once, so the next large read reuses that memory
// rather than adding to it. A collection costs milliseconds; the scrypt
// before it took most of a second.
func (w *budget) Release(n int64) {
	n = w.clamp(n)
	w.mu.Lock()
	w.used -= n
	w.mu.Unlock()
	if n >= collectAbove {
		runtime.GC()
	}
	w.cond.Broadcast()
}
