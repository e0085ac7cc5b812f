package identity

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/serviceportal/serviceportal/internal/store"
)

// testClock is a settable clock shared by a Service and its test.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *testClock {
	return &testClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// cheapParams keep tests fast; the format and bounds are the same.
var cheapParams = Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

var testKey = []byte("0123456789abcdef0123456789abcdef")

func newTestService(t testing.TB, db *store.DB, c *testClock) *Service {
	t.Helper()
	s, err := New(db, Config{Key: testKey, Now: c.Now, Hasher: HasherOptions{Params: cheapParams}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// registerVerified registers a citizen and confirms the address.
func registerVerified(t testing.TB, s *Service, email, password string) string {
	t.Helper()
	ctx := context.Background()
	reg, err := s.RegisterCitizen(ctx, email, password)
	if err != nil {
		t.Fatalf("register %s: %v", email, err)
	}
	if _, err := s.VerifyEmail(ctx, reg.VerifyToken); err != nil {
		t.Fatalf("verify %s: %v", email, err)
	}
	return reg.AccountID
}

func totpCode(t testing.TB, secret string, at time.Time) string {
	t.Helper()
	code, err := totp.GenerateCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func wantErr(t testing.TB, got, want error) {
	t.Helper()
	if !errors.Is(got, want) {
		t.Fatalf("error = %v, want %v", got, want)
	}
}
