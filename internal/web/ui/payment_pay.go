package ui

import (
	"errors"
	"net/http"

	"github.com/serviceportal/serviceportal/internal/payment"
	"github.com/serviceportal/serviceportal/internal/web/request"
)

// paymentPayView is the page before the citizen goes to the provider.
type paymentPayView struct {
	Service  string
	Amount   string
	Purpose  string
	Provider string
	Test     bool
	Base     string
	Notice   *paymentNotice
	Error    string
	// Unknown means the answers do not give the fee yet; there is nothing
	// to pay until they do.
	Unknown bool
}

func (h *Handler) paymentShow(w http.ResponseWriter, r *http.Request) {
	app, ok := h.loadApplication(w, r)
	if !ok {
		return
	}
	h.renderPayment(w, r, app, http.StatusOK, "")
}

func (h *Handler) renderPayment(w http.ResponseWriter, r *http.Request, app *application, status int, msg string) {
	amount, p, ok := h.paymentState(r.Context(), app, "")
	if amount == 0 {
		http.Redirect(w, r, app.base+"/pruefen", http.StatusSeeOther)
		return
	}
	if amount > 0 && ok && p.Status == payment.StatusPayed && p.AmountCents >= amount {
		http.Redirect(w, r, app.base+"/pruefen?zahlung=bezahlt", http.StatusSeeOther)
		return
	}
	if amount == feeUnknown {
		if status == http.StatusOK {
			status = http.StatusUnprocessableEntity
		}
		h.pages.Render(w, r, status, "payment_pay", pageData("Fehler: Gebühr bezahlen – "+app.service.Name, paymentPayView{
			Service: app.service.Name, Base: app.base, Unknown: true,
			Error: "Die Gebühr lässt sich aus Ihren Angaben noch nicht berechnen. Bitte ergänzen Sie im Formular die Angabe, nach der sich die Gebühr richtet (zum Beispiel die Anzahl). Ihre Angaben sind gespeichert."}))
		return
	}
	prov, _ := h.payments.ProviderFor(app.draft.TenantID)
	v := paymentPayView{Service: app.service.Name, Amount: payment.FormatEuro(amount), Purpose: "Gebühr: " + app.service.Name,
		Provider: prov.Label(), Test: prov.Name() == payment.TestName, Base: app.base, Error: msg}
	if ok && p.Status != payment.StatusInitial {
		v.Notice = noticeFor(p)
	}
	title := "Gebühr bezahlen – " + app.service.Name
	if msg != "" {
		title = "Fehler: " + title
	}
	h.pages.Render(w, r, status, "payment_pay", pageData(title, v))
}

// paymentStart checks the whole application once more (nobody should pay
// for an application that cannot be submitted), opens the payment and
// sends the citizen to the provider. A cookie remembers the draft for the
// way back, so the secret resume link never travels to the provider.
func (h *Handler) paymentStart(w http.ResponseWriter, r *http.Request) {
	app, ok := h.loadApplication(w, r)
	if !ok {
		return
	}
	st := app.form.Evaluate(app.raw, h.clock())
	if final := st.ValidateAll(); !final.OK() {
		step := final.FirstStep()
		if step == "" {
			step = firstStepWithProblems(st)
		}
		http.Redirect(w, r, app.base+"/schritt/"+step, http.StatusSeeOther)
		return
	}
	amount, paid := h.paymentDue(r.Context(), app)
	if amount <= 0 || paid {
		h.renderPayment(w, r, app, http.StatusOK, "")
		return
	}
	info := request.From(r)
	rule := h.applicationFee(r.Context(), app).Rule
	prov, _ := h.payments.ProviderFor(info.Tenant.ID)
	p, redirect, err := h.payments.Start(r.Context(), payment.StartInput{TenantID: info.Tenant.ID, TenantCode: info.Tenant.Code,
		DraftID: app.draft.ID, ServiceID: app.service.ID, AmountCents: amount, Purpose: app.service.Name,
		PortalBase: info.Base, Payer: payerOf(app), Haushaltsstelle: rule.Haushaltsstelle, KassenzeichenScheme: rule.KassenzeichenScheme,
		URLs: h.providerURLs(r, info.Base, prov)})
	if errors.Is(err, payment.ErrAlreadyPaid) {
		http.Redirect(w, r, app.base+"/pruefen?zahlung=bezahlt&z="+p.ID, http.StatusSeeOther)
		return
	}
	if err != nil {
		h.log.ErrorContext(r.Context(), "payment start", "err", err)
		h.renderPayment(w, r, app, http.StatusBadGateway, "Der Bezahldienst ist gerade nicht erreichbar. Ihre Angaben sind gespeichert. "+
			"Versuchen Sie es bitte in einigen Minuten noch einmal.")
		return
	}
	h.setPaymentCookie(w, r, app)
	http.Redirect(w, r, redirect, http.StatusSeeOther)
}

// paymentCookieAge is how long the way back from the provider is known.
const paymentCookieAge = 2 * 60 * 60

func (h *Handler) paymentCookieName() string {
	if h.cookies.Secure {
		return "__Secure-sp_zahlung"
	}
	return "sp_zahlung"
}

// setPaymentCookie remembers form and resume token for the return path
// only.
func (h *Handler) setPaymentCookie(w http.ResponseWriter, r *http.Request, app *application) {
	http.SetCookie(w, &http.Cookie{Name: h.paymentCookieName(), Value: app.form.ID + "/" + app.token, // #nosec G124 -- HttpOnly and SameSite=Lax always; Secure whenever the portal runs on https (plain http is the local demo)
		Path: request.From(r).Base + "/zahlung/rueckkehr/", MaxAge: paymentCookieAge, HttpOnly: true, Secure: h.cookies.Secure,
		SameSite: http.SameSiteLaxMode})
}
