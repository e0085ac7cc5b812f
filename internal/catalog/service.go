// Package catalog is the service catalogue: the LeiKa and OZG catalogues,
// the region's services with their XZuFi-style descriptions, the
// Zuständigkeit of each tenant, and German full-text search over them.
package catalog

import (
	"regexp"
	"strconv"
	"strings"
)

// Kind says how a citizen uses a service.
type Kind string

// The kinds of service.
const (
	// KindOnline has an online form in this portal.
	KindOnline Kind = "online"
	// KindExternal runs on a state or federal portal the catalogue links to.
	KindExternal Kind = "external"
	// KindInfo is information only, e.g. a service that needs a visit.
	KindInfo Kind = "info"
)

// Level says which kind of authority is responsible.
type Level string

// The responsibility levels.
const (
	// LevelGemeinde services are handled by each city (kreisfreie too).
	LevelGemeinde Level = "gemeinde"
	// LevelKreis services are handled by the Kreis for its cities and by
	// kreisfreie Städte for themselves.
	LevelKreis Level = "kreis"
)

// Duration is a processing time range as XZuFi and FIT-Connect give it.
type Duration struct {
	Min  int    `json:"min"`
	Max  int    `json:"max"`
	Unit string `json:"unit"`
}

var unitLabels = map[string][2]string{
	"minute": {"Minute", "Minuten"}, "hour": {"Stunde", "Stunden"}, "day": {"Tag", "Tage"},
	"workday": {"Werktag", "Werktage"}, "week": {"Woche", "Wochen"}, "month": {"Monat", "Monate"}, "year": {"Jahr", "Jahre"},
}

// Label renders the duration in German, e.g. "1 bis 2 Wochen".
func (d Duration) Label() string {
	u, ok := unitLabels[d.Unit]
	if !ok || d.Max <= 0 {
		return ""
	}
	word := u[1]
	if d.Max == 1 {
		word = u[0]
	}
	if d.Min > 0 && d.Min != d.Max {
		return strconv.Itoa(d.Min) + " bis " + strconv.Itoa(d.Max) + " " + word
	}
	return strconv.Itoa(d.Max) + " " + word
}

// Modules are the description modules of a service, as XZuFi names them.
type Modules struct {
	Volltext          string   `json:"volltext"`
	Voraussetzungen   string   `json:"voraussetzungen"`
	Unterlagen        []string `json:"unterlagen"`
	Kosten            string   `json:"kosten"`
	Fristen           string   `json:"fristen"`
	Bearbeitungsdauer Duration `json:"bearbeitungsdauer"`
	Rechtsgrundlage   string   `json:"rechtsgrundlage"`
	Hinweise          string   `json:"hinweise"`
	Formulare         string   `json:"formulare"`
}

// Fee is what a service costs.
type Fee struct {
	Kind        string `json:"kind"`
	AmountCents int64  `json:"amount_cents"`
	Text        string `json:"text"`
}

// Service is one Leistung of the catalogue.
type Service struct {
	ID             string
	Slug           string
	LeiKa          string
	Local          bool
	Name           string
	LeiKaName      string
	Summary        string
	Kind           Kind
	ExternalURL    string
	ExternalPortal string
	Level          Level
	Themenfeld     string
	Lebenslagen    []string
	Keywords       []string
	Office         string
	OnlineForm     string
	MinTrustLevel  string
	Fee            Fee
	Modules        Modules
}

var leikaRe = regexp.MustCompile(`^99\d{12}$`)

// ValidLeiKa reports whether key is a well-formed LeiKa Leistungsschlüssel.
func ValidLeiKa(key string) bool { return leikaRe.MatchString(key) }

// ExternalLink fills the service's link template with the tenant's keys.
func (s Service) ExternalLink(ags, ars string) string {
	if s.ExternalURL == "" {
		return ""
	}
	return strings.NewReplacer("{ags}", ags, "{ars}", ars, "{leika}", s.LeiKa).Replace(s.ExternalURL)
}
