package catalog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/tenant"
)

// ServiceResult counts what ImportServices created.
type ServiceResult struct {
	Created, Existing, Responsibilities int
}

// ImportServices creates the services of f that do not exist yet (matched
// by slug) and the Zuständigkeit of every tenant for them, in one
// transaction. Existing services are left as an administrator may have
// edited them. LeiKa keys must exist in the imported LeiKa catalogue.
func (c *Catalog) ImportServices(ctx context.Context, f ServiceFile) (ServiceResult, error) {
	var res ServiceResult
	if err := f.Validate(); err != nil {
		return res, err
	}
	err := c.db.InTx(ctx, func(ctx context.Context) error {
		res = ServiceResult{}
		now := time.Now().UTC()
		for _, s := range f.Services {
			if s.LeiKa != "" {
				if _, err := c.LeiKaName(ctx, s.LeiKa); errors.Is(err, store.ErrNotFound) {
					return fmt.Errorf("catalog: service %s: LeiKa key %s is not in the LeiKa catalogue (import it first)", s.Slug, s.LeiKa)
				} else if err != nil {
					return err
				}
			}
			created, err := c.insertService(ctx, s, now)
			if err != nil {
				return fmt.Errorf("catalog: service %s: %w", s.Slug, err)
			}
			if created {
				res.Created++
			} else {
				res.Existing++
			}
		}
		n, err := c.assignResponsibilities(ctx)
		res.Responsibilities = n
		return err
	})
	return res, err
}

func (c *Catalog) insertService(ctx context.Context, s ServiceJSON, now time.Time) (bool, error) {
	lebenslagen, _ := json.Marshal(nonNil(s.Lebenslagen))
	keywords, _ := json.Marshal(nonNil(s.Keywords))
	if s.Modules.Unterlagen == nil {
		s.Modules.Unterlagen = []string{}
	}
	modules, _ := json.Marshal(s.Modules)
	r, err := c.db.Exec(ctx, `INSERT INTO services (id, slug, leika_key, local, name, leika_name, summary, kind,
		external_url, external_portal, level, themenfeld, lebenslagen, keywords, office, online_form,
		min_trust_level, fee_kind, fee_cents, fee_text, modules, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (slug) DO NOTHING`,
		store.NewID(), s.Slug, s.LeiKa, s.Local, s.Name, s.LeiKaName, s.Summary, s.Kind,
		s.ExternalURL, s.ExternalPortal, s.Level, s.Themenfeld, string(lebenslagen), string(keywords), s.Office, s.OnlineForm,
		s.MinTrustLevel, s.Fee.Kind, s.Fee.AmountCents, s.Fee.Text, string(modules), now, now)
	if err != nil {
		return false, err
	}
	n, _ := r.RowsAffected()
	return n > 0, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// assignResponsibilities records, for every service and every municipality,
// which tenant handles it: the municipality itself for Gemeinde services
// and for kreisfreie Städte, its Kreis for Kreis services. Existing rows
// (possibly changed by an administrator) are kept.
func (c *Catalog) assignResponsibilities(ctx context.Context) (int, error) {
	tenants, err := c.dir.List(ctx)
	if err != nil {
		return 0, err
	}
	bySlug := map[string]tenant.Tenant{}
	for _, t := range tenants {
		bySlug[t.Slug] = t
	}
	services, err := c.List(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, s := range services {
		for _, area := range tenants {
			if !IsMunicipality(area) {
				continue
			}
			responsible := area
			if s.Level == LevelKreis && area.Parent != nil {
				if p, ok := bySlug[area.Parent.Slug]; ok && p.Kind == tenant.KindKreis {
					responsible = p
				}
			}
			r, err := c.db.Exec(ctx, `INSERT INTO responsibilities (service_id, area_tenant_id, tenant_id) VALUES (?, ?, ?)
				ON CONFLICT (service_id, area_tenant_id) DO NOTHING`, s.ID, area.ID, responsible.ID)
			if err != nil {
				return n, fmt.Errorf("catalog: responsibility %s/%s: %w", s.Slug, area.Slug, err)
			}
			if k, _ := r.RowsAffected(); k > 0 {
				n++
			}
		}
	}
	return n, nil
}

// IsMunicipality reports whether residents live in t directly (a city or
// Gemeinde), as opposed to a Kreis or the region.
func IsMunicipality(t tenant.Tenant) bool {
	switch t.Kind {
	case tenant.KindKreisfreieStadt, tenant.KindGrosseKrAngStadt, tenant.KindMittlereKrAngStadt, tenant.KindKrAngGemeinde:
		return true
	}
	return false
}
