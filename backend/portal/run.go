package portal

import (
	"context"
	"time"
)

// RunOptions steer the background sync of the window.
type RunOptions struct {
	// Interval between refreshes when nothing is due (5 minutes when 0).
	Interval time.Duration
	// Progress receives every step of every Sync (the window's sync:status).
	Progress func(Progress)
	// After is called after each round with the status and the round's
	// error (ErrNotRegistered and the like, for the sign-in screens).
	After func(Status, error)
}

// Kick makes Run sync now (after a sign-in, on coming back online, after
// Install and Activate).
func (s *Service) Kick() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// Run syncs in the background until ctx ends: at once, then whenever an
// operation is due for its next attempt, when Kick is called, and every
// Interval. Each round is a single pass (Sync with GiveUpAfter 0), so
// backoff times are kept between rounds. After a 401/403 it waits for a
// Kick (a new sign-in) rather than asking again.
func (s *Service) Run(ctx context.Context, opts RunOptions) {
	if opts.Interval <= 0 {
		opts.Interval = 5 * time.Minute
	}
	for {
		_, err := s.Sync(ctx, SyncOptions{Progress: opts.Progress})
		if ctx.Err() != nil {
			return
		}
		st, serr := s.Status(ctx)
		if err == nil {
			err = serr
		}
		if opts.After != nil {
			opts.After(st, err)
		}
		wait := opts.Interval
		if Classify(err) != Account {
			if next, ok := s.nextDue(ctx); ok {
				wait = min(wait, max(time.Until(next), 10*time.Millisecond))
			}
		} else {
			wait = 24 * time.Hour
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-s.kick:
			t.Stop()
		case <-t.C:
		}
	}
}

// nextDue is the earliest next attempt of a pending operation.
func (s *Service) nextDue(ctx context.Context) (time.Time, bool) {
	ops, err := s.st.Ops(ctx, OpFilter{Portal: s.portal, States: []string{StatePending}})
	if err != nil || len(ops) == 0 {
		return time.Time{}, false
	}
	next := ops[0].NextAttemptAt
	for _, o := range ops[1:] {
		if o.NextAttemptAt.Before(next) {
			next = o.NextAttemptAt
		}
	}
	return next, true
}
