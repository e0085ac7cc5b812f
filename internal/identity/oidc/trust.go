package oidc

import (
	"fmt"
	"strings"

	"github.com/serviceportal/serviceportal/internal/identity"
)

// BundID asserts the level of a login as a STORK QAA level, in SAML as
// AuthnContextClassRef and as the attribute EID-CITIZEN-QAA-LEVEL
// (urn:oid:1.2.40.0.10.2.1.1.261.94) with the values STORK-QAA-Level-1 to
// STORK-QAA-Level-4 (reference/standards.md §5.2): level 1 is the
// Basisregistrierung (user name and password, "normal"), level 3
// "substanziell" (ELSTER certificate, some EU eIDs), level 4 "hoch"
// (Online-Ausweis, eAT, Unionsbürgerkarte). An OIDC front such as Keycloak
// with a BundID broker hands the value on, usually as the acr claim.
// Level 2 is not used by BundID; it maps down to Basis, never up.
var storkLevels = map[string]identity.TrustLevel{
	"stork-qaa-level-1": identity.TrustBasis,
	"stork-qaa-level-2": identity.TrustBasis,
	"stork-qaa-level-3": identity.TrustSubstanziell,
	"stork-qaa-level-4": identity.TrustHoch,
	"1":                 identity.TrustBasis,
	"2":                 identity.TrustBasis,
	"3":                 identity.TrustSubstanziell,
	"4":                 identity.TrustHoch,
	// eIDAS levels of assurance, as EU eIDs through BundID carry them.
	"http://eidas.europa.eu/loa/low":         identity.TrustBasis,
	"http://eidas.europa.eu/loa/substantial": identity.TrustSubstanziell,
	"http://eidas.europa.eu/loa/high":        identity.TrustHoch,
	// The German names, for fronts that map to them.
	"normal":       identity.TrustBasis,
	"basis":        identity.TrustBasis,
	"low":          identity.TrustBasis,
	"substanziell": identity.TrustSubstanziell,
	"substantiell": identity.TrustSubstanziell,
	"substantial":  identity.TrustSubstanziell,
	"hoch":         identity.TrustHoch,
	"high":         identity.TrustHoch,
}

// TrustFromClaim maps a trust-level claim value (a string, a number, or a
// list whose highest known entry counts) to a level; unknown values give
// identity.TrustNone.
func TrustFromClaim(v any) identity.TrustLevel {
	switch x := v.(type) {
	case string:
		return storkLevels[strings.ToLower(strings.TrimSpace(x))]
	case float64:
		return storkLevels[fmt.Sprint(int(x))]
	case []any:
		best := identity.TrustNone
		for _, e := range x {
			if l := TrustFromClaim(e); l.Rank() > best.Rank() {
				best = l
			}
		}
		return best
	}
	return identity.TrustNone
}

// acrValue is what the portal asks for (acr_values) when a service needs
// a minimum level: the STORK name BundID understands.
func acrValue(l identity.TrustLevel) string {
	switch l {
	case identity.TrustSubstanziell:
		return "STORK-QAA-Level-3"
	case identity.TrustHoch:
		return "STORK-QAA-Level-4"
	}
	return ""
}
