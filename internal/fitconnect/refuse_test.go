package fitconnect_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/serviceportal/serviceportal/internal/fitconnect"
	"github.com/serviceportal/serviceportal/internal/fitconnect/fitconnecttest"
)

// TestRefusedBeforeSending: a destination key or route that fails a check
// stops the sender before it creates anything at the Zustelldienst.
func TestRefusedBeforeSending(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts fitconnecttest.DestinationOptions
		want error
		says string
	}{
		{"key of 2048 bits", fitconnecttest.DestinationOptions{WeakKey: true}, fitconnect.ErrKeyRejected, "2048 bits"},
		{"wrong alg", fitconnecttest.DestinationOptions{KeyAlg: "RSA-OAEP"}, fitconnect.ErrKeyRejected, "alg"},
		{"key_ops without wrapKey", fitconnecttest.DestinationOptions{KeyOps: []string{"encrypt"}}, fitconnect.ErrKeyRejected, "key_ops"},
		{"chain to a foreign CA", fitconnecttest.DestinationOptions{UntrustedKey: true}, fitconnect.ErrKeyRejected, "trust anchor"},
		{"forged destinationSignature", fitconnecttest.DestinationOptions{ForgedRoute: true}, fitconnect.ErrSignature, "destinationSignature"},
		{"route signed for another service", fitconnecttest.DestinationOptions{RouteLeikaKey: "99000000000000"}, fitconnect.ErrSignature, "does not cover"},
		{"inactive destination", fitconnecttest.DestinationOptions{Status: "inactive"}, fitconnect.ErrDestination, "inactive"},
		{"schema not accepted", fitconnecttest.DestinationOptions{SubmissionSchemas: []fitconnect.SubmissionSchema{
			{SchemaURI: "https://schema.fitko.de/fim/s00000000_1.0.schema.json", MimeType: "application/json"}}}, fitconnect.ErrDestination, "schema"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			svc := fitconnecttest.New(t)
			tt.opts.LeikaKey, tt.opts.ARS = leikaKey, ars
			svc.AddDestination(tt.opts)
			_, err := newClient(t, svc).Send(context.Background(), application())
			if !errors.Is(err, tt.want) || !fitconnect.Permanent(err) || !strings.Contains(err.Error(), tt.says) {
				t.Fatalf("err = %v, want %v saying %q", err, tt.want, tt.says)
			}
			if n := svc.SubmissionCount(); n != 0 {
				t.Errorf("%d submissions created", n)
			}
		})
	}
}

// TestRouteChoice: no route, several routes, and a route to another
// Zustelldienst are refused; a configured destination id picks one route.
func TestRouteChoice(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := fitconnecttest.New(t)
	client := newClient(t, svc)
	if _, err := client.Send(ctx, application()); !errors.Is(err, fitconnect.ErrNoRoute) {
		t.Errorf("without destination: %v", err)
	}
	a := svc.AddDestination(fitconnecttest.DestinationOptions{LeikaKey: leikaKey, ARS: ars})
	svc.AddDestination(fitconnecttest.DestinationOptions{LeikaKey: leikaKey, ARS: ars})
	if _, err := client.Send(ctx, application()); !errors.Is(err, fitconnect.ErrNoRoute) || !strings.Contains(err.Error(), "2 destinations") {
		t.Errorf("two destinations: %v", err)
	}
	in := application()
	in.DestinationID = a.ID
	sent, err := client.Send(ctx, in)
	if err != nil || sent.DestinationID != a.ID {
		t.Errorf("chosen destination: %+v, %v", sent, err)
	}

	other := fitconnecttest.New(t)
	cfg := other.SenderConfig()
	// Routing and keys of svc, but another Zustelldienst configured.
	cfg.RoutingURL, cfg.Issuer, cfg.IssuerKeysURL, cfg.TrustAnchors = svc.RoutingURL(), svc.Issuer(), svc.IssuerKeysURL(), svc.TrustAnchors()
	cfg.HTTPClient = svc.HTTPClient()
	elsewhere, err := fitconnect.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := elsewhere.Route(ctx, leikaKey, ars, a.ID); !errors.Is(err, fitconnect.ErrSignature) || !strings.Contains(err.Error(), "served by") {
		t.Errorf("route to another Zustelldienst: %v", err)
	}
}

// TestSendWithoutRouting: with a destination id and no Routing API the
// sender goes straight to the destination (FITKO's documented shortcut),
// still checking its key.
func TestSendWithoutRouting(t *testing.T) {
	t.Parallel()
	svc := fitconnecttest.New(t)
	dest := svc.AddDestination(fitconnecttest.DestinationOptions{LeikaKey: leikaKey, ARS: ars})
	cfg := svc.SenderConfig()
	cfg.RoutingURL = ""
	client, err := fitconnect.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	in := application()
	in.LeikaKey, in.ServiceIdentifier, in.DestinationID = "", fitconnect.LeikaURNPrefix+leikaKey, dest.ID
	if _, err := client.Send(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	in.DestinationID = ""
	if _, err := client.Send(context.Background(), in); !errors.Is(err, fitconnect.ErrConfig) {
		t.Errorf("without destination id: %v", err)
	}
}

// TestConfigRequired names what is missing.
func TestConfigRequired(t *testing.T) {
	t.Parallel()
	_, err := fitconnect.New(fitconnect.Config{RoutingURL: "https://routing.example/v1"})
	if !errors.Is(err, fitconnect.ErrConfig) {
		t.Fatalf("err = %v", err)
	}
	for _, name := range []string{"ClientID", "ClientSecret", "Issuer", "SubmissionURL", "TokenURL", "TrustAnchors"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("%q does not name %s", err, name)
		}
	}
}
