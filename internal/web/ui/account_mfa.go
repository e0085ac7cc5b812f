package ui

import (
	"bytes"
	"encoding/base64"
	"image/png"
	"net/http"
	"net/url"

	"github.com/pquerna/otp"

	"github.com/serviceportal/serviceportal/internal/identity"
	"github.com/serviceportal/serviceportal/internal/web/request"
)

// mfaExtra is what the second-factor page shows besides the code field.
type mfaExtra struct {
	// Enrol is set when the account has no authenticator yet: the page
	// shows the QR code and the secret to set one up.
	Enrol    bool
	QRCode   string // data: URL of the PNG
	Secret   string
	URL      string // otpauth URL, carried through a failed attempt
	Recovery []string
}

// enrolmentView shows an enrolment again after a wrong first code, so the
// citizen's authenticator entry stays valid instead of a new secret being
// made.
func enrolmentView(otpauthURL string) (mfaExtra, bool) {
	key, err := otp.NewKeyFromURL(otpauthURL)
	if err != nil || key.Type() != "totp" {
		return mfaExtra{}, false
	}
	img, err := key.Image(256, 256)
	if err != nil {
		return mfaExtra{}, false
	}
	var buf bytes.Buffer
	if png.Encode(&buf, img) != nil {
		return mfaExtra{}, false
	}
	return mfaExtra{Enrol: true, Secret: key.Secret(), URL: otpauthURL,
		QRCode: "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())}, true
}

func urlQuery(s string) string { return url.QueryEscape(s) }

func (h *Handler) pendingToken(r *http.Request) string {
	if c, err := r.Cookie(h.cookies.SessionName()); err == nil {
		return c.Value
	}
	return ""
}

func (h *Handler) mfaView(r *http.Request, f *accountForm) bool {
	sess, acc, err := h.ident.PendingLogin(r.Context(), h.pendingToken(r))
	if err != nil {
		return false
	}
	f.Staff = acc.Kind == identity.Staff
	if !acc.TOTPEnabled {
		enr, err := h.ident.EnrollTOTP(r.Context(), sess.AccountID)
		if err == nil {
			f.Extra = mfaExtra{Enrol: true, Secret: enr.Secret, URL: enr.URL, QRCode: "data:image/png;base64," + base64.StdEncoding.EncodeToString(enr.QRCodePNG)}
		}
	}
	return true
}

func (h *Handler) mfaShow(w http.ResponseWriter, r *http.Request) {
	f := accountForm{Values: map[string]string{}, Next: safeNext(r.URL.Query().Get("weiter"))}
	if !h.mfaView(r, &f) {
		http.Redirect(w, r, request.From(r).Base+"/konto/anmelden", http.StatusSeeOther)
		return
	}
	h.renderAccount(w, r, http.StatusOK, "account_mfa", "Anmeldung bestätigen", f)
}

func (h *Handler) mfaSubmit(w http.ResponseWriter, r *http.Request) {
	info := request.From(r)
	f := newForm(r, "code")
	f.Next = safeNext(r.PostFormValue("weiter"))
	res, err := h.ident.CompleteMFA(r.Context(), identity.MFARequest{Token: h.pendingToken(r), Code: f.Value("code"), IP: info.IP})
	if err != nil {
		status, ok := f.identityError(w, "code", err)
		if !ok {
			h.serverError(w, r, err)
			return
		}
		if extra, ok := enrolmentView(r.PostFormValue("enrol_url")); ok {
			f.Extra = extra
		} else if _, _, err := h.ident.PendingLogin(r.Context(), h.pendingToken(r)); err != nil {
			http.Redirect(w, r, info.Base+"/konto/anmelden", http.StatusSeeOther)
			return
		}
		h.renderAccount(w, r, status, "account_mfa", "Anmeldung bestätigen", f)
		return
	}
	h.cookies.SetSession(w, res.Token)
	next := f.Next
	if next == "" {
		next = info.Base + "/konto"
	}
	if len(res.RecoveryCodes) > 0 {
		h.renderAccount(w, r, http.StatusOK, "account_recovery", "Wiederherstellungscodes", accountForm{Next: next, Extra: mfaExtra{Recovery: res.RecoveryCodes}})
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}
