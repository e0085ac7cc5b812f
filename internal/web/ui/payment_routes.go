package ui

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/serviceportal/serviceportal/internal/form"
	"github.com/serviceportal/serviceportal/internal/payment"
	"github.com/serviceportal/serviceportal/internal/web/request"
)

// paymentRoutes registers the payment step. The fee is paid on the draft,
// before it is submitted; the draft and its answers stay whatever happens
// at the provider.
func (h *Handler) paymentRoutes(mux *http.ServeMux) {
	if h.payments == nil {
		return
	}
	if h.forms != nil && h.subs != nil {
		mux.HandleFunc("GET /antrag/{form}/e/{token}/bezahlen", h.paymentShow)
		mux.HandleFunc("POST /antrag/{form}/e/{token}/bezahlen", h.paymentStart)
		mux.HandleFunc("GET /antrag/{form}/e/{token}/bezahlt", h.paymentReturned)
		mux.HandleFunc("GET /zahlung/rueckkehr/{id}", h.paymentBack)
	}
	mux.HandleFunc("POST /zahlung/benachrichtigung/{provider}", h.paymentNotify)
	if h.ident != nil {
		mux.HandleFunc("GET /verwaltung/zahlungen.csv", h.paymentExport)
		if h.catalog != nil {
			mux.HandleFunc("GET /verwaltung/gebuehren", h.feesShow)
			mux.HandleFunc("GET /verwaltung/gebuehren/{service}", h.feeEditShow)
			mux.HandleFunc("POST /verwaltung/gebuehren/{service}", h.feeEditSave)
		}
	}
	mux.HandleFunc("GET /testzahlung/{id}", h.testPaymentShow)
	mux.HandleFunc("POST /testzahlung/{id}", h.testPaymentDecide)
}

// providerTimeout bounds a status check made while a citizen waits.
const providerTimeout = 5 * time.Second

// paymentDue tells the check page and formSubmit whether the draft's fee
// must be paid online first. amountCents is the fee: 0 when nothing is
// paid online (free, charged with the decision, or no provider),
// feeUnknown when the answers do not give it yet; paid is true once a
// payment of at least that amount is verified. An open payment is checked
// with the provider first, so a citizen whose notification was lost is
// not asked to pay twice.
func (h *Handler) paymentDue(ctx context.Context, app *application) (amountCents int64, paid bool) {
	fee, p, ok := h.paymentState(ctx, app, "")
	return fee, fee > 0 && ok && p.Status == payment.StatusPayed && p.AmountCents >= fee
}

// paymentState is the fee to pay online (0: none) and the draft's
// payment that counts, if any (see latestPayment).
func (h *Handler) paymentState(ctx context.Context, app *application, id string) (int64, payment.Payment, bool) {
	if h.payments == nil {
		return 0, payment.Payment{}, false
	}
	fee := h.applicationFee(ctx, app).Cents
	if fee == 0 {
		return 0, payment.Payment{}, false
	}
	if _, ok := h.payments.ProviderFor(app.draft.TenantID); !ok {
		return 0, payment.Payment{}, false
	}
	p, ok := h.latestPayment(ctx, app, id)
	return fee, p, ok
}

// latestPayment is the draft's payment that counts: the paid one, else the
// one named by id, else the newest; open ones are checked first.
func (h *Handler) latestPayment(ctx context.Context, app *application, id string) (payment.Payment, bool) {
	ps, err := h.payments.ForDraft(ctx, app.draft.TenantID, app.draft.ID)
	if err != nil {
		h.log.ErrorContext(ctx, "payments of draft", "err", err)
		return payment.Payment{}, false
	}
	h.settleOpen(ctx, ps)
	if p, ok := payment.Paid(ps); ok {
		return p, true
	}
	for _, p := range ps {
		if p.ID == id {
			return p, true
		}
	}
	if len(ps) == 0 {
		return payment.Payment{}, false
	}
	return ps[0], true
}

// settleOpen asks the provider about every open payment in ps and puts
// the answer in place; an unreachable provider leaves the payment as we
// know it.
func (h *Handler) settleOpen(ctx context.Context, ps []payment.Payment) {
	ctx, cancel := context.WithTimeout(ctx, providerTimeout)
	defer cancel()
	for i, p := range ps {
		if p.Status != payment.StatusInitial {
			continue
		}
		if q, err := h.payments.Reconcile(ctx, p.TenantID, p.ID); err == nil {
			ps[i] = q
		} else {
			h.log.WarnContext(ctx, "payment status check", "payment", p.ID, "err", err)
		}
	}
}

// providerURLs are the return and notification addresses a provider gets
// for a payment: both lead back to the tenant's portal.
func (h *Handler) providerURLs(r *http.Request, base string, prov payment.Provider) func(id string) (string, string) {
	return func(id string) (string, string) {
		return h.providerURL(r, base+"/zahlung/rueckkehr/"+id),
			h.providerURL(r, base+"/zahlung/benachrichtigung/"+prov.Name()+"?ref="+id)
	}
}

// paymentView is what the check page shows about the fee. The lead adds
// it to summaryView (field Payment *paymentView) with
// h.paymentSummary(r, app); see payment_pay.html for the markup to copy.
type paymentView struct {
	// Amount is the fee, e.g. "30,70 €".
	Amount string
	// Explain says how the amount came about, e.g. "2 × 12,00 € je Hund".
	Explain string
	// Unknown means the answers do not give the amount yet.
	Unknown bool
	Paid    bool
	// PayURL is the payment page.
	PayURL string
	// Kassenzeichen of the verified payment.
	Kassenzeichen string
	Notice        *paymentNotice
}

// paymentNotice is a message about the last payment attempt.
type paymentNotice struct {
	// Kind is the KERN alert kind: success, warning or danger.
	Kind  string
	Title string
	Text  string
}

// paymentSummary describes the fee for the check page; nil when nothing
// is paid online. The notice appears when the citizen comes back from the
// provider (?zahlung=…) and always tells the payment's real state.
func (h *Handler) paymentSummary(r *http.Request, app *application) *paymentView {
	amount, p, ok := h.paymentState(r.Context(), app, r.URL.Query().Get("z"))
	if amount == 0 {
		return nil
	}
	if amount == feeUnknown {
		return &paymentView{Unknown: true, PayURL: app.base + "/bezahlen"}
	}
	paid := ok && p.Status == payment.StatusPayed && p.AmountCents >= amount
	v := &paymentView{Amount: payment.FormatEuro(amount), Paid: paid, PayURL: app.base + "/bezahlen"}
	if explain := h.applicationFee(r.Context(), app).Explain; explain != v.Amount {
		v.Explain = explain
	}
	if paid {
		v.Kassenzeichen = p.Kassenzeichen
	}
	if ok && r.URL.Query().Get("zahlung") != "" {
		v.Notice = noticeFor(p)
	}
	return v
}

// noticeFor explains a payment's state to the citizen.
func noticeFor(p payment.Payment) *paymentNotice {
	kept := " Ihre Angaben sind gespeichert."
	switch p.Status {
	case payment.StatusPayed:
		return &paymentNotice{"success", "Bezahlt", "Ihre Zahlung über " + payment.FormatEuro(p.AmountCents) +
			" ist eingegangen (Kassenzeichen " + p.Kassenzeichen + "). Sie können den Antrag jetzt absenden."}
	case payment.StatusCanceled:
		return &paymentNotice{"warning", "Zahlung abgebrochen", "Sie haben die Zahlung abgebrochen. Es wurde nichts abgebucht." + kept +
			" Um den Antrag abzusenden, bezahlen Sie bitte die Gebühr."}
	case payment.StatusFailed:
		return &paymentNotice{"danger", "Zahlung nicht gelungen", "Die Zahlung ist nicht zustande gekommen. Es wurde nichts abgebucht." + kept +
			" Versuchen Sie es bitte noch einmal, zum Beispiel mit einer anderen Zahlungsart."}
	case payment.StatusExpired:
		return &paymentNotice{"warning", "Zahlung nicht abgeschlossen", "Die Zahlung wurde nicht rechtzeitig abgeschlossen." + kept +
			" Starten Sie die Zahlung bitte noch einmal."}
	}
	return &paymentNotice{"warning", "Zahlung noch nicht bestätigt", "Der Bezahldienst hat die Zahlung noch nicht bestätigt." + kept +
		" Wenn Sie bezahlt haben, laden Sie diese Seite in einigen Minuten neu. Sonst starten Sie die Zahlung noch einmal; doppelt abgebucht wird nicht."}
}

// payerOf reads who pays from the answers, by the fields' autocomplete
// purpose, so any form with name and address fields serves.
func payerOf(app *application) payment.Payer {
	var p payment.Payer
	var walk func(items []form.Item)
	walk = func(items []form.Item) {
		for _, it := range items {
			switch x := it.(type) {
			case *form.Group:
				if !x.Card.Repeatable() {
					walk(x.Items)
				}
			case *form.Field:
				v := ""
				if vs := app.raw[x.ID]; len(vs) > 0 {
					v = strings.TrimSpace(vs[0])
				}
				switch x.AutoComplete {
				case "given-name":
					p.FirstName = v
				case "family-name":
					p.Name = v
				case "organization":
					p.Organization = v
				case "street-address", "address-line1":
					p.Street, p.HouseNumber = splitStreet(v)
				case "postal-code":
					p.PostalCode = v
				case "address-level2":
					p.City = v
				}
			}
		}
	}
	for _, s := range app.form.Steps {
		walk(s.Items)
	}
	return p
}

// splitStreet separates "Kaiserwall 7a" into street and house number.
func splitStreet(s string) (string, string) {
	i := strings.LastIndexByte(s, ' ')
	if i > 0 && i < len(s)-1 && s[i+1] >= '0' && s[i+1] <= '9' {
		return s[:i], s[i+1:]
	}
	return s, ""
}

// providerURL makes a tenant path absolute for a provider: on the
// configured base URL for path-prefixed portals, on the request's host
// for a tenant's own host name.
func (h *Handler) providerURL(r *http.Request, path string) string {
	info := request.From(r)
	if info.Base != "" {
		return h.baseURL + path
	}
	scheme := "https"
	if strings.HasPrefix(h.baseURL, "http://") {
		scheme = "http"
	}
	return scheme + "://" + r.Host + path
}
