package payment

import (
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
)

// Provider is one payment service provider's protocol.
type Provider interface {
	// Name is the adapter's key in URLs and in the payments table.
	Name() string
	// Label is what citizens and staff read ("pmPayment", "Testzahlung").
	Label() string
	// Start opens the transaction at the provider and returns where to
	// send the citizen and the provider's transaction id.
	Start(ctx context.Context, p Payment, req StartRequest) (redirectURL, providerRef string, err error)
	// VerifyNotification checks a notification for p (signature, merchant,
	// transaction id) and returns what the provider vouches for; protocols
	// whose notifications are not signed confirm with a status check.
	VerifyNotification(ctx context.Context, p Payment, n Notification) (Result, error)
	// Status asks the provider where p stands.
	Status(ctx context.Context, p Payment) (Result, error)
}

// StartRequest is what a provider needs besides the payment.
type StartRequest struct {
	// ReturnURL is where the provider sends the citizen back (absolute).
	ReturnURL string
	// NotifyURL receives the provider's server-to-server notification
	// (absolute); it carries the payment's id as ?ref=.
	NotifyURL string
	// PortalBase is the tenant's base path ("/recklinghausen"), for pages
	// the portal serves itself (the test provider's page).
	PortalBase string
	// Payer is who pays, as far as the form tells (ePayBL wants it).
	Payer Payer
}

// Payer is the person paying.
type Payer struct {
	FirstName, Name, Organization string
	Street, HouseNumber           string
	PostalCode, City              string
}

// Result is what a provider vouches for.
type Result struct {
	ProviderRef string
	Status      Status
	// AmountCents and Currency are checked against the payment when the
	// provider reports them; 0 and "" mean "not reported".
	AmountCents int64
	Currency    string
	Method      string
	Detail      string
}

// Notification is a provider's server-to-server message as received.
type Notification struct {
	// Query is the notify URL's query: ?ref= names our payment.
	Query url.Values
	// Form is the body when it is form-encoded.
	Form url.Values
	// Body is the raw body (JSON providers).
	Body []byte
}

// maxNotification bounds what is read from a notification request.
const maxNotification = 64 << 10

// ReadNotification reads a notification request, at most 64 KiB.
func ReadNotification(r *http.Request) (Notification, error) {
	n := Notification{Query: r.URL.Query(), Form: url.Values{}}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxNotification+1))
	if err != nil {
		return n, fmt.Errorf("payment: read notification: %w", err)
	}
	if len(body) > maxNotification {
		return n, fmt.Errorf("%w: body too large", ErrRejected)
	}
	n.Body = body
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "application/x-www-form-urlencoded" {
		if n.Form, err = url.ParseQuery(string(body)); err != nil {
			return n, fmt.Errorf("%w: bad form: %v", ErrRejected, err)
		}
	}
	return n, nil
}

// xbMethod maps a provider's payment method name onto XBezahldienste's
// paymentMethod (GIROPAY|PAYDIRECT|CREDITCARD|PAYPAL|OTHER, standards.md
// §6.1).
func xbMethod(s string) string {
	switch s {
	case "":
		return ""
	case "giropay", "GIROPAY":
		return "GIROPAY"
	case "paydirekt", "paydirect", "PAYDIRECT":
		return "PAYDIRECT"
	case "creditCard", "creditcard", "CREDITCARD":
		return "CREDITCARD"
	case "paypal", "PAYPAL":
		return "PAYPAL"
	}
	return "OTHER"
}
