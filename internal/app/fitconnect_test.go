package app

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/serviceportal/serviceportal/internal/config"
	"github.com/serviceportal/serviceportal/internal/delivery"
	"github.com/serviceportal/serviceportal/internal/fitconnect/fitconnecttest"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/web"
)

// TestFitConnectSetting: the trust anchors turn FIT-Connect on; a file
// that is missing or holds no certificate, or an issuer without its keys,
// stops the start with a German message naming the setting.
func TestFitConnectSetting(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	anchors := filepath.Join(dir, "verwaltungs-pki.pem")
	if err := os.WriteFile(anchors, fitconnecttest.New(t).TrustAnchorsPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	junk := filepath.Join(dir, "junk.pem")
	os.WriteFile(junk, []byte("kein Zertifikat"), 0o600)
	tests := []struct {
		name string
		cfg  config.Config
		want string // part of the error; "" for success
		on   bool
	}{
		{"off", config.Config{}, "", false},
		{"on", config.Config{FitConnectTrustAnchors: anchors}, "", true},
		{"with issuer", config.Config{FitConnectTrustAnchors: anchors, FitConnectIssuer: "https://ssp.example", FitConnectIssuerKeys: "https://ssp.example/jwks"}, "", true},
		{"missing file", config.Config{FitConnectTrustAnchors: filepath.Join(dir, "fehlt.pem")}, "lässt sich nicht lesen", false},
		{"no certificate", config.Config{FitConnectTrustAnchors: junk}, "kein Zertifikat im PEM-Format", false},
		{"issuer without keys", config.Config{FitConnectTrustAnchors: anchors, FitConnectIssuer: "https://ssp.example"}, "beide oder keines", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			uc, err := web.NewUseCases(context.Background(), storetest.Open(t, store.SQLite), bytes.Repeat([]byte{5}, 32))
			if err != nil {
				t.Fatal(err)
			}
			err = fitConnect(tt.cfg, uc)
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
			if on := slices.Contains(uc.Delivery.Kinds(), delivery.KindFitConnect); on != tt.on {
				t.Fatalf("FIT-Connect route on = %v, want %v", on, tt.on)
			}
		})
	}
}
