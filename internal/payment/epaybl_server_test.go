package payment_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/serviceportal/serviceportal/internal/payment"
)

// ePayBLServer is an ePayBL REST server (authorization server and payment
// API) following the protocol described in epaybl.go: JWT-bearer client
// assertions, DPoP proofs (RFC 9449) with a server nonce, tokens bound to
// the proof key, and the paymenttransaction resources.
type ePayBLServer struct {
	t   *testing.T
	srv *httptest.Server
	key *ecdsa.PrivateKey // the client's key, registered for clientID

	mu       sync.Mutex
	nonce    string
	jtis     map[string]bool
	tokens   map[string]string // access token → JWK thumbprint it is bound to
	txs      map[string]*ebTx
	reported map[string]string // txid → grossAmount the status check reports instead
	calls    map[string]int
}

type ebTx struct {
	body   payment.EPayBLTransaction
	status string
}

const (
	ebClient     = "serviceportal-recklinghausen"
	ebOriginator = "RE-0001"
	ebEndpoint   = "bewohnerparken"
)

func newEPayBLServer(t *testing.T) *ePayBLServer {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s := &ePayBLServer{t: t, key: key, nonce: "n-1", jtis: map[string]bool{}, tokens: map[string]string{},
		txs: map[string]*ebTx{}, reported: map[string]string{}, calls: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", s.token)
	mux.HandleFunc("POST /api/paymenttransaction/{orig}/{ep}", s.create)
	mux.HandleFunc("GET /api/paymenttransaction/{orig}/{ep}/{id}", s.get)
	s.srv = httptest.NewServer(mux)
	t.Cleanup(s.srv.Close)
	return s
}

func (s *ePayBLServer) config() payment.EPayBLConfig {
	return payment.EPayBLConfig{OAuthURL: s.srv.URL + "/oauth", APIURL: s.srv.URL + "/api", ClientID: ebClient,
		OriginatorID: ebOriginator, EndPointID: ebEndpoint, Key: s.key, KeyID: "rec-1"}
}

func oauthError(w http.ResponseWriter, code int, e string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]string{"error": e})
}

// proof checks the request's DPoP proof and returns its key's thumbprint.
func (s *ePayBLServer) proof(r *http.Request, accessToken string) (string, error) {
	raw := r.Header.Get("DPoP")
	tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.ES256, jose.RS256})
	if err != nil || len(tok.Headers) != 1 {
		return "", fmt.Errorf("unparsable proof: %v", err)
	}
	h := tok.Headers[0]
	if h.ExtraHeaders["typ"] != "dpop+jwt" || h.JSONWebKey == nil || !h.JSONWebKey.IsPublic() {
		return "", errors.New("proof header lacks typ dpop+jwt or a public jwk")
	}
	var c struct {
		JTI   string `json:"jti"`
		HTM   string `json:"htm"`
		HTU   string `json:"htu"`
		ATH   string `json:"ath"`
		Nonce string `json:"nonce"`
		IAT   int64  `json:"iat"`
	}
	if err := tok.Claims(h.JSONWebKey.Key, &c); err != nil {
		return "", fmt.Errorf("proof signature: %v", err)
	}
	want := "http://" + r.Host + r.URL.Path
	if c.HTM != r.Method || c.HTU != want {
		return "", fmt.Errorf("proof for %s %s, request is %s %s", c.HTM, c.HTU, r.Method, want)
	}
	if d := time.Since(time.Unix(c.IAT, 0)); d > time.Minute || d < -time.Minute {
		return "", errors.New("proof too old")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.JTI == "" || s.jtis[c.JTI] {
		return "", errors.New("proof replayed")
	}
	s.jtis[c.JTI] = true
	if accessToken != "" && c.ATH != payment.AccessTokenHash(accessToken) {
		return "", errors.New("proof not bound to the access token")
	}
	if accessToken == "" && c.Nonce != s.nonce {
		return "", errNonce
	}
	tp, err := h.JSONWebKey.Thumbprint(crypto.SHA256)
	return base64.RawURLEncoding.EncodeToString(tp), err
}

var errNonce = errors.New("use_dpop_nonce")

func (s *ePayBLServer) token(w http.ResponseWriter, r *http.Request) {
	jkt, err := s.proof(r, "")
	if errors.Is(err, errNonce) {
		w.Header().Set("DPoP-Nonce", s.nonce)
		oauthError(w, http.StatusBadRequest, "use_dpop_nonce")
		return
	}
	if err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_dpop_proof")
		s.t.Errorf("ePayBL token: %v", err)
		return
	}
	if r.PostFormValue("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer" {
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type")
		return
	}
	a, err := jwt.ParseSigned(r.PostFormValue("assertion"), []jose.SignatureAlgorithm{jose.ES256})
	var c jwt.Claims
	if err == nil {
		err = a.Claims(&s.key.PublicKey, &c)
	}
	if err == nil {
		err = c.ValidateWithLeeway(jwt.Expected{Issuer: ebClient, Subject: ebClient, AnyAudience: jwt.Audience{s.srv.URL + "/oauth"}}, 0)
	}
	if err != nil || c.Expiry == nil || c.ID == "" || a.Headers[0].KeyID != "rec-1" {
		oauthError(w, http.StatusUnauthorized, "invalid_client")
		s.t.Errorf("ePayBL assertion: %v %+v", err, c)
		return
	}
	tok := rand.Text()
	s.mu.Lock()
	s.tokens[tok] = jkt
	s.calls["token"]++
	s.mu.Unlock()
	json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "token_type": "DPoP", "expires_in": 300})
}

// authorize checks "Authorization: DPoP <token>" and the bound proof.
func (s *ePayBLServer) authorize(w http.ResponseWriter, r *http.Request) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "DPoP ")
	s.mu.Lock()
	jkt, known := s.tokens[tok]
	s.mu.Unlock()
	if !ok || !known {
		oauthError(w, http.StatusUnauthorized, "invalid_token")
		return false
	}
	got, err := s.proof(r, tok)
	if err != nil || got != jkt {
		oauthError(w, http.StatusUnauthorized, "invalid_dpop_proof")
		s.t.Errorf("ePayBL API proof: %v", err)
		return false
	}
	if r.PathValue("orig") != ebOriginator || r.PathValue("ep") != ebEndpoint {
		http.NotFound(w, r)
		return false
	}
	return true
}

func (s *ePayBLServer) create(w http.ResponseWriter, r *http.Request) {
	if !s.authorize(w, r) {
		return
	}
	var body payment.EPayBLTransaction
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Currency != "EUR" || body.RequestID == "" ||
		!sepaRe.MatchString(body.Purpose) || len(body.Description) > 250 || len(body.Items) == 0 || body.RedirectURL == "" {
		oauthError(w, http.StatusBadRequest, "invalid_request")
		s.t.Errorf("ePayBL create: %v %+v", err, body)
		return
	}
	id := "EPB" + rand.Text()[:12]
	s.mu.Lock()
	s.txs[id] = &ebTx{body: body, status: "INITIAL"}
	s.mu.Unlock()
	base := s.srv.URL + "/api/paymenttransaction/" + ebOriginator + "/" + ebEndpoint + "/" + id
	json.NewEncoder(w).Encode(payment.EPayBLAnswer{PaymentInformation: payment.EPayBLPaymentInformation{
		TransactionID: id, TransactionURL: base, TransactionRedirectURL: s.srv.URL + "/paypage/" + id, Status: "INITIAL"}})
}

func (s *ePayBLServer) get(w http.ResponseWriter, r *http.Request) {
	if !s.authorize(w, r) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tx, ok := s.txs[r.PathValue("id")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	gross := tx.body.GrossAmount
	if g, ok := s.reported[r.PathValue("id")]; ok {
		gross = json.Number(g)
	}
	s.calls["status"]++
	json.NewEncoder(w).Encode(payment.EPayBLAnswer{GrossAmount: gross, Currency: tx.body.Currency,
		PaymentInformation: payment.EPayBLPaymentInformation{TransactionID: r.PathValue("id"), Status: tx.status,
			PaymentMethod: "CREDITCARD", TransactionReference: tx.body.Items[0].Reference}})
}

// set is the citizen finishing on the pay page.
func (s *ePayBLServer) set(id, status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.txs[id] == nil {
		s.t.Fatalf("ePayBL: no transaction %s", id)
	}
	s.txs[id].status = status
}

// report makes the status check answer a different amount.
func (s *ePayBLServer) report(id, gross string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reported[id] = gross
}

// TestEPayBLTokenAndNonce checks the client side of the protocol alone: it
// answers the server's DPoP nonce challenge, keeps its token for several
// calls, and sends amounts as decimal euros.
func TestEPayBLTokenAndNonce(t *testing.T) {
	t.Parallel()
	s := newEPayBLServer(t)
	a, err := payment.NewEPayBL(s.config())
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	p := payment.Payment{ID: "p1", AmountCents: 3070, Currency: "EUR", Kassenzeichen: "REC-2026-Z000001", Purpose: "Bewohnerparkausweis"}
	page, ref, err := a.Start(ctx, p, payment.StartRequest{ReturnURL: "https://portal.example/r"})
	if err != nil || !strings.Contains(page, "/paypage/"+ref) {
		t.Fatalf("start: %q %q %v", page, ref, err)
	}
	p.ProviderRef = ref
	for range 3 {
		if res, err := a.Status(ctx, p); err != nil || res.Status != payment.StatusInitial || res.AmountCents != 3070 {
			t.Fatalf("status: %+v %v", res, err)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tx := s.txs[ref]
	if s.calls["token"] != 1 || s.calls["status"] != 3 || tx.body.GrossAmount != "30.70" || tx.body.Purpose != "REC-2026-Z000001 Bewohnerpa" {
		t.Fatalf("calls %v, request %+v", s.calls, tx.body)
	}
}
