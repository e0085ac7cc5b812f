package tenant

import (
	"context"
	"fmt"
	"time"

	"github.com/serviceportal/serviceportal/internal/store"
)

// ImportResult counts what an import created.
type ImportResult struct {
	OperatorsCreated int
	TenantsCreated   int
	TenantsExisting  int
}

// Import creates the operators and tenants of f that do not exist yet, in
// one transaction. Existing ones (matched by slug) are left exactly as they
// are, so re-running the seed never duplicates data nor overwrites what an
// administrator has changed since.
func (d *Directory) Import(ctx context.Context, f RegionFile) (ImportResult, error) {
	var res ImportResult
	if err := f.Validate(); err != nil {
		return res, err
	}
	err := d.db.InTx(ctx, func(ctx context.Context) error {
		res = ImportResult{}
		now := time.Now().UTC()
		for _, o := range f.Operators {
			r, err := d.db.Exec(ctx, `INSERT INTO operators (id, slug, name, short_name, website, created_at)
				VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (slug) DO NOTHING`,
				store.NewID(), o.Slug, o.Name, o.ShortName, o.Website, now)
			if err != nil {
				return fmt.Errorf("tenant: import operator %s: %w", o.Slug, err)
			}
			if n, _ := r.RowsAffected(); n > 0 {
				res.OperatorsCreated++
			}
		}
		for _, t := range parentsFirst(f.Tenants) {
			created, err := d.importTenant(ctx, t, now)
			if err != nil {
				return fmt.Errorf("tenant: import %s: %w", t.Slug, err)
			}
			if created {
				res.TenantsCreated++
			} else {
				res.TenantsExisting++
			}
		}
		return nil
	})
	return res, err
}

func (d *Directory) importTenant(ctx context.Context, t TenantFile, now time.Time) (bool, error) {
	if _, err := d.BySlug(ctx, t.Slug); err == nil {
		return false, nil
	}
	opID, err := operatorID(ctx, d.db, t.Operator)
	if err != nil {
		return false, fmt.Errorf("operator %s: %w", t.Operator, err)
	}
	var parentID *string
	if t.Parent != "" {
		p, err := d.BySlug(ctx, t.Parent)
		if err != nil {
			return false, fmt.Errorf("parent %s: %w", t.Parent, err)
		}
		parentID = &p.ID
	}
	id := store.NewID()
	if _, err := d.db.Exec(ctx, `INSERT INTO tenants (id, slug, name, short_name, kind, code, ags, ars,
		parent_id, operator_id, population, population_date, color, street, postcode, city,
		phone, email, website, supervisory_authority, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, t.Slug, t.Name, t.ShortName, t.Kind, t.Code, t.AGS, t.ARS,
		parentID, opID, t.Population, t.PopulationDate, t.Color, t.Address.Street, t.Address.Postcode, t.Address.City,
		t.Phone, t.Email, t.Website, t.SupervisoryAuthority, now, now); err != nil {
		return false, err
	}
	for _, h := range t.Hosts {
		if _, err := d.db.Exec(ctx, `INSERT INTO tenant_hosts (host, tenant_id) VALUES (?, ?)`, h, id); err != nil {
			return false, fmt.Errorf("host %s: %w", h, err)
		}
	}
	for _, p := range t.Postcodes {
		if _, err := d.db.Exec(ctx, `INSERT INTO tenant_postcodes (tenant_id, postcode) VALUES (?, ?) ON CONFLICT DO NOTHING`, id, p); err != nil {
			return false, fmt.Errorf("postcode %s: %w", p, err)
		}
	}
	for _, name := range t.Places {
		if _, err := d.db.Exec(ctx, `INSERT INTO tenant_places (tenant_id, name, folded) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, id, name, Fold(name)); err != nil {
			return false, fmt.Errorf("place %s: %w", name, err)
		}
	}
	return true, nil
}

// parentsFirst orders tenants so that each comes after its parent.
// Validate has already rejected unknown parents; a cycle ends the loop with
// the rest appended, and the insert then fails on the missing parent.
func parentsFirst(ts []TenantFile) []TenantFile {
	out := make([]TenantFile, 0, len(ts))
	placed := map[string]bool{}
	for len(out) < len(ts) {
		progress := false
		for _, t := range ts {
			if placed[t.Slug] || (t.Parent != "" && !placed[t.Parent]) {
				continue
			}
			out = append(out, t)
			placed[t.Slug] = true
			progress = true
		}
		if !progress {
			for _, t := range ts {
				if !placed[t.Slug] {
					out = append(out, t)
				}
			}
			break
		}
	}
	return out
}
