package fitconnect

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// ReceiverConfig configures the subscriber side of one destination
// (Zustellpunkt): the authority's own subscriber client of the
// Self-Service-Portal and the destination's private keys.
type ReceiverConfig struct {
	// TokenURL, ClientID and ClientSecret are the subscriber client; the
	// OAuth server ties it to its destination.
	TokenURL     string
	ClientID     string
	ClientSecret string
	// SubmissionURL is the Zustelldienst's Submission API without /v1.
	SubmissionURL string
	// DestinationID is the destination's UUID.
	DestinationID string
	// DecryptionKeys are the private halves of the destination's
	// encryption keys by kid: the current one and, while senders may still
	// hold it, the previous one.
	DecryptionKeys map[string]*rsa.PrivateKey
	// SigningKey and SigningKid sign the accept and reject events; the
	// public half is the destination's signature key at the Zustelldienst.
	SigningKey *rsa.PrivateKey
	SigningKid string
	// TrustAnchors verify destination keys in the event log; the
	// Zustelldienst's own events are checked against its JWKS.
	TrustAnchors *x509.CertPool
	// HTTPClient makes all requests (nil: a client without redirects).
	HTTPClient *http.Client
	// Now is the clock (nil: time.Now).
	Now func() time.Time
}

// Receiver fetches, decrypts and checks the submissions of one destination
// and confirms or rejects them with signed events. It is safe for
// concurrent use.
type Receiver struct {
	cfg ReceiverConfig
	c   *Client
}

// NewReceiver checks cfg and returns a receiver.
func NewReceiver(cfg ReceiverConfig) (*Receiver, error) {
	var missing []string
	if !isUUID(cfg.DestinationID) {
		missing = append(missing, "DestinationID (UUID)")
	}
	if len(cfg.DecryptionKeys) == 0 {
		missing = append(missing, "DecryptionKeys")
	}
	for kid, k := range cfg.DecryptionKeys {
		if k == nil || kid == "" {
			missing = append(missing, "DecryptionKeys (kid and key)")
			break
		}
	}
	if cfg.SigningKey == nil || cfg.SigningKid == "" {
		missing = append(missing, "SigningKey and SigningKid")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%w: missing %s", ErrConfig, strings.Join(missing, ", "))
	}
	c, err := New(Config{TokenURL: cfg.TokenURL, ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret,
		SubmissionURL: cfg.SubmissionURL, TrustAnchors: cfg.TrustAnchors, HTTPClient: cfg.HTTPClient, Now: cfg.Now})
	if err != nil {
		return nil, err
	}
	cfg.DestinationID = strings.ToLower(cfg.DestinationID)
	return &Receiver{cfg: cfg, c: c}, nil
}

// DestinationID is the destination this receiver serves.
func (r *Receiver) DestinationID() string { return r.cfg.DestinationID }

// SubmissionRef names a submission waiting at the Zustelldienst.
type SubmissionRef struct {
	DestinationID string `json:"destinationId"`
	SubmissionID  string `json:"submissionId"`
	CaseID        string `json:"caseId"`
}

// Pending lists the submissions of the destination that the Zustelldienst
// holds for pick-up (GET /v1/submissions, pages of 500). Entries of other
// destinations or with malformed ids are dropped: the ids go into URLs.
func (r *Receiver) Pending(ctx context.Context) ([]SubmissionRef, error) {
	var refs []SubmissionRef
	for offset := 0; ; {
		var page struct {
			Count       int             `json:"count"`
			TotalCount  int             `json:"totalCount"`
			Submissions []SubmissionRef `json:"submissions"`
		}
		q := url.Values{"destinationId": {r.cfg.DestinationID}, "offset": {strconv.Itoa(offset)}, "limit": {"500"}}
		if err := r.c.getJSON(ctx, true, r.c.submissionPath("/v1/submissions?"+q.Encode()), &page); err != nil {
			return nil, err
		}
		for _, s := range page.Submissions {
			if strings.EqualFold(s.DestinationID, r.cfg.DestinationID) && isUUID(s.SubmissionID) && isUUID(s.CaseID) {
				refs = append(refs, SubmissionRef{DestinationID: r.cfg.DestinationID,
					SubmissionID: strings.ToLower(s.SubmissionID), CaseID: strings.ToLower(s.CaseID)})
			}
		}
		offset += len(page.Submissions)
		if len(page.Submissions) == 0 || offset >= page.TotalCount {
			return refs, nil
		}
	}
}

// Status reads what the case's verified event log says about ref: whether
// the Zustelldienst recorded this receiver's accept, or a rejection (its
// own after 14 days, or this receiver's).
func (r *Receiver) Status(ctx context.Context, ref SubmissionRef) (Status, []Problem, error) {
	events, err := r.c.Poll(ctx, ref.CaseID)
	if err != nil {
		return StatusUnknown, nil, err
	}
	st, problems := StatusOf(events, Reference{SubmissionID: ref.SubmissionID, CaseID: ref.CaseID, DestinationID: r.cfg.DestinationID})
	return st, problems, nil
}
