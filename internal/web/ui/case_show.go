package ui

import (
	"errors"
	"net/http"
	"time"

	"github.com/serviceportal/serviceportal/internal/casework"
	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/identity"
	"github.com/serviceportal/serviceportal/internal/mailbox"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/submission"
)

// caseView is everything a caseworker needs to finish a case in the
// portal: answers, files, history, notes and the actions possible now.
type caseView struct {
	Case        casework.Case
	State       casework.State
	Service     catalog.Service
	Submission  submission.Submission
	Answers     []AnswerSection
	History     []casework.HistoryEntry
	Notes       []casework.Note
	Requests    []casework.DocumentRequest
	Actions     []casework.Transition
	Overdue     bool
	CanProcess  bool
	Error       string
	ActionURL   string
	MinDeadline string
	Payment     string
	Messages    []mailbox.Message
	// FeeOnDecision: approving sets the fee, so the form asks for it.
	FeeOnDecision bool
}

// AnswerSection is a titled group of answers, rendered by label.
type AnswerSection struct {
	Title string
	Rows  []AnswerRow
}

// AnswerRow is one answer as the citizen gave it.
type AnswerRow struct {
	Label, Value string
}

// loadCase finds a case of this tenant the staff member may see; it writes
// 404 (also for other tenants' cases, which must not be revealed) or 403.
func (h *Handler) loadCase(w http.ResponseWriter, r *http.Request, s staff) (casework.Case, catalog.Service, bool) {
	cs, err := h.cases.Get(r.Context(), s.info.Tenant.ID, r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) {
		h.notFound(w, r)
		return cs, catalog.Service{}, false
	}
	if err != nil {
		h.serverError(w, r, err)
		return cs, catalog.Service{}, false
	}
	svc, err := h.catalog.BySlug(r.Context(), cs.ServiceID)
	if err != nil {
		h.serverError(w, r, err)
		return cs, svc, false
	}
	if !h.can(r, s, identity.ViewCases, svc.Slug) {
		h.notFound(w, r)
		return cs, svc, false
	}
	return cs, svc, true
}

func (h *Handler) caseShow(w http.ResponseWriter, r *http.Request) {
	s, ok := h.requireStaff(w, r)
	if !ok {
		return
	}
	cs, svc, ok := h.loadCase(w, r, s)
	if !ok {
		return
	}
	v, err := h.caseView(r, s, cs, svc)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	v.Error = r.URL.Query().Get("fehler")
	h.pages.Render(w, r, http.StatusOK, "case", pageData("Vorgang "+cs.TrackingNumber, v))
}

func (h *Handler) caseView(r *http.Request, s staff, cs casework.Case, svc catalog.Service) (caseView, error) {
	ctx := r.Context()
	v := caseView{Case: cs, Service: svc, Overdue: cs.Overdue(time.Now()), CanProcess: h.can(r, s, identity.ProcessCase, svc.Slug),
		ActionURL:   s.info.Base + "/verwaltung/vorgaenge/" + cs.ID + "/aktion?csrf=" + urlQuery(s.info.CSRF),
		MinDeadline: time.Now().AddDate(0, 0, 1).Format("2006-01-02")}
	v.State, _ = h.cases.WorkflowOf(cs).State(cs.State)
	_, v.FeeOnDecision = h.decisionFeeRule(ctx, cs.TenantID, cs.ServiceID)
	var err error
	if v.Submission, err = h.subs.Submission(ctx, cs.TenantID, cs.SubmissionID); err != nil {
		return v, err
	}
	v.Answers = h.answers(v.Submission)
	v.Payment = h.paymentLine(ctx, cs.TenantID, cs.SubmissionID)
	if h.mailbox != nil {
		if v.Messages, err = h.mailbox.List(ctx, cs.TenantID, cs.SubmissionID); err != nil {
			return v, err
		}
		h.mailbox.MarkRead(ctx, cs.TenantID, cs.SubmissionID, mailbox.ToAuthority)
	}
	if v.History, err = h.cases.History(ctx, cs.TenantID, cs.ID); err != nil {
		return v, err
	}
	if v.Notes, err = h.cases.Notes(ctx, cs.TenantID, cs.ID); err != nil {
		return v, err
	}
	if v.Requests, err = h.cases.OpenRequests(ctx, cs.TenantID, cs.ID); err != nil {
		return v, err
	}
	if v.CanProcess {
		if v.Actions, err = h.cases.Allowed(ctx, s.info.Account.ID, cs); err != nil {
			return v, err
		}
	}
	return v, nil
}
