package bench

import (
	"context"
	"sync"
	"time"
)

// Pace calls fn at a constant arrival rate for d, each call in its own
// goroutine, and measures every call from the moment it was due, not from
// when it started: if calls queue up (for a connection or a lock), the wait
// counts (no coordinated omission). It is the in-process counterpart of
// Load for use cases measured without HTTP. Each call is cancelled
// timeout after it was due (0: never), so that an overwhelmed query ends
// the run in bounded time, with errors.
func Pace(ctx context.Context, rate float64, d, timeout time.Duration, fn func(ctx context.Context, i int) error) *Sample {
	s := &Sample{}
	if rate <= 0 || d <= 0 {
		return s
	}
	interval := time.Duration(float64(time.Second) / rate)
	n := max(int(d.Seconds()*rate), 1)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range n {
		due := start.Add(time.Duration(i) * interval)
		if wait := time.Until(due); wait > 0 {
			select {
			case <-time.After(wait):
			case <-ctx.Done():
			}
		}
		if ctx.Err() != nil {
			break
		}
		wg.Go(func() {
			cctx, cancel := ctx, context.CancelFunc(func() {})
			if timeout > 0 {
				cctx, cancel = context.WithDeadline(ctx, due.Add(timeout))
			}
			err := fn(cctx, i)
			cancel()
			s.Add(due, time.Since(due), err == nil, 0)
			if err != nil {
				s.NoteError(err.Error())
			}
		})
	}
	wg.Wait()
	return s
}

// Loop runs fn in workers goroutines back to back for d: a closed loop,
// used where the question is capacity (commits per second), not latency
// under a given load.
func Loop(ctx context.Context, workers int, d time.Duration, fn func(ctx context.Context, worker, i int) error) *Sample {
	s := &Sample{}
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var wg sync.WaitGroup
	for w := range max(workers, 1) {
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				t := time.Now()
				// The operation itself runs without the deadline, so the last
				// one completes instead of counting as an error.
				err := fn(context.WithoutCancel(ctx), w, i)
				s.Add(t, time.Since(t), err == nil, 0)
				if err != nil {
					s.NoteError(err.Error())
				}
			}
		})
	}
	wg.Wait()
	return s
}
