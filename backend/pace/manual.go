package pace

import (
	"sort"
	"sync"
	"time"
)

// Manual is a Clock that moves only when a test advances it: the timers
// due by then run in Advance, in the order they are due.
type Manual struct {
	mu     sync.Mutex
	now    time.Time
	timers []*manualTimer
}

// NewManual returns a manual clock at now.
func NewManual(now time.Time) *Manual { return &Manual{now: now} }

// Now is the clock's time.
func (m *Manual) Now() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.now
}

// AfterFunc sets a timer that runs f once the clock has advanced d.
func (m *Manual) AfterFunc(d time.Duration, f func()) Timer {
	m.mu.Lock()
	defer m.mu.Unlock()
	t := &manualTimer{clock: m, at: m.now.Add(d), f: f}
	m.timers = append(m.timers, t)
	return t
}

// Pending is how many timers are set and not yet fired or stopped.
func (m *Manual) Pending() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.timers)
}

// Advance moves the clock d on and runs the timers due by then, each with
// the clock at its time, outside the clock's lock (f may set timers).
func (m *Manual) Advance(d time.Duration) {
	m.mu.Lock()
	end := m.now.Add(d)
	m.mu.Unlock()
	for {
		m.mu.Lock()
		sort.SliceStable(m.timers, func(i, j int) bool { return m.timers[i].at.Before(m.timers[j].at) })
		if len(m.timers) == 0 || m.timers[0].at.After(end) {
			m.now = end
			m.mu.Unlock()
			return
		}
		t := m.timers[0]
		m.timers = m.timers[1:]
		if t.at.After(m.now) {
			m.now = t.at
		}
		m.mu.Unlock()
		t.f()
	}
}

type manualTimer struct {
	clock *Manual
	at    time.Time
	f     func()
}

func (t *manualTimer) Stop() bool {
	m := t.clock
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, o := range m.timers {
		if o == t {
			m.timers = append(m.timers[:i], m.timers[i+1:]...)
			return true
		}
	}
	return false
}
