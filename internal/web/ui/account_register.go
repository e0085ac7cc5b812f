package ui

import (
	"net/http"
	"net/url"

	"github.com/serviceportal/serviceportal/internal/identity"
	"github.com/serviceportal/serviceportal/internal/web/request"
)

func (h *Handler) registerShow(w http.ResponseWriter, r *http.Request) {
	h.renderAccount(w, r, http.StatusOK, "account_register", "Konto anlegen", accountForm{Values: map[string]string{}})
}

// registerSubmit creates a citizen account. The answer is the same whether
// or not the address already has an account (no account enumeration); the
// e-mail tells the owner which case applies.
func (h *Handler) registerSubmit(w http.ResponseWriter, r *http.Request) {
	f := newForm(r, "email")
	password, repeat := r.PostFormValue("password"), r.PostFormValue("password2")
	switch {
	case f.Value("email") == "":
		f.add("email", "Geben Sie Ihre E-Mail-Adresse ein.")
	case password == "":
		f.add("password", "Geben Sie ein Passwort ein.")
	case password != repeat:
		f.add("password2", "Die beiden Passwörter stimmen nicht überein. Geben Sie das Passwort zweimal gleich ein.")
	}
	if len(f.Errors) > 0 {
		h.renderAccount(w, r, http.StatusUnprocessableEntity, "account_register", "Konto anlegen", f)
		return
	}
	reg, err := h.ident.RegisterCitizen(r.Context(), f.Value("email"), password)
	if err != nil {
		field := "password"
		if err == identity.ErrInvalidEmail {
			field = "email"
		}
		status, ok := f.identityError(w, field, err)
		if !ok {
			h.serverError(w, r, err)
			return
		}
		h.renderAccount(w, r, status, "account_register", "Konto anlegen", f)
		return
	}
	info := request.From(r)
	mail := Mail{TenantID: info.Tenant.ID, To: reg.Email, Kind: "verify_email"}
	if reg.VerifyToken != "" {
		mail.Subject = "Bitte bestätigen Sie Ihre E-Mail-Adresse"
		mail.Body = "Guten Tag,\n\nSie haben im Serviceportal ein Konto angelegt. Bitte bestätigen Sie Ihre E-Mail-Adresse mit diesem Link (24 Stunden gültig):\n\n" +
			h.baseURL + info.Base + "/konto/bestaetigen?token=" + url.QueryEscape(reg.VerifyToken) +
			"\n\nHaben Sie kein Konto angelegt, können Sie diese E-Mail ignorieren.\n\nIhr Serviceportal " + info.Tenant.ShortName
	} else {
		mail.Subject = "Sie haben bereits ein Konto"
		mail.Body = "Guten Tag,\n\njemand wollte mit Ihrer E-Mail-Adresse ein Konto im Serviceportal anlegen. Sie haben bereits eines. Haben Sie Ihr Passwort vergessen, setzen Sie es hier zurück:\n\n" +
			h.baseURL + info.Base + "/konto/passwort-vergessen\n\nIhr Serviceportal " + info.Tenant.ShortName
	}
	if err := h.sendMail(r.Context(), mail); err != nil {
		h.serverError(w, r, err)
		return
	}
	h.renderAccount(w, r, http.StatusOK, "account_notice", "Fast geschafft", accountForm{
		Notice: "Wir haben Ihnen eine E-Mail an " + reg.Email + " geschickt. Bitte bestätigen Sie Ihre Adresse mit dem Link darin; danach können Sie sich anmelden."})
}

func (h *Handler) verifyEmail(w http.ResponseWriter, r *http.Request) {
	if _, err := h.ident.VerifyEmail(r.Context(), r.URL.Query().Get("token")); err != nil {
		f := accountForm{}
		if _, ok := f.identityError(w, "token", err); !ok {
			h.serverError(w, r, err)
			return
		}
		h.renderAccount(w, r, http.StatusBadRequest, "account_notice", "Bestätigung fehlgeschlagen", f)
		return
	}
	h.renderAccount(w, r, http.StatusOK, "account_notice", "E-Mail-Adresse bestätigt", accountForm{
		Notice: "Danke, Ihre E-Mail-Adresse ist bestätigt. Sie können sich jetzt anmelden.", Next: "/konto/anmelden"})
}
