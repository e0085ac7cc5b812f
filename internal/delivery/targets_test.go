package delivery_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/serviceportal/serviceportal/internal/delivery"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
)

func kinds(ts []delivery.Target) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Kind+":"+t.Label)
	}
	return out
}

func TestTargetsResolveServiceOverTenantOverPortal(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db, delivery.Options{RenderReceipt: fakePDF}, false)
		ctx := context.Background()
		resolve := func(serviceID string) []string {
			t.Helper()
			ts, err := f.d.Targets(ctx, f.dorsten.ID, serviceID)
			if err != nil {
				t.Fatal(err)
			}
			return kinds(ts)
		}
		if got := resolve(f.service.ID); len(got) != 1 || got[0] != "portal:Posteingang des Portals" {
			t.Fatalf("nothing configured: %v, want the portal's back office", got)
		}
		secret := delivery.NewSecret()
		wide, err := f.d.SetTarget(ctx, delivery.TargetInput{TenantID: f.dorsten.ID, Kind: delivery.KindWebhook,
			URL: "https://fachverfahren.dorsten.de/eingang", Secret: secret, Label: "alle", Actor: "staff:a"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.d.SetTarget(ctx, delivery.TargetInput{TenantID: f.dorsten.ID, ServiceID: f.service.ID, Kind: delivery.KindEmail,
			Email: "hundesteuer@dorsten.de", Label: "Hund"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.d.SetTarget(ctx, delivery.TargetInput{TenantID: f.dorsten.ID, ServiceID: f.service.ID, Kind: delivery.KindPortal,
			Label: "auch Portal"}); err != nil {
			t.Fatal(err)
		}
		if got := resolve(f.service.ID); len(got) != 2 || got[0] != "email:Hund" || got[1] != "portal:auch Portal" {
			t.Errorf("service with own targets: %v", got)
		}
		if got := resolve(f.other.ID); len(got) != 1 || got[0] != "webhook:alle" {
			t.Errorf("other service: %v, want the tenant-wide webhook", got)
		}
		if ts, _ := f.d.Targets(ctx, f.gladbeck.ID, f.service.ID); len(ts) != 1 || !ts[0].Default() {
			t.Errorf("Gladbeck sees Dorsten's targets: %v", kinds(ts))
		}

		// The secret is stored sealed, bound to its target, and never listed.
		var raw []byte
		if err := db.QueryRow(ctx, `SELECT secret FROM delivery_targets WHERE id = ?`, wide.ID).Scan(&raw); err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(raw, []byte(secret)) || len(raw) == 0 {
			t.Error("webhook secret stored in clear")
		}
		if plain, err := f.keys.Open(ctx, f.dorsten.ID, raw, "webhook-secret:"+wide.ID); err != nil || string(plain) != secret {
			t.Errorf("secret does not open with aad webhook-secret:<id>: %v", err)
		}
		if !wide.HasSecret || wide.Secret != "" {
			t.Errorf("listed target: HasSecret=%v Secret=%q", wide.HasSecret, wide.Secret)
		}

		// A change without a secret keeps it; another tenant cannot change it.
		wide2, err := f.d.SetTarget(ctx, delivery.TargetInput{ID: wide.ID, TenantID: f.dorsten.ID, Kind: delivery.KindWebhook,
			URL: "https://neu.dorsten.de/eingang", Label: "alle"})
		if err != nil || !wide2.HasSecret || wide2.URL != "https://neu.dorsten.de/eingang" {
			t.Fatalf("change: %+v, %v", wide2, err)
		}
		if _, err := f.d.SetTarget(ctx, delivery.TargetInput{ID: wide.ID, TenantID: f.gladbeck.ID, Kind: delivery.KindWebhook,
			URL: "https://evil.example/", Label: "x"}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Gladbeck changed Dorsten's target: %v", err)
		}
		if err := f.d.DeleteTarget(ctx, f.gladbeck.ID, wide.ID, "staff:b"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Gladbeck deleted Dorsten's target: %v", err)
		}
		if err := f.d.DeleteTarget(ctx, f.dorsten.ID, wide.ID, "staff:a"); err != nil {
			t.Fatal(err)
		}
		if got := resolve(f.other.ID); len(got) != 1 || got[0] != "portal:Posteingang des Portals" {
			t.Errorf("after delete: %v", got)
		}
	})
}

func TestSetTargetValidates(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db, delivery.Options{RenderReceipt: fakePDF}, false)
		ctx := context.Background()
		secret := delivery.NewSecret()
		tests := []struct {
			name string
			in   delivery.TargetInput
		}{
			{"unknown kind", delivery.TargetInput{Kind: "fax"}},
			{"plain http", delivery.TargetInput{Kind: delivery.KindWebhook, URL: "http://fachverfahren.dorsten.de/", Secret: secret}},
			{"no url", delivery.TargetInput{Kind: delivery.KindWebhook, Secret: secret}},
			{"credentials in url", delivery.TargetInput{Kind: delivery.KindWebhook, URL: "https://u:p@x.de/", Secret: secret}},
			{"no secret", delivery.TargetInput{Kind: delivery.KindWebhook, URL: "https://x.de/"}},
			{"short secret", delivery.TargetInput{Kind: delivery.KindWebhook, URL: "https://x.de/", Secret: "kurz"}},
			{"bad e-mail", delivery.TargetInput{Kind: delivery.KindEmail, Email: "amt at dorsten"}},
		}
		for _, tt := range tests {
			tt.in.TenantID = f.dorsten.ID
			if _, err := f.d.SetTarget(ctx, tt.in); !errors.Is(err, delivery.ErrInvalidTarget) {
				t.Errorf("%s: got %v, want ErrInvalidTarget", tt.name, err)
			}
		}
		if _, err := f.d.SetTarget(ctx, delivery.TargetInput{TenantID: f.dorsten.ID, Kind: delivery.KindWebhook,
			URL: "http://127.0.0.1:8080/hook", Secret: secret}); err != nil {
			t.Errorf("loopback http refused: %v", err)
		}
		// Recorded, waiting for the sealer.
		if n := f.count(t, `SELECT COUNT(*) FROM audit_pending WHERE action = 'delivery.target_set'`); n != 1 {
			t.Errorf("audit events for target changes: %d, want 1", n)
		}
	})
}
