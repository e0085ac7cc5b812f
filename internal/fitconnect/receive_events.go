package fitconnect

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/google/uuid"
)

// Accept confirms the submission with a signed accept-submission event
// that repeats the authentication tags of what was received, so the
// confirmation proves the exact ciphertexts.
func (r *Receiver) Accept(ctx context.Context, in *Incoming) error {
	return r.postEvent(ctx, in.SubmissionRef, EventAccept, map[string]any{"authenticationTags": in.tags})
}

// Reject refuses the submission with a signed reject-submission event
// carrying the problems; the sender shows them to its user.
func (r *Receiver) Reject(ctx context.Context, ref SubmissionRef, problems ...Problem) error {
	if len(problems) == 0 {
		return fmt.Errorf("%w: a rejection needs at least one problem", ErrInvalid)
	}
	return r.postEvent(ctx, ref, EventReject, map[string]any{"problems": problems})
}

// postEvent signs a SET as the destination (iss is its id) and posts it
// to the case's event log.
func (r *Receiver) postEvent(ctx context.Context, ref SubmissionRef, eventType string, detail any) error {
	tok, err := r.SignEvent(ref, eventType, detail)
	if err != nil {
		return err
	}
	u := r.c.submissionPath("/v1/cases/" + url.PathEscape(ref.CaseID) + "/events")
	_, err = request(ctx, r.c.authed, http.MethodPost, u, "application/jose", []byte(tok), nil)
	return err
}

// SignEvent returns a Security Event Token about ref signed with the
// destination's signature key (PS512, typ secevent+jwt, the key's kid), as
// docs.fitko.de getting-started/event-log/set-creation describes.
func (r *Receiver) SignEvent(ref SubmissionRef, eventType string, detail any) (string, error) {
	if detail == nil {
		detail = map[string]any{}
	}
	payload, err := json.Marshal(map[string]any{"$schema": SETSchemaURI, "jti": uuid.NewString(),
		"iss": r.cfg.DestinationID, "iat": r.c.cfg.Now().Unix(), "sub": "submission:" + ref.SubmissionID,
		"txn": "case:" + ref.CaseID, "events": map[string]any{eventType: detail}})
	if err != nil {
		return "", fmt.Errorf("fitconnect: event: %w", err)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.PS512, Key: jose.JSONWebKey{Key: r.cfg.SigningKey, KeyID: r.cfg.SigningKid}},
		(&jose.SignerOptions{}).WithType(SETType))
	if err != nil {
		return "", fmt.Errorf("fitconnect: signer: %w", err)
	}
	obj, err := signer.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("fitconnect: sign event: %w", err)
	}
	return obj.CompactSerialize()
}

// jweKid reads the kid of a compact JWE's protected header; "" if the
// token is not a JWE with FIT-Connect's algorithms.
func jweKid(token string) string {
	obj, err := jose.ParseEncryptedCompact(token, []jose.KeyAlgorithm{jose.RSA_OAEP_256}, []jose.ContentEncryption{jose.A256GCM})
	if err != nil {
		return ""
	}
	return obj.Header.KeyID
}

// getText is an authenticated GET of a plain-text answer, such as an
// attachment's compact JWE.
func (c *Client) getText(ctx context.Context, rawURL string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return "", fmt.Errorf("%w: request %s: %w", ErrConfig, rawURL, err)
	}
	req.Header.Set("Accept", "application/jose, application/problem+json")
	req.Header.Set("User-Agent", "Serviceportal-FIT-Connect/1")
	resp, err := c.authed.Do(req)
	if err != nil {
		return "", fmt.Errorf("fitconnect: GET %s: %w", rawURL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", apiError(http.MethodGet, rawURL, resp)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxAttachmentJWE+1))
	if err != nil {
		return "", fmt.Errorf("fitconnect: GET %s: %w", rawURL, err)
	}
	if len(b) > maxAttachmentJWE {
		return "", fmt.Errorf("%w: attachment at %s exceeds %d bytes", ErrInvalid, rawURL, maxAttachmentJWE)
	}
	return strings.TrimSpace(string(b)), nil
}

// maxAttachmentJWE bounds one encrypted attachment read into memory:
// FIT-Connect allows attachments of up to 500 MB only in chunks the
// portal does not take; single files beyond 100 MB are refused.
const maxAttachmentJWE = 140 << 20
