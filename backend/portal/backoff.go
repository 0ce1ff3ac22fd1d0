package portal

import (
	"context"
	"math/rand/v2"
	"time"
)

// The backoff between tries of a send (sync.go) and of a refresh's GET.

// Backoff is capped exponential backoff with jitter.
type Backoff struct {
	// Base is the first delay, Max the cap.
	Base, Max time.Duration
}

// DefaultBackoff is the app's: 1 s, 2 s, 4 s... up to 5 minutes.
var DefaultBackoff = Backoff{Base: time.Second, Max: 5 * time.Minute}

// maxRetryAfter bounds how long a server may ask us to wait.
const maxRetryAfter = time.Hour

// Delay is the wait before attempt number attempts+1, after attempts
// failures: Base·2^(attempts-1) capped at Max, of which a random half is
// taken off ("equal jitter"), so clients that failed together don't come
// back together. A server's Retry-After is a lower bound.
func (b Backoff) Delay(attempts int, retryAfter time.Duration) time.Duration {
	if b.Base <= 0 {
		b = DefaultBackoff
	}
	if b.Max < b.Base {
		b.Max = b.Base
	}
	d := b.Base
	for i := 1; i < attempts && d < b.Max; i++ {
		d *= 2
	}
	d = min(d, b.Max)
	d = d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
	if retryAfter > d {
		d = min(retryAfter, maxRetryAfter)
	}
	return d
}

// retryGet calls get until it succeeds, fails for good, or has failed for
// a transient reason for patience.
func retryGet[T any](ctx context.Context, s *Service, patience time.Duration, get func() (T, error)) (T, error) {
	b := Backoff{Base: min(s.opts.Backoff.Base, refreshBackoff), Max: min(s.opts.Backoff.Max, refreshBackoff)}
	until := time.Now().Add(patience)
	for attempt := 1; ; attempt++ {
		v, err := get()
		if err == nil || Classify(err) != Transient || ctx.Err() != nil {
			return v, err
		}
		delay := b.Delay(attempt, RetryAfterOf(err))
		if time.Now().Add(delay).After(until) {
			return v, err
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return v, err
		case <-t.C:
		}
	}
}
