package ui

import (
	"errors"
	"net/http"

	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/form"
	"github.com/serviceportal/serviceportal/internal/submission"
	"github.com/serviceportal/serviceportal/internal/web/request"
)

// formStartView introduces an online application.
type formStartView struct {
	Service catalog.Service
	Form    *form.Form
	Steps   []*form.Step
	Drafts  []submission.Draft
}

// startable finds the service behind a form on this portal, and only if
// this tenant itself handles it: the citizen applies where the case is
// decided.
func (h *Handler) startable(w http.ResponseWriter, r *http.Request) (catalog.Service, *form.Form, bool) {
	info := request.From(r)
	f, ok := h.forms.Current(r.Context(), info.Tenant.ID, r.PathValue("form"))
	if !ok {
		h.notFound(w, r)
		return catalog.Service{}, nil, false
	}
	offers, err := h.catalog.Offers(r.Context(), info.Tenant)
	if err != nil {
		h.serverError(w, r, err)
		return catalog.Service{}, nil, false
	}
	for _, o := range offers {
		if o.Service.OnlineForm == f.ID && o.Own {
			return o.Service, f, true
		}
	}
	h.notFound(w, r)
	return catalog.Service{}, nil, false
}

func (h *Handler) formStart(w http.ResponseWriter, r *http.Request) {
	svc, f, ok := h.startable(w, r)
	if !ok {
		return
	}
	v := formStartView{Service: svc, Form: f, Steps: f.Steps}
	info := request.From(r)
	if info.LoggedIn() && !info.IsStaff() {
		drafts, err := h.subs.AccountDrafts(r.Context(), info.Tenant.ID, info.Account.ID)
		if err == nil {
			for _, d := range drafts {
				if d.FormID == f.ID {
					v.Drafts = append(v.Drafts, d)
				}
			}
		}
	}
	h.pages.Render(w, r, http.StatusOK, "form_start", pageData(svc.Name, v))
}

// formCreate starts a draft and sends the citizen to its first step; the
// draft's URL carries the secret resume token.
func (h *Handler) formCreate(w http.ResponseWriter, r *http.Request) {
	svc, f, ok := h.startable(w, r)
	if !ok {
		return
	}
	info := request.From(r)
	if need := svc.MinTrustLevel; need != "" && !h.trustOK(w, r, need) {
		return
	}
	accountID := ""
	if info.LoggedIn() && !info.IsStaff() {
		accountID = info.Account.ID
	}
	d, token, err := h.subs.CreateDraft(r.Context(), submission.NewDraft{TenantID: info.Tenant.ID, ServiceID: svc.ID,
		FormID: f.ID, FormVersion: f.Version, AccountID: accountID})
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	first := f.Evaluate(nil, h.clock()).VisibleSteps()
	if len(first) == 0 {
		h.serverError(w, r, errors.New("form has no visible step"))
		return
	}
	http.Redirect(w, r, info.Base+"/antrag/"+d.FormID+"/e/"+token+"/schritt/"+first[0].ID, http.StatusSeeOther)
}

// formResume opens a draft at the step the citizen left it.
func (h *Handler) formResume(w http.ResponseWriter, r *http.Request) {
	app, ok := h.loadApplication(w, r)
	if !ok {
		return
	}
	step := app.draft.Step
	if step == "" || !app.form.Evaluate(app.raw, h.clock()).StepVisible(step) {
		steps := app.form.Evaluate(app.raw, h.clock()).VisibleSteps()
		if len(steps) == 0 {
			h.notFound(w, r)
			return
		}
		step = steps[0].ID
	}
	http.Redirect(w, r, app.base+"/schritt/"+step, http.StatusSeeOther)
}
