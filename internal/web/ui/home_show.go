package ui

import (
	"net/http"

	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/tenant"
	"github.com/serviceportal/serviceportal/internal/web/page"
	"github.com/serviceportal/serviceportal/internal/web/request"
)

// regionHome is the regional portal's start page.
type regionHome struct {
	Topics      []catalog.Topic
	Authorities []tenant.Tenant
	Groups      []tenantGroup
	Operators   []operatorTenants
}

type tenantGroup struct {
	ID      string
	Heading string
	Tenants []tenant.Tenant
}

type operatorTenants struct {
	Operator tenant.Operator
	Tenants  []string
}

// tenantHome is a city's or Kreis's start page.
type tenantHome struct {
	Parent   *tenant.Ref
	Children []tenant.Tenant
	Topics   []catalog.Topic
	// Online are the services its residents can apply for online here.
	Online []catalog.Offer
}

func (h *Handler) homeShow(w http.ResponseWriter, r *http.Request) {
	info := request.From(r)
	if info.Tenant.IsRegion() {
		h.regionHomeShow(w, r)
		return
	}
	v := tenantHome{}
	if p := info.Tenant.Parent; p != nil && p.Slug != info.Region.Slug {
		v.Parent = p
	}
	offers, err := h.catalog.Offers(r.Context(), info.Tenant)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	v.Topics = catalog.Topics(offers)
	for _, o := range offers {
		if o.Own && o.Service.Kind == catalog.KindOnline {
			v.Online = append(v.Online, o)
		}
	}
	if info.Tenant.Kind == tenant.KindKreis {
		kids, err := h.dir.Children(r.Context(), info.Tenant.ID)
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		v.Children = kids
	}
	h.pages.Render(w, r, http.StatusOK, "tenant_home", page.Data{View: v})
}

func (h *Handler) regionHomeShow(w http.ResponseWriter, r *http.Request) {
	all, err := h.dir.List(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	ops, err := h.dir.Operators(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	region := request.From(r).Tenant
	offers, err := h.catalog.Offers(r.Context(), region)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	v := regionHome{Topics: catalog.Topics(offers)}
	kreise := map[string]*tenantGroup{}
	var groups []*tenantGroup
	free := &tenantGroup{ID: "kreisfrei", Heading: "Kreisfreie Städte"}
	for _, t := range all {
		if t.IsRegion() {
			continue
		}
		v.Authorities = append(v.Authorities, t)
		switch {
		case t.Kind == tenant.KindKreis:
			g := &tenantGroup{ID: t.Slug, Heading: t.Name + " und seine Städte", Tenants: []tenant.Tenant{t}}
			kreise[t.Slug] = g
			groups = append(groups, g)
		case t.Parent != nil && t.Parent.Slug != region.Slug:
			if g, ok := kreise[t.Parent.Slug]; ok {
				g.Tenants = append(g.Tenants, t)
			}
		default:
			free.Tenants = append(free.Tenants, t)
		}
	}
	for _, g := range append(groups, free) {
		if len(g.Tenants) > 0 {
			v.Groups = append(v.Groups, *g)
		}
	}
	for _, o := range ops {
		ot := operatorTenants{Operator: o}
		for _, t := range v.Authorities {
			if t.Operator.ID == o.ID {
				ot.Tenants = append(ot.Tenants, t.ShortName)
			}
		}
		v.Operators = append(v.Operators, ot)
	}
	h.pages.Render(w, r, http.StatusOK, "region_home", page.Data{View: v})
}
