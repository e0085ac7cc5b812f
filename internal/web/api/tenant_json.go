package api

import "github.com/serviceportal/serviceportal/internal/tenant"

// tenantJSON is a tenant as the API shows it.
type tenantJSON struct {
	Slug       string         `json:"slug"`
	Name       string         `json:"name"`
	ShortName  string         `json:"short_name"`
	Kind       tenant.Kind    `json:"kind"`
	KindLabel  string         `json:"kind_label"`
	AGS        string         `json:"ags,omitempty"`
	ARS        string         `json:"ars,omitempty"`
	Parent     *tenant.Ref    `json:"parent"`
	Operator   operatorJSON   `json:"operator"`
	Population int            `json:"population"`
	Hosts      []string       `json:"hosts"`
	PortalURL  string         `json:"portal_url"`
	Postcodes  []string       `json:"postcodes"`
	Address    tenant.Address `json:"address"`
	Website    string         `json:"website,omitempty"`
}

type operatorJSON struct {
	Slug      string `json:"slug"`
	Name      string `json:"name"`
	ShortName string `json:"short_name"`
}

func (h *Handler) toJSON(t tenant.Tenant) tenantJSON {
	portal := h.baseURL + "/"
	if !t.IsRegion() {
		portal += t.Slug + "/"
	}
	j := tenantJSON{
		Slug: t.Slug, Name: t.Name, ShortName: t.ShortName, Kind: t.Kind, KindLabel: t.Kind.Label(),
		AGS: t.AGS, ARS: t.ARS, Parent: t.Parent,
		Operator:   operatorJSON{Slug: t.Operator.Slug, Name: t.Operator.Name, ShortName: t.Operator.ShortName},
		Population: t.Population, Hosts: t.Hosts, PortalURL: portal, Postcodes: t.Postcodes,
		Address: t.Address, Website: t.Website,
	}
	if j.Hosts == nil {
		j.Hosts = []string{}
	}
	if j.Postcodes == nil {
		j.Postcodes = []string{}
	}
	return j
}
