package ui

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/serviceportal/serviceportal/internal/casework"
	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/mailbox"
	"github.com/serviceportal/serviceportal/internal/payment"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/submission"
	"github.com/serviceportal/serviceportal/internal/web/request"
)

// statusView is the citizen's page of one application: receipt, timeline,
// postbox, open document requests and the Bescheid.
type statusView struct {
	Token       string
	Submission  submission.Submission
	Service     catalog.Service
	StatusLabel string
	Events      []submission.Event
	Messages    []mailbox.Message
	Requests    []casework.DocumentRequest
	Files       []submission.Attachment
	Decisions   []submission.Attachment
	UploadURL   string
	Error       string
	Notice      string
	Fresh       bool
	// Payment is the application's paid fee, if any.
	Payment string
	// FeeDue is a fee set with the decision, still to be paid.
	FeeDue *feeDueView
	// JustPaid: the citizen came back from the provider and the fee is paid.
	JustPaid bool
}

// maxReplySize bounds one file a citizen sends in reply.
const maxReplySize = 10 << 20

func (h *Handler) statusRoutes(mux *http.ServeMux) {
	if h.subs == nil {
		return
	}
	mux.HandleFunc("GET /status/{token}", h.statusShow)
	mux.HandleFunc("POST /status/{token}/nachreichen", h.statusReply)
	mux.HandleFunc("GET /status/{token}/dateien/{aid}", h.statusFile)
	if h.payments != nil {
		mux.HandleFunc("POST /status/{token}/bezahlen", h.statusPay)
	}
	mux.HandleFunc("GET /konto/antraege/{id}", h.accountApplication)
}

func (h *Handler) loadStatus(w http.ResponseWriter, r *http.Request) (statusView, bool) {
	info := request.From(r)
	token := r.PathValue("token")
	sub, err := h.subs.ByStatusToken(r.Context(), info.Tenant.ID, token)
	if errors.Is(err, store.ErrNotFound) {
		h.notFound(w, r)
		return statusView{}, false
	}
	if err != nil {
		h.serverError(w, r, err)
		return statusView{}, false
	}
	v := statusView{Token: token, Submission: sub, StatusLabel: StatusLabel(sub.Status),
		UploadURL: info.Base + "/status/" + token + "/nachreichen"}
	if info.CSRF != "" {
		v.UploadURL += "?csrf=" + urlQuery(info.CSRF)
	}
	ctx := r.Context()
	v.Service, _ = h.catalog.BySlug(ctx, sub.ServiceID)
	if v.Events, err = h.subs.Events(ctx, sub.TenantID, sub.ID); err != nil {
		h.serverError(w, r, err)
		return v, false
	}
	if h.mailbox != nil {
		if v.Messages, err = h.mailbox.List(ctx, sub.TenantID, sub.ID); err != nil {
			h.serverError(w, r, err)
			return v, false
		}
	}
	if cs, err := h.cases.BySubmission(ctx, sub.TenantID, sub.ID); err == nil {
		v.Requests, _ = h.cases.OpenRequests(ctx, sub.TenantID, cs.ID)
	}
	v.FeeDue = h.feeDue(ctx, sub.TenantID, sub.ID, info.Base, token)
	v.Payment = h.paymentLine(ctx, sub.TenantID, sub.ID)
	for _, a := range sub.Attachments {
		switch a.Owner {
		case "decision":
			v.Decisions = append(v.Decisions, a)
		case "", "reply":
			v.Files = append(v.Files, a)
		}
	}
	return v, true
}

func (h *Handler) statusShow(w http.ResponseWriter, r *http.Request) {
	v, ok := h.loadStatus(w, r)
	if !ok {
		return
	}
	v.Fresh = r.URL.Query().Get("neu") == "1"
	v.Notice = r.URL.Query().Get("hinweis")
	v.Error = r.URL.Query().Get("fehler")
	v.JustPaid = r.URL.Query().Get("zahlung") != "" && v.FeeDue == nil && v.Payment != ""
	if h.mailbox != nil {
		h.mailbox.MarkRead(r.Context(), v.Submission.TenantID, v.Submission.ID, mailbox.ToCitizen)
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("Cache-Control", "private, no-store")
	h.pages.Render(w, r, http.StatusOK, "status", pageData("Antrag "+v.Submission.TrackingNumber, v))
}

// statusReply takes the citizen's answer to a document request: files,
// streamed and checked by content, and an optional message. The case goes
// back to review.
func (h *Handler) statusReply(w http.ResponseWriter, r *http.Request) {
	v, ok := h.loadStatus(w, r)
	if !ok {
		return
	}
	back := request.From(r).Base + "/status/" + v.Token
	fail := func(msg string) {
		http.Redirect(w, r, back+"?fehler="+urlQuery(msg)+"#nachreichen", http.StatusSeeOther)
	}
	var ids []string
	up, err := readUpload(r, []string{"application/pdf", "image/png", "image/jpeg"}, func(field, filename, ct string, body io.Reader) error {
		a, err := h.subs.PutAttachment(r.Context(), submission.NewAttachment{TenantID: v.Submission.TenantID, SubmissionID: v.Submission.ID,
			Owner: "reply", FieldPath: "nachreichung", Filename: filename, ContentType: ct, MaxSize: maxReplySize}, body)
		if err == nil {
			ids = append(ids, a.ID)
		}
		return err
	})
	if msg, ok := scanMessage(err); ok {
		fail(msg)
		return
	}
	switch {
	case errors.Is(err, ErrUploadType):
		fail("Diese Datei können wir nicht annehmen. Erlaubt sind PDF, PNG und JPEG.")
		return
	case errors.Is(err, submission.ErrTooLarge):
		fail("Eine Datei ist größer als 10 MB. Bitte verkleinern Sie sie, zum Beispiel mit einer geringeren Auflösung beim Scannen.")
		return
	case err != nil:
		fail("Die Dateien kamen nicht vollständig an. Bitte versuchen Sie es noch einmal.")
		return
	}
	text := strings.TrimSpace(up.Fields["nachricht"])
	if len(ids) == 0 && text == "" {
		fail("Wählen Sie eine Datei aus oder schreiben Sie eine Nachricht.")
		return
	}
	if h.mailbox != nil {
		if text == "" {
			text = "Unterlagen nachgereicht."
		}
		if _, err := h.mailbox.Post(r.Context(), mailbox.Message{TenantID: v.Submission.TenantID, SubmissionID: v.Submission.ID,
			Direction: mailbox.ToAuthority, Author: "Antragsteller/in", Subject: "Nachreichung", Body: text, AttachmentIDs: ids}); err != nil {
			h.serverError(w, r, err)
			return
		}
	}
	if len(ids) > 0 {
		if cs, err := h.cases.BySubmission(r.Context(), v.Submission.TenantID, v.Submission.ID); err == nil {
			if _, err := h.cases.AnswerRequests(r.Context(), v.Submission.TenantID, cs.ID); err != nil {
				h.serverError(w, r, err)
				return
			}
		}
	}
	http.Redirect(w, r, back+"?hinweis=gesendet", http.StatusSeeOther)
}

func (h *Handler) statusFile(w http.ResponseWriter, r *http.Request) {
	v, ok := h.loadStatus(w, r)
	if !ok {
		return
	}
	a, err := h.subs.Attachment(r.Context(), v.Submission.TenantID, r.PathValue("aid"))
	if err != nil || a.Owner == "pending" {
		h.notFound(w, r)
		return
	}
	h.serveAttachment(w, r, a, v.Submission.ID)
}

// accountApplication opens one of the citizen's own applications from
// "Meine Anträge"; other people's applications are not found.
func (h *Handler) accountApplication(w http.ResponseWriter, r *http.Request) {
	info, ok := h.requireLogin(w, r)
	if !ok {
		return
	}
	sub, err := h.subs.Submission(r.Context(), info.Tenant.ID, r.PathValue("id"))
	if err != nil || sub.AccountID != info.Account.ID {
		h.notFound(w, r)
		return
	}
	token, err := h.subs.StatusToken(r.Context(), sub.TenantID, sub.ID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, info.Base+"/status/"+token, http.StatusSeeOther)
}

// paymentLine describes the paid fee of an application for citizen and
// caseworker, e.g. "Bezahlt: 30,70 € (Kassenzeichen REC-2026-Z000001)".
func (h *Handler) paymentLine(ctx context.Context, tenantID, submissionID string) string {
	if h.payments == nil {
		return ""
	}
	ps, err := h.payments.ForSubmission(ctx, tenantID, submissionID)
	if err != nil {
		return ""
	}
	p, ok := payment.Paid(ps)
	if !ok {
		return ""
	}
	return "Bezahlt: " + payment.FormatEuro(p.AmountCents) + " (Kassenzeichen " + p.Kassenzeichen + ")"
}
