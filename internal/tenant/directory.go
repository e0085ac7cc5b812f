package tenant

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/serviceportal/serviceportal/internal/store"
)

// Directory reads and writes operators and tenants.
type Directory struct {
	db *store.DB
}

// NewDirectory returns a Directory on db.
func NewDirectory(db *store.DB) *Directory { return &Directory{db: db} }

const tenantColumns = `t.id, t.slug, t.name, t.short_name, t.kind, t.code, t.ags, t.ars,
	COALESCE(p.slug, ''), COALESCE(p.name, ''),
	o.id, o.slug, o.name, o.short_name, o.website,
	t.population, t.population_date, t.color, t.street, t.postcode, t.city,
	t.phone, t.email, t.website, t.supervisory_authority
	FROM tenants t
	JOIN operators o ON o.id = t.operator_id
	LEFT JOIN tenants p ON p.id = t.parent_id`

func scanTenant(row interface{ Scan(...any) error }) (Tenant, error) {
	var t Tenant
	var parentSlug, parentName string
	err := row.Scan(&t.ID, &t.Slug, &t.Name, &t.ShortName, &t.Kind, &t.Code, &t.AGS, &t.ARS,
		&parentSlug, &parentName,
		&t.Operator.ID, &t.Operator.Slug, &t.Operator.Name, &t.Operator.ShortName, &t.Operator.Website,
		&t.Population, &t.PopulationDate, &t.Color, &t.Address.Street, &t.Address.Postcode, &t.Address.City,
		&t.Phone, &t.Email, &t.Website, &t.SupervisoryAuthority)
	if parentSlug != "" {
		t.Parent = &Ref{Slug: parentSlug, Name: parentName}
	}
	return t, err
}

// List returns all tenants, the region first, then by kind and name.
func (d *Directory) List(ctx context.Context) ([]Tenant, error) {
	return d.query(ctx, `SELECT `+tenantColumns+`
		ORDER BY CASE t.kind WHEN 'region' THEN 0 WHEN 'kreis' THEN 1 ELSE 2 END, t.short_name`)
}

// BySlug returns the tenant with the given slug, or store.ErrNotFound.
func (d *Directory) BySlug(ctx context.Context, slug string) (Tenant, error) {
	return d.one(ctx, `SELECT `+tenantColumns+` WHERE t.slug = ?`, slug)
}

// ByID returns the tenant with the given id, or store.ErrNotFound.
func (d *Directory) ByID(ctx context.Context, id string) (Tenant, error) {
	return d.one(ctx, `SELECT `+tenantColumns+` WHERE t.id = ?`, id)
}

// ByHost returns the tenant reached under host (without port), or
// store.ErrNotFound.
func (d *Directory) ByHost(ctx context.Context, host string) (Tenant, error) {
	return d.one(ctx, `SELECT `+tenantColumns+`
		JOIN tenant_hosts h ON h.tenant_id = t.id WHERE h.host = ?`, strings.ToLower(host))
}

// Region returns the regional portal's tenant.
func (d *Directory) Region(ctx context.Context) (Tenant, error) {
	return d.one(ctx, `SELECT `+tenantColumns+` WHERE t.kind = 'region' ORDER BY t.slug LIMIT 1`)
}

// Children returns the tenants whose parent is the given tenant.
func (d *Directory) Children(ctx context.Context, tenantID string) ([]Tenant, error) {
	return d.query(ctx, `SELECT `+tenantColumns+` WHERE t.parent_id = ? ORDER BY t.short_name`, tenantID)
}

func (d *Directory) one(ctx context.Context, q string, args ...any) (Tenant, error) {
	ts, err := d.query(ctx, q, args...)
	if err != nil {
		return Tenant{}, err
	}
	if len(ts) == 0 {
		return Tenant{}, store.ErrNotFound
	}
	return ts[0], nil
}

func (d *Directory) query(ctx context.Context, q string, args ...any) ([]Tenant, error) {
	rows, err := d.db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("tenant: query: %w", err)
	}
	defer rows.Close()
	var ts []Tenant
	for rows.Next() {
		t, err := scanTenant(rows)
		if err != nil {
			return nil, fmt.Errorf("tenant: scan: %w", err)
		}
		ts = append(ts, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("tenant: query: %w", err)
	}
	if err := d.loadLists(ctx, ts); err != nil {
		return nil, err
	}
	return ts, nil
}

// loadLists fills hosts, postcodes and places with one query for all ts.
func (d *Directory) loadLists(ctx context.Context, ts []Tenant) error {
	if len(ts) == 0 {
		return nil
	}
	byID := make(map[string]*Tenant, len(ts))
	ids := make([]any, 0, len(ts))
	for i := range ts {
		byID[ts[i].ID] = &ts[i]
		ids = append(ids, ts[i].ID)
	}
	in := strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",")
	args := append(append(append([]any{}, ids...), ids...), ids...)
	rows, err := d.db.Query(ctx, `
		SELECT tenant_id, 'h', host FROM tenant_hosts WHERE tenant_id IN (`+in+`)
		UNION ALL SELECT tenant_id, 'p', postcode FROM tenant_postcodes WHERE tenant_id IN (`+in+`)
		UNION ALL SELECT tenant_id, 'o', name FROM tenant_places WHERE tenant_id IN (`+in+`)
		ORDER BY 1, 2, 3`, args...)
	if err != nil {
		return fmt.Errorf("tenant: lists: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, kind, value string
		if err := rows.Scan(&id, &kind, &value); err != nil {
			return fmt.Errorf("tenant: lists: %w", err)
		}
		t := byID[id]
		switch kind {
		case "h":
			t.Hosts = append(t.Hosts, value)
		case "p":
			t.Postcodes = append(t.Postcodes, value)
		case "o":
			t.Places = append(t.Places, value)
		}
	}
	return rows.Err()
}

// Operators returns the operators by name.
func (d *Directory) Operators(ctx context.Context) ([]Operator, error) {
	rows, err := d.db.Query(ctx, `SELECT id, slug, name, short_name, website FROM operators ORDER BY short_name`)
	if err != nil {
		return nil, fmt.Errorf("tenant: operators: %w", err)
	}
	defer rows.Close()
	var ops []Operator
	for rows.Next() {
		var o Operator
		if err := rows.Scan(&o.ID, &o.Slug, &o.Name, &o.ShortName, &o.Website); err != nil {
			return nil, fmt.Errorf("tenant: operators: %w", err)
		}
		ops = append(ops, o)
	}
	return ops, rows.Err()
}

func operatorID(ctx context.Context, db *store.DB, slug string) (string, error) {
	var id string
	err := db.QueryRow(ctx, `SELECT id FROM operators WHERE slug = ?`, slug).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", store.ErrNotFound
	}
	return id, err
}
