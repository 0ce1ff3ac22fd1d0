package scan

import (
	"runtime"
	"sync"
)

// readMemoryBudget bounds the memory that the reads of every scan in this
// process take for key derivation together: one scrypt file may take 128
// MiB, and there is a worker per core.
const readMemoryBudget = 256 << 20

// readMemory is shared by all scans, so two scans at once stay within the
// one budget.
var readMemory = newWeighted(readMemoryBudget)

// weighted is a counting semaphore of bytes. A request larger than the whole
// budget waits until nothing else is held, then runs alone.
type weighted struct {
	mu   sync.Mutex
	cond *sync.Cond
	size int64
	used int64
}

func newWeighted(size int64) *weighted {
	w := &weighted{size: size}
	w.cond = sync.NewCond(&w.mu)
	return w
}

func (w *weighted) clamp(n int64) int64 { return min(n, w.size) }

// Acquire waits until n bytes are free and takes them.
func (w *weighted) Acquire(n int64) {
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
func (w *weighted) Release(n int64) {
	n = w.clamp(n)
	w.mu.Lock()
	w.used -= n
	w.mu.Unlock()
	if n >= collectAbove {
		runtime.GC()
	}
	w.cond.Broadcast()
}
