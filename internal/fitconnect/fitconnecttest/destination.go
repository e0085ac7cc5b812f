package fitconnecttest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/google/uuid"

	"github.com/serviceportal/serviceportal/internal/fitconnect"
)

// DestinationOptions describe a destination and, for failure tests, how
// it misbehaves. The zero value of each fault is correct behaviour.
type DestinationOptions struct {
	// LeikaKey and ARS register the route (GET /routes?leikaKey=&ars=).
	LeikaKey string
	ARS      string
	Name     string
	// SubmissionSchemas the service accepts; empty accepts any.
	SubmissionSchemas []fitconnect.SubmissionSchema
	// ReplyChannels supported; nil means eMail only.
	ReplyChannels []string
	// Status is "active" unless set.
	Status string

	// WeakKey serves a 2048-bit encryption key.
	WeakKey bool
	// KeyAlg replaces RSA-OAEP-256 in the encryption key.
	KeyAlg string
	// KeyOps replaces ["wrapKey"] in the encryption key.
	KeyOps []string
	// UntrustedKey certifies the encryption key by a CA outside the trust
	// anchors.
	UntrustedKey bool
	// ForgedRoute signs the destinationSignature with a key the
	// Self-Service-Portal never published.
	ForgedRoute bool
	// RouteLeikaKey signs the route for another service than it is
	// served for.
	RouteLeikaKey string
}

// Destination is a destination (Zustellpunkt) of the service, with its
// private keys.
type Destination struct {
	ID   string
	svc  *Service
	opts DestinationOptions

	encKid, sigKid string
	encKey, sigKey *rsa.PrivateKey
	encJWK, sigJWK json.RawMessage
	signature      string

	subscriberID, subscriberSecret string

	callbackURL     string
	callbackSecret  []byte
	callbackClient  *http.Client
	callbackResults []int
}

// AddDestination creates a destination with its keys, certifies them and
// registers its signed route. It panics on errors, which cannot happen
// with a working crypto library.
func (s *Service) AddDestination(o DestinationOptions) *Destination {
	keys := strongKeys()
	d := &Destination{ID: uuid.NewString(), svc: s, opts: o, encKid: "enc-" + randomID()[:12], sigKid: "sig-" + randomID()[:12],
		encKey: keys[0], sigKey: keys[1], subscriberID: "subscriber-" + randomID()[:8], subscriberSecret: randomID()}
	if o.WeakKey {
		d.encKey = weakKey()
	}
	if d.opts.Name == "" {
		d.opts.Name = "Testbehörde " + o.ARS
	}
	if d.opts.Status == "" {
		d.opts.Status = "active"
	}
	if d.opts.ReplyChannels == nil {
		d.opts.ReplyChannels = []string{"eMail"}
	}
	encCA := s.ca
	if o.UntrustedKey {
		encCA = s.rogue
	}
	alg, ops := fitconnect.AlgEncryption, []string{fitconnect.OpWrapKey}
	if o.KeyAlg != "" {
		alg = o.KeyAlg
	}
	if o.KeyOps != nil {
		ops = o.KeyOps
	}
	d.encJWK = mustJWK(encCA, &d.encKey.PublicKey, d.encKid, alg, ops, x509.KeyUsageKeyEncipherment)
	d.sigJWK = mustJWK(s.ca, &d.sigKey.PublicKey, d.sigKid, fitconnect.AlgSignature, []string{fitconnect.OpVerify}, x509.KeyUsageDigitalSignature)
	d.signature = s.signAddressing(d)

	s.mu.Lock()
	defer s.mu.Unlock()
	s.destinations[d.ID] = d
	s.clients[d.subscriberID] = clientAccount{secret: d.subscriberSecret, destination: d.ID}
	k := o.LeikaKey + "|" + o.ARS
	s.routes[k] = append(s.routes[k], d.ID)
	return d
}

func mustJWK(ca *authority, pub *rsa.PublicKey, kid, alg string, ops []string, usage x509.KeyUsage) json.RawMessage {
	chain, err := ca.issue(pub, "Zustellpunkt "+kid, usage)
	if err != nil {
		panic(fmt.Sprintf("fitconnecttest: certify key: %v", err))
	}
	b, err := json.Marshal(publicJWK(pub, kid, alg, ops, chain))
	if err != nil {
		panic(err)
	}
	return b
}

// signAddressing makes the destinationSignature, the signed addressing
// information the Self-Service-Portal hands out
// (docs.fitko.de sending/get-destination).
func (s *Service) signAddressing(d *Destination) string {
	leika := d.opts.LeikaKey
	if d.opts.RouteLeikaKey != "" {
		leika = d.opts.RouteLeikaKey
	}
	payload := map[string]any{
		"submissionHost": s.Host(),
		"iss":            s.Issuer(),
		"services": []map[string]any{{
			"gebietIDs":   []string{fitconnect.ARSURNPrefix + d.opts.ARS},
			"leistungIDs": []string{fitconnect.LeikaURNPrefix + leika},
		}},
		"destinationId": d.ID,
		"iat":           time.Now().Unix(),
		"jti":           uuid.NewString(),
	}
	key, kid := s.infraKey, s.sspKid
	if d.opts.ForgedRoute {
		key = weakKey()
	}
	return mustSign(key, kid, "jwt", payload)
}

func mustSign(key *rsa.PrivateKey, kid, typ string, payload any) string {
	b, err := json.Marshal(payload)
	if err != nil {
		panic(err)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.PS512, Key: jose.JSONWebKey{Key: key, KeyID: kid}},
		(&jose.SignerOptions{}).WithType(jose.ContentType(typ)))
	if err != nil {
		panic(err)
	}
	obj, err := signer.Sign(b)
	if err != nil {
		panic(err)
	}
	tok, err := obj.CompactSerialize()
	if err != nil {
		panic(err)
	}
	return tok
}

// PrivateKey is the destination's decryption key.
func (d *Destination) PrivateKey() *rsa.PrivateKey { return d.encKey }

// EncryptionKey is the destination's public encryption key with its kid,
// for tests that encrypt on their own.
func (d *Destination) EncryptionKey() *jose.JSONWebKey {
	return &jose.JSONWebKey{Key: &d.encKey.PublicKey, KeyID: d.encKid, Algorithm: fitconnect.AlgEncryption}
}

// SignEvent returns a SET about a submission of the case, issued and
// signed by the destination (iss is its id).
func (d *Destination) SignEvent(submissionID, caseID, eventType string, detail any) string {
	return signEvent(d.sigKey, d.sigKid, d.ID, submissionID, caseID, eventType, detail)
}

// ForgedEvent is SignEvent with a key the destination does not own, under
// the destination's kid: what a forger without the key can make.
func (d *Destination) ForgedEvent(submissionID, caseID, eventType string, detail any) string {
	return signEvent(weakKey(), d.sigKid, d.ID, submissionID, caseID, eventType, detail)
}

// signEvent makes a Security Event Token as the event log carries it
// (docs.fitko.de getting-started/event-log/set-creation).
func signEvent(key *rsa.PrivateKey, kid, iss, submissionID, caseID, eventType string, detail any) string {
	if detail == nil {
		detail = map[string]any{}
	}
	payload := map[string]any{"$schema": fitconnect.SETSchemaURI, "jti": uuid.NewString(), "iss": iss,
		"iat": time.Now().Unix(), "sub": "submission:" + submissionID, "txn": "case:" + caseID,
		"events": map[string]any{eventType: detail}}
	return mustSign(key, kid, fitconnect.SETType, payload)
}

// publicInfo is GET /v1/destinations/{id}.
func (d *Destination) publicInfo() map[string]any {
	schemas := d.opts.SubmissionSchemas
	if schemas == nil {
		schemas = []fitconnect.SubmissionSchema{}
	}
	channels := map[string]any{}
	for _, c := range d.opts.ReplyChannels {
		channels[c] = map[string]any{}
	}
	return map[string]any{"destinationId": d.ID, "status": d.opts.Status, "encryptionKid": d.encKid,
		"services": []map[string]any{{"identifier": fitconnect.LeikaURNPrefix + d.opts.LeikaKey,
			"submissionSchemas": schemas, "regions": []string{"DE" + d.opts.ARS}}},
		"metadataVersions": []string{fitconnect.MetadataVersion}, "replyChannels": channels}
}

func randomID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return fmt.Sprintf("%x", b)
}

// ReceiverConfig is the complete configuration of the destination's
// subscriber side: its subscriber client, private keys and the service's
// trust anchors, as an operator enters them for the portal's receiver.
func (d *Destination) ReceiverConfig() fitconnect.ReceiverConfig {
	return fitconnect.ReceiverConfig{TokenURL: d.svc.TokenURL(), ClientID: d.subscriberID, ClientSecret: d.subscriberSecret,
		SubmissionURL: d.svc.URL(), DestinationID: d.ID, DecryptionKeys: map[string]*rsa.PrivateKey{d.encKid: d.encKey},
		SigningKey: d.sigKey, SigningKid: d.sigKid, TrustAnchors: d.svc.anchors, HTTPClient: d.svc.HTTPClient()}
}

// PrivateJWKs are the destination's private keys as JWK documents, the
// form in which an authority keeps them and enters them in the portal:
// the decryption key (alg RSA-OAEP-256) and the signing key (PS512).
func (d *Destination) PrivateJWKs() (decryption, signing string) {
	enc, err := jose.JSONWebKey{Key: d.encKey, KeyID: d.encKid, Algorithm: fitconnect.AlgEncryption, Use: "enc"}.MarshalJSON()
	if err != nil {
		panic(err)
	}
	sig, err := jose.JSONWebKey{Key: d.sigKey, KeyID: d.sigKid, Algorithm: fitconnect.AlgSignature, Use: "sig"}.MarshalJSON()
	if err != nil {
		panic(err)
	}
	return string(enc), string(sig)
}

// SubscriberClient is the destination's subscriber client.
func (d *Destination) SubscriberClient() (id, secret string) {
	return d.subscriberID, d.subscriberSecret
}
