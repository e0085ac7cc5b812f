package ui

import (
	"bytes"
	"net/http"

	"github.com/serviceportal/serviceportal/internal/receipt"
	"github.com/serviceportal/serviceportal/internal/submission"
	"github.com/serviceportal/serviceportal/internal/tenant"
	"github.com/serviceportal/serviceportal/internal/web/request"
)

// receiptPDF serves the Antragsbestätigung of the status link's application.
func (h *Handler) receiptPDF(w http.ResponseWriter, r *http.Request) {
	v, ok := h.loadStatus(w, r)
	if !ok {
		return
	}
	info := request.From(r)
	var buf bytes.Buffer
	if err := receipt.Render(&buf, h.receiptOf(info.Tenant, v.Service.Name, v.Service.LeiKa, v.Submission, h.baseURL+info.Base+"/status/"+v.Token)); err != nil {
		h.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="Eingangsbestaetigung-`+v.Submission.TrackingNumber+`.pdf"`)
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(buf.Bytes())
}

// receiptOf assembles the Antragsbestätigung: authority, service, answers
// by their labels, files with hashes and what happens next.
func (h *Handler) receiptOf(t tenant.Tenant, serviceName, leika string, s submission.Submission, statusURL string) receipt.Receipt {
	rc := receipt.Receipt{
		Authority: receipt.Authority{Name: t.Name, Street: t.Address.Street, Postcode: t.Address.Postcode, City: t.Address.City,
			Phone: t.Phone, Email: t.Email, Website: t.Website},
		ServiceName: serviceName, LeiKaKey: leika, TrackingNumber: s.TrackingNumber, SubmittedAt: s.SubmittedAt,
		NextSteps: "Die Behörde prüft Ihren Antrag. Fehlen Unterlagen, meldet sie sich über Ihr Postfach im Serviceportal. " +
			"Den Stand sehen Sie jederzeit über den Link unten.",
		StatusURL: statusURL,
		Footer:    "Diese Bestätigung wurde maschinell erstellt. Sie bestätigt den Eingang, nicht die Entscheidung über den Antrag.",
	}
	for _, sec := range h.answers(s) {
		rs := receipt.Section{Title: sec.Title}
		for _, row := range sec.Rows {
			rs.Rows = append(rs.Rows, receipt.Row{Label: row.Label, Value: row.Value})
		}
		rc.Sections = append(rc.Sections, rs)
	}
	for _, a := range s.Attachments {
		if a.Owner == "" {
			rc.Attachments = append(rc.Attachments, receipt.Attachment{Name: a.Filename, Size: a.Size, SHA512: a.SHA512})
		}
	}
	return rc
}
