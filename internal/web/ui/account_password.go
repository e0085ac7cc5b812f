package ui

import (
	"net/http"
	"net/url"

	"github.com/serviceportal/serviceportal/internal/identity"
	"github.com/serviceportal/serviceportal/internal/web/request"
)

func (h *Handler) forgotShow(w http.ResponseWriter, r *http.Request) {
	h.renderAccount(w, r, http.StatusOK, "account_forgot", "Passwort vergessen", accountForm{Values: map[string]string{}})
}

// forgotSubmit sends a reset link if the address has an account; the page
// says the same either way.
func (h *Handler) forgotSubmit(w http.ResponseWriter, r *http.Request) {
	f := newForm(r, "email")
	if f.Value("email") == "" {
		f.add("email", "Geben Sie die E-Mail-Adresse Ihres Kontos ein.")
		h.renderAccount(w, r, http.StatusUnprocessableEntity, "account_forgot", "Passwort vergessen", f)
		return
	}
	reset, err := h.ident.RequestPasswordReset(r.Context(), identity.Citizen, f.Value("email"))
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if reset.Token != "" {
		info := request.From(r)
		err := h.sendMail(r.Context(), Mail{TenantID: info.Tenant.ID, To: reset.Email, Kind: "password_reset",
			Subject: "Neues Passwort für Ihr Konto",
			Body: "Guten Tag,\n\nmit diesem Link vergeben Sie ein neues Passwort (eine Stunde gültig):\n\n" +
				h.baseURL + info.Base + "/konto/passwort-neu?token=" + url.QueryEscape(reset.Token) +
				"\n\nHaben Sie das nicht angefordert, ignorieren Sie diese E-Mail; Ihr Passwort bleibt unverändert.\n\nIhr Serviceportal " + info.Tenant.ShortName})
		if err != nil {
			h.serverError(w, r, err)
			return
		}
	}
	h.renderAccount(w, r, http.StatusOK, "account_notice", "E-Mail unterwegs", accountForm{
		Notice: "Wenn es zu " + f.Value("email") + " ein Konto gibt, haben wir dorthin einen Link für ein neues Passwort geschickt. Er ist eine Stunde gültig."})
}

func (h *Handler) resetShow(w http.ResponseWriter, r *http.Request) {
	h.renderAccount(w, r, http.StatusOK, "account_reset", "Neues Passwort", accountForm{Values: map[string]string{"token": r.URL.Query().Get("token")}})
}

func (h *Handler) resetSubmit(w http.ResponseWriter, r *http.Request) {
	f := newForm(r, "token")
	password := r.PostFormValue("password")
	if password != r.PostFormValue("password2") {
		f.add("password2", "Die beiden Passwörter stimmen nicht überein. Geben Sie das Passwort zweimal gleich ein.")
		h.renderAccount(w, r, http.StatusUnprocessableEntity, "account_reset", "Neues Passwort", f)
		return
	}
	if err := h.ident.ResetPassword(r.Context(), f.Value("token"), password); err != nil {
		status, ok := f.identityError(w, "password", err)
		if !ok {
			h.serverError(w, r, err)
			return
		}
		h.renderAccount(w, r, status, "account_reset", "Neues Passwort", f)
		return
	}
	h.renderAccount(w, r, http.StatusOK, "account_notice", "Passwort geändert", accountForm{
		Notice: "Ihr neues Passwort ist gespeichert. Alle bisherigen Anmeldungen wurden beendet.", Next: "/konto/anmelden"})
}
