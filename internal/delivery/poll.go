package delivery

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/serviceportal/serviceportal/internal/fitconnect"
)

// pollBatch bounds the deliveries one poll looks at per tenant, so a
// Zustelldienst that is slow to answer cannot hold the job for long.
const pollBatch = 100

// PollRemote asks FIT-Connect about the tenant's delivered applications
// whose fate is still open and tells the citizen when the authority
// accepted or rejected one: the status page's timeline gains an entry,
// once. Intermediate statuses (submitted, forwarded) are only recorded.
// It returns how many citizens were told. Without the FIT-Connect adapter
// it does nothing.
func (s *Service) PollRemote(ctx context.Context, tenantID string) (int, error) {
	a, ok := s.adapters.Get(KindFitConnect)
	fc, isFC := a.(*FitConnect)
	if !ok || !isFC {
		return 0, nil
	}
	ds, err := s.deliveries(ctx, `tenant_id = ? AND kind = ? AND state = ? AND remote_status NOT IN (?, ?, ?)
		ORDER BY delivered_at LIMIT ?`, tenantID, KindFitConnect, string(StateDelivered),
		string(fitconnect.StatusAccepted), string(fitconnect.StatusRejected), string(fitconnect.StatusDeleted), pollBatch)
	if err != nil {
		return 0, err
	}
	changed := 0
	var errs []error
	for _, d := range ds {
		ok, err := s.pollOne(ctx, fc, d)
		if err != nil {
			errs = append(errs, fmt.Errorf("delivery %s: %w", d.ID, err))
			continue
		}
		if ok {
			changed++
		}
	}
	return changed, errors.Join(errs...)
}

// pollOne reads one delivery's event log and records a new status; told
// says the citizen's timeline gained an entry.
func (s *Service) pollOne(ctx context.Context, fc *FitConnect, d Delivery) (bool, error) {
	if d.TargetID == "" || d.Reference == "" {
		return false, nil
	}
	t, err := s.openTarget(ctx, d.TenantID, d.TargetID)
	if err != nil {
		return false, err
	}
	st, err := fc.Poll(ctx, t, d.Reference)
	if err != nil {
		return false, err
	}
	prev := d.RemoteStatus
	if string(st.Status) == prev {
		return false, nil
	}
	status, note := citizenNote(st)
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		r, err := s.db.Exec(ctx, `UPDATE deliveries SET remote_status = ? WHERE tenant_id = ? AND id = ? AND remote_status = ?`,
			string(st.Status), d.TenantID, d.ID, prev)
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return errRaced
		}
		if note == "" {
			return nil
		}
		return s.opts.Submissions.AddEvent(ctx, d.TenantID, d.SubmissionID, status, note)
	})
	if errors.Is(err, errRaced) {
		return false, nil
	}
	return err == nil && note != "", err
}

var errRaced = errors.New("delivery: another poll recorded the status first")

// citizenNote says in German what a final status means for the citizen,
// and the application's status with it; intermediate statuses (notified,
// forwarded) are recorded for staff only.
func citizenNote(st FitConnectState) (status, note string) {
	switch st.Status {
	case fitconnect.StatusAccepted:
		return "in_pruefung", "Die Behörde hat Ihren Antrag angenommen und bearbeitet ihn in ihrem Fachverfahren."
	case fitconnect.StatusRejected:
		var why []string
		for _, p := range st.Problems {
			if p.Detail != "" {
				why = append(why, p.Detail)
			} else if p.Title != "" {
				why = append(why, p.Title)
			}
		}
		note := "Die Behörde hat Ihren Antrag zurückgewiesen."
		if len(why) > 0 {
			note += " Grund: " + strings.Join(why, "; ") + "."
		}
		return "zurueckgewiesen", note + " Bitte wenden Sie sich an die Behörde."
	}
	return "", ""
}
