package seed

import (
	"context"
	"fmt"

	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/form"
	"github.com/serviceportal/serviceportal/internal/tenant"
)

// cityBuilt are the services a city built itself, with the cities that
// adopted them; the region published the others for everyone. So the demo
// shows re-use: Gladbeck can adopt Dorsten's Hundeanmeldung, and the other
// cities Gladbeck's Gewerbeanmeldung (where they have not adopted it, its
// page links to the Wirtschafts-Service-Portal.NRW).
var cityBuilt = map[string]struct {
	owner    string
	adopters []string
}{
	"hundeanmeldung":   {"dorsten", []string{"dorsten", "marl"}},
	"hundeabmeldung":   {"dorsten", []string{"dorsten", "marl"}},
	"gewerbeanmeldung": {"gladbeck", []string{"gladbeck"}},
}

// localContacts are the phone and e-mail some cities set on their
// offering; the Gewerbeamt's go into the XGewerbeanzeige it sends.
var localContacts = map[string]map[string][2]string{
	"gewerbeanmeldung": {"gladbeck": {"02043 99-0", "gewerbe@gladbeck.example"}},
}

// localFees are fees some cities set on their offering (the catalogue
// says "varies"): Recklinghausen charges 30,70 € for the Bewohnerparkausweis,
// paid online before submitting.
var localFees = map[string]map[string]int64{
	"bewohnerparkausweis": {"recklinghausen": 3070},
}

// Templates publishes the shipped forms as templates and lets the
// municipalities adopt them, where that has not happened yet.
func Templates(ctx context.Context, cat *catalog.Catalog, dir *tenant.Directory) (int, error) {
	tenants, err := dir.List(ctx)
	if err != nil {
		return 0, err
	}
	bySlug := map[string]tenant.Tenant{}
	var region tenant.Tenant
	for _, t := range tenants {
		bySlug[t.Slug] = t
		if t.IsRegion() {
			region = t
		}
	}
	adopted := 0
	for _, id := range form.BuiltinIDs() {
		svc, err := cat.BySlug(ctx, id)
		if err != nil {
			continue // a form without catalogue entry is not offered
		}
		owner, adopters := region, []string(nil)
		if built, ok := cityBuilt[id]; ok {
			owner, adopters = bySlug[built.owner], built.adopters
		} else {
			for _, t := range tenants {
				if catalog.IsMunicipality(t) {
					adopters = append(adopters, t.Slug)
				}
			}
		}
		existing, err := cat.Templates(ctx, svc.ID)
		if err != nil {
			return adopted, err
		}
		var versionID string
		for _, t := range existing {
			if t.OwnerTenantID == owner.ID {
				vs, err := cat.Versions(ctx, t.ID)
				if err != nil {
					return adopted, err
				}
				if len(vs) > 0 {
					versionID = vs[len(vs)-1].ID // the first version
				}
			}
		}
		if versionID == "" {
			doc, err := form.BuiltinJSON(id)
			if err != nil {
				return adopted, err
			}
			v, err := cat.Publish(ctx, catalog.PublishInput{OwnerTenantID: owner.ID, ServiceID: svc.ID, FormJSON: string(doc),
				Notes: "Erste Fassung", Actor: "system"})
			if err != nil {
				return adopted, fmt.Errorf("seed: template %s: %w", id, err)
			}
			versionID = v.ID
		}
		for _, slug := range adopters {
			t := bySlug[slug]
			if _, ok, err := cat.OfferingFor(ctx, t.ID, svc.ID); err != nil || ok {
				continue
			}
			in := catalog.AdoptInput{TenantID: t.ID, VersionID: versionID, Office: svc.Office, Actor: "system"}
			if fee, ok := localFees[id][slug]; ok {
				in.FeeCents = &fee
			}
			if c, ok := localContacts[id][slug]; ok {
				in.Phone, in.Email = c[0], c[1]
			}
			if _, err := cat.Adopt(ctx, in); err != nil {
				return adopted, fmt.Errorf("seed: adopt %s for %s: %w", id, slug, err)
			}
			adopted++
		}
	}
	return adopted, nil
}
