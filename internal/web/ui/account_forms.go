package ui

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/serviceportal/serviceportal/internal/identity"
	"github.com/serviceportal/serviceportal/internal/web/page"
)

// fieldError is one entry of a form's error summary.
type fieldError struct {
	Field   string
	Message string
}

// accountForm is the view of the account pages: what was entered, what is
// wrong with it, and page-specific extras.
type accountForm struct {
	Values map[string]string
	Errors []fieldError
	// Notice is a non-error message (e.g. "E-Mail verschickt").
	Notice string
	Next   string
	Staff  bool
	Extra  any
	// OIDC offers the login through BundID (citizens only).
	OIDC bool
	// StaffOIDC offers staff the login through their data centre.
	StaffOIDC bool
}

// Err returns the message for a field, for inline display.
func (f accountForm) Err(field string) string {
	for _, e := range f.Errors {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

// Value returns what was entered in a field.
func (f accountForm) Value(field string) string { return f.Values[field] }

func newForm(r *http.Request, fields ...string) accountForm {
	f := accountForm{Values: map[string]string{}}
	for _, name := range fields {
		f.Values[name] = strings.TrimSpace(r.PostFormValue(name))
	}
	return f
}

func (f *accountForm) add(field, msg string) { f.Errors = append(f.Errors, fieldError{field, msg}) }

// identityError turns an identity error into a field error and the HTTP
// status to answer with; unknown errors are server errors (ok false).
func (f *accountForm) identityError(w http.ResponseWriter, field string, err error) (int, bool) {
	msg, ok := identity.UserMessage(err)
	if !ok {
		return http.StatusInternalServerError, false
	}
	f.add(field, msg)
	var te *identity.ThrottledError
	switch {
	case errors.As(err, &te):
		w.Header().Set("Retry-After", strconv.Itoa(int(te.RetryAfter.Seconds()+0.999)))
		return http.StatusTooManyRequests, true
	case errors.Is(err, identity.ErrBusy):
		w.Header().Set("Retry-After", "30")
		return http.StatusServiceUnavailable, true
	}
	return http.StatusUnprocessableEntity, true
}

func (h *Handler) renderAccount(w http.ResponseWriter, r *http.Request, status int, view, title string, f accountForm) {
	if len(f.Errors) > 0 {
		title = "Fehler: " + title
	}
	f.OIDC = h.oidc != nil && !f.Staff
	f.StaffOIDC = h.staffOIDC != nil && f.Staff
	h.pages.Render(w, r, status, view, page.Data{Title: title, View: f})
}

// safeNext keeps redirects after login on the portal itself.
func safeNext(s string) string {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.ContainsAny(s, "\\\r\n") {
		return ""
	}
	return s
}
