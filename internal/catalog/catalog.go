package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/tenant"
)

var sqlErrNoRows = sql.ErrNoRows

// Catalog reads and writes the service catalogue.
type Catalog struct {
	db  *store.DB
	dir *tenant.Directory
}

// New returns a Catalog on db; dir resolves tenants for Zuständigkeit.
func New(db *store.DB, dir *tenant.Directory) *Catalog {
	return &Catalog{db: db, dir: dir}
}

const serviceColumns = `s.id, s.slug, s.leika_key, s.local, s.name, s.leika_name, s.summary, s.kind,
	s.external_url, s.external_portal, s.level, s.themenfeld, s.lebenslagen, s.keywords, s.office,
	s.online_form, s.min_trust_level, s.fee_kind, s.fee_cents, s.fee_text, s.modules`

func scanService(row interface{ Scan(...any) error }) (Service, error) {
	var s Service
	var lebenslagen, keywords, modules string
	err := row.Scan(&s.ID, &s.Slug, &s.LeiKa, &s.Local, &s.Name, &s.LeiKaName, &s.Summary, &s.Kind,
		&s.ExternalURL, &s.ExternalPortal, &s.Level, &s.Themenfeld, &lebenslagen, &keywords, &s.Office,
		&s.OnlineForm, &s.MinTrustLevel, &s.Fee.Kind, &s.Fee.AmountCents, &s.Fee.Text, &modules)
	if err != nil {
		return s, err
	}
	if err := json.Unmarshal([]byte(lebenslagen), &s.Lebenslagen); err != nil {
		return s, fmt.Errorf("lebenslagen of %s: %w", s.Slug, err)
	}
	if err := json.Unmarshal([]byte(keywords), &s.Keywords); err != nil {
		return s, fmt.Errorf("keywords of %s: %w", s.Slug, err)
	}
	if err := json.Unmarshal([]byte(modules), &s.Modules); err != nil {
		return s, fmt.Errorf("modules of %s: %w", s.Slug, err)
	}
	return s, nil
}

func (c *Catalog) services(ctx context.Context, q string, args ...any) ([]Service, error) {
	rows, err := c.db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("catalog: query: %w", err)
	}
	defer rows.Close()
	var out []Service
	for rows.Next() {
		s, err := scanService(rows)
		if err != nil {
			return nil, fmt.Errorf("catalog: scan: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// List returns all services by name.
func (c *Catalog) List(ctx context.Context) ([]Service, error) {
	return c.services(ctx, `SELECT `+serviceColumns+` FROM services s ORDER BY s.name`)
}

// BySlug returns one service by slug or by id, or store.ErrNotFound.
func (c *Catalog) BySlug(ctx context.Context, slugOrID string) (Service, error) {
	ss, err := c.services(ctx, `SELECT `+serviceColumns+` FROM services s WHERE s.slug = ? OR s.id = ?`, slugOrID, slugOrID)
	if err != nil {
		return Service{}, err
	}
	if len(ss) == 0 {
		return Service{}, store.ErrNotFound
	}
	return ss[0], nil
}

// ByLeiKa returns the service with the given LeiKa key, or store.ErrNotFound.
func (c *Catalog) ByLeiKa(ctx context.Context, key string) (Service, error) {
	ss, err := c.services(ctx, `SELECT `+serviceColumns+` FROM services s WHERE s.leika_key = ? ORDER BY s.slug`, key)
	if err != nil {
		return Service{}, err
	}
	if len(ss) == 0 {
		return Service{}, store.ErrNotFound
	}
	return ss[0], nil
}

// ForTenant returns the services the tenant itself handles for some area,
// by name: what its portal offers.
func (c *Catalog) ForTenant(ctx context.Context, tenantID string) ([]Service, error) {
	return c.services(ctx, `SELECT `+serviceColumns+` FROM services s
		WHERE EXISTS (SELECT 1 FROM responsibilities r WHERE r.service_id = s.id AND r.tenant_id = ?)
		ORDER BY s.name`, tenantID)
}

// Responsible returns the tenant that handles the service for residents of
// the area tenant (a city), or store.ErrNotFound.
func (c *Catalog) Responsible(ctx context.Context, serviceID, areaTenantID string) (tenant.Tenant, error) {
	var slug string
	err := c.db.QueryRow(ctx, `SELECT t.slug FROM responsibilities r JOIN tenants t ON t.id = r.tenant_id
		WHERE r.service_id = ? AND r.area_tenant_id = ?`, serviceID, areaTenantID).Scan(&slug)
	if err != nil {
		return tenant.Tenant{}, notFound(err)
	}
	return c.dir.BySlug(ctx, slug)
}

// Handles reports whether tenantID handles the service for anyone.
func (c *Catalog) Handles(ctx context.Context, tenantID, serviceID string) (bool, error) {
	var n int
	err := c.db.QueryRow(ctx, `SELECT COUNT(*) FROM responsibilities WHERE tenant_id = ? AND service_id = ?`, tenantID, serviceID).Scan(&n)
	return n > 0, err
}

// HandledBy maps service ids to the set of tenant ids that handle them.
func (c *Catalog) HandledBy(ctx context.Context) (map[string]map[string]bool, error) {
	rows, err := c.db.Query(ctx, `SELECT DISTINCT service_id, tenant_id FROM responsibilities`)
	if err != nil {
		return nil, fmt.Errorf("catalog: responsibilities: %w", err)
	}
	defer rows.Close()
	out := map[string]map[string]bool{}
	for rows.Next() {
		var s, t string
		if err := rows.Scan(&s, &t); err != nil {
			return nil, err
		}
		if out[s] == nil {
			out[s] = map[string]bool{}
		}
		out[s][t] = true
	}
	return out, rows.Err()
}
