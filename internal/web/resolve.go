package web

import (
	"context"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/tenant"
)

// resolver maps a request's host and path to a tenant. It keeps a snapshot
// of all tenants for a few seconds: every page needs the lookup, tenants
// change rarely, and a short TTL keeps several instances in step without
// any shared cache.
type resolver struct {
	dir *tenant.Directory
	ttl time.Duration

	mu     sync.Mutex
	loaded time.Time
	snap   *snapshot
}

type snapshot struct {
	bySlug map[string]tenant.Tenant
	byHost map[string]tenant.Tenant
	region tenant.Tenant
}

func (rv *resolver) current(ctx context.Context) (*snapshot, error) {
	rv.mu.Lock()
	defer rv.mu.Unlock()
	if rv.snap != nil && time.Since(rv.loaded) < rv.ttl {
		return rv.snap, nil
	}
	all, err := rv.dir.List(ctx)
	if err != nil {
		return nil, err
	}
	s := &snapshot{bySlug: map[string]tenant.Tenant{}, byHost: map[string]tenant.Tenant{}}
	for _, t := range all {
		s.bySlug[t.Slug] = t
		for _, h := range t.Hosts {
			s.byHost[h] = t
		}
		if t.IsRegion() && s.region.ID == "" {
			s.region = t
		}
	}
	rv.snap, rv.loaded = s, time.Now()
	return s, nil
}

// bySlug is the tenant with slug from the snapshot, or store.ErrNotFound:
// the API names tenants in its paths, and reads them as often as pages do.
func (rv *resolver) bySlug(ctx context.Context, slug string) (tenant.Tenant, error) {
	s, err := rv.current(ctx)
	if err != nil {
		return tenant.Tenant{}, err
	}
	t, ok := s.bySlug[slug]
	if !ok {
		return t, store.ErrNotFound
	}
	return t, nil
}

// resolution is where a request goes.
type resolution struct {
	tenant tenant.Tenant
	region tenant.Tenant
	// base is the path prefix of the tenant's portal ("" or "/dorsten").
	base string
	// path is the request path relative to base.
	path string
	// ownHost is true when the request came to a tenant's own host name.
	ownHost bool
	// redirect is set when the path needs a trailing slash ("/dorsten").
	redirect bool
}

// resolve applies the rule: the tenant's own host name first, then a
// path prefix /{slug}/, else the regional portal. A city's own host serves
// only that city; the region's host (or any other) serves every tenant by
// path.
func (rv *resolver) resolve(ctx context.Context, host, path string) (resolution, bool, error) {
	s, err := rv.current(ctx)
	if err != nil {
		return resolution{}, false, err
	}
	if s.region.ID == "" {
		return resolution{}, false, nil
	}
	res := resolution{tenant: s.region, region: s.region, path: path}
	if t, ok := s.byHost[normalizeHost(host)]; ok && !t.IsRegion() {
		res.tenant, res.ownHost = t, true
		return res, true, nil
	}
	seg, rest, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	if t, ok := s.bySlug[seg]; ok && !t.IsRegion() {
		res.tenant = t
		res.base = "/" + seg
		res.path = "/" + rest
		res.redirect = !strings.HasPrefix(strings.TrimPrefix(path, "/"+seg), "/")
	}
	return res, true, nil
}

func normalizeHost(h string) string {
	if host, _, err := net.SplitHostPort(h); err == nil {
		h = host
	}
	return strings.TrimSuffix(strings.ToLower(h), ".")
}
