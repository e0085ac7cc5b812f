package catalog

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/serviceportal/serviceportal/internal/store"
)

// Offering is a tenant's adoption of a template version with its local
// details; what the tenant's citizens apply with.
type Offering struct {
	ID           string
	TenantID     string
	ServiceID    string
	VersionID    string
	TemplateID   string
	Version      int
	FormID       string
	Office       string
	FeeCents     *int64
	Phone        string
	Email        string
	OpeningHours string
	ExtraText    string
	AdoptedAt    time.Time
}

// AdoptInput adopts (or moves to) a template version with overrides.
type AdoptInput struct {
	TenantID     string
	VersionID    string
	Office       string
	FeeCents     *int64
	Phone        string
	Email        string
	OpeningHours string
	ExtraText    string
	Actor        string
}

// Adopt makes the version the tenant's offering for its service, or moves
// an existing offering to it. Drafts and cases keep the version they
// started with; only new applications use the new one.
func (c *Catalog) Adopt(ctx context.Context, in AdoptInput) (Offering, error) {
	v, err := c.Version(ctx, in.VersionID)
	if err != nil {
		return Offering{}, err
	}
	var serviceID string
	if err := c.db.QueryRow(ctx, `SELECT service_id FROM templates WHERE id = ?`, v.TemplateID).Scan(&serviceID); err != nil {
		return Offering{}, notFound(err)
	}
	now := time.Now().UTC()
	_, err = c.db.Exec(ctx, `INSERT INTO offerings (id, tenant_id, service_id, template_version_id, office, fee_cents, phone, email,
		opening_hours, extra_text, adopted_by, adopted_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (tenant_id, service_id) DO UPDATE SET template_version_id = excluded.template_version_id, office = excluded.office,
		fee_cents = excluded.fee_cents, phone = excluded.phone, email = excluded.email, opening_hours = excluded.opening_hours,
		extra_text = excluded.extra_text, adopted_by = excluded.adopted_by, updated_at = excluded.updated_at`,
		store.NewID(), in.TenantID, serviceID, in.VersionID, in.Office, in.FeeCents, in.Phone, in.Email, in.OpeningHours, in.ExtraText,
		in.Actor, now, now)
	if err != nil {
		return Offering{}, fmt.Errorf("catalog: adopt: %w", err)
	}
	if _, err := c.db.Exec(ctx, `UPDATE services SET updated_at = ? WHERE id = ?`, now, serviceID); err != nil {
		return Offering{}, err
	}
	o, ok, err := c.OfferingFor(ctx, in.TenantID, serviceID)
	if err == nil && !ok {
		err = store.ErrNotFound
	}
	return o, err
}

const offeringColumns = `o.id, o.tenant_id, o.service_id, o.template_version_id, v.template_id, v.version, t.form_id, o.office, o.fee_cents,
	o.phone, o.email, o.opening_hours, o.extra_text, o.adopted_at
	FROM offerings o JOIN template_versions v ON v.id = o.template_version_id JOIN templates t ON t.id = v.template_id`

func scanOffering(row interface{ Scan(...any) error }) (Offering, error) {
	var o Offering
	var fee sql.NullInt64
	err := row.Scan(&o.ID, &o.TenantID, &o.ServiceID, &o.VersionID, &o.TemplateID, &o.Version, &o.FormID, &o.Office, &fee,
		&o.Phone, &o.Email, &o.OpeningHours, &o.ExtraText, &o.AdoptedAt)
	if fee.Valid {
		o.FeeCents = &fee.Int64
	}
	return o, err
}

// OfferingFor returns the tenant's offering of a service, if any.
func (c *Catalog) OfferingFor(ctx context.Context, tenantID, serviceID string) (Offering, bool, error) {
	o, err := scanOffering(c.db.QueryRow(ctx, `SELECT `+offeringColumns+` WHERE o.tenant_id = ? AND o.service_id = ?`, tenantID, serviceID))
	if err == sql.ErrNoRows {
		return o, false, nil
	}
	return o, err == nil, err
}

// OfferingByForm returns the tenant's offering whose form has the id.
func (c *Catalog) OfferingByForm(ctx context.Context, tenantID, formID string) (Offering, bool, error) {
	o, err := scanOffering(c.db.QueryRow(ctx, `SELECT `+offeringColumns+` WHERE o.tenant_id = ? AND t.form_id = ?`, tenantID, formID))
	if err == sql.ErrNoRows {
		return o, false, nil
	}
	return o, err == nil, err
}

// OfferingsOf lists all offerings of a service across the region.
func (c *Catalog) OfferingsOf(ctx context.Context, serviceID string) ([]Offering, error) {
	return c.offerings(ctx, `o.service_id = ?`, serviceID)
}

// TenantOfferings lists a tenant's offerings.
func (c *Catalog) TenantOfferings(ctx context.Context, tenantID string) ([]Offering, error) {
	return c.offerings(ctx, `o.tenant_id = ?`, tenantID)
}

func (c *Catalog) offerings(ctx context.Context, where string, arg any) ([]Offering, error) {
	rows, err := c.db.Query(ctx, `SELECT `+offeringColumns+` WHERE `+where, arg)
	if err != nil {
		return nil, fmt.Errorf("catalog: offerings: %w", err)
	}
	defer rows.Close()
	var out []Offering
	for rows.Next() {
		o, err := scanOffering(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}
