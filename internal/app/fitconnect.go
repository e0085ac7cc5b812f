package app

import (
	"crypto/x509"
	"fmt"
	"os"

	"github.com/serviceportal/serviceportal/internal/config"
	"github.com/serviceportal/serviceportal/internal/web"
)

// fitConnect turns FIT-Connect on as a delivery route when the operator
// gave the Verwaltungs-PKI's roots: without them no destination key can
// be trusted, so the route stays off rather than sending unverified.
func fitConnect(cfg config.Config, uc *web.UseCases) error {
	if cfg.FitConnectTrustAnchors == "" {
		return nil
	}
	const setting = "SERVICEPORTAL_FITCONNECT_TRUST_ANCHORS/--fitconnect-trust-anchors"
	pem, err := os.ReadFile(cfg.FitConnectTrustAnchors) // #nosec G304 -- the operator's own configuration
	if err != nil {
		return fmt.Errorf("%s: die Datei %s lässt sich nicht lesen: %w", setting, cfg.FitConnectTrustAnchors, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return fmt.Errorf("%s: %s enthält kein Zertifikat im PEM-Format", setting, cfg.FitConnectTrustAnchors)
	}
	if (cfg.FitConnectIssuer == "") != (cfg.FitConnectIssuerKeys == "") {
		return fmt.Errorf("SERVICEPORTAL_FITCONNECT_ISSUER und SERVICEPORTAL_FITCONNECT_ISSUER_KEYS: beide oder keines angeben")
	}
	return uc.EnableFitConnect(web.FitConnectSetup{TrustAnchors: pool, Issuer: cfg.FitConnectIssuer, IssuerKeysURL: cfg.FitConnectIssuerKeys})
}
