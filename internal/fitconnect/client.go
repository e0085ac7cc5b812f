package fitconnect

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// Limits on what is read from the APIs, so a broken or hostile server
// cannot make the portal hold unbounded answers in memory.
const (
	maxJSONBody  = 16 << 20
	maxErrorBody = 64 << 10
	tokenTimeout = 30 * time.Second
)

// Config configures a Client: one sender account (OAuth client of the
// Self-Service-Portal) at one Zustelldienst.
type Config struct {
	// TokenURL is the OAuth 2.0 token endpoint, e.g.
	// https://auth-testing.fit-connect.fitko.dev/token.
	TokenURL     string
	ClientID     string
	ClientSecret string
	// Scopes are requested with the token; FIT-Connect senders usually
	// need none.
	Scopes []string
	// RoutingURL is the Routing API including its version path, e.g.
	// https://routing-api-prod.fit-connect.fitko.net/v1. Without it a
	// submission must name its DestinationID.
	RoutingURL string
	// SubmissionURL is the Zustelldienst's Submission API without the
	// version path, e.g. https://submission-api-testing.fit-connect.fitko.dev.
	// A route whose signed submissionHost is another host is refused.
	SubmissionURL string
	// Issuer is the "iss" every destinationSignature must carry, the
	// Self-Service-Portal, e.g. https://portal.auth-testing.fit-connect.fitko.dev.
	Issuer string
	// IssuerKeysURL serves the issuer's JWKS that verifies
	// destinationSignature, e.g. <Issuer>/.well-known/jwks.json.
	IssuerKeysURL string
	// TrustAnchors are the Verwaltungs-PKI root certificates every
	// destination key's x5c chain must verify to. Required.
	TrustAnchors *x509.CertPool
	// HTTPClient makes all requests; nil uses a client that follows no
	// redirects (a redirect would carry the bearer token elsewhere).
	HTTPClient *http.Client
	// Now is the clock for certificate and token checks (nil: time.Now).
	Now func() time.Time
}

// Client talks to the Routing API and one Zustelldienst. It caches its
// access token until shortly before it expires, the issuer's and the
// Zustelldienst's key sets, and verified destination signature keys. It is
// safe for concurrent use.
type Client struct {
	cfg        Config
	submission *url.URL
	plain      *http.Client // no credentials: Routing API, JWKS
	authed     *http.Client // bearer token from the token source

	issuerKeys  *keySet
	serviceKeys *keySet

	mu      sync.Mutex
	sigKeys map[string]verifiedKey // destinationID + "/" + kid
}

// New checks cfg and returns a client.
func New(cfg Config) (*Client, error) {
	var missing []string
	for name, v := range map[string]string{"TokenURL": cfg.TokenURL, "ClientID": cfg.ClientID,
		"ClientSecret": cfg.ClientSecret, "SubmissionURL": cfg.SubmissionURL} {
		if strings.TrimSpace(v) == "" {
			missing = append(missing, name)
		}
	}
	if cfg.RoutingURL != "" && (cfg.Issuer == "" || cfg.IssuerKeysURL == "") {
		missing = append(missing, "Issuer and IssuerKeysURL (needed with RoutingURL)")
	}
	if cfg.TrustAnchors == nil {
		missing = append(missing, "TrustAnchors")
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return nil, fmt.Errorf("%w: missing %s", ErrConfig, strings.Join(missing, ", "))
	}
	sub, err := url.Parse(strings.TrimSuffix(strings.TrimSuffix(cfg.SubmissionURL, "/"), "/v1"))
	if err != nil || sub.Host == "" || (sub.Scheme != "https" && sub.Scheme != "http") {
		return nil, fmt.Errorf("%w: SubmissionURL %q is not an http(s) URL", ErrConfig, cfg.SubmissionURL)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	base := cfg.HTTPClient
	if base == nil {
		base = &http.Client{}
	}
	plain := *base
	plain.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	tokenClient := plain
	tokenClient.Timeout = tokenTimeout
	cc := &clientcredentials.Config{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, TokenURL: cfg.TokenURL, Scopes: cfg.Scopes}
	// The token source keeps the token until shortly before it expires;
	// it lives as long as the client, so one token serves many requests.
	ts := cc.TokenSource(context.WithValue(context.Background(), oauth2.HTTPClient, &tokenClient))
	transport := base.Transport
	if transport == nil {
		transport = http.DefaultTransport
	}
	authed := plain
	authed.Transport = &oauth2.Transport{Source: ts, Base: transport}
	c := &Client{cfg: cfg, submission: sub, plain: &plain, authed: &authed,
		sigKeys: map[string]verifiedKey{}}
	c.issuerKeys = &keySet{url: cfg.IssuerKeysURL, client: c.plain, now: cfg.Now}
	c.serviceKeys = &keySet{url: c.submissionPath("/.well-known/jwks.json"), client: c.plain, now: cfg.Now}
	return c, nil
}

// submissionPath returns the Submission API URL of path ("/v1/...").
func (c *Client) submissionPath(path string) string {
	return strings.TrimSuffix(c.submission.String(), "/") + path
}

// SubmissionHost is the host (and port) of the configured Zustelldienst.
func (c *Client) SubmissionHost() string { return c.submission.Host }

// request sends one request and decodes a JSON answer into out (unless
// out is nil). Any status outside 2xx is an *APIError, and so is a
// refused token request.
func request(ctx context.Context, hc *http.Client, method, rawURL, contentType string, body []byte, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, rawURL, rd)
	if err != nil {
		return 0, fmt.Errorf("%w: request %s: %w", ErrConfig, rawURL, err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json, application/problem+json")
	req.Header.Set("User-Agent", "Serviceportal-FIT-Connect/1")
	resp, err := hc.Do(req)
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && re.Response != nil {
			tokenURL := ""
			if re.Response.Request != nil {
				tokenURL = re.Response.Request.URL.String()
			}
			return 0, &APIError{Method: http.MethodPost, URL: tokenURL, StatusCode: re.Response.StatusCode,
				Problem: Problem{Type: re.ErrorCode, Title: "token request refused", Detail: re.ErrorDescription}}
		}
		return 0, fmt.Errorf("fitconnect: %s %s: %w", method, rawURL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, apiError(method, rawURL, resp)
	}
	if out == nil {
		io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
		return resp.StatusCode, nil
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxJSONBody)).Decode(out); err != nil {
		return resp.StatusCode, fmt.Errorf("fitconnect: %s %s: decode answer: %w", method, rawURL, err)
	}
	return resp.StatusCode, nil
}

// apiError reads a non-2xx answer's problem+json (or the start of
// whatever else the server sent) into an *APIError.
func apiError(method, rawURL string, resp *http.Response) *APIError {
	apiErr := &APIError{Method: method, URL: rawURL, StatusCode: resp.StatusCode}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	if json.Unmarshal(b, &apiErr.Problem) != nil {
		apiErr.Problem = Problem{Detail: strings.TrimSpace(strings.ToValidUTF8(string(b[:min(len(b), 200)]), ""))}
	}
	return apiErr
}

// getJSON is a GET with the bearer token (authed) or without.
func (c *Client) getJSON(ctx context.Context, authed bool, rawURL string, out any) error {
	hc := c.plain
	if authed {
		hc = c.authed
	}
	_, err := request(ctx, hc, http.MethodGet, rawURL, "", nil, out)
	return err
}
