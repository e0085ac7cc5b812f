package delivery

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/serviceportal/serviceportal/internal/submission"
)

// Kinds of destination built into the portal. FIT-Connect will add its own.
const (
	// KindPortal is the portal's own back office: the case already exists,
	// so there is nothing to send. It is the default destination.
	KindPortal = "portal"
	// KindWebhook POSTs the application as signed JSON.
	KindWebhook = "webhook"
	// KindEmail e-mails the office a short notice with the receipt PDF.
	KindEmail = "email"
)

// Adapter hands one submission to one kind of destination.
type Adapter interface {
	// Kind is the target kind the adapter serves, e.g. "webhook".
	Kind() string
	// Deliver makes one attempt. A nil error means the receiver accepted
	// the application. An error is a failed attempt that will be retried,
	// unless it wraps ErrPermanent; the Outcome may still carry details
	// (an HTTP status) for the attempt log. d.Target.Secret holds the
	// target's opened secret.
	Deliver(ctx context.Context, d Delivery, sub submission.Submission) (Outcome, error)
}

// Outcome describes a finished attempt for the attempt log.
type Outcome struct {
	// Kept reports that nothing was sent on purpose (demo mode without an
	// SMTP server); the delivery counts as delivered and the attempt is
	// labelled "kept".
	Kept bool
	// HTTPStatus is the receiver's status code, 0 when not HTTP.
	HTTPStatus int
	// Reference is the receiver's identifier for the application, if it
	// gives one; it is stored on the delivery.
	Reference string
	// Detail is a short note for staff, e.g. where a kept mail can be read.
	Detail string
}

// ErrPermanent marks an attempt failure that retrying will not fix (no
// adapter for the kind, the payload deleted by retention, a target without
// its secret). The delivery goes straight to dead; staff may still Retry
// after fixing the cause.
var ErrPermanent = errors.New("delivery: permanent failure")

// Permanent wraps err so that it is recognised as ErrPermanent.
func Permanent(err error) error { return fmt.Errorf("%w: %w", ErrPermanent, err) }

// Registry holds the adapters by kind. Fill it while wiring, before the
// job queue starts; it is read without locks afterwards.
type Registry map[string]Adapter

// Add registers a, replacing an adapter of the same kind.
func (r Registry) Add(a Adapter) { r[a.Kind()] = a }

// Get returns the adapter for kind.
func (r Registry) Get(kind string) (Adapter, bool) {
	a, ok := r[kind]
	return a, ok
}

// Kinds lists the registered kinds, sorted.
func (r Registry) Kinds() []string {
	out := make([]string, 0, len(r))
	for k := range r {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Portal is the adapter of the portal's own back office. The case is
// opened in the submit transaction, so delivering means nothing more;
// Enqueue marks such deliveries delivered at once without a job.
type Portal struct{}

// Kind returns KindPortal.
func (Portal) Kind() string { return KindPortal }

// Deliver does nothing: the back office already has the application.
func (Portal) Deliver(context.Context, Delivery, submission.Submission) (Outcome, error) {
	return Outcome{Detail: "im Posteingang des Portals"}, nil
}
