package ui

import (
	"errors"
	"net/http"

	"github.com/serviceportal/serviceportal/internal/identity"
	"github.com/serviceportal/serviceportal/internal/web/request"
)

func (h *Handler) loginShow(staff bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f := accountForm{Values: map[string]string{}, Staff: staff, Next: safeNext(r.URL.Query().Get("weiter"))}
		h.renderAccount(w, r, http.StatusOK, "account_login", loginTitle(staff), f)
	}
}

func loginTitle(staff bool) string {
	if staff {
		return "Anmeldung für Mitarbeitende"
	}
	return "Anmelden"
}

// loginSubmit checks e-mail and password. A correct password of an account
// that needs a second factor only opens a pending session; the code page
// completes it.
func (h *Handler) loginSubmit(staff bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		info := request.From(r)
		f := newForm(r, "email")
		f.Staff, f.Next = staff, safeNext(r.PostFormValue("weiter"))
		kind := identity.Citizen
		if staff {
			kind = identity.Staff
		}
		prev := ""
		if c, err := r.Cookie(h.cookies.SessionName()); err == nil {
			prev = c.Value
		}
		res, err := h.ident.LoginPassword(r.Context(), identity.LoginRequest{Kind: kind, Email: f.Value("email"),
			Password: r.PostFormValue("password"), IP: info.IP, UserAgent: r.UserAgent(), PreviousToken: prev})
		if err != nil {
			status, ok := f.identityError(w, "email", err)
			if !ok {
				h.serverError(w, r, err)
				return
			}
			if errors.Is(err, identity.ErrEmailNotVerified) {
				f.Notice = "unverified"
			}
			h.renderAccount(w, r, status, "account_login", loginTitle(staff), f)
			return
		}
		h.cookies.SetSession(w, res.Token)
		next := f.Next
		if next == "" {
			next = info.Base + "/konto"
			if staff {
				next = info.Base + "/verwaltung"
			}
		}
		if res.NeedsMFA {
			http.Redirect(w, r, info.Base+"/konto/zweiter-faktor?weiter="+urlQuery(next), http.StatusSeeOther)
			return
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
	}
}

func (h *Handler) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(h.cookies.SessionName()); err == nil {
		h.ident.Logout(r.Context(), c.Value)
	}
	h.cookies.ClearSession(w)
	http.Redirect(w, r, request.From(r).Base+"/", http.StatusSeeOther)
}
