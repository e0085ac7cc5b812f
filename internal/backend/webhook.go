package backend

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/riverqueue/river"

	"github.com/serviceportal/serviceportal/internal/delivery"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/submission"
)

// EventSubmissionCreated is the type of the webhook that announces a new
// application.
const EventSubmissionCreated = "submission.created"

// webhookMaxAttempts spaces retries over about a day with River's backoff
// (attempt⁴ seconds); a receiver down longer than that polls the list.
const webhookMaxAttempts = 15

// Announcement is the body of a webhook: enough to fetch the application,
// never its answers.
type Announcement struct {
	Type           string     `json:"type"`
	ID             string     `json:"id"`
	TrackingNumber string     `json:"trackingNumber"`
	Service        ServiceRef `json:"service"`
	SubmittedAt    time.Time  `json:"submittedAt"`
	URL            string     `json:"url"`
}

// ServiceRef names a service in the API and in webhooks.
type ServiceRef struct {
	ID   string `json:"id"`
	Slug string `json:"slug"`
	Name string `json:"name"`
}

// ServiceRef describes the service with the given ID; an unknown one is
// named by its ID alone.
func (s *Service) ServiceRef(ctx context.Context, serviceID string) ServiceRef {
	svc, err := s.opts.Catalog.BySlug(ctx, serviceID)
	if err != nil {
		return ServiceRef{ID: serviceID}
	}
	return ServiceRef{ID: svc.ID, Slug: svc.Slug, Name: svc.Name}
}

// SubmissionURL is the API address of an application.
func (s *Service) SubmissionURL(id string) string {
	return s.base() + "/api/v1/backend/submissions/" + id
}

// webhookArgs is one announcement to one client.
type webhookArgs struct {
	TenantID     string `json:"tenant_id"`
	ClientID     string `json:"client_id"`
	SubmissionID string `json:"submission_id"`
	// EventID is the same on every attempt, so receivers can drop repeats.
	EventID string `json:"event_id"`
}

// Kind names the River job.
func (webhookArgs) Kind() string { return "backend_webhook" }

// Announce queues a webhook to every client of the application's tenant
// that has one and may see its service. It has the signature of a
// submission hook and belongs inside the submit transaction, so a
// committed application is always announced and a rolled-back one never.
func (s *Service) Announce(ctx context.Context, sub submission.Submission) error {
	cs, err := s.listeners(ctx, sub.TenantID, sub.ServiceID)
	if err != nil {
		return err
	}
	return s.announce(ctx, cs, sub)
}

// PrepareAnnounce is Announce as a submission preparer: it reads the
// listening clients before the submit transaction, which then only queues
// the announcements.
func (s *Service) PrepareAnnounce(ctx context.Context, in submission.Input) (submission.Prepared, error) {
	cs, err := s.listeners(ctx, in.TenantID, in.ServiceID)
	if err != nil || len(cs) == 0 {
		return nil, err
	}
	return func(ctx context.Context, r submission.Result) error { return s.announce(ctx, cs, r.Submission) }, nil
}

// listeners are the tenant's clients with a webhook that see the service.
func (s *Service) listeners(ctx context.Context, tenantID, serviceID string) ([]Client, error) {
	cs, err := s.clients(ctx, `tenant_id = ? AND webhook_url <> '' AND revoked_at IS NULL ORDER BY id`, tenantID)
	if err != nil {
		return nil, err
	}
	out := cs[:0]
	for _, c := range cs {
		if c.Sees(serviceID) {
			out = append(out, c)
		}
	}
	return out, nil
}

func (s *Service) announce(ctx context.Context, cs []Client, sub submission.Submission) error {
	for _, c := range cs {
		q := s.jobQueue()
		if q == nil {
			return errors.New("backend: no job queue for webhooks (call SetQueue)")
		}
		args := webhookArgs{TenantID: sub.TenantID, ClientID: c.ID, SubmissionID: sub.ID, EventID: store.NewID()}
		if err := q.Enqueue(ctx, args, &river.InsertOpts{MaxAttempts: webhookMaxAttempts}); err != nil {
			return err
		}
	}
	return nil
}

// webhookWorker sends the announcements.
type webhookWorker struct {
	river.WorkerDefaults[webhookArgs]
	svc *Service
}

// Work sends one announcement; an error lets River retry later. A client
// revoked in the meantime gets nothing.
func (w *webhookWorker) Work(ctx context.Context, job *river.Job[webhookArgs]) error {
	return w.svc.sendWebhook(ctx, job.Args)
}

func (s *Service) sendWebhook(ctx context.Context, a webhookArgs) error {
	c, err := s.client(ctx, a.TenantID, a.ClientID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if c.Revoked() || c.WebhookURL == "" {
		return nil
	}
	var sealed []byte
	if err := s.db.QueryRow(ctx, `SELECT webhook_secret FROM backend_clients WHERE tenant_id = ? AND id = ?`, a.TenantID, a.ClientID).
		Scan(&sealed); err != nil {
		return fmt.Errorf("backend: webhook secret: %w", err)
	}
	secret, err := s.opts.Keys.Open(ctx, a.TenantID, sealed, webhookAAD(c.ID))
	if err != nil {
		return err
	}
	sub, err := s.opts.Submissions.Submission(ctx, a.TenantID, a.SubmissionID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	body, err := json.Marshal(Announcement{Type: EventSubmissionCreated, ID: sub.ID, TrackingNumber: sub.TrackingNumber,
		Service: s.ServiceRef(ctx, sub.ServiceID), SubmittedAt: sub.SubmittedAt.UTC(), URL: s.SubmissionURL(sub.ID)})
	if err != nil {
		return err
	}
	ts := s.opts.Now().Unix()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.WebhookURL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Serviceportal")
	req.Header.Set(delivery.HeaderDelivery, a.EventID)
	req.Header.Set(delivery.HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(delivery.HeaderSignature, delivery.Sign(string(secret), ts, body))
	resp, err := s.opts.HTTPClient.Do(req)
	if err != nil {
		s.opts.Logger.WarnContext(ctx, "backend webhook failed", "client", c.ID, "err", err)
		return fmt.Errorf("backend: webhook: %w", err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		s.opts.Logger.WarnContext(ctx, "backend webhook refused", "client", c.ID, "status", resp.StatusCode)
		return fmt.Errorf("backend: webhook: receiver answered %d", resp.StatusCode)
	}
	return nil
}
