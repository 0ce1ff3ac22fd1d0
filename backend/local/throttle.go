package local

import (
	"sync"
	"time"
)

// throttle passes values on to emit at most once per every, and the last
// one held back later rather than never: answers from a slow CA come in
// bunches, and the count the window shows must catch up after each.
type throttle[T comparable] struct {
	every time.Duration
	emit  func(T)

	mu      sync.Mutex
	last    time.Time // of the last emit
	pending *T        // held back, sent by timer
	timer   *time.Timer
	closed  bool
}

func newThrottle[T comparable](every time.Duration, emit func(T)) *throttle[T] {
	return &throttle[T]{every: every, emit: emit}
}

// Send emits v now, or once every has passed since the last emit.
func (t *throttle[T]) Send(v T) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return
	}
	wait := t.every - time.Since(t.last)
	if wait <= 0 {
		t.pending = nil
		t.send(v)
		return
	}
	t.pending = &v
	if t.timer == nil {
		t.timer = time.AfterFunc(wait, t.fire)
	}
}

func (t *throttle[T]) fire() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.timer = nil
	if t.closed || t.pending == nil {
		return
	}
	v := *t.pending
	t.pending = nil
	t.send(v)
}

// send emits under t.mu, so the values go out in order.
func (t *throttle[T]) send(v T) {
	t.last = time.Now()
	t.emit(v)
}

// Flush emits the value held back, if any, and stops: nothing is emitted
// after it returns.
func (t *throttle[T]) Flush() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.timer != nil {
		t.timer.Stop()
		t.timer = nil
	}
	if t.pending != nil && !t.closed {
		t.send(*t.pending)
		t.pending = nil
	}
	t.closed = true
}
