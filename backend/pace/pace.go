// Package pace is how the app spaces out what it does in time: Throttle
// passes on at most one value per interval (progress events), Debounce runs
// a function once the calls have settled (the heap trim after an overview).
// Both read time through a Clock, so a test moves time itself (Manual)
// instead of sleeping.
package pace

import (
	"sync"
	"time"
)

// Clock is the time the pacers read and the timers they set.
type Clock interface {
	Now() time.Time
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a timer AfterFunc set; Stop keeps it from firing.
type Timer interface{ Stop() bool }

// Real is the system clock.
var Real Clock = realClock{}

type realClock struct{}

func (realClock) Now() time.Time                            { return time.Now() }
func (realClock) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }

// Throttle passes values on to emit at most once per interval, and the last
// one held back later rather than never: answers from a slow CA come in
// bunches, and the count the window shows must catch up after each.
type Throttle[T any] struct {
	clock Clock
	every time.Duration
	emit  func(T)

	mu      sync.Mutex
	last    time.Time // of the last emit
	pending *T        // held back, sent by timer
	timer   Timer
	closed  bool
}

// NewThrottle returns a throttle on clock (nil: Real).
func NewThrottle[T any](clock Clock, every time.Duration, emit func(T)) *Throttle[T] {
	if clock == nil {
		clock = Real
	}
	return &Throttle[T]{clock: clock, every: every, emit: emit}
}

// Send emits v now, or once the interval has passed since the last emit.
func (t *Throttle[T]) Send(v T) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return
	}
	wait := t.every - t.clock.Now().Sub(t.last)
	if wait <= 0 {
		t.pending = nil
		t.send(v)
		return
	}
	t.pending = &v
	if t.timer == nil {
		t.timer = t.clock.AfterFunc(wait, t.fire)
	}
}

// SendNow emits v at once, whatever the interval, and drops the value held
// back: for the values that must be told (the end of a walk, the last file).
func (t *Throttle[T]) SendNow(v T) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return
	}
	t.pending = nil
	t.send(v)
}

func (t *Throttle[T]) fire() {
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
func (t *Throttle[T]) send(v T) {
	t.last = t.clock.Now()
	t.emit(v)
}

// Flush emits the value held back, if any, and stops: nothing is emitted
// after it returns.
func (t *Throttle[T]) Flush() {
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

// Debounce runs f once, delay after the last of calls close together.
type Debounce struct {
	clock Clock
	delay time.Duration
	f     func()

	mu    sync.Mutex
	timer Timer
}

// NewDebounce returns a debounce on clock (nil: Real).
func NewDebounce(clock Clock, delay time.Duration, f func()) *Debounce {
	if clock == nil {
		clock = Real
	}
	return &Debounce{clock: clock, delay: delay, f: f}
}

// Call runs f delay from now, unless Call is called again before.
func (d *Debounce) Call() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.timer != nil {
		d.timer.Stop()
	}
	d.timer = d.clock.AfterFunc(d.delay, d.f)
}
