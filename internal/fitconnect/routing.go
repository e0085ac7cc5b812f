package fitconnect

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// Identifier prefixes of the signed addressing information
// (https://schema.fitko.de/fit-connect/xzufi/destination.schema.json;
// example in routing-api.yaml, route.destinationSignature).
const (
	LeikaURNPrefix = "urn:de:fim:leika:leistung:"
	ARSURNPrefix   = "urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:rs:"
)

// Parameter patterns of GET /routes (routing-api.yaml 2.0.0).
var (
	leikaKeyPattern = regexp.MustCompile(`^99\d{12}$`)
	arsPattern      = regexp.MustCompile(`^(\d{2}|\d{3}|\d{5}|\d{9}|\d{12})$`)
)

// maxRoutes bounds paging through /routes (the API's own maximum page).
const maxRoutes = 500

// Route is one answer of the Routing API whose destinationSignature has
// been verified.
type Route struct {
	DestinationID        string `json:"destinationId"`
	DestinationSignature string `json:"destinationSignature"`
	DestinationName      string `json:"destinationName"`
	DestinationShortName string `json:"destinationShortName"`
	// SubmissionHost is taken from the verified signature.
	SubmissionHost string `json:"-"`
}

// addressing is the payload of a destinationSignature.
type addressing struct {
	SubmissionHost string `json:"submissionHost"`
	Issuer         string `json:"iss"`
	Services       []struct {
		GebietIDs   []string `json:"gebietIDs"`
		LeistungIDs []string `json:"leistungIDs"`
	} `json:"services"`
	DestinationID string `json:"destinationId"`
	IssuedAt      int64  `json:"iat"`
}

// Routes asks the Routing API for the destinations responsible for the
// service leikaKey in the area ars and verifies every destinationSignature
// (see package doc). One route that fails verification fails the call
// with ErrSignature: a forged route must never be skipped silently.
func (c *Client) Routes(ctx context.Context, leikaKey, ars string) ([]Route, error) {
	if c.cfg.RoutingURL == "" {
		return nil, fmt.Errorf("%w: no RoutingURL", ErrConfig)
	}
	if !leikaKeyPattern.MatchString(leikaKey) {
		return nil, fmt.Errorf("%w: Leistungsschlüssel %q must match ^99\\d{12}$", ErrInvalid, leikaKey)
	}
	if !arsPattern.MatchString(ars) {
		return nil, fmt.Errorf("%w: ARS %q must have 2, 3, 5, 9 or 12 digits", ErrInvalid, ars)
	}
	var routes []Route
	for offset := 0; offset < maxRoutes; {
		q := url.Values{"leikaKey": {leikaKey}, "ars": {ars}, "offset": {strconv.Itoa(offset)}, "limit": {"100"}}
		var page struct {
			Count      int     `json:"count"`
			TotalCount int     `json:"totalCount"`
			Routes     []Route `json:"routes"`
		}
		if err := c.getJSON(ctx, false, strings.TrimSuffix(c.cfg.RoutingURL, "/")+"/routes?"+q.Encode(), &page); err != nil {
			return nil, err
		}
		routes = append(routes, page.Routes...)
		offset += len(page.Routes)
		if len(page.Routes) == 0 || offset >= page.TotalCount {
			break
		}
	}
	for i := range routes {
		host, err := c.verifyRoute(ctx, routes[i], leikaKey, ars)
		if err != nil {
			return nil, err
		}
		routes[i].SubmissionHost = host
	}
	return routes, nil
}

// Route returns the one verified route to destinationID, or the only
// route if destinationID is empty. No route, or several without a choice,
// is ErrNoRoute.
func (c *Client) Route(ctx context.Context, leikaKey, ars, destinationID string) (Route, error) {
	routes, err := c.Routes(ctx, leikaKey, ars)
	if err != nil {
		return Route{}, err
	}
	var match []Route
	for _, r := range routes {
		if destinationID == "" || strings.EqualFold(r.DestinationID, destinationID) {
			match = append(match, r)
		}
	}
	switch {
	case len(match) == 0 && destinationID != "":
		return Route{}, fmt.Errorf("%w: destination %s is not responsible for %s in %s", ErrNoRoute, destinationID, leikaKey, ars)
	case len(match) == 0:
		return Route{}, fmt.Errorf("%w: no destination for %s in %s", ErrNoRoute, leikaKey, ars)
	case len(match) > 1:
		return Route{}, fmt.Errorf("%w: %d destinations for %s in %s; configure the destination id", ErrNoRoute, len(match), leikaKey, ars)
	}
	if match[0].SubmissionHost != c.SubmissionHost() {
		return Route{}, fmt.Errorf("%w: destination %s is served by %s, not by the configured %s", ErrSignature,
			match[0].DestinationID, match[0].SubmissionHost, c.SubmissionHost())
	}
	return match[0], nil
}

// verifyRoute checks r's destinationSignature and returns its
// submissionHost.
func (c *Client) verifyRoute(ctx context.Context, r Route, leikaKey, ars string) (string, error) {
	bad := func(format string, args ...any) (string, error) {
		return "", fmt.Errorf("%w: destinationSignature of %s: "+format, append([]any{ErrSignature, r.DestinationID}, args...)...)
	}
	jws, err := jose.ParseSignedCompact(r.DestinationSignature, []jose.SignatureAlgorithm{jose.PS512})
	if err != nil {
		return bad("%v", err)
	}
	if len(jws.Signatures) != 1 || jws.Signatures[0].Protected.KeyID == "" {
		return bad("no kid")
	}
	key, err := c.issuerKeys.key(ctx, jws.Signatures[0].Protected.KeyID)
	if err != nil {
		return bad("%v", err)
	}
	payload, err := jws.Verify(key.pub)
	if err != nil {
		return bad("%v", err)
	}
	var a addressing
	if err := json.Unmarshal(payload, &a); err != nil {
		return bad("payload: %v", err)
	}
	switch {
	case a.Issuer != c.cfg.Issuer:
		return bad("issuer %q, want %q", a.Issuer, c.cfg.Issuer)
	case !strings.EqualFold(a.DestinationID, r.DestinationID):
		return bad("signed for destination %s", a.DestinationID)
	case a.SubmissionHost == "":
		return bad("no submissionHost")
	case a.IssuedAt > c.cfg.Now().Add(5*time.Minute).Unix():
		return bad("issued in the future")
	case !a.covers(leikaKey, ars):
		return bad("does not cover service %s in area %s", leikaKey, ars)
	}
	return a.SubmissionHost, nil
}

// covers reports whether one signed service entry names the service and
// an area that is ars or contains it. A Kreis (5 digits) is responsible
// for its municipalities, so a signed prefix of the requested ARS at an
// ARS level boundary counts.
func (a addressing) covers(leikaKey, ars string) bool {
	for _, s := range a.Services {
		if !slices.Contains(s.LeistungIDs, LeikaURNPrefix+leikaKey) {
			continue
		}
		for _, g := range s.GebietIDs {
			area, ok := strings.CutPrefix(g, ARSURNPrefix)
			if ok && arsPattern.MatchString(area) && strings.HasPrefix(ars, area) {
				return true
			}
		}
	}
	return false
}
