// Package pool runs jobs on a bounded number of goroutines.
package pool

import (
	"context"
	"sync"
)

// Each calls do with each job on at most workers goroutines, handing the
// jobs out in order. Once ctx has ended it stops handing them out (a worker
// that is ready at that moment may still get one, so do checks ctx too);
// it returns when the jobs it handed out are done.
func Each[T any](ctx context.Context, workers int, jobs []T, do func(T)) {
	work := make(chan T)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range work {
				do(j)
			}
		})
	}
feed:
	for _, j := range jobs {
		select {
		case work <- j:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
}
