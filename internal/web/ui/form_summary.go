package ui

import (
	"errors"
	"net/http"
	"net/mail"
	"strings"

	"github.com/serviceportal/serviceportal/internal/form"
	"github.com/serviceportal/serviceportal/internal/payment"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/submission"
	"github.com/serviceportal/serviceportal/internal/web/request"
)

// summaryView is the check-your-answers page.
type summaryView struct {
	Summary   *form.SummaryView
	Service   string
	Fee       string
	Base      string
	Email     string
	Error     string
	ResumeURL string
	ExpiresAt string
	Back      string
	// Payment is the fee to pay online before submitting; nil if none.
	Payment *paymentView
}

func (h *Handler) formSummaryShow(w http.ResponseWriter, r *http.Request) {
	app, ok := h.loadApplication(w, r)
	if !ok {
		return
	}
	h.renderSummary(w, r, app, http.StatusOK, "", "")
}

func (h *Handler) renderSummary(w http.ResponseWriter, r *http.Request, app *application, status int, email, msg string) {
	st := app.form.Evaluate(app.raw, h.clock())
	info := request.From(r)
	if email == "" && info.LoggedIn() {
		email = info.Account.Email
	}
	v := summaryView{Summary: st.Summary(), Service: app.service.Name, Fee: h.applicationFee(r.Context(), app).Text, Base: app.base,
		Email: email, Error: msg, ResumeURL: h.baseURL + app.base, ExpiresAt: expiryText(app.draft.ExpiresAt)}
	v.Payment = h.paymentSummary(r, app)
	if steps := st.VisibleSteps(); len(steps) > 0 {
		v.Back = app.base + "/schritt/" + steps[len(steps)-1].ID
	}
	title := "Angaben prüfen – " + app.service.Name
	if msg != "" {
		title = "Fehler: " + title
	}
	h.pages.Render(w, r, status, "form_summary", pageData(title, v))
}

// formSubmit validates the whole application and submits it once. A
// repeated click (the draft is gone by then) finds the first submission by
// the resume token and shows its receipt.
func (h *Handler) formSubmit(w http.ResponseWriter, r *http.Request) {
	info := request.From(r)
	token := r.PathValue("token")
	key := submission.ResumeKey(token)
	if _, err := h.subs.DraftByResumeToken(r.Context(), info.Tenant.ID, token); errors.Is(err, store.ErrNotFound) {
		if res, err := h.subs.ByIdempotencyKey(r.Context(), info.Tenant.ID, key); err == nil {
			http.Redirect(w, r, info.Base+"/status/"+res.StatusToken+"?neu=1", http.StatusSeeOther)
			return
		}
	}
	app, ok := h.loadApplication(w, r)
	if !ok {
		return
	}
	email := strings.TrimSpace(r.PostFormValue("email"))
	if email != "" {
		if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
			h.renderSummary(w, r, app, http.StatusUnprocessableEntity, email, "Die E-Mail-Adresse ist ungültig. Geben Sie sie in der Form name@example.org ein oder lassen Sie das Feld leer.")
			return
		}
	}
	st := app.form.Evaluate(app.raw, h.clock())
	final := st.ValidateAll()
	if !final.OK() {
		step := final.FirstStep()
		if step == "" {
			step = firstStepWithProblems(st)
		}
		http.Redirect(w, r, app.base+"/schritt/"+step, http.StatusSeeOther)
		return
	}
	if amount, paid := h.paymentDue(r.Context(), app); amount != 0 && !paid {
		http.Redirect(w, r, app.base+"/bezahlen", http.StatusSeeOther)
		return
	}
	accountID, actor := app.draft.AccountID, "citizen:anonymous"
	if info.LoggedIn() && !info.IsStaff() {
		accountID, actor = info.Account.ID, "account:"+info.Account.ID
	}
	ctx := r.Context()
	if h.payments != nil {
		ctx = payment.WithDraft(ctx, app.draft.ID)
	}
	res, err := h.subs.Submit(ctx, submission.Input{TenantID: info.Tenant.ID, TenantCode: info.Tenant.Code,
		ServiceID: app.service.ID, FormID: app.form.ID, FormVersion: app.form.Version, AccountID: accountID,
		Values: app.form.Export(final.Values), DraftID: app.draft.ID, IdempotencyKey: key, ContactEmail: email, Actor: actor})
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, info.Base+"/status/"+res.StatusToken+"?neu=1", http.StatusSeeOther)
}

// formFile lets the citizen open a file they uploaded to their draft.
func (h *Handler) formFile(w http.ResponseWriter, r *http.Request) {
	app, ok := h.loadApplication(w, r)
	if !ok {
		return
	}
	as, err := h.subs.DraftAttachments(r.Context(), app.draft.TenantID, app.draft.ID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	for _, a := range as {
		if a.ID == r.PathValue("aid") {
			w.Header().Set("Content-Type", a.ContentType)
			w.Header().Set("Content-Disposition", `attachment; filename="`+a.Filename+`"`)
			w.Header().Set("X-Content-Type-Options", "nosniff")
			w.Header().Set("Cache-Control", "private, no-store")
			h.subs.WriteAttachment(r.Context(), w, a)
			return
		}
	}
	h.notFound(w, r)
}

// firstStepWithProblems is where a citizen must go back to finish.
func firstStepWithProblems(st *form.State) string {
	steps := st.VisibleSteps()
	for _, step := range steps {
		if res, err := st.ValidateStep(step.ID); err == nil && !res.OK() {
			return step.ID
		}
	}
	if len(steps) > 0 {
		return steps[0].ID
	}
	return ""
}
