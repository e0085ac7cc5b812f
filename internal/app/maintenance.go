package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/serviceportal/serviceportal/internal/mailbox"
	"github.com/serviceportal/serviceportal/internal/web"
)

// maintenanceArgs is the periodic housekeeping job: deletes what the
// retention rules say must go and reminds citizens of due document
// requests. River runs periodic jobs on one instance (the leader) only.
type maintenanceArgs struct{}

func (maintenanceArgs) Kind() string { return "maintenance" }

type maintenanceWorker struct {
	river.WorkerDefaults[maintenanceArgs]
	uc  *web.UseCases
	log *slog.Logger
	// retention is how long the answers and files of a closed case are
	// kept; 0 keeps them. Tracking number, timeline and audit stay.
	retention time.Duration
}

// reminderLead is how long before a document request's deadline the
// citizen is reminded.
const reminderLead = 3 * 24 * time.Hour

func (w *maintenanceWorker) Work(ctx context.Context, job *river.Job[maintenanceArgs]) error {
	drafts, err := w.uc.Submissions.DeleteExpiredDrafts(ctx)
	if err != nil {
		return err
	}
	broken, err := w.uc.Submissions.DeleteBrokenUploads(ctx, time.Hour)
	if err != nil {
		return err
	}
	// Attachment files that lost their row: removal after a deletion is
	// best effort (a crash, or a deletion inside another transaction, skips
	// it). A failure here must not hold up the rest of the housekeeping.
	swept, err := w.uc.Submissions.SweepFiles(ctx, time.Hour)
	if err != nil {
		w.log.Warn("maintenance: sweeping attachment files failed", "err", err)
	}
	if err := w.uc.Identity.Cleanup(ctx); err != nil {
		return err
	}
	// Expired API tokens of back-end systems that stopped asking.
	if _, err := w.uc.Backend.DeleteExpiredTokens(ctx); err != nil {
		return err
	}
	// The planner's statistics follow the data (SQLite only).
	if err := w.uc.DB.Optimize(ctx); err != nil {
		return err
	}
	// Abandoned payments expire after a last status check; the draft stays.
	if _, err := w.uc.Payments.Expire(ctx, 2*time.Hour); err != nil {
		return err
	}
	due, err := w.uc.Cases.DueReminders(ctx, reminderLead)
	if err != nil {
		return err
	}
	for _, r := range due {
		cs, err := w.uc.Cases.Get(ctx, r.TenantID, r.Request.CaseID)
		if err != nil {
			continue
		}
		subject := "Erinnerung: Unterlagen nachreichen"
		body := "Wir warten noch auf Ihre Unterlagen (Frist: " + r.Request.DueAt.In(berlin).Format("02.01.2006") + "):\n\n" + r.Request.Text
		if r.Overdue {
			subject = "Frist abgelaufen: Unterlagen fehlen"
			body = "Die Frist für Ihre Unterlagen ist abgelaufen. Bitte laden Sie sie so bald wie möglich hoch oder melden Sie sich bei uns:\n\n" + r.Request.Text
		}
		if _, err := w.uc.Mailbox.Post(ctx, mailbox.Message{TenantID: r.TenantID, SubmissionID: cs.SubmissionID,
			Direction: mailbox.ToCitizen, Author: "Serviceportal", Subject: subject, Body: body}); err != nil {
			return err
		}
	}
	purged := 0
	if w.retention > 0 {
		closed, err := w.uc.Cases.ClosedBefore(ctx, time.Now().Add(-w.retention), 1000)
		if err != nil {
			return err
		}
		for _, c := range closed {
			if err := w.uc.Submissions.DeletePayload(ctx, c[0], c[1]); err != nil {
				return err
			}
			if err := w.uc.Audit.Record(ctx, c[0], "system", "submission.payload_deleted", "submission:"+c[1], nil); err != nil {
				return err
			}
			purged++
		}
	}
	w.log.Info("maintenance", "drafts_deleted", drafts, "broken_uploads_deleted", broken, "files_swept", swept, "reminders", len(due), "payloads_deleted", purged)
	return nil
}

var berlin = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return time.FixedZone("MEZ", 3600)
	}
	return loc
}()

// maintenanceJobs returns the workers and the schedule of the periodic
// jobs: housekeeping at start and then every hour, the maturity snapshot
// at start and then every day, the FIT-Connect status poll every five
// minutes.
func maintenanceJobs(uc *web.UseCases, log *slog.Logger, retention time.Duration) (*river.Workers, []*river.PeriodicJob) {
	workers := river.NewWorkers()
	river.AddWorker(workers, &maintenanceWorker{uc: uc, log: log, retention: retention})
	periodic := []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return maintenanceArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true}),
		maturitySnapshotJob(workers, uc, log), remoteStatusJob(workers, uc, log)}
	if uc.Inbound.Enabled() {
		periodic = append(periodic, inboundJobs(workers, uc, log))
	}
	return workers, periodic
}
