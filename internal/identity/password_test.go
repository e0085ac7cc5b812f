package identity

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestHashVerify(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := NewHasher(HasherOptions{})
	enc, err := h.Hash(ctx, "korrektes Pferd Batterie Heftklammer")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q does not carry the OWASP parameters", enc)
	}
	ok, rehash, err := h.Verify(ctx, "korrektes Pferd Batterie Heftklammer", enc)
	if err != nil || !ok || rehash {
		t.Fatalf("Verify(right) = %v, %v, %v", ok, rehash, err)
	}
	ok, _, err = h.Verify(ctx, "korrektes Pferd Batterie HeftklammeR", enc)
	if err != nil || ok {
		t.Fatalf("Verify(wrong) = %v, %v", ok, err)
	}
	// A hash made with other parameters still verifies and asks for an upgrade.
	cheap := NewHasher(HasherOptions{Params: cheapParams})
	old, _ := cheap.Hash(ctx, "altes Passwort mit alten Parametern")
	ok, rehash, err = h.Verify(ctx, "altes Passwort mit alten Parametern", old)
	if err != nil || !ok || !rehash {
		t.Fatalf("Verify(old params) = %v, %v, %v; want ok and rehash", ok, rehash, err)
	}
	if err := h.VerifyDummy(ctx, "anything"); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyMalformed(t *testing.T) {
	t.Parallel()
	h := NewHasher(HasherOptions{Params: cheapParams})
	for _, enc := range []string{
		"",
		"$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=18$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=64,t=0,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=64,t=1,p=1$!!!$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=64,t=1,p=1$c2FsdA$c2hvcnQ",
		"bcrypt$2a$10$whatever",
	} {
		if ok, _, err := h.Verify(context.Background(), "pw", enc); err == nil || ok {
			t.Errorf("Verify(%q) = %v, %v; want an error", enc, ok, err)
		}
	}
}

func TestHasherBounded(t *testing.T) {
	t.Parallel()
	h := NewHasher(HasherOptions{Params: cheapParams, Slots: 1, MaxWaiting: 1})
	ctx := context.Background()
	// Occupy the only slot, as a long hash would.
	if err := h.acquire(ctx); err != nil {
		t.Fatal(err)
	}
	waiterDone := make(chan error, 1)
	go func() {
		_, err := h.Hash(ctx, "waits for the slot")
		waiterDone <- err
	}()
	// Wait until the goroutine is queued.
	for h.waiting.Load() != 1 {
		time.Sleep(time.Millisecond)
	}
	if _, err := h.Hash(ctx, "queue is full"); !errors.Is(err, ErrBusy) {
		t.Fatalf("third caller: %v, want ErrBusy", err)
	}
	cctx, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	h2 := NewHasher(HasherOptions{Params: cheapParams, Slots: 1, MaxWaiting: 5})
	h2.acquire(ctx)
	if _, err := h2.Hash(cctx, "gives up"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("cancelled waiter: %v, want deadline exceeded", err)
	}
	h.release()
	if err := <-waiterDone; err != nil {
		t.Fatalf("queued caller: %v", err)
	}
}

// BenchmarkHashPassword measures one argon2id hash with the OWASP
// parameters; cores ÷ this time bounds password logins per second.
func BenchmarkHashPassword(b *testing.B) {
	h := NewHasher(HasherOptions{})
	ctx := context.Background()
	for b.Loop() {
		if _, err := h.Hash(ctx, "ein Passwort für den Benchmark"); err != nil {
			b.Fatal(err)
		}
	}
}
