package payment

import (
	"bytes"
	"context"
	"crypto"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// ePayBL over its newer REST interface, shaped like the XBezahldienste
// standard (standards.md §6.1; seen in open-source booking software, no
// official specification public):
//
//  1. Token: POST {oauth}/token, grant_type=urn:ietf:params:oauth:
//     grant-type:jwt-bearer with a signed assertion {iss = sub = client
//     id, aud = {oauth}, exp = now+60, jti} and a DPoP proof; the answer's
//     token_type is "DPoP".
//  2. POST {api}/paymenttransaction/{originatorId}/{endPointId} with
//     "Authorization: DPoP <token>" and a DPoP proof carrying ath. Amounts
//     are decimal euros; purpose ≤27 SEPA characters, description ≤250.
//     The answer's paymentInformation has transactionId and the pay page
//     (transactionRedirectUrl, or transactionUrl in that client).
//  3. Status: GET …/{transactionId} → paymentInformation.status
//     INITIAL | PAYED | FAILED | CANCELED, plus paymentMethod.
//
// ePayBL sends the citizen back to redirectUrl; a notification (where an
// installation posts one) is only a hint to run the status check.

// EPayBLConfig configures one Bewirtschafter at ePayBL.
type EPayBLConfig struct {
	// OAuthURL is the authorization server; tokens come from
	// {OAuthURL}/token and the assertion's audience is OAuthURL.
	OAuthURL string
	// APIURL is the base of the paymenttransaction resources.
	APIURL       string
	ClientID     string
	OriginatorID string
	EndPointID   string
	// Key signs DPoP proofs and the client assertion: ECDSA P-256 (ES256)
	// or RSA (RS256).
	Key   crypto.Signer
	KeyID string
	// HTTPClient defaults to a client with a 15 s timeout.
	HTTPClient *http.Client
}

// EPayBL is the ePayBL adapter. It keeps its DPoP-bound access token until
// shortly before it expires.
type EPayBL struct {
	cfg    EPayBLConfig
	client *http.Client
	dpop   *dpop
	now    func() time.Time

	mu      sync.Mutex
	token   string
	expires time.Time
	nonce   string
}

// NewEPayBL returns the adapter.
func NewEPayBL(cfg EPayBLConfig) (*EPayBL, error) {
	d, err := newDPoP(cfg.Key, cfg.KeyID)
	if err != nil {
		return nil, err
	}
	c := cfg.HTTPClient
	if c == nil {
		c = &http.Client{Timeout: 15 * time.Second}
	}
	cfg.OAuthURL, cfg.APIURL = strings.TrimRight(cfg.OAuthURL, "/"), strings.TrimRight(cfg.APIURL, "/")
	return &EPayBL{cfg: cfg, client: c, dpop: d, now: time.Now}, nil
}

// Name implements Provider.
func (e *EPayBL) Name() string { return "epaybl" }

// Label implements Provider.
func (e *EPayBL) Label() string { return "ePayBL" }

// EPayBLItem is one position of a payment transaction.
type EPayBLItem struct {
	ID              string      `json:"id"`
	Reference       string      `json:"reference"`
	TaxRate         json.Number `json:"taxRate"`
	Quantity        int         `json:"quantity"`
	TotalNetAmount  json.Number `json:"totalNetAmount"`
	TotalTaxAmount  json.Number `json:"totalTaxAmount"`
	SingleNetAmount json.Number `json:"singleNetAmount"`
	SingleTaxAmount json.Number `json:"singleTaxAmount"`
}

// EPayBLRequestor is who pays.
type EPayBLRequestor struct {
	Name             string `json:"name"`
	FirstName        string `json:"firstName"`
	IsOrganization   bool   `json:"isOrganization"`
	OrganizationName string `json:"organizationName,omitempty"`
	Address          struct {
		Street      string `json:"street"`
		HouseNumber string `json:"houseNumber"`
		PostalCode  string `json:"postalCode"`
		City        string `json:"city"`
	} `json:"address"`
}

// EPayBLTransaction is the body of a new payment transaction.
type EPayBLTransaction struct {
	RequestID        string          `json:"requestId"`
	RequestTimestamp string          `json:"requestTimestamp"`
	Currency         string          `json:"currency"`
	GrossAmount      json.Number     `json:"grossAmount"`
	Purpose          string          `json:"purpose"`
	Description      string          `json:"description"`
	RedirectURL      string          `json:"redirectUrl"`
	Items            []EPayBLItem    `json:"items"`
	Requestor        EPayBLRequestor `json:"requestor"`
}

// EPayBLPaymentInformation is XBezahldienste's paymentInformation.
type EPayBLPaymentInformation struct {
	TransactionID          string      `json:"transactionId"`
	TransactionURL         string      `json:"transactionUrl,omitempty"`
	TransactionRedirectURL string      `json:"transactionRedirectUrl,omitempty"`
	TransactionReference   string      `json:"transactionReference,omitempty"`
	TransactionTimestamp   string      `json:"transactionTimestamp,omitempty"`
	PaymentMethod          string      `json:"paymentMethod,omitempty"`
	Status                 string      `json:"status"`
	StatusDetail           string      `json:"statusDetail,omitempty"`
	GrossAmount            json.Number `json:"grossAmount,omitempty"`
}

// EPayBLAnswer is the answer to a create or status request.
type EPayBLAnswer struct {
	GrossAmount        json.Number              `json:"grossAmount,omitempty"`
	Currency           string                   `json:"currency,omitempty"`
	PaymentInformation EPayBLPaymentInformation `json:"paymentInformation"`
}

func (e *EPayBL) transactionsURL() string {
	return e.cfg.APIURL + "/paymenttransaction/" + url.PathEscape(e.cfg.OriginatorID) + "/" + url.PathEscape(e.cfg.EndPointID)
}

// Start implements Provider.
func (e *EPayBL) Start(ctx context.Context, p Payment, req StartRequest) (string, string, error) {
	gross := json.Number(decimalEuro(p.AmountCents))
	tx := EPayBLTransaction{RequestID: p.ID, RequestTimestamp: e.now().UTC().Format(time.RFC3339), Currency: p.Currency,
		GrossAmount: gross, Purpose: p.SEPAPurpose(), Description: cut(p.Kassenzeichen+" "+p.Purpose, 250), RedirectURL: req.ReturnURL,
		// Administrative fees carry no VAT.
		Items: []EPayBLItem{{ID: "01", Reference: p.Kassenzeichen, TaxRate: "0", Quantity: 1, TotalNetAmount: gross,
			TotalTaxAmount: "0", SingleNetAmount: gross, SingleTaxAmount: "0"}}}
	tx.Requestor.Name, tx.Requestor.FirstName = req.Payer.Name, req.Payer.FirstName
	tx.Requestor.IsOrganization, tx.Requestor.OrganizationName = req.Payer.Organization != "", req.Payer.Organization
	tx.Requestor.Address.Street, tx.Requestor.Address.HouseNumber = req.Payer.Street, req.Payer.HouseNumber
	tx.Requestor.Address.PostalCode, tx.Requestor.Address.City = req.Payer.PostalCode, req.Payer.City
	body, err := json.Marshal(tx)
	if err != nil {
		return "", "", err
	}
	var out EPayBLAnswer
	if err := e.call(ctx, http.MethodPost, e.transactionsURL(), body, &out); err != nil {
		return "", "", err
	}
	pi := out.PaymentInformation
	page := pi.TransactionRedirectURL
	if page == "" {
		page = pi.TransactionURL
	}
	if pi.TransactionID == "" || page == "" {
		return "", "", fmt.Errorf("ePayBL gave no transaction or pay page")
	}
	return page, pi.TransactionID, nil
}

// VerifyNotification implements Provider: the message itself is not
// trusted; it names the transaction at most, and the status check decides.
func (e *EPayBL) VerifyNotification(ctx context.Context, p Payment, n Notification) (Result, error) {
	var hint struct {
		TransactionID      string `json:"transactionId"`
		PaymentInformation struct {
			TransactionID string `json:"transactionId"`
		} `json:"paymentInformation"`
	}
	_ = json.Unmarshal(n.Body, &hint) // a body we cannot read is just no hint
	for _, id := range []string{hint.TransactionID, hint.PaymentInformation.TransactionID, n.Form.Get("transactionId")} {
		if id != "" && id != p.ProviderRef {
			return Result{}, fmt.Errorf("%w: transaction %q", ErrRejected, id)
		}
	}
	return e.Status(ctx, p)
}

// Status implements Provider.
func (e *EPayBL) Status(ctx context.Context, p Payment) (Result, error) {
	if p.ProviderRef == "" {
		return Result{Status: StatusInitial}, nil // never reached ePayBL
	}
	var out EPayBLAnswer
	if err := e.call(ctx, http.MethodGet, e.transactionsURL()+"/"+url.PathEscape(p.ProviderRef), nil, &out); err != nil {
		return Result{}, err
	}
	pi := out.PaymentInformation
	st := Status(pi.Status)
	if st != StatusPayed && st != StatusFailed && st != StatusCanceled {
		st = StatusInitial // INITIAL, or a state we do not know: still open
	}
	res := Result{ProviderRef: pi.TransactionID, Status: st, Currency: out.Currency, Method: xbMethod(pi.PaymentMethod),
		Detail: strings.TrimSpace("ePayBL " + pi.Status + " " + pi.StatusDetail)}
	if res.ProviderRef == "" {
		res.ProviderRef = p.ProviderRef
	}
	for _, g := range []json.Number{out.GrossAmount, pi.GrossAmount} {
		if g == "" {
			continue
		}
		cents, err := parseDecimalEuro(string(g))
		if err != nil {
			return Result{}, fmt.Errorf("%w: grossAmount %q", ErrRejected, g)
		}
		res.AmountCents = cents
	}
	return res, nil
}

// call sends one API request with a DPoP-bound token, renewing the token
// once if the server refuses it and following a DPoP nonce challenge.
func (e *EPayBL) call(ctx context.Context, method, u string, body []byte, out any) error {
	for attempt := 0; ; attempt++ {
		token, nonce, err := e.accessToken(ctx)
		if err != nil {
			return err
		}
		proof, err := e.dpop.Proof(method, u, token, nonce, e.now())
		if err != nil {
			return err
		}
		req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
		if err != nil {
			return err
		}
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		req.Header.Set("Accept", "application/json")
		req.Header.Set("Authorization", "DPoP "+token)
		req.Header.Set("DPoP", proof)
		status, retry, err := e.send(req, out)
		if err == nil {
			return nil
		}
		if attempt == 0 && retry {
			if status == http.StatusUnauthorized {
				e.dropToken()
			}
			continue
		}
		return err
	}
}

// send does one request; retry reports a refused token or a new nonce.
func (e *EPayBL) send(req *http.Request, out any) (int, bool, error) {
	resp, err := e.client.Do(req)
	if err != nil {
		return 0, false, fmt.Errorf("ePayBL: %w", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return 0, false, fmt.Errorf("ePayBL: %w", err)
	}
	if n := resp.Header.Get("DPoP-Nonce"); n != "" {
		e.mu.Lock()
		e.nonce = n
		e.mu.Unlock()
	}
	if resp.StatusCode/100 != 2 {
		retry := resp.StatusCode == http.StatusUnauthorized || resp.Header.Get("DPoP-Nonce") != ""
		return resp.StatusCode, retry, fmt.Errorf("ePayBL: %s %s: %s %s", req.Method, req.URL.Path, resp.Status, cut(string(data), 200))
	}
	if err := json.Unmarshal(data, out); err != nil {
		return resp.StatusCode, false, fmt.Errorf("ePayBL: answer: %w", err)
	}
	return resp.StatusCode, false, nil
}

func (e *EPayBL) dropToken() {
	e.mu.Lock()
	e.token = ""
	e.mu.Unlock()
}

// accessToken returns a valid token (and the current nonce), fetching a
// new one with the client assertion when needed.
func (e *EPayBL) accessToken(ctx context.Context) (string, string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.token != "" && e.now().Before(e.expires) {
		return e.token, e.nonce, nil
	}
	tokenURL := e.cfg.OAuthURL + "/token"
	for attempt := 0; attempt < 2; attempt++ {
		now := e.now()
		assertion, err := e.dpop.Assertion(e.cfg.ClientID, e.cfg.OAuthURL, now)
		if err != nil {
			return "", "", err
		}
		proof, err := e.dpop.Proof(http.MethodPost, tokenURL, "", e.nonce, now)
		if err != nil {
			return "", "", err
		}
		form := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {assertion}}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, tokenURL, strings.NewReader(form.Encode()))
		if err != nil {
			return "", "", err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "application/json")
		req.Header.Set("DPoP", proof)
		resp, err := e.client.Do(req)
		if err != nil {
			return "", "", fmt.Errorf("ePayBL token: %w", err)
		}
		data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		if n := resp.Header.Get("DPoP-Nonce"); n != "" {
			e.nonce = n
			if resp.StatusCode == http.StatusBadRequest && attempt == 0 {
				continue // use_dpop_nonce: try again with the server's nonce
			}
		}
		if resp.StatusCode != http.StatusOK {
			return "", "", fmt.Errorf("ePayBL token: %s %s", resp.Status, cut(string(data), 200))
		}
		var tok struct {
			AccessToken string `json:"access_token"`
			TokenType   string `json:"token_type"`
			ExpiresIn   int    `json:"expires_in"`
		}
		if err := json.Unmarshal(data, &tok); err != nil {
			return "", "", fmt.Errorf("ePayBL token: %w", err)
		}
		if tok.AccessToken == "" || !strings.EqualFold(tok.TokenType, "DPoP") {
			return "", "", fmt.Errorf("ePayBL token: type %q, want DPoP", tok.TokenType)
		}
		e.token = tok.AccessToken
		e.expires = now.Add(time.Duration(max(tok.ExpiresIn-10, 0)) * time.Second)
		return e.token, e.nonce, nil
	}
	return "", "", fmt.Errorf("ePayBL token: nonce refused twice")
}

// parseDecimalEuro reads "30.7", "30.70" or "30" as cents.
func parseDecimalEuro(s string) (int64, error) {
	whole, frac, _ := strings.Cut(strings.TrimSpace(s), ".")
	if len(frac) > 2 || whole == "" {
		return 0, fmt.Errorf("bad amount %q", s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	var cents int64
	for _, c := range whole + frac {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("bad amount %q", s)
		}
		cents = cents*10 + int64(c-'0')
	}
	return cents, nil
}

func cut(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}
