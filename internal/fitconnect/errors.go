package fitconnect

import (
	"errors"
	"fmt"
	"net/http"
)

// Kinds of failure that retrying will not fix; callers test them with
// errors.Is. Everything else (network errors, 5xx, 429) may pass.
var (
	// ErrConfig: the client is configured incompletely or wrongly.
	ErrConfig = errors.New("fitconnect: configuration")
	// ErrNoRoute: the Routing API knows no (single) destination.
	ErrNoRoute = errors.New("fitconnect: no route")
	// ErrSignature: a destinationSignature or an event's signature did not
	// verify, or its content does not fit the request.
	ErrSignature = errors.New("fitconnect: signature rejected")
	// ErrKeyRejected: a destination key fails the key requirements.
	ErrKeyRejected = errors.New("fitconnect: key rejected")
	// ErrDestination: the destination does not take this submission
	// (inactive, service or schema not offered).
	ErrDestination = errors.New("fitconnect: destination refuses the submission")
	// ErrInvalid: the submission or the metadata built from it is invalid.
	ErrInvalid = errors.New("fitconnect: invalid submission")
)

// Problem is an RFC 7807 problem, as the Submission API answers errors
// and as reject-submission events list their reasons.
type Problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status,omitempty"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`
}

// String is the problem in one line, for logs and staff pages.
func (p Problem) String() string {
	s := p.Title
	if s == "" {
		s = p.Type
	}
	if p.Detail != "" {
		s += ": " + p.Detail
	}
	if p.Instance != "" {
		s += " (" + p.Instance + ")"
	}
	return s
}

// APIError is a non-2xx answer of a FIT-Connect API.
type APIError struct {
	Method, URL string
	StatusCode  int
	// Problem is the problem+json body, if the server sent one.
	Problem Problem
}

// Error names the call and the server's reason.
func (e *APIError) Error() string {
	msg := fmt.Sprintf("fitconnect: %s %s: %d %s", e.Method, e.URL, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Problem.Title != "" || e.Problem.Detail != "" {
		msg += ": " + e.Problem.String()
	}
	return msg
}

// Temporary reports whether a retry may succeed: timeouts, rate limits
// and server errors.
func (e *APIError) Temporary() bool {
	switch e.StatusCode {
	case http.StatusRequestTimeout, http.StatusTooEarly, http.StatusTooManyRequests:
		return true
	}
	return e.StatusCode >= 500
}

// Permanent reports whether retrying err cannot help: a rejected key or
// signature, a missing route, a refusing destination, an invalid
// submission, a configuration error or a 4xx answer other than a rate
// limit.
func Permanent(err error) bool {
	for _, target := range []error{ErrConfig, ErrNoRoute, ErrSignature, ErrKeyRejected, ErrDestination, ErrInvalid} {
		if errors.Is(err, target) {
			return true
		}
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return !apiErr.Temporary()
	}
	return false
}
