package identity

import (
	"context"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
)

func TestTokens(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := newClock()
		tk := NewTokens(db, c.Now)

		tok, err := tk.Issue(ctx, PurposeVerifyEmail, "acc1", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if len(tok) != 43 {
			t.Fatalf("token %q: want 43 base64url characters (256 bits)", tok)
		}
		if _, err := tk.Consume(ctx, PurposePasswordReset, tok); err != ErrInvalidToken {
			t.Fatalf("other purpose: %v", err)
		}
		subj, err := tk.Consume(ctx, PurposeVerifyEmail, tok)
		if err != nil || subj != "acc1" {
			t.Fatalf("Consume = %q, %v", subj, err)
		}
		if _, err := tk.Consume(ctx, PurposeVerifyEmail, tok); err != ErrInvalidToken {
			t.Fatalf("second use: %v", err)
		}

		// A newer token replaces the older one.
		old, _ := tk.Issue(ctx, PurposePasswordReset, "acc1", time.Hour)
		newer, _ := tk.Issue(ctx, PurposePasswordReset, "acc1", time.Hour)
		if _, err := tk.Consume(ctx, PurposePasswordReset, old); err != ErrInvalidToken {
			t.Fatalf("superseded token: %v", err)
		}

		// Expiry.
		c.Advance(time.Hour)
		if _, err := tk.Lookup(ctx, PurposePasswordReset, newer); err != ErrInvalidToken {
			t.Fatalf("expired token: %v", err)
		}
		if n, err := tk.DeleteExpired(ctx); err != nil || n != 1 {
			t.Fatalf("DeleteExpired = %d, %v", n, err)
		}

		// Lookup does not use a token up; Revoke does.
		resume, _ := tk.Issue(ctx, "draft-resume", "draft7", 30*24*time.Hour)
		for range 3 {
			if s, err := tk.Lookup(ctx, "draft-resume", resume); err != nil || s != "draft7" {
				t.Fatalf("Lookup = %q, %v", s, err)
			}
		}
		if err := tk.Revoke(ctx, "draft-resume", "draft7"); err != nil {
			t.Fatal(err)
		}
		if _, err := tk.Lookup(ctx, "draft-resume", resume); err != ErrInvalidToken {
			t.Fatalf("revoked: %v", err)
		}
		if _, err := tk.Lookup(ctx, "draft-resume", ""); err != ErrInvalidToken {
			t.Fatalf("empty: %v", err)
		}
	})
}
