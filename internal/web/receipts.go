package web

import (
	"bytes"
	"context"

	"github.com/serviceportal/serviceportal/internal/inbound"
	"github.com/serviceportal/serviceportal/internal/payment"
	"github.com/serviceportal/serviceportal/internal/receipt"
	"github.com/serviceportal/serviceportal/internal/submission"
)

// ReceiptPDF renders the Antragsbestätigung of a submission: authority,
// service, answers by their form labels, files with SHA-512, next steps
// and the status link. The citizen's page and the e-mail to the office use
// the same document.
func (u *UseCases) ReceiptPDF(ctx context.Context, s submission.Submission, statusURL string) ([]byte, error) {
	t, err := u.tenantByID(ctx, s.TenantID)
	if err != nil {
		return nil, err
	}
	svc, err := u.Catalog.BySlug(ctx, s.ServiceID)
	if err != nil {
		return nil, err
	}
	rc := receipt.Receipt{
		Authority: receipt.Authority{Name: t.Name, Department: svc.Office, Street: t.Address.Street, Postcode: t.Address.Postcode,
			City: t.Address.City, Phone: t.Phone, Email: t.Email, Website: t.Website},
		ServiceName: svc.Name, LeiKaKey: svc.LeiKa, TrackingNumber: s.TrackingNumber, SubmittedAt: s.SubmittedAt,
		NextSteps: "Die Behörde prüft Ihren Antrag. Fehlen Unterlagen, meldet sie sich über Ihr Postfach im Serviceportal. " +
			"Den Stand sehen Sie jederzeit über den Link unten.",
		StatusURL: statusURL,
		Footer:    "Diese Bestätigung wurde maschinell erstellt. Sie bestätigt den Eingang, nicht die Entscheidung über den Antrag.",
	}
	if secs, ok := inbound.Sections(s.Values); ok && s.FormID == inbound.FormID {
		// Received over FIT-Connect: the transfer and its data, as the
		// case view shows them.
		for _, sec := range secs {
			rs := receipt.Section{Title: sec.Title}
			for _, row := range sec.Rows {
				rs.Rows = append(rs.Rows, receipt.Row{Label: row.Label, Value: row.Value})
			}
			rc.Sections = append(rc.Sections, rs)
		}
	} else if f, ok := u.forms.Version(ctx, s.FormID, s.FormVersion); ok && s.Values != nil {
		if raw, err := f.RawFromJSON(s.Values); err == nil {
			for _, sec := range f.Summary(raw).Sections {
				rs := receipt.Section{Title: sec.Title}
				for _, row := range sec.Rows {
					rs.Rows = append(rs.Rows, receipt.Row{Label: row.Label, Value: row.Value, Heading: row.Heading, Level: row.Level})
				}
				rc.Sections = append(rc.Sections, rs)
			}
		}
	}
	for _, a := range s.Attachments {
		if a.Owner == "" {
			rc.Attachments = append(rc.Attachments, receipt.Attachment{Name: a.Filename, Size: a.Size, SHA512: a.SHA512})
		}
	}
	if ps, err := u.Payments.ForSubmission(ctx, s.TenantID, s.ID); err == nil {
		if p, ok := payment.Paid(ps); ok {
			rc.Payment = &receipt.Payment{AmountCents: p.AmountCents, Status: p.Status.Label(), Kassenzeichen: p.Kassenzeichen}
		}
	}
	var buf bytes.Buffer
	if err := receipt.Render(&buf, rc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
