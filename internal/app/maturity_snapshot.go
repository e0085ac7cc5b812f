package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/serviceportal/serviceportal/internal/web"
)

// maturitySnapshotArgs is the daily job that writes down every tenant's
// Reifegrad figures. The figures follow the live configuration, so the
// region dashboard's progress over time exists only if someone records
// them each day.
type maturitySnapshotArgs struct{}

func (maturitySnapshotArgs) Kind() string { return "maturity_snapshot" }

type maturitySnapshotWorker struct {
	river.WorkerDefaults[maturitySnapshotArgs]
	uc  *web.UseCases
	log *slog.Logger
}

// Work records today's figures; a second run the same day (a restart, a
// retry) replaces them instead of adding a point.
func (w *maturitySnapshotWorker) Work(ctx context.Context, job *river.Job[maturitySnapshotArgs]) error {
	n, err := w.uc.SnapshotMaturity(ctx, time.Now())
	if err != nil {
		return err
	}
	w.log.Info("maturity snapshot", "tenants", n)
	return nil
}

// maturitySnapshotJob adds the worker and its schedule: at start, so a
// fresh installation has a first point, and then every day.
func maturitySnapshotJob(workers *river.Workers, uc *web.UseCases, log *slog.Logger) *river.PeriodicJob {
	river.AddWorker(workers, &maturitySnapshotWorker{uc: uc, log: log})
	return river.NewPeriodicJob(river.PeriodicInterval(24*time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return maturitySnapshotArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true})
}
