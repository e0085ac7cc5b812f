// Package receipt renders the PDF documents a citizen receives: the
// Antragsbestätigung after submitting an application and the Bescheid a
// caseworker issues. It only lays out what it is given; looking data up
// and storing the files is for the callers.
package receipt

import (
	"bytes"
	"errors"
	"io"
	"time"
)

// Authority is the sender shown in the letterhead.
type Authority struct {
	// Name is e.g. "Stadt Dorsten".
	Name string
	// Department is optional, e.g. "Fachbereich Bürgerdienste".
	Department string
	Street     string
	Postcode   string
	City       string
	Phone      string
	Email      string
	// Website is printed as given, e.g. "www.dorsten.de".
	Website string
}

// Receipt is everything an Antragsbestätigung shows.
type Receipt struct {
	Authority Authority
	// ServiceName is the Leistung applied for, e.g. "Hundeanmeldung".
	ServiceName string
	// LeiKaKey is optional (some local services have none).
	LeiKaKey string
	// TrackingNumber is the Vorgangsnummer, e.g. "DOR-2026-004711".
	TrackingNumber string
	// SubmittedAt is shown in Europe/Berlin time and is also the PDF's
	// creation date, so rendering the same receipt twice gives the same bytes.
	SubmittedAt time.Time
	// ApplicantName is optional.
	ApplicantName string
	// Sections are the answers in form order.
	Sections    []Section
	Attachments []Attachment
	// Payment is nil when the service is free or not paid online.
	Payment *Payment
	// NextSteps tells what happens now; newlines are kept.
	NextSteps string
	// StatusURL is where the citizen can follow the application; printed
	// as text (clickable too when it is an http(s) URL).
	StatusURL string
	// Footer is printed at the bottom of every page; empty gives a note
	// that the document was made by machine.
	Footer string
}

// Section is one group of answers, usually one step of the form.
type Section struct {
	Title string
	Rows  []Row
}

// Row is one answer. Values may span several lines.
type Row struct {
	Label string
	Value string
	// Heading marks a row that titles the rows after it (e.g. "Hund 2" of
	// a repeated group); its Value is ignored.
	Heading bool
	// Level indents the label for nested repeated groups (0 = none).
	Level int
}

// Attachment is one uploaded file.
type Attachment struct {
	Name string
	// Size in bytes.
	Size int64
	// SHA512 is the file's hex-encoded SHA-512 digest.
	SHA512 string
}

// Payment is the fee paid, or to be paid, with the application.
type Payment struct {
	AmountCents int64
	// Status is shown as given, e.g. "bezahlt".
	Status string
	// Kassenzeichen is the reference of the payment, optional.
	Kassenzeichen string
}

// DefaultReceiptFooter is the footer used when Receipt.Footer is empty.
const DefaultReceiptFooter = "Diese Bestätigung wurde maschinell erstellt und ist ohne Unterschrift gültig."

// Errors for incomplete input.
var (
	ErrNoAuthority = errors.New("receipt: authority name missing")
	ErrNoTracking  = errors.New("receipt: tracking number missing")
	ErrNoService   = errors.New("receipt: service name missing")
	ErrNoTime      = errors.New("receipt: submission time missing")
)

func (r *Receipt) validate() error {
	switch {
	case oneLine(r.Authority.Name) == "":
		return ErrNoAuthority
	case oneLine(r.TrackingNumber) == "":
		return ErrNoTracking
	case oneLine(r.ServiceName) == "":
		return ErrNoService
	case r.SubmittedAt.IsZero():
		return ErrNoTime
	}
	return nil
}

// Render writes r as an A4 PDF (Antragsbestätigung) to w. Nothing is
// written when it fails.
func Render(w io.Writer, r Receipt) error {
	if err := r.validate(); err != nil {
		return err
	}
	d := newDoc(meta{
		title:   "Antragsbestätigung " + r.TrackingNumber,
		subject: r.ServiceName,
		author:  r.Authority.Name,
		created: r.SubmittedAt,
	}, 20, 20)
	rr := receiptRenderer{doc: d, r: &r}
	rr.render()
	footer := r.Footer
	if oneLine(footer) == "" {
		footer = DefaultReceiptFooter
	}
	return d.finish(w, footer)
}

// RenderBytes is Render into memory.
func RenderBytes(r Receipt) ([]byte, error) {
	var b bytes.Buffer
	if err := Render(&b, r); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
