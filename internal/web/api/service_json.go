package api

import (
	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/tenant"
)

// serviceJSON is a service as the API shows it.
type serviceJSON struct {
	ID             string          `json:"id"`
	Slug           string          `json:"slug"`
	LeiKa          string          `json:"leika_key,omitempty"`
	Local          bool            `json:"local"`
	Name           string          `json:"name"`
	LeiKaName      string          `json:"leika_name,omitempty"`
	Summary        string          `json:"summary"`
	Kind           catalog.Kind    `json:"kind"`
	ExternalPortal string          `json:"external_portal,omitempty"`
	ExternalURL    string          `json:"external_url,omitempty"`
	Level          catalog.Level   `json:"level"`
	Themenfeld     string          `json:"themenfeld"`
	Lebenslagen    []string        `json:"lebenslagen"`
	MinTrustLevel  string          `json:"min_trust_level,omitempty"`
	Fee            catalog.Fee     `json:"fee"`
	Modules        catalog.Modules `json:"modules"`
	Responsible    *tenant.Ref     `json:"responsible,omitempty"`
	URL            string          `json:"url,omitempty"`
}

func toServiceJSON(s catalog.Service) serviceJSON {
	ll := s.Lebenslagen
	if ll == nil {
		ll = []string{}
	}
	return serviceJSON{
		ID: s.ID, Slug: s.Slug, LeiKa: s.LeiKa, Local: s.Local, Name: s.Name, LeiKaName: s.LeiKaName,
		Summary: s.Summary, Kind: s.Kind, ExternalPortal: s.ExternalPortal, ExternalURL: s.ExternalURL,
		Level: s.Level, Themenfeld: s.Themenfeld, Lebenslagen: ll, MinTrustLevel: s.MinTrustLevel,
		Fee: s.Fee, Modules: s.Modules,
	}
}
