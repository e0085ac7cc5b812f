package ui

import (
	"errors"
	"net/http"

	"github.com/serviceportal/serviceportal/internal/payment"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/web/request"
)

// testPaymentView is the demo provider's pay page.
type testPaymentView struct {
	ID            string
	Amount        string
	Purpose       string
	Kassenzeichen string
	Open          bool
	Status        string
	Back          string
}

// testTransaction finds the test provider's transaction; there is none
// when the portal runs with a real provider.
func (h *Handler) testTransaction(w http.ResponseWriter, r *http.Request) (payment.TestTransaction, bool) {
	tp := h.payments.Test()
	if tp == nil {
		h.notFound(w, r)
		return payment.TestTransaction{}, false
	}
	tx, err := tp.Transaction(r.Context(), request.From(r).Tenant.ID, r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) {
		h.notFound(w, r)
		return tx, false
	}
	if err != nil {
		h.serverError(w, r, err)
		return tx, false
	}
	return tx, true
}

func (h *Handler) testPaymentShow(w http.ResponseWriter, r *http.Request) {
	tx, ok := h.testTransaction(w, r)
	if !ok {
		return
	}
	v := testPaymentView{ID: tx.ID, Amount: payment.FormatEuro(tx.AmountCents), Purpose: tx.Purpose, Kassenzeichen: tx.Kassenzeichen,
		Open: tx.Status == payment.StatusInitial, Status: tx.Status.Label(), Back: localPath(tx.ReturnURL)}
	h.pages.Render(w, r, http.StatusOK, "payment_testpage", pageData("Testzahlung", v))
}

// testPaymentDecide books "Bezahlen" or "Abbrechen" at the test provider,
// which notifies the portal, and sends the citizen back as a provider
// does.
func (h *Handler) testPaymentDecide(w http.ResponseWriter, r *http.Request) {
	tx, ok := h.testTransaction(w, r)
	if !ok {
		return
	}
	pay := r.PostFormValue("action") == "bezahlen"
	back, err := h.payments.CompleteTest(r.Context(), tx.TenantID, tx.ID, pay, true)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, localPath(back), http.StatusSeeOther)
}
