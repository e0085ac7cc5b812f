// Package request carries per-request state through the handler chain: the
// request ID, the resolved tenant, the path prefix under which the tenant's
// portal is reached, and the route that served the request.
package request

import (
	"context"
	"net/http"

	"github.com/serviceportal/serviceportal/internal/identity"
	"github.com/serviceportal/serviceportal/internal/tenant"
)

// Info is created once per request by the outermost middleware; inner
// layers fill it in, and the logging and metrics layers read it afterwards.
type Info struct {
	// ID identifies the request in logs and on error pages.
	ID string
	// Route is the ServeMux pattern that served the request.
	Route string
	// Tenant is the portal the request is for (the region if none other).
	Tenant tenant.Tenant
	// Base is the path prefix of the tenant's portal: "" when reached by
	// its own host name, "/dorsten" when reached by path.
	Base string
	// Region is the regional portal's tenant.
	Region tenant.Tenant
	// RegionURL is the regional portal's root: "/" on the portal's main
	// address, absolute when the request came to a city's own host name.
	RegionURL string
	// Session is the logged-in session, nil for anonymous requests.
	Session *identity.Session
	// Account is the session's account.
	Account *identity.Account
	// CSRF is the session's form token; forms of logged-in users carry it.
	CSRF string
	// IP is the client address, for throttling only; it is never logged.
	IP string
}

// LoggedIn reports whether a full (second factor passed) session is present.
func (i *Info) LoggedIn() bool { return i.Session != nil && i.Account != nil }

// IsStaff reports whether the logged-in account is a staff account.
func (i *Info) IsStaff() bool { return i.LoggedIn() && i.Account.Kind == identity.Staff }

type infoKey struct{}

// WithInfo returns ctx carrying info.
func WithInfo(ctx context.Context, info *Info) context.Context {
	return context.WithValue(ctx, infoKey{}, info)
}

// From returns the request's Info; a zero Info if the middleware did not run.
func From(r *http.Request) *Info {
	return FromContext(r.Context())
}

// FromContext returns the Info carried by ctx.
func FromContext(ctx context.Context) *Info {
	if info, ok := ctx.Value(infoKey{}).(*Info); ok {
		return info
	}
	return &Info{}
}
