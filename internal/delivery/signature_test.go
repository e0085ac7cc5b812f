package delivery_test

import (
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/delivery"
)

func TestVerifySignature(t *testing.T) {
	t.Parallel()
	const secret = "0123456789abcdef0123456789abcdef"
	body := `{"deliveryId":"abc","data":{"F01":"Müller"}}`
	now := time.Now().Unix()
	ts := strconv.FormatInt(now, 10)
	good := delivery.Sign(secret, now, []byte(body))
	old := strconv.FormatInt(now-600, 10)
	tests := []struct {
		name                 string
		secret, ts, body, hd string
		want                 error
	}{
		{"valid", secret, ts, body, good, nil},
		{"tampered body", secret, ts, body[:len(body)-2] + "x}", good, delivery.ErrBadSignature},
		{"other secret", secret + "x", ts, body, good, delivery.ErrBadSignature},
		{"timestamp changed", secret, strconv.FormatInt(now+1, 10), body, good, delivery.ErrBadSignature},
		{"old timestamp, validly signed", secret, old, body, delivery.Sign(secret, now-600, []byte(body)), delivery.ErrStaleTimestamp},
		{"future timestamp", secret, strconv.FormatInt(now+600, 10), body, delivery.Sign(secret, now+600, []byte(body)), delivery.ErrStaleTimestamp},
		{"not a number", secret, "yesterday", body, good, delivery.ErrStaleTimestamp},
		{"missing prefix", secret, ts, body, good[len("sha512="):], delivery.ErrBadSignature},
		{"not hex", secret, ts, body, "sha512=zz", delivery.ErrBadSignature},
		{"empty", secret, ts, body, "", delivery.ErrBadSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := delivery.VerifySignature(tt.secret, tt.ts, tt.body, tt.hd, 5*time.Minute)
			if tt.want == nil && err != nil {
				t.Fatalf("rejected a valid signature: %v", err)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestBackoffIsExponentialCappedAndJittered(t *testing.T) {
	t.Parallel()
	b := delivery.Backoff{Base: time.Minute, Max: 6 * time.Hour}
	tests := []struct {
		failures int
		nominal  time.Duration
	}{
		{1, time.Minute}, {2, 2 * time.Minute}, {3, 4 * time.Minute}, {9, 256 * time.Minute},
		{10, 6 * time.Hour}, {12, 6 * time.Hour}, {200, 6 * time.Hour},
	}
	for _, tt := range tests {
		seen := map[time.Duration]bool{}
		for range 200 {
			d := b.Delay(tt.failures)
			if d > tt.nominal || d < tt.nominal*3/4 {
				t.Fatalf("Delay(%d) = %s, want within [%s, %s]", tt.failures, d, tt.nominal*3/4, tt.nominal)
			}
			seen[d] = true
		}
		if len(seen) < 50 {
			t.Errorf("Delay(%d) has little jitter: %d distinct values in 200", tt.failures, len(seen))
		}
	}
}
