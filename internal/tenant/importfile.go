package tenant

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// RegionFile is the readable seed file of a region: its operators and
// tenants, as kept in the repository (internal/seed/data).
type RegionFile struct {
	Source    string         `json:"source"`
	Operators []OperatorFile `json:"operators"`
	Tenants   []TenantFile   `json:"tenants"`
}

// OperatorFile is one operator in a RegionFile.
type OperatorFile struct {
	Slug      string `json:"slug"`
	Name      string `json:"name"`
	ShortName string `json:"short_name"`
	Website   string `json:"website"`
}

// TenantFile is one tenant in a RegionFile; parent and operator are slugs.
type TenantFile struct {
	Slug           string   `json:"slug"`
	Name           string   `json:"name"`
	ShortName      string   `json:"short_name"`
	Kind           Kind     `json:"kind"`
	Code           string   `json:"code"`
	AGS            string   `json:"ags"`
	ARS            string   `json:"ars"`
	Parent         string   `json:"parent"`
	Operator       string   `json:"operator"`
	Population     int      `json:"population"`
	PopulationDate string   `json:"population_date"`
	Hosts          []string `json:"hosts"`
	Postcodes      []string `json:"postcodes"`
	Places         []string `json:"places"`
	Color          string   `json:"color"`
	Address        struct {
		Street   string `json:"street"`
		Postcode string `json:"postcode"`
		City     string `json:"city"`
	} `json:"address"`
	Phone                string `json:"phone"`
	Email                string `json:"email"`
	Website              string `json:"website"`
	SupervisoryAuthority string `json:"supervisory_authority"`
}

var (
	slugRe     = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	codeRe     = regexp.MustCompile(`^[A-Z]{3}$`)
	agsRe      = regexp.MustCompile(`^\d{8}$`)
	arsRe      = regexp.MustCompile(`^\d{12}$`)
	plzRe      = regexp.MustCompile(`^\d{5}$`)
	colorRe    = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)
	hostnameRe = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$`)
)

// ReservedSlugs are path segments the portal uses itself, so no tenant may
// take them as its path prefix.
var ReservedSlugs = map[string]bool{
	"api": true, "static": true, "healthz": true, "readyz": true, "metrics": true,
	"orte": true, "impressum": true, "datenschutz": true, "barrierefreiheit": true,
	"brand": true, "favicon.ico": true, "robots.txt": true,
}

// ParseRegionFile reads and validates a region file. Every problem found is
// reported, not only the first, so an operator fixes the file in one go.
func ParseRegionFile(r io.Reader) (RegionFile, error) {
	var f RegionFile
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return f, fmt.Errorf("tenant: region file: %w", err)
	}
	return f, f.Validate()
}

// Validate checks keys, references and formats.
func (f RegionFile) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	ops := map[string]bool{}
	for _, o := range f.Operators {
		if !slugRe.MatchString(o.Slug) || ops[o.Slug] {
			bad("operator %q: slug missing, malformed or repeated", o.Slug)
		}
		if strings.TrimSpace(o.Name) == "" {
			bad("operator %q: name missing", o.Slug)
		}
		ops[o.Slug] = true
	}
	slugs, codes, hosts := map[string]Kind{}, map[string]bool{}, map[string]bool{}
	for _, t := range f.Tenants {
		slugs[t.Slug] = t.Kind
	}
	regions := 0
	for _, t := range f.Tenants {
		id := t.Slug
		switch {
		case !slugRe.MatchString(t.Slug):
			bad("tenant %q: slug must be lower-case letters, digits and hyphens", id)
		case ReservedSlugs[t.Slug]:
			bad("tenant %q: slug is reserved by the portal", id)
		}
		if strings.TrimSpace(t.Name) == "" || strings.TrimSpace(t.ShortName) == "" {
			bad("tenant %q: name and short_name are required", id)
		}
		if !t.Kind.Valid() {
			bad("tenant %q: unknown kind %q", id, t.Kind)
		}
		if !codeRe.MatchString(t.Code) || codes[t.Code] {
			bad("tenant %q: code must be three capital letters and unique, got %q", id, t.Code)
		}
		codes[t.Code] = true
		if !ops[t.Operator] {
			bad("tenant %q: unknown operator %q", id, t.Operator)
		}
		if t.Kind == KindRegion {
			regions++
			if t.Parent != "" || t.AGS != "" || t.ARS != "" {
				bad("tenant %q: a region has no parent, AGS or ARS", id)
			}
		} else {
			if !agsRe.MatchString(t.AGS) {
				bad("tenant %q: AGS must have 8 digits, got %q", id, t.AGS)
			} else if !arsRe.MatchString(t.ARS) || ARSFromAGS(t.AGS, t.Kind) != t.ARS {
				bad("tenant %q: ARS %q does not fit AGS %s (want %s)", id, t.ARS, t.AGS, ARSFromAGS(t.AGS, t.Kind))
			}
			if _, ok := slugs[t.Parent]; !ok || t.Parent == t.Slug {
				bad("tenant %q: unknown parent %q", id, t.Parent)
			}
		}
		for _, h := range t.Hosts {
			if !hostnameRe.MatchString(h) || hosts[h] {
				bad("tenant %q: host %q malformed or used twice", id, h)
			}
			hosts[h] = true
		}
		for _, p := range t.Postcodes {
			if !plzRe.MatchString(p) {
				bad("tenant %q: postcode %q must have 5 digits", id, p)
			}
		}
		if t.Color != "" && !colorRe.MatchString(t.Color) {
			bad("tenant %q: color must look like #00508c, got %q", id, t.Color)
		}
	}
	if regions != 1 {
		bad("the file needs exactly one tenant of kind region, found %d", regions)
	}
	return errors.Join(errs...)
}

// ARSFromAGS derives the 12-digit Regionalschlüssel from the 8-digit
// Gemeindeschlüssel as NRW builds it: a Kreis or kreisfreie Stadt fills the
// Gemeindeverband and Gemeinde with zeros; a kreisangehörige Stadt that
// belongs to no Gemeindeverband repeats its Gemeinde number as the verband.
func ARSFromAGS(ags string, kind Kind) string {
	if len(ags) != 8 {
		return ""
	}
	switch kind {
	case KindKreis, KindKreisfreieStadt:
		return ags[:5] + "0000000"
	default:
		return ags[:5] + "0" + ags[5:8] + ags[5:8]
	}
}
