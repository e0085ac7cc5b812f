package inbound

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/google/uuid"

	"github.com/serviceportal/serviceportal/internal/store"
)

// Receiver is one destination the portal receives for a tenant.
type Receiver struct {
	ID            string
	TenantID      string
	DestinationID string
	Label         string
	TokenURL      string
	SubmissionURL string
	ClientID      string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// secrets are sealed with the tenant's data key.
type secrets struct {
	ClientSecret string `json:"clientSecret"`
	// DecryptionKeys and SigningKey are private JWKs as the operator gave them.
	DecryptionKeys []json.RawMessage `json:"decryptionKeys"`
	SigningKey     json.RawMessage   `json:"signingKey"`
	CallbackSecret string            `json:"callbackSecret"`
}

// ReceiverInput is what an operator enters for a destination.
type ReceiverInput struct {
	DestinationID string
	Label         string
	TokenURL      string
	SubmissionURL string
	ClientID      string
	ClientSecret  string
	// DecryptionKeys is the private encryption key as a JWK, or a JWK set
	// ({"keys":[…]}) with the previous key during a key change.
	DecryptionKeys string
	// SigningKey is the private signature key as a JWK.
	SigningKey string
	// CallbackSecret is the secret set for the destination's callback in
	// the Self-Service-Portal; empty turns callbacks off (polling only).
	CallbackSecret string
}

// FieldError names the form field an input error belongs to, with a
// German message for the operator.
type FieldError struct {
	Field, Message string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

func fieldErr(field, format string, args ...any) error {
	return &FieldError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// check validates the input and parses the keys; the JWKs are kept in the
// form they came, normalised to single keys.
func (in *ReceiverInput) check() (secrets, error) {
	in.DestinationID = strings.ToLower(strings.TrimSpace(in.DestinationID))
	if len(in.DestinationID) != 36 || uuid.Validate(in.DestinationID) != nil {
		return secrets{}, fieldErr("destination", "Die Zustellpunkt-ID ist eine UUID, z. B. 4d8bd6c2-0cb1-4a5e-a2a0-5f9e0c2bd1a7.")
	}
	for field, raw := range map[string]*string{"token_url": &in.TokenURL, "submission_url": &in.SubmissionURL} {
		*raw = strings.TrimSpace(*raw)
		u, err := url.Parse(*raw)
		if err != nil || u.Host == "" || u.Scheme != "https" {
			return secrets{}, fieldErr(field, "Bitte eine https-Adresse angeben.")
		}
	}
	if strings.TrimSpace(in.ClientID) == "" || strings.TrimSpace(in.ClientSecret) == "" {
		return secrets{}, fieldErr("client", "Client-ID und Client-Secret des Subscriber-Clients aus dem Self-Service-Portal angeben.")
	}
	dec, err := decryptionKeys(in.DecryptionKeys)
	if err != nil {
		return secrets{}, fieldErr("decryption_keys", "%s", err)
	}
	sig, err := privateJWK([]byte(in.SigningKey), "PS512")
	if err != nil {
		return secrets{}, fieldErr("signing_key", "Signaturschlüssel: %s", err)
	}
	s := secrets{ClientSecret: strings.TrimSpace(in.ClientSecret), SigningKey: sig,
		CallbackSecret: strings.TrimSpace(in.CallbackSecret)}
	s.DecryptionKeys = dec
	if s.CallbackSecret != "" && len(s.CallbackSecret) < 32 {
		return secrets{}, fieldErr("callback_secret", "Das Callback-Secret muss mindestens 32 Zeichen lang sein.")
	}
	return s, nil
}

// decryptionKeys accepts one private JWK or a JWK set.
func decryptionKeys(text string) ([]json.RawMessage, error) {
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	raw := []byte(strings.TrimSpace(text))
	if json.Unmarshal(raw, &set) == nil && len(set.Keys) > 0 {
		var out []json.RawMessage
		for _, k := range set.Keys {
			n, err := privateJWK(k, "RSA-OAEP-256")
			if err != nil {
				return nil, fmt.Errorf("Entschlüsselungsschlüssel: %s", err)
			}
			out = append(out, n)
		}
		return out, nil
	}
	n, err := privateJWK(raw, "RSA-OAEP-256")
	if err != nil {
		return nil, fmt.Errorf("Entschlüsselungsschlüssel: %s", err)
	}
	return []json.RawMessage{n}, nil
}

// minKeyBits is FIT-Connect's minimum for destination keys.
const minKeyBits = 4096

// privateJWK checks that raw is a private RSA JWK with a kid (and, if it
// names one, the expected alg) and returns it re-encoded.
func privateJWK(raw []byte, alg string) (json.RawMessage, error) {
	var k jose.JSONWebKey
	if err := k.UnmarshalJSON(raw); err != nil {
		return nil, errors.New("kein gültiger JWK (JSON Web Key)")
	}
	priv, ok := k.Key.(*rsa.PrivateKey)
	switch {
	case !ok:
		return nil, errors.New("kein privater RSA-Schlüssel (das Feld „d“ fehlt)")
	case k.KeyID == "":
		return nil, errors.New("der Schlüssel hat keine Schlüssel-ID („kid“)")
	case k.Algorithm != "" && k.Algorithm != alg:
		return nil, fmt.Errorf("Algorithmus %q, erwartet %s", k.Algorithm, alg)
	case priv.N.BitLen() < minKeyBits:
		return nil, fmt.Errorf("der Schlüssel hat %d Bit, FIT-Connect verlangt mindestens %d", priv.N.BitLen(), minKeyBits)
	}
	return k.MarshalJSON()
}

// Configure stores a destination for the tenant, or replaces the one
// with the same destination id. Keys and secrets are sealed.
func (s *Service) Configure(ctx context.Context, tenantID, actor string, in ReceiverInput) (Receiver, error) {
	sec, err := in.check()
	if err != nil {
		return Receiver{}, err
	}
	plain, err := json.Marshal(sec) // #nosec G117 -- sealed with the tenant's data key on the next lines; never stored or logged in clear
	if err != nil {
		return Receiver{}, err
	}
	now := s.now()
	r := Receiver{ID: store.NewID(), TenantID: tenantID, DestinationID: in.DestinationID, Label: strings.TrimSpace(in.Label),
		TokenURL: in.TokenURL, SubmissionURL: in.SubmissionURL, ClientID: strings.TrimSpace(in.ClientID), CreatedAt: now, UpdatedAt: now}
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		var owner string
		err := s.db.QueryRow(ctx, `SELECT id, tenant_id FROM fitconnect_receivers WHERE destination_id = ?`, r.DestinationID).Scan(&r.ID, &owner)
		switch {
		case err == nil && owner != tenantID:
			return fieldErr("destination", "Dieser Zustellpunkt ist bereits einer anderen Behörde zugeordnet.")
		case err != nil && !isNoRows(err):
			return err
		}
		sealed, err := s.keys.Seal(ctx, tenantID, plain, "fitconnect-receiver:"+r.ID)
		if err != nil {
			return err
		}
		if owner == "" {
			_, err = s.db.Exec(ctx, `INSERT INTO fitconnect_receivers (id, tenant_id, destination_id, label, token_url, submission_url, client_id, secrets, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.ID, tenantID, r.DestinationID, r.Label, r.TokenURL, r.SubmissionURL, r.ClientID, sealed, now, now)
		} else {
			_, err = s.db.Exec(ctx, `UPDATE fitconnect_receivers SET label = ?, token_url = ?, submission_url = ?, client_id = ?, secrets = ?, updated_at = ?
				WHERE tenant_id = ? AND id = ?`, r.Label, r.TokenURL, r.SubmissionURL, r.ClientID, sealed, now, tenantID, r.ID)
		}
		if err != nil {
			return fmt.Errorf("inbound: store receiver: %w", err)
		}
		return s.audit.Record(ctx, tenantID, actor, "fitconnect.receiver.configured", "fitconnect-receiver:"+r.ID,
			map[string]string{"destination_id": r.DestinationID})
	})
	return r, err
}

const receiverColumns = `id, tenant_id, destination_id, label, token_url, submission_url, client_id, created_at, updated_at`

func scanReceiver(sc interface{ Scan(...any) error }) (Receiver, error) {
	var r Receiver
	err := sc.Scan(&r.ID, &r.TenantID, &r.DestinationID, &r.Label, &r.TokenURL, &r.SubmissionURL, &r.ClientID, &r.CreatedAt, &r.UpdatedAt)
	return r, err
}

// Receivers lists the tenant's destinations.
func (s *Service) Receivers(ctx context.Context, tenantID string) ([]Receiver, error) {
	rows, err := s.db.Query(ctx, `SELECT `+receiverColumns+` FROM fitconnect_receivers WHERE tenant_id = ? ORDER BY label, destination_id`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("inbound: receivers: %w", err)
	}
	defer rows.Close()
	var out []Receiver
	for rows.Next() {
		r, err := scanReceiver(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Remove deletes a destination of the tenant; what it received stays.
func (s *Service) Remove(ctx context.Context, tenantID, actor, id string) error {
	return s.db.InTx(ctx, func(ctx context.Context) error {
		res, err := s.db.Exec(ctx, `DELETE FROM fitconnect_receivers WHERE tenant_id = ? AND id = ?`, tenantID, id)
		if err != nil {
			return fmt.Errorf("inbound: remove receiver: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return store.ErrNotFound
		}
		return s.audit.Record(ctx, tenantID, actor, "fitconnect.receiver.removed", "fitconnect-receiver:"+id, nil)
	})
}
