package ui

import (
	"bytes"
	"context"
	"strings"
	"time"

	"github.com/serviceportal/serviceportal/internal/casework"
	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/payment"
	"github.com/serviceportal/serviceportal/internal/receipt"
	"github.com/serviceportal/serviceportal/internal/submission"
	"github.com/serviceportal/serviceportal/internal/web/request"
)

// legalRemedy is the Rechtsbehelfsbelehrung of generated decisions: in
// NRW most municipal decisions are challenged directly before the
// administrative court (no Widerspruch, § 110 JustG NRW); the region
// belongs to the Verwaltungsgericht Gelsenkirchen.
const legalRemedy = "Gegen diesen Bescheid können Sie innerhalb eines Monats nach Bekanntgabe Klage erheben. " +
	"Die Klage ist beim Verwaltungsgericht Gelsenkirchen, Bahnhofsvorplatz 3, 45879 Gelsenkirchen, schriftlich oder zur Niederschrift " +
	"der Urkundsbeamtin oder des Urkundsbeamten der Geschäftsstelle zu erheben. Sie kann auch elektronisch nach Maßgabe des § 55a VwGO eingereicht werden."

// generateDecision writes a Bescheid from the case's data and the
// caseworker's text and stores it like an uploaded one.
func (h *Handler) generateDecision(ctx context.Context, info *request.Info, cs casework.Case, svc catalog.Service, approve bool, text string, feeCents int64) (submission.Attachment, error) {
	sub, err := h.subs.Submission(ctx, cs.TenantID, cs.SubmissionID)
	if err != nil {
		return submission.Attachment{}, err
	}
	t := info.Tenant
	outcome := "Ihrem Antrag wird stattgegeben."
	subject := "Bescheid über Ihren Antrag: " + svc.Name
	if !approve {
		outcome = "Ihr Antrag wird abgelehnt."
	}
	body := []string{"auf Ihren Antrag vom " + sub.SubmittedAt.In(berlinTZ).Format("02.01.2006") + " (Vorgangsnummer " + sub.TrackingNumber + ") ergeht folgender Bescheid:", outcome}
	if strings.TrimSpace(text) != "" {
		body = append(body, "Begründung:\n"+strings.TrimSpace(text))
	}
	if approve && feeCents > 0 {
		body = append(body, "Für diesen Bescheid wird eine Gebühr von "+payment.FormatEuro(feeCents)+" festgesetzt. "+
			"Sie können sie über die Seite Ihres Antrags online bezahlen.")
	}
	d := receipt.Decision{
		Authority: receipt.Authority{Name: t.Name, Department: svc.Office, Street: t.Address.Street, Postcode: t.Address.Postcode,
			City: t.Address.City, Phone: t.Phone, Email: t.Email, Website: t.Website},
		Recipient:      h.recipient(sub),
		Date:           time.Now(),
		TrackingNumber: sub.TrackingNumber,
		Caseworker:     info.Account.Name,
		Subject:        subject,
		Body:           body,
		LegalRemedy:    legalRemedy,
		Signatory:      info.Account.Name,
	}
	var buf bytes.Buffer
	if err := receipt.RenderDecision(&buf, d); err != nil {
		return submission.Attachment{}, err
	}
	return h.subs.PutAttachment(ctx, submission.NewAttachment{TenantID: cs.TenantID, SubmissionID: cs.SubmissionID, Owner: "pending",
		FieldPath: "bescheid", Filename: "Bescheid-" + sub.TrackingNumber + ".pdf", ContentType: "application/pdf", MaxSize: maxDecisionSize}, &buf)
}

// recipient builds the address block from the answers whose fields carry
// the standard autocomplete names, so it works for every form.
func (h *Handler) recipient(s submission.Submission) []string {
	parts := map[string]string{}
	if h.forms != nil {
		if f, ok := h.forms.Version(context.Background(), s.FormID, s.FormVersion); ok {
			for id, v := range s.Values {
				fd, ok := f.FieldByID(id)
				str, isStr := v.(string)
				if ok && isStr && fd.AutoComplete != "" {
					parts[fd.AutoComplete] = str
				}
			}
		}
	}
	name := strings.TrimSpace(parts["given-name"] + " " + parts["family-name"])
	if name == "" {
		name = "Antragstellerin / Antragsteller"
	}
	lines := []string{name}
	if a := parts["street-address"]; a != "" {
		lines = append(lines, a)
	}
	if pc := strings.TrimSpace(parts["postal-code"] + " " + parts["address-level2"]); pc != "" {
		lines = append(lines, pc)
	}
	return lines
}
