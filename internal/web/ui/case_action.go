package ui

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/serviceportal/serviceportal/internal/casework"
	"github.com/serviceportal/serviceportal/internal/identity"
	"github.com/serviceportal/serviceportal/internal/submission"
)

// maxDecisionSize bounds an uploaded Bescheid.
const maxDecisionSize = 20 << 20

// caseAction applies a workflow action. The form is multipart because
// decisions upload the Bescheid; the file streams into storage first and is
// handed to the case only if the action succeeds.
func (h *Handler) caseAction(w http.ResponseWriter, r *http.Request) {
	s, ok := h.requireStaff(w, r)
	if !ok {
		return
	}
	cs, svc, ok := h.loadCase(w, r, s)
	if !ok {
		return
	}
	if !h.can(r, s, identity.ProcessCase, svc.Slug) {
		h.pages.Error(w, r, http.StatusForbidden)
		return
	}
	back := s.info.Base + "/verwaltung/vorgaenge/" + cs.ID
	fail := func(msg string) { http.Redirect(w, r, back+"?fehler="+url.QueryEscape(msg), http.StatusSeeOther) }
	var decision *submission.Attachment
	up, err := readUpload(r, []string{"application/pdf"}, func(field, filename, ct string, body io.Reader) error {
		if field != "bescheid" {
			return nil
		}
		a, err := h.subs.PutAttachment(r.Context(), submission.NewAttachment{TenantID: cs.TenantID, SubmissionID: cs.SubmissionID,
			Owner: "pending", FieldPath: "bescheid", Filename: filename, ContentType: ct, MaxSize: maxDecisionSize}, body)
		decision = &a
		return err
	})
	if msg, ok := scanMessage(err); ok {
		fail(msg)
		return
	}
	switch {
	case errors.Is(err, ErrUploadType):
		fail("Der Bescheid muss eine PDF-Datei sein.")
		return
	case errors.Is(err, submission.ErrTooLarge):
		fail("Der Bescheid ist größer als 20 MB. Bitte verkleinern Sie die Datei.")
		return
	case err != nil:
		fail("Das Formular kam nicht vollständig an. Bitte versuchen Sie es noch einmal.")
		return
	}
	in := casework.Input{Note: strings.TrimSpace(up.Fields["notiz"])}
	if d := up.Fields["frist"]; d != "" {
		t, err := time.ParseInLocation("2006-01-02", d, time.Local)
		if err != nil {
			fail("Die Frist hat kein gültiges Datum.")
			return
		}
		in.Deadline = t.Add(23*time.Hour + 59*time.Minute)
	}
	action := up.Fields["aktion"]
	fee, msg := h.decisionFee(r.Context(), cs, action, up.Fields["gebuehr"])
	if msg != "" {
		if decision != nil {
			h.subs.DeleteAttachment(r.Context(), cs.TenantID, decision.ID)
		}
		fail(msg)
		return
	}
	if decision == nil && up.Fields["erzeugen"] == "1" && (action == "approve" || action == "reject") {
		a, err := h.generateDecision(r.Context(), s.info, cs, svc, action == "approve", in.Note, fee)
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		decision = &a
	}
	if decision != nil {
		in.DocumentID = decision.ID
	}
	_, err = h.cases.Apply(r.Context(), s.info.Account.ID, cs.TenantID, cs.ID, action, in)
	if err != nil && decision != nil {
		h.subs.DeleteAttachment(r.Context(), cs.TenantID, decision.ID)
	}
	if err == nil && fee > 0 {
		if err := h.assessDecisionFee(r.Context(), cs, svc, fee, "account:"+s.info.Account.ID); err != nil {
			h.serverError(w, r, err)
			return
		}
	}
	switch {
	case err == nil:
		http.Redirect(w, r, back, http.StatusSeeOther)
	case errors.Is(err, casework.ErrMissingInput):
		fail(missingInputText(err))
	case errors.Is(err, casework.ErrNotAllowed), errors.Is(err, casework.ErrUnknownAction):
		fail("Diese Aktion ist im jetzigen Stand des Vorgangs nicht möglich. Laden Sie die Seite neu.")
	case errors.Is(err, casework.ErrForbidden):
		h.pages.Error(w, r, http.StatusForbidden)
	default:
		h.serverError(w, r, err)
	}
}

func missingInputText(err error) string {
	msg := err.Error()
	switch {
	case strings.HasSuffix(msg, string(casework.NeedNote)):
		return "Bitte geben Sie eine Begründung bzw. Nachricht an den Antragsteller ein."
	case strings.HasSuffix(msg, string(casework.NeedDeadline)):
		return "Bitte geben Sie eine Frist in der Zukunft an."
	case strings.HasSuffix(msg, string(casework.NeedDocument)):
		return "Bitte laden Sie den Bescheid als PDF hoch."
	}
	return "Bitte füllen Sie alle Pflichtangaben aus."
}

func (h *Handler) caseNote(w http.ResponseWriter, r *http.Request) {
	s, ok := h.requireStaff(w, r)
	if !ok {
		return
	}
	cs, _, ok := h.loadCase(w, r, s)
	if !ok {
		return
	}
	back := s.info.Base + "/verwaltung/vorgaenge/" + cs.ID
	err := h.cases.AddNote(r.Context(), s.info.Account.ID, cs.TenantID, cs.ID, r.PostFormValue("text"))
	switch {
	case errors.Is(err, casework.ErrMissingInput):
		http.Redirect(w, r, back+"?fehler="+url.QueryEscape("Die Notiz ist leer."), http.StatusSeeOther)
	case errors.Is(err, casework.ErrForbidden):
		h.pages.Error(w, r, http.StatusForbidden)
	case err != nil:
		h.serverError(w, r, err)
	default:
		http.Redirect(w, r, back+"#notizen", http.StatusSeeOther)
	}
}

// caseAttachment downloads a file of the case. It is always served as a
// download with nosniff; ?ansicht=1 shows PDFs and images inline inside a
// CSP sandbox, so a crafted file cannot run script in the portal's origin.
func (h *Handler) caseAttachment(w http.ResponseWriter, r *http.Request) {
	s, ok := h.requireStaff(w, r)
	if !ok {
		return
	}
	cs, _, ok := h.loadCase(w, r, s)
	if !ok {
		return
	}
	a, err := h.subs.Attachment(r.Context(), cs.TenantID, r.PathValue("aid"))
	if err != nil {
		h.notFound(w, r)
		return
	}
	h.serveAttachment(w, r, a, cs.SubmissionID)
}

func (h *Handler) serveAttachment(w http.ResponseWriter, r *http.Request, a submission.Attachment, submissionID string) {
	belongs, err := h.subs.AttachmentOf(r.Context(), a.TenantID, a.ID, submissionID)
	if err != nil || !belongs {
		h.notFound(w, r)
		return
	}
	disposition := "attachment"
	if r.URL.Query().Get("ansicht") == "1" && (a.ContentType == "application/pdf" || strings.HasPrefix(a.ContentType, "image/")) {
		disposition = "inline"
		w.Header().Set("Content-Security-Policy", "sandbox; default-src 'none'; img-src 'self'; object-src 'self'; plugin-types application/pdf")
	}
	w.Header().Set("Content-Type", a.ContentType)
	w.Header().Set("Content-Disposition", disposition+`; filename="`+a.Filename+`"; filename*=UTF-8''`+url.PathEscape(a.Filename))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "private, no-store")
	if err := h.subs.WriteAttachment(r.Context(), w, a); err != nil {
		h.log.ErrorContext(r.Context(), "attachment download", "err", err, "attachment", a.ID)
	}
}
