package catalog

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/serviceportal/serviceportal/internal/tenant"
)

// Offer is a service as one portal shows it: who handles it for the
// portal's residents, and whether that is the portal's own authority.
type Offer struct {
	Service     Service
	Responsible *tenant.Ref
	Own         bool
}

// Offers lists what a portal shows, by service name. The region shows every
// service; a municipality every service its residents can use, each with
// the authority that handles it (itself or its Kreis); a Kreis the services
// it handles itself.
func (c *Catalog) Offers(ctx context.Context, t tenant.Tenant) ([]Offer, error) {
	services, err := c.List(ctx)
	if err != nil {
		return nil, err
	}
	if t.IsRegion() {
		out := make([]Offer, len(services))
		for i, s := range services {
			out[i] = Offer{Service: s}
		}
		return out, nil
	}
	col := "r.area_tenant_id"
	if !IsMunicipality(t) {
		col = "r.tenant_id"
	}
	rows, err := c.db.Query(ctx, `SELECT DISTINCT r.service_id, rt.slug, rt.name FROM responsibilities r
		JOIN tenants rt ON rt.id = r.tenant_id WHERE `+col+` = ?`, t.ID)
	if err != nil {
		return nil, fmt.Errorf("catalog: offers: %w", err)
	}
	defer rows.Close()
	resp := map[string]*tenant.Ref{}
	for rows.Next() {
		var id string
		ref := &tenant.Ref{}
		if err := rows.Scan(&id, &ref.Slug, &ref.Name); err != nil {
			return nil, fmt.Errorf("catalog: offers: %w", err)
		}
		resp[id] = ref
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []Offer
	for _, s := range services {
		if ref, ok := resp[s.ID]; ok {
			out = append(out, Offer{Service: s, Responsible: ref, Own: ref.Slug == t.Slug})
		}
	}
	return out, nil
}

// Topic is a Themenfeld with its Lebenslagen, for browsing.
type Topic struct {
	Slug        string
	Name        string
	Lebenslagen []LifeSituation
	Count       int
}

// LifeSituation is a Lebenslage with the offers filed under it.
type LifeSituation struct {
	Name   string
	Offers []Offer
}

// Topics groups offers by Themenfeld and Lebenslage; only non-empty groups
// appear. An offer without Lebenslage is filed under "Weitere Leistungen".
func Topics(offers []Offer) []Topic {
	bySlug := map[string]*Topic{}
	var order []string
	for _, o := range offers {
		name := strings.TrimSpace(o.Service.Themenfeld)
		if name == "" {
			name = "Weitere Leistungen"
		}
		slug := TopicSlug(name)
		t, ok := bySlug[slug]
		if !ok {
			t = &Topic{Slug: slug, Name: name}
			bySlug[slug] = t
			order = append(order, slug)
		}
		t.Count++
		lls := o.Service.Lebenslagen
		if len(lls) == 0 {
			lls = []string{"Weitere Leistungen"}
		}
		for _, ll := range lls {
			i := slices.IndexFunc(t.Lebenslagen, func(l LifeSituation) bool { return l.Name == ll })
			if i < 0 {
				t.Lebenslagen = append(t.Lebenslagen, LifeSituation{Name: ll})
				i = len(t.Lebenslagen) - 1
			}
			t.Lebenslagen[i].Offers = append(t.Lebenslagen[i].Offers, o)
		}
	}
	out := make([]Topic, 0, len(order))
	for _, s := range order {
		t := bySlug[s]
		slices.SortFunc(t.Lebenslagen, func(a, b LifeSituation) int { return strings.Compare(a.Name, b.Name) })
		out = append(out, *t)
	}
	slices.SortFunc(out, func(a, b Topic) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// TopicSlug makes a URL segment of a Themenfeld name:
// "Familie & Kind" → "familie-kind".
func TopicSlug(name string) string {
	return strings.ReplaceAll(foldQuery(name), " ", "-")
}
