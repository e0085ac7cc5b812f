package backend

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"time"

	"github.com/serviceportal/serviceportal/internal/store"
)

// Token is an issued access token.
type Token struct {
	// Value is the bearer token: 256 random bits; only its hash is stored.
	Value     string
	ExpiresIn time.Duration
}

// IssueToken checks a client's credentials and issues an access token
// (client credentials grant). Unknown clients, wrong secrets and revoked
// clients all fail with ErrInvalidClient, so the answer tells an attacker
// nothing about which client IDs exist.
func (s *Service) IssueToken(ctx context.Context, clientID, secret string) (Token, error) {
	if clientID == "" || secret == "" || len(clientID) > 100 || len(secret) > 200 {
		return Token{}, ErrInvalidClient
	}
	var tenantID, hash string
	var revoked *time.Time
	err := s.db.QueryRow(ctx, `SELECT tenant_id, secret_hash, revoked_at FROM backend_clients WHERE id = ?`, clientID).
		Scan(&tenantID, &hash, &revoked)
	if err != nil {
		if errors.Is(notFound(err), store.ErrNotFound) {
			// Compare anyway, so an unknown ID takes as long as a known one.
			subtle.ConstantTimeCompare([]byte(hashSecret(secret)), []byte(hashSecret("")))
			return Token{}, ErrInvalidClient
		}
		return Token{}, fmt.Errorf("backend: token: %w", err)
	}
	if subtle.ConstantTimeCompare([]byte(hashSecret(secret)), []byte(hash)) != 1 || revoked != nil {
		return Token{}, ErrInvalidClient
	}
	value, tokenHash := newSecret()
	now := s.clock()
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		// Expired tokens of this client go when it asks for a new one, so
		// the table stays as small as the number of live tokens.
		if _, err := s.db.Exec(ctx, `DELETE FROM backend_tokens WHERE tenant_id = ? AND client_id = ? AND expires_at <= ?`,
			tenantID, clientID, now); err != nil {
			return err
		}
		_, err := s.db.Exec(ctx, `INSERT INTO backend_tokens (token_hash, client_id, tenant_id, expires_at, created_at) VALUES (?, ?, ?, ?, ?)`,
			tokenHash, clientID, tenantID, now.Add(s.opts.TokenLifetime), now)
		return err
	})
	if err != nil {
		return Token{}, fmt.Errorf("backend: token: %w", err)
	}
	return Token{Value: value, ExpiresIn: s.opts.TokenLifetime}, nil
}

// Authenticate returns the client a bearer token belongs to, with its
// tenant and services; every use case of the API starts from it.
func (s *Service) Authenticate(ctx context.Context, token string) (Client, error) {
	if token == "" || len(token) > 200 {
		return Client{}, ErrInvalidToken
	}
	var tenantID, clientID string
	err := s.db.QueryRow(ctx, `SELECT t.tenant_id, t.client_id FROM backend_tokens t
		JOIN backend_clients c ON c.id = t.client_id AND c.tenant_id = t.tenant_id
		WHERE t.token_hash = ? AND t.expires_at > ? AND c.revoked_at IS NULL`, hashSecret(token), s.clock()).Scan(&tenantID, &clientID)
	if err != nil {
		if errors.Is(notFound(err), store.ErrNotFound) {
			return Client{}, ErrInvalidToken
		}
		return Client{}, fmt.Errorf("backend: authenticate: %w", err)
	}
	return s.client(ctx, tenantID, clientID)
}

// DeleteExpiredTokens removes the expired tokens of all tenants, also of
// clients that never ask again (the housekeeping job calls it); it
// returns how many went.
func (s *Service) DeleteExpiredTokens(ctx context.Context) (int64, error) {
	res, err := s.db.Exec(ctx, `DELETE FROM backend_tokens WHERE expires_at <= ?`, s.clock())
	if err != nil {
		return 0, fmt.Errorf("backend: delete expired tokens: %w", err)
	}
	return res.RowsAffected()
}
