package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/serviceportal/serviceportal/internal/store"
)

// Grants returns the role grants of an account.
func (s *Service) Grants(ctx context.Context, accountID string) ([]RoleGrant, error) {
	return s.queryGrants(ctx, `WHERE account_id = ?`, accountID)
}

func (s *Service) queryGrants(ctx context.Context, where string, args ...any) ([]RoleGrant, error) {
	rows, err := s.db.Query(ctx, `SELECT id, account_id, role, COALESCE(operator_id, ''), COALESCE(tenant_id, '')
		FROM role_grants `+where+` ORDER BY created_at, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("identity: role grants: %w", err)
	}
	var gs []RoleGrant
	for rows.Next() {
		var g RoleGrant
		if err := rows.Scan(&g.ID, &g.AccountID, &g.Role, &g.OperatorID, &g.TenantID); err != nil {
			rows.Close()
			return nil, fmt.Errorf("identity: role grants: %w", err)
		}
		gs = append(gs, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("identity: role grants: %w", err)
	}
	// Services are read after the grants' rows are closed: inside a
	// transaction both queries share one connection.
	for i := range gs {
		if gs[i].Services, err = s.grantServices(ctx, gs[i].ID); err != nil {
			return nil, err
		}
	}
	return gs, nil
}

func (s *Service) grantServices(ctx context.Context, grantID string) ([]string, error) {
	out, err := s.db.Strings(ctx, `SELECT service_slug FROM role_grant_services WHERE grant_id = ? ORDER BY service_slug`, grantID)
	if err != nil {
		return nil, fmt.Errorf("identity: grant services: %w", err)
	}
	if len(out) == 0 {
		return nil, nil // nil, as before, when the grant lists none
	}
	return out, nil
}

// GrantRole gives an account a role, or replaces the service list of an
// existing grant of the same role and scope. p must be allowed to manage
// that scope (see Authorizer); only staff accounts take roles.
func (s *Service) GrantRole(ctx context.Context, p Principal, g RoleGrant) (RoleGrant, error) {
	if err := g.Validate(); err != nil {
		return RoleGrant{}, err
	}
	if ok, err := s.authz.mayGrant(ctx, p, g); err != nil {
		return RoleGrant{}, err
	} else if !ok {
		return RoleGrant{}, fmt.Errorf("identity: grant %s: %w", g.Role, ErrForbidden)
	}
	err := s.db.InTx(ctx, func(ctx context.Context) error {
		var err error
		g, err = s.putGrant(ctx, p, g)
		return err
	})
	return g, err
}

// putGrant stores g after the permission check, inside a transaction.
func (s *Service) putGrant(ctx context.Context, p Principal, g RoleGrant) (RoleGrant, error) {
	a, err := s.accountByID(ctx, g.AccountID)
	if err != nil {
		return g, err
	}
	if a.Kind != Staff {
		return g, fmt.Errorf("identity: only staff accounts take roles")
	}
	var id string
	err = s.db.QueryRow(ctx, `SELECT id FROM role_grants WHERE account_id = ? AND role = ?
		AND COALESCE(operator_id, '') = ? AND COALESCE(tenant_id, '') = ?`, g.AccountID, g.Role, g.OperatorID, g.TenantID).Scan(&id)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		id = store.NewID()
		if _, err := s.db.Exec(ctx, `INSERT INTO role_grants (id, account_id, role, operator_id, tenant_id, created_at, created_by)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, id, g.AccountID, g.Role, nullIfEmpty(g.OperatorID), nullIfEmpty(g.TenantID), s.now(), p.AccountID); err != nil {
			return g, fmt.Errorf("identity: grant role: %w", err)
		}
	case err != nil:
		return g, fmt.Errorf("identity: grant role: %w", err)
	default:
		if _, err := s.db.Exec(ctx, `DELETE FROM role_grant_services WHERE grant_id = ?`, id); err != nil {
			return g, fmt.Errorf("identity: grant role: %w", err)
		}
	}
	g.ID = id
	g.Services = slices.Compact(slices.Sorted(slices.Values(g.Services)))
	for _, slug := range g.Services {
		if _, err := s.db.Exec(ctx, `INSERT INTO role_grant_services (grant_id, service_slug) VALUES (?, ?)`, id, slug); err != nil {
			return g, fmt.Errorf("identity: grant role: %w", err)
		}
	}
	return g, nil
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// RevokeRole removes a grant, with the same permission check as GrantRole.
// The region keeps at least one region admin.
func (s *Service) RevokeRole(ctx context.Context, p Principal, grantID string) error {
	gs, err := s.queryGrants(ctx, `WHERE id = ?`, grantID)
	if err != nil {
		return err
	}
	if len(gs) == 0 {
		return fmt.Errorf("identity: role grant: %w", store.ErrNotFound)
	}
	g := gs[0]
	if ok, err := s.authz.mayGrant(ctx, p, g); err != nil {
		return err
	} else if !ok {
		return fmt.Errorf("identity: revoke %s: %w", g.Role, ErrForbidden)
	}
	return s.db.InTx(ctx, func(ctx context.Context) error {
		if g.Role == RegionAdmin {
			var n int
			if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM role_grants WHERE role = ?`, RegionAdmin).Scan(&n); err != nil {
				return fmt.Errorf("identity: revoke role: %w", err)
			}
			if n <= 1 {
				return ErrLastRegionAdmin
			}
		}
		if _, err := s.db.Exec(ctx, `DELETE FROM role_grants WHERE id = ?`, grantID); err != nil {
			return fmt.Errorf("identity: revoke role: %w", err)
		}
		return nil
	})
}

// StaffMember is a staff account with the grants it holds in one tenant.
type StaffMember struct {
	Account Account
	Grants  []RoleGrant
}

// TenantStaff lists the staff with roles in the tenant. p needs
// ManageStaff there.
func (s *Service) TenantStaff(ctx context.Context, p Principal, tenantID string) ([]StaffMember, error) {
	if err := s.authz.Require(ctx, p, ManageStaff, Target{TenantID: tenantID}); err != nil {
		return nil, err
	}
	gs, err := s.queryGrants(ctx, `WHERE tenant_id = ?`, tenantID)
	if err != nil {
		return nil, err
	}
	var out []StaffMember
	index := map[string]int{}
	for _, g := range gs {
		i, ok := index[g.AccountID]
		if !ok {
			a, err := s.accountByID(ctx, g.AccountID)
			if err != nil {
				return nil, err
			}
			i = len(out)
			index[g.AccountID] = i
			out = append(out, StaffMember{Account: a.Account})
		}
		out[i].Grants = append(out[i].Grants, g)
	}
	slices.SortFunc(out, func(a, b StaffMember) int {
		if a.Account.Name < b.Account.Name {
			return -1
		}
		if a.Account.Name > b.Account.Name {
			return 1
		}
		return 0
	})
	return out, nil
}

// authorizeAccountAdmin decides whether p may administer an account as a
// whole (disable it, reset its second factor): for staff p must be allowed
// to manage every grant the account holds, so an admin of one tenant cannot
// lock out someone who also works for another; citizens and staff without
// any role are left to region admins.
func (s *Service) authorizeAccountAdmin(ctx context.Context, p Principal, accountID string) error {
	if p.system {
		return nil
	}
	gs, err := s.Grants(ctx, accountID)
	if err != nil {
		return err
	}
	if len(gs) == 0 {
		return s.authz.Require(ctx, p, ManageRegion, Target{})
	}
	for _, g := range gs {
		ok, err := s.authz.mayGrant(ctx, p, g)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("identity: account %s: %w", accountID, ErrForbidden)
		}
	}
	return nil
}
