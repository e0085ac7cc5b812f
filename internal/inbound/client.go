package inbound

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"fmt"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/serviceportal/serviceportal/internal/fitconnect"
)

// secretsOf opens a destination's sealed secrets.
func (s *Service) secretsOf(ctx context.Context, r Receiver) (secrets, error) {
	var sealed []byte
	if err := s.db.QueryRow(ctx, `SELECT secrets FROM fitconnect_receivers WHERE tenant_id = ? AND id = ?`, r.TenantID, r.ID).Scan(&sealed); err != nil {
		return secrets{}, fmt.Errorf("inbound: secrets: %w", err)
	}
	plain, err := s.keys.Open(ctx, r.TenantID, sealed, "fitconnect-receiver:"+r.ID)
	if err != nil {
		return secrets{}, err
	}
	var sec secrets
	if err := json.Unmarshal(plain, &sec); err != nil {
		return secrets{}, fmt.Errorf("inbound: secrets: %w", err)
	}
	return sec, nil
}

// client builds the FIT-Connect receiver of a destination.
func (s *Service) client(ctx context.Context, r Receiver) (*fitconnect.Receiver, error) {
	if !s.Enabled() {
		return nil, ErrDisabled
	}
	o := s.options()
	sec, err := s.secretsOf(ctx, r)
	if err != nil {
		return nil, err
	}
	cfg := fitconnect.ReceiverConfig{TokenURL: r.TokenURL, ClientID: r.ClientID, ClientSecret: sec.ClientSecret,
		SubmissionURL: r.SubmissionURL, DestinationID: r.DestinationID, DecryptionKeys: map[string]*rsa.PrivateKey{},
		TrustAnchors: o.TrustAnchors, HTTPClient: o.HTTPClient, Now: o.Now}
	for _, raw := range sec.DecryptionKeys {
		k, err := rsaKey(raw)
		if err != nil {
			return nil, err
		}
		cfg.DecryptionKeys[k.KeyID] = k.Key.(*rsa.PrivateKey)
	}
	sig, err := rsaKey(sec.SigningKey)
	if err != nil {
		return nil, err
	}
	cfg.SigningKey, cfg.SigningKid = sig.Key.(*rsa.PrivateKey), sig.KeyID
	return fitconnect.NewReceiver(cfg)
}

func rsaKey(raw json.RawMessage) (jose.JSONWebKey, error) {
	var k jose.JSONWebKey
	if err := k.UnmarshalJSON(raw); err != nil {
		return k, fmt.Errorf("inbound: stored key: %w", err)
	}
	if _, ok := k.Key.(*rsa.PrivateKey); !ok {
		return k, fmt.Errorf("inbound: stored key %q is not a private RSA key", k.KeyID)
	}
	return k, nil
}
