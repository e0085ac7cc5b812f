package api

import (
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/serviceportal/serviceportal/internal/backend"
)

// maxTokenRequest bounds the form of a token request.
const maxTokenRequest = 8 << 10

// tokenError is an OAuth 2.0 error response (RFC 6749 §5.2).
type tokenError struct {
	Error       string `json:"error"`
	Description string `json:"error_description,omitempty"`
}

// backendToken answers POST /api/v1/backend/token: the client credentials
// grant (RFC 6749 §4.4). The client authenticates with HTTP Basic or with
// client_id and client_secret in the form body, never both (§2.3.1).
// Errors are OAuth's JSON, not problem details, because OAuth client
// libraries read the "error" member.
func (h *Handler) backendToken(w http.ResponseWriter, r *http.Request) {
	if h.backend == nil {
		writeProblem(w, r, http.StatusNotFound, "Schnittstelle nicht eingerichtet", "Dieses Portal bietet keine Schnittstelle für Fachverfahren an.")
		return
	}
	fail := func(status int, code, description string) {
		if status == http.StatusUnauthorized {
			// RFC 6749 §5.2: a 401 names the authentication scheme.
			w.Header().Set("WWW-Authenticate", `Basic realm="serviceportal-backend", charset="UTF-8"`)
		}
		w.Header().Set("Pragma", "no-cache")
		writeJSON(w, status, tokenError{Error: code, Description: description})
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		fail(http.StatusBadRequest, "invalid_request", "Content-Type must be application/x-www-form-urlencoded.")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxTokenRequest)
	if err := r.ParseForm(); err != nil {
		fail(http.StatusBadRequest, "invalid_request", "The form body cannot be read.")
		return
	}
	// Parameters must not repeat (§3.2), and the query string carries none.
	for k, v := range r.PostForm {
		if len(v) > 1 {
			fail(http.StatusBadRequest, "invalid_request", "Parameter "+k+" is repeated.")
			return
		}
	}
	clientID, secret, basic := r.BasicAuth()
	if basic {
		// §2.3.1: Basic credentials are form-encoded before Base64.
		var err1, err2 error
		clientID, err1 = url.QueryUnescape(clientID)
		secret, err2 = url.QueryUnescape(secret)
		if err1 != nil || err2 != nil {
			fail(http.StatusUnauthorized, "invalid_client", "")
			return
		}
		if r.PostForm.Has("client_secret") {
			fail(http.StatusBadRequest, "invalid_request", "Use one way of client authentication, not two.")
			return
		}
	} else {
		clientID, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	switch gt := r.PostForm.Get("grant_type"); {
	case gt == "":
		fail(http.StatusBadRequest, "invalid_request", "grant_type is missing.")
		return
	case gt != "client_credentials":
		fail(http.StatusBadRequest, "unsupported_grant_type", "Only client_credentials is supported.")
		return
	}
	if strings.TrimSpace(clientID) == "" {
		fail(http.StatusUnauthorized, "invalid_client", "")
		return
	}
	tok, err := h.backend.IssueToken(r.Context(), clientID, secret)
	if errors.Is(err, backend.ErrInvalidClient) {
		fail(http.StatusUnauthorized, "invalid_client", "")
		return
	}
	if err != nil {
		h.log.ErrorContext(r.Context(), "backend token", "err", err)
		fail(http.StatusInternalServerError, "server_error", "")
		return
	}
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, map[string]any{"access_token": tok.Value, "token_type": "Bearer",
		"expires_in": int64(tok.ExpiresIn.Seconds())})
}
