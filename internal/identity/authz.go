package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/serviceportal/serviceportal/internal/store"
)

// Principal is who asks: a logged-in account with its role grants, or the
// system itself (command line, seeding), which may do everything.
type Principal struct {
	AccountID string
	Kind      Kind
	// MFAPassed must be true for any staff permission (ASVS v5.0.0-6.3.2).
	MFAPassed bool
	Grants    []RoleGrant
	system    bool
}

// SystemPrincipal acts for the operator of the installation: the
// `serviceportal user add` command and the demo seed. Never hand it to
// code that serves requests.
func SystemPrincipal() Principal { return Principal{system: true, Kind: Staff, MFAPassed: true} }

// IsSystem reports whether p is the SystemPrincipal.
func (p Principal) IsSystem() bool { return p.system }

// HasRole reports whether p holds role r in any scope.
func (p Principal) HasRole(r Role) bool {
	return slices.ContainsFunc(p.Grants, func(g RoleGrant) bool { return g.Role == r })
}

// Target is what an action applies to: a tenant, and for case actions the
// service the case belongs to.
type Target struct {
	TenantID    string
	ServiceSlug string
}

// Authorizer decides every permission question in one place. Use-case
// packages call it before they act, whatever the web layer checked.
type Authorizer struct {
	db *store.DB
}

// NewAuthorizer returns an Authorizer reading tenants from db.
func NewAuthorizer(db *store.DB) *Authorizer { return &Authorizer{db: db} }

// Can reports whether p may perform action on target. Operator scopes are
// resolved through tenants.operator_id, so moving a tenant to another data
// centre moves its administration with it.
func (a *Authorizer) Can(ctx context.Context, p Principal, action Action, t Target) (bool, error) {
	if p.system {
		return true, nil
	}
	if p.Kind != Staff || !p.MFAPassed || p.AccountID == "" {
		return false, nil
	}
	operatorOf := a.operatorLookup(ctx, t.TenantID)
	for _, g := range p.Grants {
		if !g.Role.Allows(action) {
			continue
		}
		switch g.Role {
		case RegionAdmin:
			return true, nil
		case OperatorAdmin:
			op, err := operatorOf()
			if err != nil {
				return false, err
			}
			if op != "" && op == g.OperatorID {
				return true, nil
			}
		default:
			if t.TenantID == "" || g.TenantID != t.TenantID {
				continue
			}
			if g.Role == Caseworker && len(g.Services) > 0 && slices.Contains(caseActions, action) {
				// A limited caseworker must name the service; without one the
				// question is about all services, which the grant does not cover.
				if t.ServiceSlug == "" || !slices.Contains(g.Services, t.ServiceSlug) {
					continue
				}
			}
			return true, nil
		}
	}
	return false, nil
}

// Require is Can that answers ErrForbidden when the permission is missing.
func (a *Authorizer) Require(ctx context.Context, p Principal, action Action, t Target) error {
	ok, err := a.Can(ctx, p, action, t)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("identity: %s on tenant %q: %w", action, t.TenantID, ErrForbidden)
	}
	return nil
}

// ServiceScope tells list queries (the caseworker's inbox) which services
// of the tenant p may see for a case action: all of them, or only the
// listed slugs. ok is false when p may see none.
func (a *Authorizer) ServiceScope(ctx context.Context, p Principal, action Action, tenantID string) (all bool, services []string, ok bool, err error) {
	if can, err := a.Can(ctx, p, action, Target{TenantID: tenantID}); err != nil || can {
		return can, nil, can, err
	}
	for _, g := range p.Grants {
		if g.Role == Caseworker && g.TenantID == tenantID && g.Role.Allows(action) && p.Kind == Staff && p.MFAPassed {
			services = append(services, g.Services...)
		}
	}
	slices.Sort(services)
	services = slices.Compact(services)
	return false, services, len(services) > 0, nil
}

// Tenants lists the IDs of the tenants on which p may perform action; all
// is true for region-wide permission (then the list is empty).
func (a *Authorizer) Tenants(ctx context.Context, p Principal, action Action) (all bool, tenantIDs []string, err error) {
	if p.system {
		return true, nil, nil
	}
	if p.Kind != Staff || !p.MFAPassed {
		return false, nil, nil
	}
	for _, g := range p.Grants {
		if !g.Role.Allows(action) {
			continue
		}
		switch g.Role {
		case RegionAdmin:
			return true, nil, nil
		case OperatorAdmin:
			ids, err := a.tenantsOfOperator(ctx, g.OperatorID)
			if err != nil {
				return false, nil, err
			}
			tenantIDs = append(tenantIDs, ids...)
		default:
			tenantIDs = append(tenantIDs, g.TenantID)
		}
	}
	slices.Sort(tenantIDs)
	return false, slices.Compact(tenantIDs), nil
}

// operatorLookup returns a function that reads the tenant's operator on
// first use only, so checks that need no operator cost no query.
func (a *Authorizer) operatorLookup(ctx context.Context, tenantID string) func() (string, error) {
	var op string
	var err error
	done := false
	return func() (string, error) {
		if done {
			return op, err
		}
		done = true
		if tenantID == "" {
			return "", nil
		}
		err = a.db.QueryRow(ctx, `SELECT operator_id FROM tenants WHERE id = ?`, tenantID).Scan(&op)
		if errors.Is(err, sql.ErrNoRows) {
			op, err = "", nil
		} else if err != nil {
			err = fmt.Errorf("identity: tenant operator: %w", err)
		}
		return op, err
	}
}

func (a *Authorizer) tenantsOfOperator(ctx context.Context, operatorID string) ([]string, error) {
	ids, err := a.db.Strings(ctx, `SELECT id FROM tenants WHERE operator_id = ?`, operatorID)
	if err != nil {
		return nil, fmt.Errorf("identity: operator tenants: %w", err)
	}
	return ids, nil
}

// mayGrant reports whether p may give or take away grant g: the tenant
// roles need ManageStaff on the tenant, an operator admin grant needs a
// region admin or an admin of the same operator, a region admin grant needs
// a region admin.
func (a *Authorizer) mayGrant(ctx context.Context, p Principal, g RoleGrant) (bool, error) {
	if p.system {
		return true, nil
	}
	switch g.Role {
	case RegionAdmin:
		return a.Can(ctx, p, ManageRegion, Target{})
	case OperatorAdmin:
		if ok, err := a.Can(ctx, p, ManageRegion, Target{}); err != nil || ok {
			return ok, err
		}
		return p.Kind == Staff && p.MFAPassed && slices.ContainsFunc(p.Grants, func(h RoleGrant) bool {
			return h.Role == OperatorAdmin && h.OperatorID == g.OperatorID
		}), nil
	default:
		return a.Can(ctx, p, ManageStaff, Target{TenantID: g.TenantID})
	}
}
