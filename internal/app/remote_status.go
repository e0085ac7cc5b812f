package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/serviceportal/serviceportal/internal/web"
)

// remoteStatusArgs is the job that reads FIT-Connect's event logs, so a
// citizen whose application went to an authority's own system learns
// when that system accepted or rejected it.
type remoteStatusArgs struct{}

func (remoteStatusArgs) Kind() string { return "remote_status" }

type remoteStatusWorker struct {
	river.WorkerDefaults[remoteStatusArgs]
	uc  *web.UseCases
	log *slog.Logger
}

// Work polls every tenant; one unreachable Zustelldienst is logged and
// the others are still polled.
func (w *remoteStatusWorker) Work(ctx context.Context, job *river.Job[remoteStatusArgs]) error {
	n, err := w.uc.PollRemoteStatus(ctx)
	if n > 0 {
		w.log.Info("remote status", "told", n)
	}
	if err != nil {
		w.log.Warn("remote status", "err", err)
	}
	return nil
}

// remoteStatusInterval is how often the event logs are read: often enough
// that the status page follows the authority within minutes, rarely
// enough to stay far below the Zustelldienst's rate limits.
const remoteStatusInterval = 5 * time.Minute

func remoteStatusJob(workers *river.Workers, uc *web.UseCases, log *slog.Logger) *river.PeriodicJob {
	river.AddWorker(workers, &remoteStatusWorker{uc: uc, log: log})
	return river.NewPeriodicJob(river.PeriodicInterval(remoteStatusInterval),
		func() (river.JobArgs, *river.InsertOpts) { return remoteStatusArgs{}, nil }, nil)
}
