package delivery

import (
	"context"
	"fmt"

	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/submission"
	"github.com/serviceportal/serviceportal/internal/tenant"
)

// Names are the human and machine names of a submission's tenant and
// service, as receivers expect them (a submission itself carries only ids).
type Names struct {
	// Tenant is the tenant's slug, e.g. "dorsten".
	Tenant     string
	TenantName string
	// ServiceSlug and LeikaKey identify the service; LeikaKey may be empty
	// for local services.
	ServiceSlug string
	ServiceName string
	LeikaKey    string
}

// DescribeFunc looks up the Names of a submission.
type DescribeFunc func(ctx context.Context, sub submission.Submission) (Names, error)

// CatalogNames describes submissions with the tenant directory and the
// service catalogue.
func CatalogNames(dir *tenant.Directory, cat *catalog.Catalog) DescribeFunc {
	return func(ctx context.Context, sub submission.Submission) (Names, error) {
		svc, err := cat.BySlug(ctx, sub.ServiceID)
		if err != nil {
			return Names{}, fmt.Errorf("delivery: service %s: %w", sub.ServiceID, err)
		}
		// The directory has no lookup by id; a region has a few dozen
		// tenants and this runs once per delivery attempt.
		ts, err := dir.List(ctx)
		if err != nil {
			return Names{}, fmt.Errorf("delivery: tenants: %w", err)
		}
		for _, t := range ts {
			if t.ID == sub.TenantID {
				return Names{Tenant: t.Slug, TenantName: t.Name, ServiceSlug: svc.Slug, ServiceName: svc.Name, LeikaKey: svc.LeiKa}, nil
			}
		}
		return Names{}, fmt.Errorf("delivery: tenant %s not found", sub.TenantID)
	}
}

// idNames is the fallback when no DescribeFunc is configured.
func idNames(_ context.Context, sub submission.Submission) (Names, error) {
	return Names{Tenant: sub.TenantID, ServiceSlug: sub.ServiceID}, nil
}
