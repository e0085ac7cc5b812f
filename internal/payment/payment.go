// Package payment collects fees online before an application is submitted:
// payments with a Kassenzeichen per tenant, an append-only event log,
// providers behind one interface (pmPayment by GovConnect, ePayBL over REST
// with DPoP, and a plainly labelled test provider for the demo), verified
// and idempotent notifications, status checks when the citizen returns
// before the notification, expiry of abandoned payments, refunds and the
// daily reconciliation export for the Finanzverfahren.
//
// The status model is the XBezahldienste one (INITIAL, PAYED, FAILED,
// CANCELED; see reference/standards.md §6.1) plus EXPIRED for payments the
// citizen abandoned.
package payment

import (
	"errors"
	"time"
)

// Status is where a payment stands.
type Status string

// The statuses. INITIAL is open; the others are final, except that a
// provider's verified PAYED always wins: money that was taken is recorded
// even when the portal had given up on the payment.
const (
	StatusInitial  Status = "INITIAL"
	StatusPayed    Status = "PAYED"
	StatusFailed   Status = "FAILED"
	StatusCanceled Status = "CANCELED"
	StatusExpired  Status = "EXPIRED"
)

var statusLabels = map[Status]string{
	StatusInitial:  "Offen",
	StatusPayed:    "Bezahlt",
	StatusFailed:   "Fehlgeschlagen",
	StatusCanceled: "Abgebrochen",
	StatusExpired:  "Abgelaufen",
}

// Label is the status in German, for citizens and caseworkers.
func (s Status) Label() string {
	if l, ok := statusLabels[s]; ok {
		return l
	}
	return string(s)
}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { _, ok := statusLabels[s]; return ok }

// XBezahldienste is the status in the XBezahldienste model: EXPIRED is
// ours and counts as CANCELED there. (FIT-Connect's metadata says BOOKED
// for PAYED; see Payment.FITConnect.)
func (s Status) XBezahldienste() string {
	if s == StatusExpired {
		return string(StatusCanceled)
	}
	return string(s)
}

// Currency is the only currency the portal collects.
const Currency = "EUR"

// Payment is one attempt to pay a fee.
type Payment struct {
	ID       string
	TenantID string
	// DraftID is the draft the payment was started on; it stays after the
	// draft is gone.
	DraftID string
	// SubmissionID is set once the application is submitted.
	SubmissionID string
	ServiceID    string
	// Provider names the adapter: "pmpayment", "epaybl" or "test".
	Provider    string
	AmountCents int64
	Currency    string
	// Purpose is the human description (the service's name).
	Purpose string
	// Kassenzeichen is the cash office's reference, e.g. REC-2026-Z000042.
	Kassenzeichen string
	// ProviderRef is the provider's transaction id.
	ProviderRef string
	// Method is the XBezahldienste paymentMethod once known.
	Method        string
	Status        Status
	RedirectURL   string
	RefundedCents int64
	CreatedAt     time.Time
	UpdatedAt     time.Time
	// PaidAt is when the payment was first verified as PAYED.
	PaidAt *time.Time
	// Haushaltsstelle is the budget line the fee was booked under when the
	// payment started.
	Haushaltsstelle string
}

// SEPAPurpose is the Verwendungszweck sent to providers: the Kassenzeichen
// and the purpose, in the SEPA character set and at most 27 characters
// (standards.md §6.1), so the cash office finds the Kassenzeichen on the
// bank statement.
func (p Payment) SEPAPurpose() string { return SEPAText(p.Kassenzeichen+" "+p.Purpose, 27) }

// Event is one entry of a payment's append-only log.
type Event struct {
	ID         string
	PaymentID  string
	Kind       string
	StatusFrom Status
	StatusTo   Status
	Detail     string
	CreatedAt  time.Time
}

// Refund is money paid back to the citizen.
type Refund struct {
	ID          string
	PaymentID   string
	AmountCents int64
	ProviderRef string
	Reason      string
	Actor       string
	CreatedAt   time.Time
}

// Errors callers distinguish.
var (
	// ErrRejected means a notification failed verification (signature,
	// amount, currency or reference); nothing was changed.
	ErrRejected = errors.New("payment: notification rejected")
	// ErrNoProvider means no provider is configured for the tenant.
	ErrNoProvider = errors.New("payment: no provider configured")
	// ErrAlreadyPaid means the draft has a verified payment already.
	ErrAlreadyPaid = errors.New("payment: already paid")
	// ErrNotPaid means a refund was recorded for a payment that is not PAYED.
	ErrNotPaid = errors.New("payment: not paid")
	// ErrRefundTooLarge means refunds would exceed the amount paid.
	ErrRefundTooLarge = errors.New("payment: refunds exceed the amount paid")
	// ErrLinked means the payment belongs to another submission already.
	ErrLinked = errors.New("payment: linked to another submission")
)

// Paid returns the verified payment among ps (the newest, if several).
func Paid(ps []Payment) (Payment, bool) {
	var best Payment
	found := false
	for _, p := range ps {
		if p.Status == StatusPayed && (!found || p.CreatedAt.After(best.CreatedAt)) {
			best, found = p, true
		}
	}
	return best, found
}

var berlin = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return time.FixedZone("MEZ", 3600)
	}
	return loc
}()
