package inbound

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/serviceportal/serviceportal/internal/fitconnect"
	"github.com/serviceportal/serviceportal/internal/submission"
)

// FormID marks submissions that arrived over FIT-Connect; their form
// version is the data's schema URI.
const FormID = "fitconnect"

// maxAttachment bounds one received attachment, as the portal's own
// uploads are bounded.
const maxAttachment = 100 << 20

// Report counts what a Sync did.
type Report struct {
	Stored, Rejected, Waiting, Expired, Failed int
}

func (r *Report) add(o Report) {
	r.Stored += o.Stored
	r.Rejected += o.Rejected
	r.Waiting += o.Waiting
	r.Expired += o.Expired
	r.Failed += o.Failed
}

// SyncAll takes what every destination of every tenant holds; one
// unreachable Zustelldienst does not stop the others.
func (s *Service) SyncAll(ctx context.Context) (Report, error) {
	rows, err := s.db.Query(ctx, `SELECT `+receiverColumns+` FROM fitconnect_receivers ORDER BY tenant_id, id`)
	if err != nil {
		return Report{}, fmt.Errorf("inbound: receivers: %w", err)
	}
	var all []Receiver
	for rows.Next() {
		r, err := scanReceiver(rows)
		if err != nil {
			rows.Close()
			return Report{}, err
		}
		all = append(all, r)
	}
	rows.Close()
	var total Report
	var errs []error
	for _, r := range all {
		rep, err := s.sync(ctx, r)
		total.add(rep)
		if err != nil {
			errs = append(errs, fmt.Errorf("Zustellpunkt %s: %w", r.DestinationID, err))
		}
	}
	return total, errors.Join(errs...)
}

// Sync takes what one destination of the tenant holds.
func (s *Service) Sync(ctx context.Context, tenantID, receiverID string) (Report, error) {
	r, err := s.Receiver(ctx, tenantID, receiverID)
	if err != nil {
		return Report{}, err
	}
	return s.sync(ctx, r)
}

func (s *Service) sync(ctx context.Context, r Receiver) (Report, error) {
	var rep Report
	rc, err := s.client(ctx, r)
	if err != nil {
		return rep, err
	}
	refs, err := rc.Pending(ctx)
	if err != nil {
		return rep, err
	}
	pending := map[string]bool{}
	var errs []error
	for _, ref := range refs {
		pending[ref.SubmissionID] = true
		if err := s.take(ctx, r, rc, ref, &rep); err != nil {
			rep.Failed++
			errs = append(errs, err)
		}
	}
	n, err := s.expire(ctx, r, pending)
	rep.Expired += n
	return rep, errors.Join(append(errs, err)...)
}

// take brings one submission into the inbox or rejects it. Every step is
// recorded on its entry, so a crash or a lost confirmation is picked up
// by the next run: the submission is stored under an idempotency key
// made of its id, and a stored one is only confirmed again.
func (s *Service) take(ctx context.Context, r Receiver, rc *fitconnect.Receiver, ref fitconnect.SubmissionRef, rep *Report) error {
	e, err := s.entry(ctx, r, ref)
	if err != nil {
		return err
	}
	if e.State == StateRejected {
		// Decided, but the Zustelldienst still lists it: the rejection
		// did not arrive, so it is sent again.
		return rc.Reject(ctx, ref, e.Problems...)
	}
	e.Attempts++
	in, err := rc.Fetch(ctx, ref)
	if in != nil {
		e.ServiceIdentifier = in.ServiceIdentifier
		if !in.SubmittedAt.IsZero() {
			e.SubmittedAt = in.SubmittedAt
		}
	}
	if errors.Is(err, fitconnect.ErrUnknownKey) {
		e.LastError = "Der Antrag ist für einen Schlüssel verschlüsselt, der hier nicht hinterlegt ist (" + err.Error() +
			"). Bitte den privaten Schlüssel dieses Zustellpunkts ergänzen; bis zur automatischen Zurückweisung bleibt Zeit."
		rep.Waiting++
		return s.update(ctx, r, e)
	}
	if err != nil {
		e.LastError = err.Error()
		return errors.Join(err, s.update(ctx, r, e))
	}
	if e.State == StateStored || e.State == StateAccepted {
		return s.confirm(ctx, r, rc, in, e)
	}
	problems := in.Problems
	var serviceID string
	if len(problems) == 0 {
		serviceID, problems = s.serviceOf(ctx, in)
	}
	if len(problems) == 0 {
		problems = checkData(in)
	}
	if len(problems) > 0 {
		if err := rc.Reject(ctx, ref, problems...); err != nil {
			e.LastError = err.Error()
			return errors.Join(err, s.update(ctx, r, e))
		}
		e.State, e.Problems, e.DecidedAt, e.LastError = StateRejected, problems, s.now(), ""
		rep.Rejected++
		slog.Info("fitconnect submission rejected", "destination", r.DestinationID, "submission", ref.SubmissionID, "problems", len(problems))
		return s.update(ctx, r, e)
	}
	if err := s.store(ctx, r, in, serviceID, &e); err != nil {
		e.State, e.LastError = StateWaiting, "Speichern fehlgeschlagen: "+err.Error()
		return errors.Join(err, s.update(ctx, r, e))
	}
	rep.Stored++
	return s.confirm(ctx, r, rc, in, e)
}

// store puts the submission, its attachments and its case into the
// tenant's inbox in one transaction with the entry's new state.
func (s *Service) store(ctx context.Context, r Receiver, in *fitconnect.Incoming, serviceID string, e *Entry) error {
	t, err := s.tenants.ByID(ctx, r.TenantID)
	if err != nil {
		return err
	}
	schemaURI := ""
	if in.Metadata.ContentStructure.Data != nil {
		schemaURI = in.Metadata.ContentStructure.Data.SubmissionSchema.SchemaURI
	}
	return s.db.InTx(ctx, func(ctx context.Context) error {
		res, err := s.subs.Submit(ctx, submission.Input{TenantID: r.TenantID, TenantCode: t.Code, ServiceID: serviceID,
			FormID: FormID, FormVersion: schemaURI, Values: values(in), IdempotencyKey: "fitconnect:" + in.SubmissionID,
			Actor: "fitconnect:" + r.DestinationID})
		if err != nil {
			return err
		}
		if res.Created {
			for _, a := range in.Attachments {
				name := a.Filename
				if strings.TrimSpace(name) == "" {
					name = "Anlage-" + a.AttachmentID[:8]
				}
				if _, err := s.subs.PutAttachment(ctx, submission.NewAttachment{TenantID: r.TenantID, SubmissionID: res.Submission.ID,
					Owner: "fitconnect", FieldPath: "fitconnect:" + a.Purpose, Filename: name, ContentType: a.MimeType,
					MaxSize: maxAttachment}, bytes.NewReader(a.Content)); err != nil {
					return fmt.Errorf("Anlage %s: %w", name, err)
				}
			}
		}
		e.State, e.LocalSubmissionID, e.LastError = StateStored, res.Submission.ID, ""
		return s.update(ctx, r, *e)
	})
}

// confirm posts the accept event and records it.
func (s *Service) confirm(ctx context.Context, r Receiver, rc *fitconnect.Receiver, in *fitconnect.Incoming, e Entry) error {
	if err := rc.Accept(ctx, in); err != nil {
		e.LastError = "Bestätigung nicht zugestellt: " + err.Error()
		return errors.Join(err, s.update(ctx, r, e))
	}
	e.State, e.DecidedAt, e.LastError = StateAccepted, s.now(), ""
	return errors.Join(s.update(ctx, r, e), s.audit.Record(ctx, r.TenantID, "fitconnect:"+r.DestinationID,
		"fitconnect.submission.accepted", "submission:"+e.LocalSubmissionID, map[string]string{"fitconnect_submission": e.SubmissionID}))
}

// expire marks open entries the Zustelldienst no longer lists after its
// 14 days: it rejected them itself.
func (s *Service) expire(ctx context.Context, r Receiver, pending map[string]bool) (int, error) {
	rows, err := s.db.Query(ctx, `SELECT `+entryColumns+` FROM fitconnect_inbound WHERE tenant_id = ? AND receiver_id = ? AND state = ?`,
		r.TenantID, r.ID, StateWaiting)
	if err != nil {
		return 0, fmt.Errorf("inbound: open entries: %w", err)
	}
	var gone []Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			rows.Close()
			return 0, err
		}
		if !pending[e.SubmissionID] && !s.now().Before(e.RejectAt()) {
			gone = append(gone, e)
		}
	}
	rows.Close()
	for _, e := range gone {
		e.State, e.DecidedAt = StateExpired, s.now()
		if err := s.update(ctx, r, e); err != nil {
			return 0, err
		}
	}
	return len(gone), nil
}
