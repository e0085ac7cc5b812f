package app

import (
	"context"
	"fmt"
	"time"

	"github.com/serviceportal/serviceportal/internal/config"
	"github.com/serviceportal/serviceportal/internal/identity"
	"github.com/serviceportal/serviceportal/internal/identity/oidc"
)

// OIDCCallbackPath is the redirect URL to register at the OpenID Provider,
// relative to the portal's base URL.
const OIDCCallbackPath = "/konto/oidc/rueckkehr"

// StaffOIDCCallbackPath is the staff login's redirect URL.
const StaffOIDCCallbackPath = "/verwaltung/oidc/rueckkehr"

// citizenOIDC sets up the citizens' BundID login when it is configured
// (nil otherwise). The provider's discovery document is read now, so a
// wrong issuer stops the start instead of failing the first citizen.
func citizenOIDC(ctx context.Context, cfg config.Config, master []byte) (*oidc.Provider, error) {
	if !cfg.OIDCConfigured() {
		return nil, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	p, err := oidc.New(ctx, oidc.Config{Issuer: cfg.OIDCIssuer, ClientID: cfg.OIDCClientID, ClientSecret: cfg.OIDCClientSecret,
		RedirectURL: cfg.BaseURL + OIDCCallbackPath, Kind: identity.Citizen, Key: master})
	if err != nil {
		return nil, fmt.Errorf("der OpenID-Provider %s (SERVICEPORTAL_OIDC_ISSUER) ist nicht erreichbar oder falsch eingerichtet: %w", cfg.OIDCIssuer, err)
	}
	return p, nil
}

// staffOIDC sets up the staff login through the data centre's identity
// provider when it is configured (nil otherwise).
func staffOIDC(ctx context.Context, cfg config.Config, master []byte) (*oidc.Provider, error) {
	if !cfg.StaffOIDCConfigured() {
		return nil, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	p, err := oidc.New(ctx, oidc.Config{Issuer: cfg.StaffOIDCIssuer, ClientID: cfg.StaffOIDCClientID, ClientSecret: cfg.StaffOIDCClientSecret,
		RedirectURL: cfg.BaseURL + StaffOIDCCallbackPath, Kind: identity.Staff, ProviderMFA: cfg.StaffOIDCProviderMFA, Key: master})
	if err != nil {
		return nil, fmt.Errorf("der OpenID-Provider %s (SERVICEPORTAL_STAFF_OIDC_ISSUER) ist nicht erreichbar oder falsch eingerichtet: %w", cfg.StaffOIDCIssuer, err)
	}
	return p, nil
}
