package pool

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
)

func TestEachRunsEveryJobOnTheWorkers(t *testing.T) {
	var running, most atomic.Int32
	var mu sync.Mutex
	seen := map[int]bool{}
	release := make(chan struct{})
	go func() {
		// Let the workers pile up before any job ends.
		for running.Load() < 3 {
		}
		close(release)
	}()
	Each(context.Background(), 3, []int{1, 2, 3, 4, 5, 6, 7}, func(j int) {
		n := running.Add(1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		<-release
		mu.Lock()
		seen[j] = true
		mu.Unlock()
		running.Add(-1)
	})
	if len(seen) != 7 {
		t.Fatalf("ran %v, want all 7", seen)
	}
	if m := most.Load(); m != 3 {
		t.Fatalf("%d jobs ran at once, want 3", m)
	}
}

func TestEachStopsHandingOutJobsOnceCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	jobs := make([]int, 200)
	var ran atomic.Int32
	Each(ctx, 1, jobs, func(int) { ran.Add(1) })
	// A ready worker and the ended context race at each hand-out, so a few
	// may run; all of them only if cancelling changed nothing.
	if n := ran.Load(); n >= int32(len(jobs)) {
		t.Fatalf("ran %d of %d jobs after the context ended", n, len(jobs))
	}
}
