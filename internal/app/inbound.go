package app

import (
	"context"
	"log/slog"

	"github.com/riverqueue/river"

	"github.com/serviceportal/serviceportal/internal/web"
)

// inboundPollArgs is the periodic job that asks every FIT-Connect
// destination for waiting submissions: the fallback for callbacks that
// never came, and the only way for destinations without one.
type inboundPollArgs struct{}

func (inboundPollArgs) Kind() string { return "fitconnect_receive_poll" }

type inboundPollWorker struct {
	river.WorkerDefaults[inboundPollArgs]
	uc  *web.UseCases
	log *slog.Logger
}

// Work polls all destinations; failures stay on their entries and are
// logged, the next run tries again.
func (w *inboundPollWorker) Work(ctx context.Context, job *river.Job[inboundPollArgs]) error {
	rep, err := w.uc.Inbound.SyncAll(ctx)
	if rep.Stored+rep.Rejected+rep.Waiting+rep.Expired+rep.Failed > 0 {
		w.log.Info("fitconnect receive", "stored", rep.Stored, "rejected", rep.Rejected, "waiting", rep.Waiting,
			"expired", rep.Expired, "failed", rep.Failed)
	}
	if err != nil {
		w.log.Warn("fitconnect receive", "err", err)
	}
	return nil
}

// inboundJobs registers the receiving workers and the poll, which runs as
// often as the sender's status poll (remoteStatusInterval).
func inboundJobs(workers *river.Workers, uc *web.UseCases, log *slog.Logger) *river.PeriodicJob {
	uc.Inbound.AddWorkers(workers)
	river.AddWorker(workers, &inboundPollWorker{uc: uc, log: log})
	return river.NewPeriodicJob(river.PeriodicInterval(remoteStatusInterval),
		func() (river.JobArgs, *river.InsertOpts) { return inboundPollArgs{}, nil }, nil)
}
