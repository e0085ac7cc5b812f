// Package tenant knows the region's operators (kommunale Rechenzentren) and
// tenants (Gebietskörperschaften): their hierarchy, keys, host names and the
// places they serve, and resolves a request's host or path to its tenant.
package tenant

// Kind is a tenant's kind of Gebietskörperschaft.
type Kind string

// The kinds of tenant. A region groups authorities; a Kreis has
// kreisangehörige cities under it; a kreisfreie Stadt does both jobs.
const (
	KindRegion             Kind = "region"
	KindKreis              Kind = "kreis"
	KindKreisfreieStadt    Kind = "kreisfreie_stadt"
	KindGrosseKrAngStadt   Kind = "grosse_kreisangehoerige_stadt"
	KindMittlereKrAngStadt Kind = "mittlere_kreisangehoerige_stadt"
	KindKrAngGemeinde      Kind = "kreisangehoerige_gemeinde"
)

var kindLabels = map[Kind]string{
	KindRegion:             "Region",
	KindKreis:              "Kreis",
	KindKreisfreieStadt:    "Kreisfreie Stadt",
	KindGrosseKrAngStadt:   "Große kreisangehörige Stadt",
	KindMittlereKrAngStadt: "Mittlere kreisangehörige Stadt",
	KindKrAngGemeinde:      "Kreisangehörige Gemeinde",
}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { _, ok := kindLabels[k]; return ok }

// Label is the kind's German name.
func (k Kind) Label() string { return kindLabels[k] }

// Operator is a kommunales Rechenzentrum that runs tenants.
type Operator struct {
	ID        string
	Slug      string
	Name      string
	ShortName string
	Website   string
}

// Address is a postal address.
type Address struct {
	Street   string
	Postcode string
	City     string
}

// Ref names another tenant briefly, e.g. a parent.
type Ref struct {
	Slug string
	Name string
}

// Tenant is a Gebietskörperschaft (or the region) with its own portal.
type Tenant struct {
	ID        string
	Slug      string
	Name      string
	ShortName string
	Kind      Kind
	// Code prefixes the tenant's tracking numbers, e.g. DOR-2026-004711.
	Code string
	// AGS is the 8-digit Amtlicher Gemeindeschlüssel; empty for the region.
	AGS string
	// ARS is the 12-digit Amtlicher Regionalschlüssel FIT-Connect routes by.
	ARS                  string
	Parent               *Ref
	Operator             Operator
	Population           int
	PopulationDate       string
	Color                string
	Address              Address
	Phone                string
	Email                string
	Website              string
	SupervisoryAuthority string
	Hosts                []string
	Postcodes            []string
	Places               []string
}

// IsRegion reports whether t is the regional portal.
func (t Tenant) IsRegion() bool { return t.Kind == KindRegion }
