// Package fitconnecttest is a TEST DOUBLE of FIT-Connect: one in-process
// HTTPS server (httptest) that plays the OAuth token endpoint, the Routing
// API (with destinationSignatures signed by a stand-in Self-Service-Portal),
// the Zustelldienst's Submission API with its event log, and a small
// Verwaltungs-PKI that certifies destination keys. Destination.Subscriber
// plays the authority's side: it fetches, decrypts and checks submissions
// and posts signed accept or reject events.
//
// It exists because FIT-Connect's public test environment is not reachable
// from CI. It follows the documented API (routing-api.yaml 2.0.0,
// docs.fitko.de/fit-connect, reference/standards.md §2) closely enough
// to exercise a sender end to end, and it can misbehave on purpose (weak
// or untrusted keys, forged routes, tampered ciphertexts, forged events).
// Never use it outside tests.
//
//	svc := fitconnecttest.New(t)
//	dest := svc.AddDestination(fitconnecttest.DestinationOptions{LeikaKey: "99000000000000", ARS: "055620020020"})
//	client, _ := fitconnect.New(svc.SenderConfig())
//	sent, _ := client.Send(ctx, fitconnect.Submission{LeikaKey: "99000000000000", ARS: "055620020020", …})
//	received, _ := dest.Subscriber().Process(ctx)
package fitconnecttest

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/serviceportal/serviceportal/internal/fitconnect"
)

// Service is a running FIT-Connect test double.
type Service struct {
	server  *httptest.Server
	anchors *x509.CertPool
	ca      *authority
	rogue   *authority // certifies keys that must not be trusted

	infraKey *rsa.PrivateKey
	sspKid   string
	zdKid    string

	mu            sync.Mutex
	clients       map[string]clientAccount
	tokens        map[string]string // access token → client id
	tokenRequests int
	destinations  map[string]*Destination
	routes        map[string][]string // leikaKey|ars → destination ids
	submissions   map[string]*submission
	events        map[string][]string // case id → SETs, in order
	callbacks     sync.WaitGroup      // callbacks on their way
}

type clientAccount struct {
	secret string
	// destination is set for subscriber clients.
	destination string
}

// New starts a service that stops when the test ends.
func New(t testing.TB) *Service {
	t.Helper()
	ca, err := newAuthority("Test-Verwaltungs-PKI")
	if err != nil {
		t.Fatal(err)
	}
	rogue, err := newAuthority("Fremde PKI")
	if err != nil {
		t.Fatal(err)
	}
	s := &Service{ca: ca, rogue: rogue, anchors: x509.NewCertPool(), infraKey: strongKeys()[2],
		sspKid: "ssp-" + randomID()[:8], zdKid: "zd-" + randomID()[:8],
		clients: map[string]clientAccount{}, tokens: map[string]string{}, destinations: map[string]*Destination{},
		routes: map[string][]string{}, submissions: map[string]*submission{}, events: map[string][]string{}}
	s.anchors.AddCert(ca.root)
	s.server = httptest.NewTLSServer(s.routesMux())
	t.Cleanup(s.server.Close)
	t.Cleanup(s.callbacks.Wait)
	return s
}

// URL is the Submission API base (the Zustelldienst), without /v1.
func (s *Service) URL() string { return s.server.URL }

// Host is the submissionHost that signed routes name.
func (s *Service) Host() string { return strings.TrimPrefix(s.server.URL, "https://") }

// HTTPClient trusts the service's TLS certificate.
func (s *Service) HTTPClient() *http.Client { return s.server.Client() }

// TrustAnchors holds the root of the service's stand-in Verwaltungs-PKI.
func (s *Service) TrustAnchors() *x509.CertPool { return s.anchors }

// TrustAnchorsPEM is that root as a PEM file's content, as an operator
// configures it.
func (s *Service) TrustAnchorsPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.ca.root.Raw})
}

// TokenURL is the OAuth 2.0 token endpoint.
func (s *Service) TokenURL() string { return s.server.URL + "/token" }

// RoutingURL is the Routing API base, including /v1.
func (s *Service) RoutingURL() string { return s.server.URL + "/routing/v1" }

// Issuer is the stand-in Self-Service-Portal that signs destinations.
func (s *Service) Issuer() string { return s.server.URL + "/ssp" }

// IssuerKeysURL serves the Self-Service-Portal's JWKS.
func (s *Service) IssuerKeysURL() string { return s.Issuer() + "/.well-known/jwks.json" }

// AddSender registers a sender client (online service).
func (s *Service) AddSender(clientID, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clients[clientID] = clientAccount{secret: secret}
}

// SenderConfig registers a fresh sender client and returns the complete
// client configuration for it.
func (s *Service) SenderConfig() fitconnect.Config {
	id, secret := "sender-"+randomID()[:8], randomID()
	s.AddSender(id, secret)
	return fitconnect.Config{TokenURL: s.TokenURL(), ClientID: id, ClientSecret: secret, RoutingURL: s.RoutingURL(),
		SubmissionURL: s.URL(), Issuer: s.Issuer(), IssuerKeysURL: s.IssuerKeysURL(), TrustAnchors: s.anchors,
		HTTPClient: s.HTTPClient()}
}

// TokenRequests counts the token requests so far (token caching).
func (s *Service) TokenRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokenRequests
}

// Events returns the SETs of a case as the event log serves them.
func (s *Service) Events(caseID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.events[caseID]...)
}

// AppendEvent adds a SET to a case's event log without any check, as a
// compromised or broken Zustelldienst might.
func (s *Service) AppendEvent(caseID, token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events[caseID] = append(s.events[caseID], token)
}

// SubmissionCount is the number of submissions created so far, complete
// or not.
func (s *Service) SubmissionCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.submissions)
}

// State is a submission's state at the Zustelldienst: incomplete,
// submitted, accepted or rejected ("" if unknown).
func (s *Service) State(submissionID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sub := s.submissions[submissionID]; sub != nil {
		return sub.State
	}
	return ""
}

// Expire rejects a submitted submission as the Zustelldienst does after
// 14 days without a decision: it leaves the subscriber's list.
func (s *Service) Expire(submissionID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sub := s.submissions[submissionID]; sub != nil && sub.State == "submitted" {
		sub.State = "rejected"
	}
}
