package catalog

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/serviceportal/serviceportal/internal/form"
	"github.com/serviceportal/serviceportal/internal/store"
)

// Template is a service as one tenant (or the region) built it, for others
// to adopt.
type Template struct {
	ID            string
	ServiceID     string
	OwnerTenantID string
	OwnerName     string
	FormID        string
	Title         string
	Latest        int
	// Adopters are the tenants whose offering runs a version of it.
	Adopters []string
}

// TemplateVersion is an immutable published version.
type TemplateVersion struct {
	ID          string
	TemplateID  string
	Version     int
	FormJSON    string
	Workflow    string
	FeeKind     string
	FeeCents    int64
	Notes       string
	PublishedBy string
	PublishedAt time.Time
}

// Form parses the version's form; its Version is the template version's
// id, so drafts and submissions pin exactly this version.
func (v TemplateVersion) Form() (*form.Form, error) {
	f, err := form.Parse(strings.NewReader(v.FormJSON))
	if err != nil {
		return nil, err
	}
	f.Version = v.ID
	return f, nil
}

// PublishInput is a new template version.
type PublishInput struct {
	OwnerTenantID string
	ServiceID     string
	FormJSON      string
	Notes         string
	FeeKind       string
	FeeCents      int64
	Actor         string
}

// ErrInvalidForm wraps the problems of a form that cannot be published.
var ErrInvalidForm = errors.New("catalog: form schema invalid")

// Publish stores a new immutable version of the owner's template for the
// service (creating the template on first publish). The form must parse.
func (c *Catalog) Publish(ctx context.Context, in PublishInput) (TemplateVersion, error) {
	f, err := form.Parse(strings.NewReader(in.FormJSON))
	if err != nil {
		return TemplateVersion{}, fmt.Errorf("%w: %v", ErrInvalidForm, err)
	}
	svc, err := c.BySlug(ctx, in.ServiceID)
	if err != nil {
		return TemplateVersion{}, err
	}
	if in.FeeKind == "" {
		in.FeeKind, in.FeeCents = svc.Fee.Kind, svc.Fee.AmountCents
	}
	var v TemplateVersion
	err = c.db.InTx(ctx, func(ctx context.Context) error {
		now := time.Now().UTC()
		if _, err := c.db.Exec(ctx, `INSERT INTO templates (id, service_id, owner_tenant_id, form_id, title, created_at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (owner_tenant_id, service_id) DO NOTHING`, store.NewID(), svc.ID, in.OwnerTenantID, f.ID, f.Title, now); err != nil {
			return fmt.Errorf("catalog: template: %w", err)
		}
		var tid string
		var latest int64
		if err := c.db.QueryRow(ctx, `SELECT t.id, COALESCE(MAX(v.version), 0) FROM templates t LEFT JOIN template_versions v ON v.template_id = t.id
			WHERE t.owner_tenant_id = ? AND t.service_id = ? GROUP BY t.id`, in.OwnerTenantID, svc.ID).Scan(&tid, &latest); err != nil {
			return fmt.Errorf("catalog: template: %w", err)
		}
		v = TemplateVersion{ID: store.NewID(), TemplateID: tid, Version: int(latest) + 1, FormJSON: in.FormJSON, Workflow: "standard",
			FeeKind: in.FeeKind, FeeCents: in.FeeCents, Notes: in.Notes, PublishedBy: in.Actor, PublishedAt: now}
		_, err := c.db.Exec(ctx, `INSERT INTO template_versions (id, template_id, version, form_json, workflow, fee_kind, fee_cents, notes, published_by, published_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, v.ID, v.TemplateID, v.Version, v.FormJSON, v.Workflow, v.FeeKind, v.FeeCents, v.Notes, v.PublishedBy, v.PublishedAt)
		if err != nil {
			return fmt.Errorf("catalog: publish: %w", err)
		}
		_, err = c.db.Exec(ctx, `UPDATE templates SET form_id = ?, title = ? WHERE id = ?`, f.ID, f.Title, tid)
		return err
	})
	return v, err
}

const versionColumns = `id, template_id, version, form_json, workflow, fee_kind, fee_cents, notes, published_by, published_at`

func scanVersion(row interface{ Scan(...any) error }) (TemplateVersion, error) {
	var v TemplateVersion
	err := row.Scan(&v.ID, &v.TemplateID, &v.Version, &v.FormJSON, &v.Workflow, &v.FeeKind, &v.FeeCents, &v.Notes, &v.PublishedBy, &v.PublishedAt)
	return v, err
}

// Version returns one template version by id.
func (c *Catalog) Version(ctx context.Context, id string) (TemplateVersion, error) {
	v, err := scanVersion(c.db.QueryRow(ctx, `SELECT `+versionColumns+` FROM template_versions WHERE id = ?`, id))
	return v, notFound(err)
}

// Versions lists a template's versions, newest first.
func (c *Catalog) Versions(ctx context.Context, templateID string) ([]TemplateVersion, error) {
	rows, err := c.db.Query(ctx, `SELECT `+versionColumns+` FROM template_versions WHERE template_id = ? ORDER BY version DESC`, templateID)
	if err != nil {
		return nil, fmt.Errorf("catalog: versions: %w", err)
	}
	defer rows.Close()
	var out []TemplateVersion
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Templates lists the template library, optionally for one service, with
// owner and adopters.
func (c *Catalog) Templates(ctx context.Context, serviceID string) ([]Template, error) {
	q := `SELECT t.id, t.service_id, t.owner_tenant_id, o.name, t.form_id, t.title, COALESCE(MAX(v.version), 0)
		FROM templates t JOIN tenants o ON o.id = t.owner_tenant_id LEFT JOIN template_versions v ON v.template_id = t.id`
	var args []any
	if serviceID != "" {
		q += ` WHERE t.service_id = ?`
		args = append(args, serviceID)
	}
	rows, err := c.db.Query(ctx, q+` GROUP BY t.id, t.service_id, t.owner_tenant_id, o.name, t.form_id, t.title ORDER BY t.title, o.name`, args...)
	if err != nil {
		return nil, fmt.Errorf("catalog: templates: %w", err)
	}
	var out []Template
	for rows.Next() {
		var t Template
		var latest int64
		if err := rows.Scan(&t.ID, &t.ServiceID, &t.OwnerTenantID, &t.OwnerName, &t.FormID, &t.Title, &latest); err != nil {
			rows.Close()
			return nil, err
		}
		t.Latest = int(latest)
		out = append(out, t)
	}
	rows.Close()
	for i := range out {
		adopters, err := c.db.Query(ctx, `SELECT DISTINCT tn.short_name FROM offerings of JOIN template_versions v ON v.id = of.template_version_id
			JOIN tenants tn ON tn.id = of.tenant_id WHERE v.template_id = ? ORDER BY tn.short_name`, out[i].ID)
		if err != nil {
			return nil, err
		}
		for adopters.Next() {
			var n string
			adopters.Scan(&n)
			out[i].Adopters = append(out[i].Adopters, n)
		}
		adopters.Close()
	}
	return out, nil
}

// TemplateByID returns one template.
func (c *Catalog) TemplateByID(ctx context.Context, id string) (Template, error) {
	ts, err := c.Templates(ctx, "")
	if err != nil {
		return Template{}, err
	}
	for _, t := range ts {
		if t.ID == id {
			return t, nil
		}
	}
	return Template{}, store.ErrNotFound
}
