package jobs_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/serviceportal/serviceportal/internal/jobs"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
)

type pingArgs struct{ N int }

func (pingArgs) Kind() string { return "test_ping" }

type pingWorker struct {
	river.WorkerDefaults[pingArgs]
	done chan int
}

func (w *pingWorker) Work(ctx context.Context, j *river.Job[pingArgs]) error {
	w.done <- j.Args.N
	return nil
}

// TestEnqueueFollowsTheTransaction proves the outbox property: a job
// enqueued in a rolled-back transaction never runs, one in a committed
// transaction does.
func TestEnqueueFollowsTheTransaction(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := jobs.Migrate(ctx, db); err != nil {
			t.Fatal(err)
		}
		workers := river.NewWorkers()
		w := &pingWorker{done: make(chan int, 10)}
		river.AddWorker(workers, w)
		q, err := jobs.New(db, jobs.Options{Workers: workers, PollInterval: 50 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer q.Stop(ctx)

		boom := errors.New("rollback")
		err = db.InTx(ctx, func(ctx context.Context) error {
			if err := q.Enqueue(ctx, pingArgs{N: 1}, nil); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if err := db.InTx(ctx, func(ctx context.Context) error { return q.Enqueue(ctx, pingArgs{N: 2}, nil) }); err != nil {
			t.Fatal(err)
		}
		select {
		case n := <-w.done:
			if n != 2 {
				t.Fatalf("worked job %d, want 2 (the rolled-back job ran)", n)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("committed job was not worked")
		}
		select {
		case n := <-w.done:
			t.Fatalf("unexpected second job %d", n)
		case <-time.After(300 * time.Millisecond):
		}
	})
}
