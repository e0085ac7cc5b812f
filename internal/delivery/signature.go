package delivery

import (
	"crypto/hmac"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Webhook headers.
const (
	// HeaderDelivery carries the delivery ID, the same on every attempt,
	// so receivers can drop repeats.
	HeaderDelivery = "X-Serviceportal-Delivery"
	// HeaderTimestamp carries the attempt's time in Unix seconds.
	HeaderTimestamp = "X-Serviceportal-Timestamp"
	// HeaderSignature carries "sha512=" and the hex HMAC-SHA512 of
	// timestamp "." body under the target's secret.
	HeaderSignature = "X-Serviceportal-Signature"
)

// DefaultMaxSkew is the window receivers should allow between the
// timestamp and their clock.
const DefaultMaxSkew = 5 * time.Minute

// Signature verification errors.
var (
	ErrBadSignature   = errors.New("delivery: signature does not match")
	ErrStaleTimestamp = errors.New("delivery: timestamp outside the allowed window")
)

// Sign returns the signature header value for body sent at timestamp
// (Unix seconds): "sha512=" + hex(HMAC-SHA512(secret, timestamp + "." + body)).
func Sign(secret string, timestamp int64, body []byte) string {
	return "sha512=" + hex.EncodeToString(mac(secret, strconv.FormatInt(timestamp, 10), body))
}

func mac(secret, timestamp string, body []byte) []byte {
	m := hmac.New(sha512.New, []byte(secret))
	m.Write([]byte(timestamp))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// VerifySignature checks a webhook as a receiver should: timestamp is the
// X-Serviceportal-Timestamp header, body the raw request body, header the
// X-Serviceportal-Signature header. It rejects a timestamp further than
// maxSkew from now (replays; maxSkew <= 0 means DefaultMaxSkew) and any
// body or timestamp that was not signed with secret. The comparison takes
// constant time.
func VerifySignature(secret, timestamp, body, header string, maxSkew time.Duration) error {
	return verifyAt(time.Now(), secret, timestamp, body, header, maxSkew)
}

func verifyAt(now time.Time, secret, timestamp, body, header string, maxSkew time.Duration) error {
	if maxSkew <= 0 {
		maxSkew = DefaultMaxSkew
	}
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: timestamp %q is not Unix seconds", ErrStaleTimestamp, timestamp)
	}
	if skew := now.Sub(time.Unix(ts, 0)); skew > maxSkew || skew < -maxSkew {
		return fmt.Errorf("%w: %s off", ErrStaleTimestamp, skew.Round(time.Second))
	}
	got, ok := strings.CutPrefix(strings.TrimSpace(header), "sha512=")
	if !ok {
		return fmt.Errorf("%w: header must start with sha512=", ErrBadSignature)
	}
	gotMAC, err := hex.DecodeString(got)
	if err != nil {
		return fmt.Errorf("%w: not hex", ErrBadSignature)
	}
	// The MAC covers the header as sent, not a normalised number.
	if !hmac.Equal(gotMAC, mac(secret, timestamp, []byte(body))) {
		return ErrBadSignature
	}
	return nil
}
