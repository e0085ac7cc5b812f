package ui

import (
	"encoding/base64"
	"net/http"

	"github.com/serviceportal/serviceportal/internal/identity"
)

func (h *Handler) totpShow(w http.ResponseWriter, r *http.Request) {
	info, ok := h.requireLogin(w, r)
	if !ok {
		return
	}
	if info.Account.TOTPEnabled {
		h.renderAccount(w, r, http.StatusOK, "account_notice", "Authenticator-App", accountForm{Notice: "Die Anmeldung mit Authenticator-App ist für Ihr Konto bereits eingerichtet.", Next: "/konto"})
		return
	}
	enr, err := h.ident.EnrollTOTP(r.Context(), info.Account.ID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	f := accountForm{Values: map[string]string{}, Extra: mfaExtra{Enrol: true, Secret: enr.Secret, URL: enr.URL,
		QRCode: "data:image/png;base64," + base64.StdEncoding.EncodeToString(enr.QRCodePNG)}}
	h.renderAccount(w, r, http.StatusOK, "account_totp", "Authenticator-App einrichten", f)
}

func (h *Handler) totpConfirm(w http.ResponseWriter, r *http.Request) {
	info, ok := h.requireLogin(w, r)
	if !ok {
		return
	}
	f := newForm(r, "code")
	codes, err := h.ident.ConfirmTOTP(r.Context(), info.Account.ID, f.Value("code"))
	if err != nil {
		status, ok := f.identityError(w, "code", err)
		if !ok {
			h.serverError(w, r, err)
			return
		}
		if extra, ok := enrolmentView(r.PostFormValue("enrol_url")); ok {
			f.Extra = extra
		}
		h.renderAccount(w, r, status, "account_totp", "Authenticator-App einrichten", f)
		return
	}
	h.renderAccount(w, r, http.StatusOK, "account_recovery", "Wiederherstellungscodes", accountForm{Next: info.Base + "/konto", Extra: mfaExtra{Recovery: codes}})
}

func (h *Handler) deleteShow(w http.ResponseWriter, r *http.Request) {
	if _, ok := h.requireLogin(w, r); !ok {
		return
	}
	h.renderAccount(w, r, http.StatusOK, "account_delete", "Konto löschen", accountForm{Values: map[string]string{}})
}

// deleteSubmit asks for the password again before deleting (ASVS 7.5.1):
// a forgotten open session must not be enough to erase an account.
func (h *Handler) deleteSubmit(w http.ResponseWriter, r *http.Request) {
	info, ok := h.requireLogin(w, r)
	if !ok {
		return
	}
	f := accountForm{Values: map[string]string{}}
	if info.Account.HasPassword {
		_, err := h.ident.LoginPassword(r.Context(), identity.LoginRequest{Kind: identity.Citizen, Email: info.Account.Email,
			Password: r.PostFormValue("password"), IP: info.IP, UserAgent: r.UserAgent()})
		if err != nil {
			status, ok := f.identityError(w, "password", err)
			if !ok {
				h.serverError(w, r, err)
				return
			}
			h.renderAccount(w, r, status, "account_delete", "Konto löschen", f)
			return
		}
	}
	if err := h.ident.DeleteCitizen(r.Context(), info.Account.ID); err != nil {
		h.serverError(w, r, err)
		return
	}
	h.cookies.ClearSession(w)
	h.renderAccount(w, r, http.StatusOK, "account_notice", "Konto gelöscht", accountForm{
		Notice: "Ihr Konto ist gelöscht. Gestellte Anträge bleiben bei der Behörde, bis die gesetzlichen Fristen abgelaufen sind."})
}
