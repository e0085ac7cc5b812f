package payment

import (
	"regexp"
	"time"

	"github.com/serviceportal/serviceportal/internal/fitconnect"
)

var fitTransactionID = regexp.MustCompile(`^[\w\d-]{1,36}$`)

// FITConnect describes the payment as FIT-Connect's metadata object
// paymentInformation, which takes the XBezahldienste fields "1-zu-1"
// (standards.md §6.1). The schema calls a verified payment BOOKED
// (XBezahldienste: PAYED) and knows no EXPIRED (CANCELED there); its
// transactionId allows at most 36 word characters, so a provider
// reference that does not fit is replaced by the portal's payment id.
func (p Payment) FITConnect() fitconnect.PaymentInformation {
	status := p.Status.XBezahldienste()
	if p.Status == StatusPayed {
		status = fitconnect.PaymentBooked
	}
	id := p.ProviderRef
	if !fitTransactionID.MatchString(id) {
		id = p.ID
	}
	method := p.Method
	if method == "" {
		method = "OTHER"
	}
	info := fitconnect.PaymentInformation{TransactionID: id, TransactionReference: p.Kassenzeichen, PaymentMethod: method, Status: status,
		GrossAmount: fitconnect.Euros(p.AmountCents)}
	if p.PaidAt != nil {
		info.TransactionTimestamp = p.PaidAt.UTC().Format(time.RFC3339)
	}
	return info
}
