package identity

import (
	"fmt"
	"slices"
)

// Role is a staff role; its scope is the region, an operator or a tenant.
type Role string

// The roles, from the widest scope to the narrowest.
const (
	// RegionAdmin administers the whole region: tenants, staff, templates.
	RegionAdmin Role = "region_admin"
	// OperatorAdmin administers the tenants a data centre runs (scope:
	// operator ID): their settings, delivery endpoints and staff.
	OperatorAdmin Role = "operator_admin"
	// TenantAdmin administers one tenant: settings, staff, services.
	TenantAdmin Role = "tenant_admin"
	// Coordinator (Loki) configures one tenant's services.
	Coordinator Role = "coordinator"
	// Caseworker processes one tenant's cases, optionally only for some
	// services.
	Caseworker Role = "caseworker"
)

var roleLabels = map[Role]string{
	RegionAdmin:   "Regionsadministration",
	OperatorAdmin: "Administration Rechenzentrum",
	TenantAdmin:   "Administration Kommune",
	Coordinator:   "Lokale Koordination",
	Caseworker:    "Sachbearbeitung",
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { _, ok := roleLabels[r]; return ok }

// Label is the role's German name.
func (r Role) Label() string { return roleLabels[r] }

// Roles lists all roles, widest scope first.
func Roles() []Role { return []Role{RegionAdmin, OperatorAdmin, TenantAdmin, Coordinator, Caseworker} }

// RoleGrant gives an account a role within a scope. Exactly one scope
// field is set as the role demands: none for RegionAdmin, OperatorID for
// OperatorAdmin, TenantID for the tenant roles. Services limits a
// Caseworker to those service slugs; empty means all of the tenant's.
type RoleGrant struct {
	ID         string
	AccountID  string
	Role       Role
	OperatorID string
	TenantID   string
	Services   []string
}

// Validate checks that the grant's scope fits its role.
func (g RoleGrant) Validate() error {
	switch g.Role {
	case RegionAdmin:
		if g.OperatorID != "" || g.TenantID != "" {
			return fmt.Errorf("identity: region_admin takes no operator or tenant")
		}
	case OperatorAdmin:
		if g.OperatorID == "" || g.TenantID != "" {
			return fmt.Errorf("identity: operator_admin needs an operator and no tenant")
		}
	case TenantAdmin, Coordinator, Caseworker:
		if g.TenantID == "" || g.OperatorID != "" {
			return fmt.Errorf("identity: %s needs a tenant and no operator", g.Role)
		}
	default:
		return fmt.Errorf("identity: unknown role %q", g.Role)
	}
	if len(g.Services) > 0 && g.Role != Caseworker {
		return fmt.Errorf("identity: only caseworker grants can be limited to services")
	}
	return nil
}

// Action is something a staff member may be allowed to do.
type Action string

// The actions. Each use-case package asks Authorizer.Can before acting.
const (
	// ManageRegion: region-wide settings, creating tenants, region templates.
	ManageRegion Action = "manage_region"
	// ManageTenant: a tenant's settings, legal pages, delivery endpoints, keys.
	ManageTenant Action = "manage_tenant"
	// ManageStaff: a tenant's staff accounts and their roles.
	ManageStaff Action = "manage_staff"
	// ManageServices: adopt templates, edit offerings, forms and workflows.
	ManageServices Action = "manage_services"
	// ViewCases: read applications and their cases.
	ViewCases Action = "view_cases"
	// ProcessCase: change a case (assign, request documents, decide).
	ProcessCase Action = "process_case"
	// ViewOutgoingMail: read the e-mails the portal sent for a tenant.
	ViewOutgoingMail Action = "view_outgoing_mail"
	// ViewAudit: read a tenant's audit log.
	ViewAudit Action = "view_audit"
	// ViewStatistics: aggregate figures and maturity without personal data.
	ViewStatistics Action = "view_statistics"
	// ExportPayments: the daily reconciliation file for the cash office.
	ExportPayments Action = "export_payments"
)

// caseActions touch citizen data and honour a caseworker's service limit.
var caseActions = []Action{ViewCases, ProcessCase}

// permissions is the whole role → action matrix in one place. Admins get
// no case actions: reading citizens' applications needs a caseworker grant
// in that tenant (see the package documentation).
var permissions = map[Role][]Action{
	RegionAdmin:   {ManageRegion, ManageTenant, ManageStaff, ManageServices, ViewOutgoingMail, ViewAudit, ViewStatistics},
	OperatorAdmin: {ManageTenant, ManageStaff, ViewOutgoingMail, ViewAudit, ViewStatistics, ExportPayments},
	TenantAdmin:   {ManageTenant, ManageStaff, ManageServices, ViewOutgoingMail, ViewAudit, ViewStatistics, ExportPayments},
	Coordinator:   {ManageServices, ViewStatistics},
	Caseworker:    {ViewCases, ProcessCase},
}

// Allows reports whether the role includes the action at all.
func (r Role) Allows(a Action) bool { return slices.Contains(permissions[r], a) }
