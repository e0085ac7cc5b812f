package ui

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/serviceportal/serviceportal/internal/payment"
	"github.com/serviceportal/serviceportal/internal/web/request"
)

// feeDueView is a fee set with the decision that is still to be paid.
type feeDueView struct {
	Amount  string
	Purpose string
	PayURL  string
	Notice  *paymentNotice
}

// feeDue is the application's unpaid assessed fee, nil when there is none
// or it is paid. A payment still open is checked with the provider first,
// so a lost notification does not ask the citizen to pay twice.
func (h *Handler) feeDue(ctx context.Context, tenantID, submissionID, base, token string) *feeDueView {
	if h.payments == nil {
		return nil
	}
	a, ok, err := h.payments.AssessmentFor(ctx, tenantID, submissionID)
	if err != nil || !ok {
		return nil
	}
	ps, err := h.payments.ForSubmission(ctx, tenantID, submissionID)
	if err != nil {
		return nil
	}
	h.settleOpen(ctx, ps)
	if p, ok := payment.Paid(ps); ok && p.AmountCents >= a.AmountCents {
		return nil
	}
	v := &feeDueView{Amount: payment.FormatEuro(a.AmountCents), Purpose: a.Purpose, PayURL: base + "/status/" + token + "/bezahlen"}
	if len(ps) > 0 {
		v.Notice = noticeFor(ps[0])
	}
	return v
}

// statusPay starts the payment of a fee set with the decision and sends
// the citizen to the provider; the way back leads to the status page.
func (h *Handler) statusPay(w http.ResponseWriter, r *http.Request) {
	v, ok := h.loadStatus(w, r)
	if !ok {
		return
	}
	info := request.From(r)
	back := info.Base + "/status/" + v.Token
	sub := v.Submission
	a, ok, err := h.payments.AssessmentFor(r.Context(), sub.TenantID, sub.ID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if !ok {
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	prov, ok := h.payments.ProviderFor(sub.TenantID)
	if !ok {
		http.Redirect(w, r, back+"?fehler="+url.QueryEscape("Online-Zahlung ist hier gerade nicht möglich. Bitte wenden Sie sich an die Behörde."), http.StatusSeeOther)
		return
	}
	p, redirect, err := h.payments.Start(r.Context(), payment.StartInput{TenantID: sub.TenantID, TenantCode: info.Tenant.Code,
		SubmissionID: sub.ID, ServiceID: sub.ServiceID, AmountCents: a.AmountCents, Purpose: a.Purpose, PortalBase: info.Base,
		Haushaltsstelle: a.Haushaltsstelle, KassenzeichenScheme: a.KassenzeichenScheme, URLs: h.providerURLs(r, info.Base, prov)})
	if errors.Is(err, payment.ErrAlreadyPaid) {
		http.Redirect(w, r, back+"?zahlung=bezahlt&z="+p.ID, http.StatusSeeOther)
		return
	}
	if err != nil {
		h.log.ErrorContext(r.Context(), "payment start", "err", err)
		http.Redirect(w, r, back+"?fehler="+url.QueryEscape("Der Bezahldienst ist gerade nicht erreichbar. Versuchen Sie es bitte in einigen Minuten noch einmal."), http.StatusSeeOther)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: h.paymentCookieName(), Value: statusCookiePrefix + v.Token, // #nosec G124 -- HttpOnly and SameSite=Lax always; Secure whenever the portal runs on https (plain http is the local demo)
		Path: info.Base + "/zahlung/rueckkehr/", MaxAge: paymentCookieAge, HttpOnly: true, Secure: h.cookies.Secure,
		SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, redirect, http.StatusSeeOther)
}

// statusCookiePrefix marks the way back to a status page in the payment
// cookie (drafts use "form/token").
const statusCookiePrefix = "status/"

// backToStatus sends a citizen returning from the provider to the status
// page the cookie names, if it is the payment's application.
func (h *Handler) backToStatus(w http.ResponseWriter, r *http.Request, p payment.Payment, cookie string) bool {
	info := request.From(r)
	token, ok := strings.CutPrefix(cookie, statusCookiePrefix)
	if p.SubmissionID == "" || p.DraftID != "" || !ok || token == "" {
		return false
	}
	sub, err := h.subs.ByStatusToken(r.Context(), info.Tenant.ID, token)
	if err != nil || sub.ID != p.SubmissionID {
		return false
	}
	http.Redirect(w, r, info.Base+"/status/"+token+"?zahlung=1", http.StatusSeeOther)
	return true
}
