package payment

import (
	"encoding/json"
	"regexp"
	"time"
)

// PaymentInformation is FIT-Connect's metadata object paymentInformation
// (internal/fitconnect/schema/metadata.schema.v1.0.0.json), which takes
// the XBezahldienste fields "1-zu-1" (standards.md §6.1).
type PaymentInformation struct {
	TransactionURL       string      `json:"transactionUrl,omitempty"`
	TransactionID        string      `json:"transactionId"`
	TransactionReference string      `json:"transactionReference"`
	TransactionTimestamp string      `json:"transactionTimestamp,omitempty"`
	PaymentMethod        string      `json:"paymentMethod"`
	Status               string      `json:"status"`
	GrossAmount          json.Number `json:"grossAmount,omitempty"`
}

var fitTransactionID = regexp.MustCompile(`^[\w\d-]{1,36}$`)

// FITConnect describes the payment for FIT-Connect's metadata. The schema
// calls a verified payment BOOKED (XBezahldienste: PAYED) and knows no
// EXPIRED (CANCELED there); its transactionId allows at most 36 word
// characters, so a provider reference that does not fit is replaced by
// the portal's payment id.
func (p Payment) FITConnect() PaymentInformation {
	status := p.Status.XBezahldienste()
	if p.Status == StatusPayed {
		status = "BOOKED"
	}
	id := p.ProviderRef
	if !fitTransactionID.MatchString(id) {
		id = p.ID
	}
	method := p.Method
	if method == "" {
		method = "OTHER"
	}
	info := PaymentInformation{TransactionID: id, TransactionReference: p.Kassenzeichen, PaymentMethod: method, Status: status,
		GrossAmount: json.Number(decimalEuro(p.AmountCents))}
	if p.PaidAt != nil {
		info.TransactionTimestamp = p.PaidAt.UTC().Format(time.RFC3339)
	}
	return info
}
