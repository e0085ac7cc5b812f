package receipt

import (
	"errors"
	"io"
	"time"
)

// Decision is a simple Bescheid: a letter from the authority to the
// applicant that decides the application.
type Decision struct {
	Authority Authority
	// Recipient is the address block, one line each: name, street,
	// postcode and place.
	Recipient []string
	// Date is the date of the Bescheid, shown in Europe/Berlin time and
	// used as the PDF's creation date.
	Date time.Time
	// TrackingNumber is the Vorgangsnummer the letter refers to, optional.
	TrackingNumber string
	// Caseworker is who to contact about the letter, optional.
	Caseworker string
	// Subject is the bold subject line, e.g. "Bescheid über die
	// Festsetzung der Hundesteuer".
	Subject string
	// Salutation is optional; empty gives "Sehr geehrte Damen und Herren,".
	Salutation string
	// Body is the text, one paragraph each; newlines inside are kept.
	Body []string
	// LegalRemedy is the Rechtsbehelfsbelehrung. Without one the deadline
	// to sue grows from one month to one year (§ 58 Abs. 2 VwGO), so leave
	// it empty only for letters that decide nothing.
	LegalRemedy string
	// Signatory is the name printed under "Im Auftrag".
	Signatory string
	// Footer is printed at the bottom of every page, optional.
	Footer string
}

// MachineNote is printed under the signature block.
const MachineNote = "Dieses Schreiben wurde maschinell erstellt und ist ohne Unterschrift gültig."

// Errors for an incomplete Decision.
var (
	ErrNoRecipient = errors.New("receipt: decision recipient missing")
	ErrNoSubject   = errors.New("receipt: decision subject missing")
	ErrNoDate      = errors.New("receipt: decision date missing")
)

func (d *Decision) validate() error {
	switch {
	case oneLine(d.Authority.Name) == "":
		return ErrNoAuthority
	case joinNonEmpty("", d.Recipient...) == "":
		return ErrNoRecipient
	case oneLine(d.Subject) == "":
		return ErrNoSubject
	case d.Date.IsZero():
		return ErrNoDate
	}
	return nil
}

// RenderDecision writes d as an A4 letter (PDF) to w. Nothing is written
// when it fails.
func RenderDecision(w io.Writer, d Decision) error {
	if err := d.validate(); err != nil {
		return err
	}
	doc := newDoc(meta{
		title:   d.Subject,
		subject: joinNonEmpty(" ", "Bescheid", d.TrackingNumber),
		author:  d.Authority.Name,
		created: d.Date,
	}, 25, 20)
	(&decisionRenderer{doc: doc, d: &d}).render()
	return doc.finish(w, d.Footer)
}
