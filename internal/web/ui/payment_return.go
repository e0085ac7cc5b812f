package ui

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/serviceportal/serviceportal/internal/payment"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/web/request"
)

// paymentReturnView is the way back when the browser no longer knows the
// draft (another browser, cookies deleted).
type paymentReturnView struct {
	Notice *paymentNotice
}

var paymentCookieRe = regexp.MustCompile(`^([a-z0-9-]+)/([A-Za-z0-9_-]{20,})$`)

// paymentBack is the return URL the provider knows. It finds the draft
// through the cookie set when the payment started and continues at the
// draft's return page.
func (h *Handler) paymentBack(w http.ResponseWriter, r *http.Request) {
	info := request.From(r)
	p, err := h.payments.Payment(r.Context(), info.Tenant.ID, r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) {
		h.notFound(w, r)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if c, err := r.Cookie(h.paymentCookieName()); err == nil {
		if h.backToStatus(w, r, p, c.Value) {
			return
		}
		if m := paymentCookieRe.FindStringSubmatch(c.Value); m != nil {
			d, err := h.subs.DraftByResumeToken(r.Context(), info.Tenant.ID, m[2])
			if err == nil && d.ID == p.DraftID && d.FormID == m[1] {
				http.Redirect(w, r, info.Base+"/antrag/"+m[1]+"/e/"+m[2]+"/bezahlt?z="+p.ID, http.StatusSeeOther)
				return
			}
		}
	}
	ctx, cancel := context.WithTimeout(r.Context(), providerTimeout)
	defer cancel()
	if q, err := h.payments.Reconcile(ctx, info.Tenant.ID, p.ID); err == nil {
		p = q
	}
	h.pages.Render(w, r, http.StatusOK, "payment_return", pageData("Zahlung: "+p.Status.Label(), paymentReturnView{Notice: noticeFor(p)}))
}

// paymentReturned settles the payment (a status check if the notification
// has not come yet) and goes back to the check page, which says how it
// went. The draft and its answers are untouched either way.
func (h *Handler) paymentReturned(w http.ResponseWriter, r *http.Request) {
	app, ok := h.loadApplication(w, r)
	if !ok {
		return
	}
	p, ok := h.latestPayment(r.Context(), app, r.URL.Query().Get("z"))
	if !ok {
		http.Redirect(w, r, app.base+"/pruefen", http.StatusSeeOther)
		return
	}
	outcome := map[payment.Status]string{payment.StatusPayed: "bezahlt", payment.StatusCanceled: "abgebrochen",
		payment.StatusFailed: "fehlgeschlagen", payment.StatusExpired: "abgelaufen"}[p.Status]
	if outcome == "" {
		outcome = "offen"
	}
	http.Redirect(w, r, app.base+"/pruefen?zahlung="+outcome+"&z="+p.ID, http.StatusSeeOther)
}

// paymentNotify takes a provider's server-to-server notification. Its
// answer tells the provider whether to retry: 200 taken (also a replay),
// 400 refused for good, 404 unknown payment, 503 try again later.
func (h *Handler) paymentNotify(w http.ResponseWriter, r *http.Request) {
	info := request.From(r)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	n, err := payment.ReadNotification(r)
	if err == nil {
		_, err = h.payments.HandleNotification(r.Context(), info.Tenant.ID, r.PathValue("provider"), n)
	}
	switch {
	case err == nil:
		w.Write([]byte("OK\n"))
	case errors.Is(err, store.ErrNotFound):
		http.Error(w, "unknown payment", http.StatusNotFound)
	case errors.Is(err, payment.ErrRejected):
		h.log.WarnContext(r.Context(), "payment notification rejected", "provider", r.PathValue("provider"), "err", err)
		http.Error(w, "rejected", http.StatusBadRequest)
	default:
		h.log.ErrorContext(r.Context(), "payment notification", "provider", r.PathValue("provider"), "err", err)
		http.Error(w, "try again later", http.StatusServiceUnavailable)
	}
}

// localPath keeps only the path and query of a URL the portal made, so a
// redirect never leaves the site.
func localPath(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "/"
	}
	p := u.RequestURI()
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") {
		return "/"
	}
	return p
}
