package fitconnect

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// Event types of the event log
// (https://docs.fitko.de/fit-connect/docs/getting-started/event-log/events/).
const (
	EventCreate  = "https://schema.fitko.de/fit-connect/events/create-submission"
	EventSubmit  = "https://schema.fitko.de/fit-connect/events/submit-submission"
	EventNotify  = "https://schema.fitko.de/fit-connect/events/notify-submission"
	EventForward = "https://schema.fitko.de/fit-connect/events/forward-submission"
	EventAccept  = "https://schema.fitko.de/fit-connect/events/accept-submission"
	EventReject  = "https://schema.fitko.de/fit-connect/events/reject-submission"
	EventDelete  = "https://schema.fitko.de/fit-connect/events/delete-submission"
)

// SETType is the "typ" header of every Security Event Token (RFC 8417 §2.3).
const SETType = "secevent+jwt"

// SETSchemaURI is the SET payload schema the test service writes; any
// 1.x version is accepted when reading.
const SETSchemaURI = "https://schema.fitko.de/fit-connect/set-payload/1.0.0/set-payload.schema.json"

var (
	setSchemaPattern = regexp.MustCompile(`^https://schema\.fitko\.de/fit-connect/set-payload/1\.\d+\.\d+/set-payload\.schema\.json$`)
	setSubPattern    = regexp.MustCompile(`^(submission|reply):([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$`)
)

// setLeeway tolerates clocks that run a little ahead.
const setLeeway = 5 * time.Minute

// AuthenticationTags are the JWE tags of a submission's parts, as the
// submit-submission event records them.
type AuthenticationTags struct {
	Data        string            `json:"data,omitempty"`
	Metadata    string            `json:"metadata"`
	Attachments map[string]string `json:"attachments,omitempty"`
}

// Event is one verified Security Event Token of a case.
type Event struct {
	// Type is one of the Event… URIs.
	Type string
	// ID is the token's jti.
	ID string
	// Issuer is the destination's UUID or the Zustelldienst's URL.
	Issuer   string
	IssuedAt time.Time
	// SubmissionID is the subject; empty for events about replies.
	SubmissionID string
	CaseID       string
	// Problems are the reasons of a reject-submission event.
	Problems []Problem
	// Tags are the authentication tags of submit-submission (and of
	// accept-submission, where the destination repeats them).
	Tags *AuthenticationTags
	// Token is the SET as received, kept as evidence.
	Token string
}

// eventPayload is a SET's claims.
type eventPayload struct {
	Schema   string                     `json:"$schema"`
	ID       string                     `json:"jti"`
	Issuer   string                     `json:"iss"`
	IssuedAt int64                      `json:"iat"`
	Subject  string                     `json:"sub"`
	Txn      string                     `json:"txn"`
	Events   map[string]json.RawMessage `json:"events"`
}

// Poll reads the case's event log (GET /v1/cases/{caseId}/events, pages
// of 500) and verifies every Security Event Token. One token that fails
// verification fails the call with ErrSignature: the log is evidence and
// is taken whole or not at all.
func (c *Client) Poll(ctx context.Context, caseID string) ([]Event, error) {
	if !isUUID(caseID) {
		return nil, fmt.Errorf("%w: case id %q is not a UUID", ErrInvalid, caseID)
	}
	var events []Event
	for offset := 0; ; {
		var page struct {
			Count      int      `json:"count"`
			TotalCount int      `json:"totalCount"`
			EventLog   []string `json:"eventLog"`
		}
		q := url.Values{"offset": {strconv.Itoa(offset)}, "limit": {"500"}}
		if err := c.getJSON(ctx, true, c.submissionPath("/v1/cases/"+url.PathEscape(caseID)+"/events?"+q.Encode()), &page); err != nil {
			return nil, err
		}
		for _, tok := range page.EventLog {
			ev, err := c.verifyEvent(ctx, tok, caseID)
			if err != nil {
				return nil, err
			}
			events = append(events, ev)
		}
		offset += len(page.EventLog)
		if len(page.EventLog) == 0 || offset >= page.TotalCount {
			return events, nil
		}
	}
}

// verifyEvent checks one SET of caseID: header (PS512, typ, kid), the
// signature with the issuer's key, and the claims.
func (c *Client) verifyEvent(ctx context.Context, token, caseID string) (Event, error) {
	bad := func(format string, args ...any) (Event, error) {
		return Event{}, fmt.Errorf("%w: event of case %s: "+format, append([]any{ErrSignature, caseID}, args...)...)
	}
	jws, err := jose.ParseSignedCompact(token, []jose.SignatureAlgorithm{jose.PS512})
	if err != nil {
		return bad("%v", err)
	}
	h := jws.Signatures[0].Protected
	if typ, _ := h.ExtraHeaders[jose.HeaderType].(string); typ != SETType {
		return bad("typ %q, want %s", typ, SETType)
	}
	if h.KeyID == "" {
		return bad("no kid")
	}
	// The issuer chooses the key; the claims are trusted only after the
	// signature verified with that key.
	var unverified struct {
		Issuer string `json:"iss"`
	}
	if err := json.Unmarshal(jws.UnsafePayloadWithoutVerification(), &unverified); err != nil {
		return bad("payload: %v", err)
	}
	key, err := c.eventKey(ctx, unverified.Issuer, h.KeyID)
	if err != nil {
		return bad("%v", err)
	}
	payload, err := jws.Verify(key.pub)
	if err != nil {
		return bad("signature: %v", err)
	}
	var p eventPayload
	if err := json.Unmarshal(payload, &p); err != nil {
		return bad("payload: %v", err)
	}
	sub := setSubPattern.FindStringSubmatch(p.Subject)
	switch {
	case !setSchemaPattern.MatchString(p.Schema):
		return bad("$schema %q", p.Schema)
	case !isUUID(p.ID):
		return bad("jti %q", p.ID)
	case p.Issuer != unverified.Issuer:
		return bad("issuer changed")
	case p.IssuedAt <= 0 || time.Unix(p.IssuedAt, 0).After(c.cfg.Now().Add(setLeeway)):
		return bad("iat %d", p.IssuedAt)
	case sub == nil:
		return bad("sub %q", p.Subject)
	case !strings.EqualFold(p.Txn, "case:"+caseID):
		return bad("txn %q belongs to another case", p.Txn)
	case len(p.Events) != 1:
		return bad("%d events in one token, want exactly one", len(p.Events))
	}
	ev := Event{ID: p.ID, Issuer: p.Issuer, IssuedAt: time.Unix(p.IssuedAt, 0).UTC(), CaseID: caseID, Token: token}
	if sub[1] == "submission" {
		ev.SubmissionID = strings.ToLower(sub[2])
	}
	for typ, raw := range p.Events {
		ev.Type = typ
		var detail struct {
			Problems           []Problem           `json:"problems"`
			AuthenticationTags *AuthenticationTags `json:"authenticationTags"`
		}
		if len(raw) > 0 && string(raw) != "null" {
			if err := json.Unmarshal(raw, &detail); err != nil {
				return bad("event %s: %v", typ, err)
			}
		}
		ev.Problems, ev.Tags = detail.Problems, detail.AuthenticationTags
	}
	return ev, nil
}

// eventKey finds the key of an event's issuer: a destination (iss is its
// UUID) signs with its signature key, published at the Zustelldienst with
// an x5c chain; the Zustelldienst (iss is its URL) signs with a key of its
// JWKS. The URL must be the configured Zustelldienst.
func (c *Client) eventKey(ctx context.Context, issuer, kid string) (verifiedKey, error) {
	if isUUID(issuer) {
		return c.signatureKey(ctx, strings.ToLower(issuer), kid)
	}
	u, err := url.Parse(issuer)
	if err != nil || u.Host == "" {
		return verifiedKey{}, fmt.Errorf("unknown issuer %q", issuer)
	}
	if !strings.EqualFold(u.Host, c.SubmissionHost()) {
		return verifiedKey{}, fmt.Errorf("issuer %q is not the configured Zustelldienst %s", issuer, c.SubmissionHost())
	}
	return c.serviceKeys.key(ctx, kid)
}
