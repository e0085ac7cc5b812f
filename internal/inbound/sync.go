package inbound

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"

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
	mu, _ := s.syncing.LoadOrStore(r.ID, &sync.Mutex{})
	mu.(*sync.Mutex).Lock()
	defer mu.(*sync.Mutex).Unlock()
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
	n, err := s.settle(ctx, r, rc, pending)
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
		if len(in.Problems) > 0 {
			// Already in the inbox from an earlier, sound fetch; what
			// the Zustelldienst serves now differs, so it is not confirmed.
			e.LastError = "Beim erneuten Abruf weicht die Einreichung ab: " + in.Problems[0].String()
			return errors.Join(errors.New(e.LastError), s.update(ctx, r, e))
		}
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
// tenant's inbox. The files go into a draft first, each stored (and
// scanned, if a virus scanner is configured) on its own, so no scan runs
// while the writer is held; then the submission takes them over in one
// transaction with the entry's new state, as a citizen's submit does.
func (s *Service) store(ctx context.Context, r Receiver, in *fitconnect.Incoming, serviceID string, e *Entry) error {
	t, err := s.tenants.ByID(ctx, r.TenantID)
	if err != nil {
		return err
	}
	schemaURI := ""
	if in.Metadata.ContentStructure.Data != nil {
		schemaURI = in.Metadata.ContentStructure.Data.SubmissionSchema.SchemaURI
	}
	d, _, err := s.subs.CreateDraft(ctx, submission.NewDraft{TenantID: r.TenantID, ServiceID: serviceID, FormID: FormID, FormVersion: schemaURI})
	if err != nil {
		return err
	}
	for _, a := range in.Attachments {
		name := a.Filename
		if strings.TrimSpace(name) == "" {
			name = "Anlage-" + a.AttachmentID[:8]
		}
		if _, err := s.subs.PutAttachment(ctx, submission.NewAttachment{TenantID: r.TenantID, DraftID: d.ID,
			Owner: "fitconnect", FieldPath: "fitconnect:" + a.Purpose, Filename: name, ContentType: a.MimeType,
			MaxSize: maxAttachment}, bytes.NewReader(a.Content)); err != nil {
			s.subs.DeleteDraft(context.WithoutCancel(ctx), r.TenantID, d.ID)
			return fmt.Errorf("Anlage %s: %w", name, err)
		}
	}
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		res, err := s.subs.Submit(ctx, submission.Input{TenantID: r.TenantID, TenantCode: t.Code, ServiceID: serviceID,
			FormID: FormID, FormVersion: schemaURI, Values: values(in), IdempotencyKey: "fitconnect:" + in.SubmissionID,
			DraftID: d.ID, Actor: "fitconnect:" + r.DestinationID})
		if err != nil {
			return err
		}
		if !res.Created {
			// Stored before (a lost confirmation, a parallel run): the
			// draft's copies of the files are not needed.
			if err := s.subs.DeleteDraft(ctx, r.TenantID, d.ID); err != nil {
				return err
			}
		}
		e.State, e.LocalSubmissionID, e.LastError = StateStored, res.Submission.ID, ""
		return s.update(ctx, r, *e)
	})
	if err != nil {
		s.subs.DeleteDraft(context.WithoutCancel(ctx), r.TenantID, d.ID)
	}
	return err
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

// settle ends open entries the Zustelldienst no longer lists. A waiting
// one past 14 days was rejected by the Zustelldienst. A stored one asks
// the event log: the accept may have arrived although its answer was
// lost, or the Zustelldienst rejected it after 14 days, which the
// caseworker must know since the case is in the inbox.
func (s *Service) settle(ctx context.Context, r Receiver, rc *fitconnect.Receiver, pending map[string]bool) (int, error) {
	rows, err := s.db.Query(ctx, `SELECT `+entryColumns+` FROM fitconnect_inbound WHERE tenant_id = ? AND receiver_id = ? AND state IN (?, ?)`,
		r.TenantID, r.ID, StateWaiting, StateStored)
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
		if !pending[e.SubmissionID] {
			gone = append(gone, e)
		}
	}
	rows.Close()
	expired := 0
	var errs []error
	for _, e := range gone {
		switch e.State {
		case StateWaiting:
			if s.now().Before(e.RejectAt()) {
				continue
			}
			e.State, e.DecidedAt = StateExpired, s.now()
			expired++
		case StateStored:
			st, problems, err := rc.Status(ctx, fitconnect.SubmissionRef{DestinationID: r.DestinationID, SubmissionID: e.SubmissionID, CaseID: e.CaseID})
			if err != nil {
				errs = append(errs, err)
				continue
			}
			switch st {
			case fitconnect.StatusAccepted:
				e.State, e.DecidedAt, e.LastError = StateAccepted, s.now(), ""
				errs = append(errs, s.audit.Record(ctx, r.TenantID, "fitconnect:"+r.DestinationID, "fitconnect.submission.accepted",
					"submission:"+e.LocalSubmissionID, map[string]string{"fitconnect_submission": e.SubmissionID}))
			case fitconnect.StatusRejected:
				e.State, e.DecidedAt, e.Problems = StateExpired, s.now(), problems
				e.LastError = "Der Zustelldienst hat die Einreichung zurückgewiesen, obwohl der Vorgang im Posteingang liegt; der Absender hält sie für abgelehnt."
				expired++
			default:
				continue
			}
		}
		if err := s.update(ctx, r, e); err != nil {
			return expired, err
		}
	}
	return expired, errors.Join(errs...)
}
