package delivery

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/serviceportal/serviceportal/internal/submission"
)

// Webhook defaults.
const (
	DefaultWebhookTimeout = 10 * time.Second
	// DefaultInlineLimit is the total size of a submission's files up to
	// which a webhook carries their content.
	DefaultInlineLimit = 5 << 20
)

// AttachmentWriter streams a stored file (*submission.Service has it).
type AttachmentWriter interface {
	WriteAttachment(ctx context.Context, w io.Writer, a submission.Attachment) error
}

// WebhookPayload is the JSON body of a webhook delivery.
//
// Files: when all of the citizen's files together are at most the inline
// limit (5 MB by default), every attachment carries its content, base64
// encoded, so that a typical application (a form and a few scans) arrives
// complete in one signed request and the receiver needs no second channel.
// Above the limit no attachment carries content (all or nothing, so
// receivers handle one case per delivery), only its name, type, size and
// SHA-512 and, when the portal offers one, a URL to fetch it: a request
// body of hundreds of megabytes would be held in memory for the signature
// and break on receivers' body limits.
type WebhookPayload struct {
	DeliveryID     string              `json:"deliveryId"`
	Tenant         string              `json:"tenant"`
	SubmissionID   string              `json:"submissionId"`
	TrackingNumber string              `json:"trackingNumber"`
	Service        WebhookService      `json:"service"`
	SubmittedAt    time.Time           `json:"submittedAt"`
	FormID         string              `json:"formId"`
	FormVersion    string              `json:"formVersion"`
	Data           map[string]any      `json:"data"`
	Attachments    []WebhookAttachment `json:"attachments"`
}

// WebhookService names the service of a webhook payload.
type WebhookService struct {
	Slug     string `json:"slug"`
	LeikaKey string `json:"leikaKey"`
}

// WebhookAttachment describes one file of a webhook payload.
type WebhookAttachment struct {
	ID          string `json:"id"`
	Field       string `json:"field"`
	Filename    string `json:"filename"`
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
	SHA512      string `json:"sha512"`
	URL         string `json:"url,omitempty"`
	// Content is the file, base64 in JSON; absent above the inline limit.
	Content []byte `json:"content,omitempty"`
}

// WebhookOptions configure the webhook adapter; zero values take defaults.
type WebhookOptions struct {
	// Files streams attachments; needed when submissions have files.
	Files AttachmentWriter
	// Describe names tenant and service.
	Describe DescribeFunc
	// Timeout bounds one request (default 10 s); a timeout is a failed
	// attempt.
	Timeout time.Duration
	// InlineLimit is the total file size carried inline (default 5 MB).
	InlineLimit int64
	// Client sends the requests; the default follows no redirects, since
	// a redirected application would leave the configured receiver.
	Client *http.Client
	// AttachmentURL, if set, gives each file a link to fetch it by, needed
	// for files that are not inlined; "" leaves a file without one.
	AttachmentURL func(d Delivery, attachmentID string) string
	// Now is the clock for the timestamp header.
	Now func() time.Time
}

// Webhook delivers by signed HTTP POST. Any 2xx answer is success;
// anything else, a network error or a timeout is a failed attempt.
type Webhook struct{ o WebhookOptions }

// NewWebhook returns the webhook adapter.
func NewWebhook(o WebhookOptions) *Webhook {
	if o.Timeout <= 0 {
		o.Timeout = DefaultWebhookTimeout
	}
	if o.InlineLimit <= 0 {
		o.InlineLimit = DefaultInlineLimit
	}
	if o.Client == nil {
		o.Client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if o.Describe == nil {
		o.Describe = idNames
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Webhook{o: o}
}

// Kind returns KindWebhook.
func (*Webhook) Kind() string { return KindWebhook }

// Payload builds the JSON body for d.
func (w *Webhook) Payload(ctx context.Context, d Delivery, sub submission.Submission) ([]byte, error) {
	names, err := w.o.Describe(ctx, sub)
	if err != nil {
		return nil, err
	}
	p := WebhookPayload{DeliveryID: d.ID, Tenant: names.Tenant, SubmissionID: sub.ID, TrackingNumber: sub.TrackingNumber,
		Service: WebhookService{Slug: names.ServiceSlug, LeikaKey: names.LeikaKey}, SubmittedAt: sub.SubmittedAt.UTC(),
		FormID: sub.FormID, FormVersion: sub.FormVersion, Data: sub.Values, Attachments: []WebhookAttachment{}}
	files := citizenFiles(sub)
	var total int64
	for _, a := range files {
		total += a.Size
	}
	inline := total <= w.o.InlineLimit
	for _, a := range files {
		wa := WebhookAttachment{ID: a.ID, Field: a.FieldPath, Filename: a.Filename, ContentType: a.ContentType, Size: a.Size, SHA512: a.SHA512}
		if w.o.AttachmentURL != nil {
			wa.URL = w.o.AttachmentURL(d, a.ID)
		}
		if inline {
			if wa.Content, err = readFile(ctx, w.o.Files, a); err != nil {
				return nil, err
			}
		}
		p.Attachments = append(p.Attachments, wa)
	}
	body, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("delivery: encode webhook: %w", err)
	}
	return body, nil
}

// citizenFiles are the files the citizen sent with the form; files linked
// later (the Bescheid, mailbox replies) carry an owner and are not part of
// the application.
func citizenFiles(sub submission.Submission) []submission.Attachment {
	var out []submission.Attachment
	for _, a := range sub.Attachments {
		if a.Owner == "" {
			out = append(out, a)
		}
	}
	return out
}

func readFile(ctx context.Context, files AttachmentWriter, a submission.Attachment) ([]byte, error) {
	if files == nil {
		return nil, Permanent(errors.New("delivery: no attachment source configured"))
	}
	var b bytes.Buffer
	b.Grow(int(a.Size))
	if err := files.WriteAttachment(ctx, &b, a); err != nil {
		return nil, fmt.Errorf("delivery: read attachment %s: %w", a.ID, err)
	}
	return b.Bytes(), nil
}

// Deliver POSTs the signed payload to the target's URL.
func (w *Webhook) Deliver(ctx context.Context, d Delivery, sub submission.Submission) (Outcome, error) {
	if d.Target.Secret == "" {
		return Outcome{}, Permanent(errors.New("für das Ziel ist kein Geheimnis für die Signatur hinterlegt"))
	}
	body, err := w.Payload(ctx, d, sub)
	if err != nil {
		return Outcome{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, w.o.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.Target.URL, bytes.NewReader(body))
	if err != nil {
		return Outcome{}, Permanent(fmt.Errorf("ungültige Adresse %q: %w", d.Target.URL, err))
	}
	ts := w.o.Now().Unix()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Serviceportal-Delivery/1")
	req.Header.Set(HeaderDelivery, d.ID)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(HeaderSignature, Sign(d.Target.Secret, ts, body))
	resp, err := w.o.Client.Do(req)
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return Outcome{}, fmt.Errorf("keine Antwort von %s innerhalb von %s", req.URL.Host, w.o.Timeout)
		}
		return Outcome{}, fmt.Errorf("%s nicht erreichbar: %w", req.URL.Host, err)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // let the connection be reused
	out := Outcome{HTTPStatus: resp.StatusCode}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		msg := fmt.Sprintf("Empfänger antwortete %s", resp.Status)
		if s := strings.TrimSpace(strings.ToValidUTF8(string(snippet), "")); s != "" {
			msg += ": " + truncate(s, 200)
		}
		return out, errors.New(msg)
	}
	return out, nil
}
