package fitconnect

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// Key sets of the infrastructure (the Self-Service-Portal that signs
// destinations, the Zustelldienst that signs its events) are fetched over
// TLS from configured URLs; they carry no V-PKI chain, so the floor is
// the general RSA minimum, not MinRSABits.
const (
	minInfraRSABits = 2048
	keySetTTL       = time.Hour
	// keySetRefetch is the shortest pause between fetches caused by an
	// unknown kid, so forged kids cannot make the portal hammer the server.
	keySetRefetch = time.Minute
)

// keySet is a cached JWKS of PS512 signature keys.
type keySet struct {
	url    string
	client *http.Client
	now    func() time.Time

	mu      sync.Mutex
	keys    map[string]verifiedKey
	fetched time.Time
}

// key returns the verification key kid, fetching the set when it is
// stale or does not know kid.
func (s *keySet) key(ctx context.Context, kid string) (verifiedKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if k, ok := s.keys[kid]; ok && now.Sub(s.fetched) < keySetTTL {
		return k, nil
	}
	if s.keys == nil || now.Sub(s.fetched) >= keySetRefetch {
		if err := s.fetch(ctx); err != nil {
			return verifiedKey{}, err
		}
	}
	k, ok := s.keys[kid]
	if !ok {
		return verifiedKey{}, fmt.Errorf("%w: no key %q in %s", ErrSignature, kid, s.url)
	}
	return k, nil
}

// fetch replaces the cached keys; keys that are not PS512 RSA signature
// keys of sufficient size are left out.
func (s *keySet) fetch(ctx context.Context) error {
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if _, err := request(ctx, s.client, http.MethodGet, s.url, "", nil, &set); err != nil {
		return fmt.Errorf("fitconnect: key set: %w", err)
	}
	keys := map[string]verifiedKey{}
	for _, raw := range set.Keys {
		var f jwkFields
		if json.Unmarshal(raw, &f) != nil || f.Kid == "" {
			continue
		}
		k, err := checkKey(raw, keyRules{kid: f.Kid, alg: AlgSignature, op: OpVerify, minBits: minInfraRSABits, opsOptional: true}, nil, s.now())
		if err == nil {
			keys[f.Kid] = k
		}
	}
	s.keys, s.fetched = keys, s.now()
	return nil
}
