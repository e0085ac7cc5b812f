package fitconnect

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"

	jose "github.com/go-jose/go-jose/v4"
)

// Destination is the public information of a destination (Zustellpunkt),
// GET /v1/destinations/{destinationId}.
type Destination struct {
	DestinationID string               `json:"destinationId"`
	Status        string               `json:"status"`
	Services      []DestinationService `json:"services"`
	EncryptionKid string               `json:"encryptionKid"`
	// MetadataVersions are the metadata schema versions it accepts.
	MetadataVersions []string `json:"metadataVersions"`
	// ReplyChannels it supports, by name (eMail, deMail, fink, elster, …).
	ReplyChannels map[string]json.RawMessage `json:"replyChannels"`
}

// DestinationService is a service a destination accepts.
type DestinationService struct {
	Identifier        string             `json:"identifier"`
	SubmissionSchemas []SubmissionSchema `json:"submissionSchemas"`
	Regions           []string           `json:"regions"`
}

// service returns the entry of identifier.
func (d Destination) service(identifier string) (DestinationService, bool) {
	i := slices.IndexFunc(d.Services, func(s DestinationService) bool { return s.Identifier == identifier })
	if i < 0 {
		return DestinationService{}, false
	}
	return d.Services[i], true
}

// accepts checks what the destination announces against a submission:
// active, the service offered, the data schema and the metadata version
// accepted. Lists the destination leaves empty restrict nothing.
func (d Destination) accepts(serviceID string, schema *SubmissionSchema) error {
	if d.Status != "" && d.Status != "active" {
		return fmt.Errorf("%w: destination %s is %s", ErrDestination, d.DestinationID, d.Status)
	}
	if len(d.MetadataVersions) > 0 && !slices.Contains(d.MetadataVersions, MetadataVersion) {
		return fmt.Errorf("%w: destination %s accepts metadata %v, not %s", ErrDestination, d.DestinationID, d.MetadataVersions, MetadataVersion)
	}
	if len(d.Services) == 0 {
		return nil
	}
	svc, ok := d.service(serviceID)
	if !ok {
		return fmt.Errorf("%w: destination %s does not offer %s", ErrDestination, d.DestinationID, serviceID)
	}
	if schema != nil && len(svc.SubmissionSchemas) > 0 && !slices.Contains(svc.SubmissionSchemas, *schema) {
		return fmt.Errorf("%w: destination %s does not accept data of schema %s (%s)", ErrDestination, d.DestinationID, schema.SchemaURI, schema.MimeType)
	}
	return nil
}

// Destination fetches the public information of a destination.
func (c *Client) Destination(ctx context.Context, destinationID string) (Destination, error) {
	if !isUUID(destinationID) {
		return Destination{}, fmt.Errorf("%w: destination id %q is not a UUID", ErrInvalid, destinationID)
	}
	var d Destination
	if err := c.getJSON(ctx, true, c.submissionPath("/v1/destinations/"+url.PathEscape(destinationID)), &d); err != nil {
		return Destination{}, err
	}
	if d.DestinationID != destinationID {
		return Destination{}, fmt.Errorf("%w: asked for destination %s, got %s", ErrDestination, destinationID, d.DestinationID)
	}
	return d, nil
}

// destinationKey fetches a key of a destination as raw JSON.
func (c *Client) destinationKey(ctx context.Context, destinationID, kid string) ([]byte, error) {
	var raw json.RawMessage
	if err := c.getJSON(ctx, true, c.submissionPath("/v1/destinations/"+url.PathEscape(destinationID)+"/keys/"+url.PathEscape(kid)), &raw); err != nil {
		return nil, err
	}
	return raw, nil
}

// EncryptionKey fetches d's encryption key and checks it with
// CheckEncryptionKey against the configured trust anchors.
func (c *Client) EncryptionKey(ctx context.Context, d Destination) (*jose.JSONWebKey, error) {
	if d.EncryptionKid == "" {
		return nil, fmt.Errorf("%w: destination %s names no encryption key", ErrKeyRejected, d.DestinationID)
	}
	raw, err := c.destinationKey(ctx, d.DestinationID, d.EncryptionKid)
	if err != nil {
		return nil, err
	}
	return CheckEncryptionKey(raw, d.EncryptionKid, c.cfg.TrustAnchors, c.cfg.Now())
}

// signatureKey returns a destination's verified signature key kid,
// cached: keys are identified by kid and a new key gets a new kid.
func (c *Client) signatureKey(ctx context.Context, destinationID, kid string) (verifiedKey, error) {
	id := destinationID + "/" + kid
	c.mu.Lock()
	k, ok := c.sigKeys[id]
	c.mu.Unlock()
	if ok {
		return k, nil
	}
	raw, err := c.destinationKey(ctx, destinationID, kid)
	if err != nil {
		return verifiedKey{}, err
	}
	pub, err := CheckSignatureKey(raw, kid, c.cfg.TrustAnchors, c.cfg.Now())
	if err != nil {
		return verifiedKey{}, err
	}
	k = verifiedKey{pub: pub}
	c.mu.Lock()
	c.sigKeys[id] = k
	c.mu.Unlock()
	return k, nil
}
