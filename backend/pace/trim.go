package pace

import (
	"runtime/debug"
	"time"
)

// trimDelay is how long after the last overview call the heap is trimmed.
const trimDelay = 2 * time.Second

// HeapTrim gives the memory of a large overview back to the system once
// the window has it: call it after each overview call. Building and
// encoding the overview of 10,000 certificates allocates a few hundred
// megabytes that are garbage as soon as the JSON is sent, and the Go
// runtime would keep them for minutes (make bench's window RSS). One
// debug.FreeOSMemory, trimDelay after the last call of a load, returns
// them; calls close together share one.
var HeapTrim = newHeapTrim(nil, debug.FreeOSMemory)

func newHeapTrim(clock Clock, free func()) *Debounce { return NewDebounce(clock, trimDelay, free) }
