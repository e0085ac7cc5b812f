package catalog

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"
)

// ServiceFile is the readable catalogue file kept in the repository
// (data/services.json): the region's services and their descriptions.
type ServiceFile struct {
	Source   string        `json:"source"`
	Services []ServiceJSON `json:"services"`
}

// ServiceJSON is one service in a ServiceFile.
type ServiceJSON struct {
	Slug           string   `json:"slug"`
	LeiKa          string   `json:"leika"`
	Local          bool     `json:"local"`
	Name           string   `json:"name"`
	LeiKaName      string   `json:"leika_name"`
	Summary        string   `json:"summary"`
	Kind           Kind     `json:"kind"`
	ExternalURL    string   `json:"external_url"`
	ExternalPortal string   `json:"external_portal"`
	Level          Level    `json:"level"`
	Themenfeld     string   `json:"themenfeld"`
	Lebenslagen    []string `json:"lebenslagen"`
	Keywords       []string `json:"keywords"`
	Office         string   `json:"office"`
	OnlineForm     string   `json:"online_form"`
	MinTrustLevel  string   `json:"min_trust_level"`
	Fee            Fee      `json:"fee"`
	Modules        Modules  `json:"modules"`
}

var (
	serviceSlugRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	trustLevels   = map[string]bool{"": true, "basis": true, "substanziell": true, "hoch": true}
	feeKinds      = map[string]bool{"free": true, "fixed": true, "varies": true}
)

// ParseServiceFile reads and validates a catalogue file, reporting every
// problem at once.
func ParseServiceFile(r io.Reader) (ServiceFile, error) {
	var f ServiceFile
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return f, fmt.Errorf("catalog: service file: %w", err)
	}
	return f, f.Validate()
}

// Validate checks slugs, keys, kinds and links.
func (f ServiceFile) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	slugs, keys := map[string]bool{}, map[string]bool{}
	for _, s := range f.Services {
		id := s.Slug
		if !serviceSlugRe.MatchString(s.Slug) || slugs[s.Slug] {
			bad("service %q: slug missing, malformed or repeated", id)
		}
		slugs[s.Slug] = true
		switch {
		case s.LeiKa == "" && !s.Local:
			bad("service %q: a service without LeiKa key must be marked local", id)
		case s.LeiKa != "" && !ValidLeiKa(s.LeiKa):
			bad("service %q: LeiKa key %q does not match ^99\\d{12}$", id, s.LeiKa)
		case s.LeiKa != "" && keys[s.LeiKa]:
			bad("service %q: LeiKa key %s used twice", id, s.LeiKa)
		}
		keys[s.LeiKa] = true
		if strings.TrimSpace(s.Name) == "" || strings.TrimSpace(s.Summary) == "" || strings.TrimSpace(s.Modules.Volltext) == "" {
			bad("service %q: name, summary and volltext are required", id)
		}
		switch s.Kind {
		case KindOnline:
			if s.OnlineForm == "" {
				bad("service %q: an online service needs online_form", id)
			}
		case KindExternal:
			if s.ExternalURL == "" {
				bad("service %q: an external service needs external_url", id)
			}
		case KindInfo:
		default:
			bad("service %q: unknown kind %q", id, s.Kind)
		}
		// An online service may carry the link too: its page shows it
		// wherever the city has not adopted the form.
		if s.ExternalURL != "" {
			u, err := url.Parse(strings.NewReplacer("{ags}", "0", "{ars}", "0", "{leika}", "0").Replace(s.ExternalURL))
			if err != nil || u.Scheme != "https" || u.Host == "" {
				bad("service %q: external_url must be an https link template, got %q", id, s.ExternalURL)
			}
			if strings.Contains(s.ExternalURL, "{leika}") && s.LeiKa == "" {
				bad("service %q: external_url uses {leika} but the service has no LeiKa key; write the key into the link", id)
			}
		}
		if s.Level != LevelGemeinde && s.Level != LevelKreis {
			bad("service %q: level must be gemeinde or kreis, got %q", id, s.Level)
		}
		if !trustLevels[s.MinTrustLevel] {
			bad("service %q: unknown trust level %q", id, s.MinTrustLevel)
		}
		if !feeKinds[s.Fee.Kind] || (s.Fee.Kind == "fixed" && s.Fee.AmountCents <= 0) || s.Fee.AmountCents < 0 {
			bad("service %q: fee kind %q with amount %d is inconsistent", id, s.Fee.Kind, s.Fee.AmountCents)
		}
		if d := s.Modules.Bearbeitungsdauer; d.Unit != "" {
			if _, ok := unitLabels[d.Unit]; !ok || d.Min < 0 || d.Max < d.Min {
				bad("service %q: processing duration %+v is invalid", id, d)
			}
		}
	}
	if len(f.Services) == 0 {
		bad("the file lists no services")
	}
	return errors.Join(errs...)
}
