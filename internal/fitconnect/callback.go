package fitconnect

import (
	"crypto/hmac"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Callback headers (docs.fitko.de receiving/callback): the HMAC-SHA512 of
// "<timestamp>.<body>" in hex, keyed with the callback secret, and the
// Unix time the Zustelldienst sent it.
const (
	CallbackAuthHeader      = "callback-authentication"
	CallbackTimestampHeader = "callback-timestamp"
)

// CallbackWindow is how old (or how far ahead) a callback's timestamp may
// be; older callbacks may be replays.
const CallbackWindow = 5 * time.Minute

// ErrCallback means a callback failed verification; the receiver answers
// it with an error and learns about submissions by polling instead.
var ErrCallback = errors.New("fitconnect: callback rejected")

// SignCallback returns the callback-authentication value for body sent at
// timestamp (Unix seconds), as the Zustelldienst computes it.
func SignCallback(secret []byte, timestamp string, body []byte) string {
	m := hmac.New(sha512.New, secret)
	m.Write([]byte(timestamp))
	m.Write([]byte{'.'})
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// VerifyCallback checks a callback's timestamp (within CallbackWindow of
// now) and its HMAC in constant time, and returns the submissions it
// announces. The body must be verified before it is parsed, so nothing
// unauthenticated is ever interpreted.
func VerifyCallback(secret []byte, timestamp, auth string, body []byte, now time.Time) ([]SubmissionRef, error) {
	if len(secret) == 0 {
		return nil, fmt.Errorf("%w: no callback secret configured", ErrCallback)
	}
	sec, err := strconv.ParseInt(strings.TrimSpace(timestamp), 10, 64)
	if err != nil {
		return nil, fmt.Errorf("%w: %s is not a Unix time", ErrCallback, CallbackTimestampHeader)
	}
	if d := now.Sub(time.Unix(sec, 0)); d > CallbackWindow || d < -CallbackWindow {
		return nil, fmt.Errorf("%w: timestamp %s is outside the %v window", ErrCallback, time.Unix(sec, 0).UTC().Format(time.RFC3339), CallbackWindow)
	}
	got, err := hex.DecodeString(strings.TrimSpace(auth))
	if err != nil || !hmac.Equal(got, mustHex(SignCallback(secret, strings.TrimSpace(timestamp), body))) {
		return nil, fmt.Errorf("%w: %s does not match", ErrCallback, CallbackAuthHeader)
	}
	var msg struct {
		Type        string          `json:"type"`
		Submissions []SubmissionRef `json:"submissions"`
		// SubmissionIDs is the deprecated form of Submissions.
		SubmissionIDs []string `json:"submissionIds"`
	}
	if err := json.Unmarshal(body, &msg); err != nil {
		return nil, fmt.Errorf("%w: body: %w", ErrCallback, err)
	}
	refs := msg.Submissions
	for _, id := range msg.SubmissionIDs {
		refs = append(refs, SubmissionRef{SubmissionID: id})
	}
	return refs, nil
}

func mustHex(s string) []byte {
	b, _ := hex.DecodeString(s)
	return b
}
