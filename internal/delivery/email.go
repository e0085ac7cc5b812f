package delivery

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	netmail "net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/serviceportal/serviceportal/internal/mail"
	"github.com/serviceportal/serviceportal/internal/submission"
)

// MailKindOffice is the mail.Kind of office deliveries kept in the outbox
// in demo mode.
const MailKindOffice mail.Kind = "delivery_office"

// EmailOptions configure the e-mail adapter.
type EmailOptions struct {
	// Mail is the SMTP configuration; keep mode (no host) sends nothing.
	Mail mail.Config
	// Outbox receives the clearly labelled kept copy in keep mode, so that
	// administrators see it under "Ausgehende E-Mails"; optional.
	Outbox *mail.Outbox
	// RenderReceipt makes the receipt PDF (Antragsbestätigung). Required.
	RenderReceipt func(ctx context.Context, sub submission.Submission) ([]byte, error)
	// Files streams the citizen's files, which are attached as well when
	// together they are at most FilesLimit.
	Files AttachmentWriter
	// FilesLimit bounds the attached files (default 5 MB, as for
	// webhooks); above it the mail says the files are in the portal.
	FilesLimit int64
	// Describe names tenant and service.
	Describe DescribeFunc
	// Now is the clock for the Date header.
	Now func() time.Time
}

// Email delivers to an office mailbox: a short notice with the receipt
// PDF (all answers by label, files by hash) attached, sent through go-mail.
type Email struct{ o EmailOptions }

// NewEmail checks the options and returns the e-mail adapter.
func NewEmail(o EmailOptions) (*Email, error) {
	if o.RenderReceipt == nil {
		return nil, errors.New("delivery: EmailOptions.RenderReceipt is required")
	}
	if err := o.Mail.Validate(); err != nil {
		return nil, fmt.Errorf("delivery: %w", err)
	}
	if o.FilesLimit <= 0 {
		o.FilesLimit = DefaultInlineLimit
	}
	if o.Describe == nil {
		o.Describe = idNames
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Email{o: o}, nil
}

// Kind returns KindEmail.
func (*Email) Kind() string { return KindEmail }

type officeMail struct {
	subject, text string
	pdfName       string
	pdf           []byte
	files         []submission.Attachment
}

func (e *Email) compose(ctx context.Context, d Delivery, sub submission.Submission) (officeMail, error) {
	names, err := e.o.Describe(ctx, sub)
	if err != nil {
		return officeMail{}, err
	}
	pdf, err := e.o.RenderReceipt(ctx, sub)
	if err != nil {
		return officeMail{}, fmt.Errorf("delivery: receipt PDF: %w", err)
	}
	service := names.ServiceName
	if service == "" {
		service = names.ServiceSlug
	}
	m := officeMail{subject: "Neuer Antrag " + sub.TrackingNumber + ": " + service, pdf: pdf,
		pdfName: "Antrag-" + sub.TrackingNumber + ".pdf"}
	files := citizenFiles(sub)
	var total int64
	for _, a := range files {
		total += a.Size
	}
	filesNote := "Es wurden keine Dateien hochgeladen."
	switch {
	case len(files) == 1 && total <= e.o.FilesLimit:
		m.files = files
		filesNote = "Die hochgeladene Datei ist ebenfalls angehängt."
	case len(files) > 1 && total <= e.o.FilesLimit:
		m.files = files
		filesNote = fmt.Sprintf("Die %d hochgeladenen Dateien sind ebenfalls angehängt.", len(files))
	case len(files) > 0:
		filesNote = "Die hochgeladenen Dateien sind zu groß für eine E-Mail; Sie finden sie im Serviceportal (Prüfsummen in der PDF-Datei)."
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Guten Tag,\n\nüber das Serviceportal ist ein neuer Antrag eingegangen.\n\n")
	fmt.Fprintf(&b, "Vorgangsnummer: %s\nLeistung: %s\n", sub.TrackingNumber, service)
	if names.TenantName != "" {
		fmt.Fprintf(&b, "Behörde: %s\n", names.TenantName)
	}
	fmt.Fprintf(&b, "Eingegangen: %s Uhr\nZustellungs-ID: %s\n\n", sub.SubmittedAt.In(berlin).Format("02.01.2006, 15:04"), d.ID)
	fmt.Fprintf(&b, "Die Antragsbestätigung mit allen Angaben ist als PDF-Datei angehängt. %s\n\n", filesNote)
	b.WriteString("Diese Nachricht wurde automatisch erstellt. Kommt sie mehrfach an, gilt die Zustellungs-ID: gleiche ID, gleicher Antrag.\n")
	m.text = b.String()
	return m, nil
}

// Deliver sends the notice with the PDF, or in keep mode keeps a labelled
// copy (without attachments) in the mail outbox and reports Kept.
func (e *Email) Deliver(ctx context.Context, d Delivery, sub submission.Submission) (Outcome, error) {
	if mail.CheckAddress(d.Target.Email) != nil {
		return Outcome{}, Permanent(fmt.Errorf("%q ist keine gültige E-Mail-Adresse", d.Target.Email))
	}
	m, err := e.compose(ctx, d, sub)
	if err != nil {
		return Outcome{}, err
	}
	if e.o.Mail.Keep() {
		return e.keep(ctx, d, sub, m)
	}
	msg, err := e.message(ctx, d, m)
	if err != nil {
		return Outcome{}, err
	}
	cl, err := mail.NewClient(e.o.Mail)
	if err != nil {
		return Outcome{}, err
	}
	if err := cl.DialAndSendWithContext(ctx, msg); err != nil {
		return Outcome{}, fmt.Errorf("SMTP %s: %w", e.o.Mail.Host, err)
	}
	return Outcome{Detail: "an " + d.Target.Email + " versandt"}, nil
}

func (e *Email) message(ctx context.Context, d Delivery, m officeMail) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8), gomail.WithEncoding(gomail.EncodingQP), gomail.WithNoDefaultUserAgent())
	msg.FromMailAddress(&netmail.Address{Name: e.o.Mail.FromName, Address: e.o.Mail.From})
	msg.AddToMailAddress(&netmail.Address{Address: d.Target.Email})
	msg.Subject(m.subject)
	msg.SetDateWithValue(e.o.Now())
	// The delivery ID makes the Message-ID stable across attempts, so the
	// office's mail system can drop a repeat.
	_, domain, _ := strings.Cut(e.o.Mail.From, "@")
	msg.SetMessageIDWithValue("delivery." + d.ID + "@" + domain)
	msg.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	msg.SetGenHeader(gomail.Header(HeaderDelivery), d.ID)
	msg.SetBodyString(gomail.TypeTextPlain, m.text)
	if err := msg.AttachReader(m.pdfName, bytes.NewReader(m.pdf), gomail.WithFileContentType("application/pdf")); err != nil {
		return nil, fmt.Errorf("delivery: attach PDF: %w", err)
	}
	for _, a := range m.files {
		content, err := readFile(ctx, e.o.Files, a)
		if err != nil {
			return nil, err
		}
		ct := gomail.ContentType(a.ContentType)
		if a.ContentType == "" {
			ct = gomail.TypeAppOctetStream
		}
		if err := msg.AttachReader(a.Filename, bytes.NewReader(content), gomail.WithFileContentType(ct)); err != nil {
			return nil, fmt.Errorf("delivery: attach %s: %w", a.ID, err)
		}
	}
	return msg, nil
}

// keep is demo mode: nothing leaves the portal. The copy in the outbox is
// labelled as not sent, and the attempt is recorded as kept.
func (e *Email) keep(ctx context.Context, d Delivery, sub submission.Submission, m officeMail) (Outcome, error) {
	out := Outcome{Kept: true, Detail: "nicht versandt (Demo-Modus ohne SMTP-Server)"}
	if e.o.Outbox == nil {
		return out, nil
	}
	text := m.text + fmt.Sprintf("\n---\nDEMO-MODUS: Es ist kein SMTP-Server eingestellt. Diese Zustellung an %s wurde nicht versandt, "+
		"sondern nur hier aufbewahrt. Angehängt wäre %s (%d KB).\n", d.Target.Email, m.pdfName, (len(m.pdf)+1023)/1024)
	id, err := e.o.Outbox.Enqueue(ctx, mail.Message{TenantID: sub.TenantID, Kind: MailKindOffice, To: d.Target.Email,
		Subject: truncateRunes("[Demo – nicht versandt] "+m.subject, mail.MaxSubjectRunes), Text: text})
	if err != nil {
		return Outcome{}, fmt.Errorf("delivery: keep office mail: %w", err)
	}
	out.Detail += "; aufbewahrt unter „Ausgehende E-Mails“ (" + id + ")"
	return out, nil
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

var berlin = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return time.FixedZone("MEZ", 3600)
	}
	return loc
}()
