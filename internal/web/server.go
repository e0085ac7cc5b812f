// Package web assembles the portal's HTTP handler: the operations endpoints,
// static files, the JSON API and the tenant-resolved pages, wrapped in
// request logging, metrics, panic recovery, security headers and
// cross-origin protection.
package web

import (
	"cmp"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/identity/oidc"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/web/api"
	"github.com/serviceportal/serviceportal/internal/web/page"
	"github.com/serviceportal/serviceportal/internal/web/request"
	"github.com/serviceportal/serviceportal/internal/web/static"
	"github.com/serviceportal/serviceportal/internal/web/ui"
)

// Options configure a Server.
type Options struct {
	DB      *store.DB
	BaseURL string
	Logger  *slog.Logger
	Version string
	// TenantTTL is how long the tenant snapshot is trusted; 0 means 5 s.
	TenantTTL time.Duration
	// UseCases are the services behind the pages; built from DB and
	// MasterKey when nil.
	UseCases  *UseCases
	MasterKey []byte
	// Mail sends the portal's e-mails (through the outbox).
	Mail ui.Mailer
	// MaxInFlight bounds concurrent requests; 0 means 64 per CPU.
	MaxInFlight int
	// AdmissionWait is how long a request waits for a slot before it is
	// answered with 503; 0 means 100 ms.
	AdmissionWait time.Duration
	// OIDC is the citizens' eID login (BundID); nil when not configured.
	OIDC *oidc.Provider
	// StaffOIDC is the staff login through the data centre's identity
	// provider; nil when not configured.
	StaffOIDC *oidc.Provider
}

// Server is the portal's HTTP handler.
type Server struct {
	db       *store.DB
	baseURL  string
	log      *slog.Logger
	pages    *page.Renderer
	resolver *resolver
	// services caches the API's service look-ups by slug, as the tenants'
	// snapshot does for tenants.
	services  refCache[catalog.Service]
	metrics   *metrics
	draining  atomic.Bool
	handler   http.Handler
	uc        *UseCases
	secure    bool
	admission *admission
}

// New builds the handler. It fails if a template is broken.
func New(opts Options) (*Server, error) {
	pages, err := page.New(opts.Logger)
	if err != nil {
		return nil, err
	}
	ttl := opts.TenantTTL
	if ttl == 0 {
		ttl = 5 * time.Second
	}
	uc := opts.UseCases
	if uc == nil {
		if uc, err = NewUseCases(context.Background(), opts.DB, opts.MasterKey); err != nil {
			return nil, err
		}
	}
	if uc.BaseURL == "" {
		uc.BaseURL = strings.TrimRight(opts.BaseURL, "/")
	}
	uc.Backend.SetBaseURL(uc.BaseURL)
	uc.Delivery.SetBaseURL(uc.BaseURL)
	dir, cat, search := uc.Tenants, uc.Catalog, uc.Search
	if opts.Mail == nil {
		opts.Mail = outboxMailer{uc.Outbox}
	}
	s := &Server{
		db: opts.DB, baseURL: strings.TrimRight(opts.BaseURL, "/"), log: opts.Logger, pages: pages,
		resolver:  &resolver{dir: dir, ttl: ttl},
		metrics:   newMetrics(opts.DB, opts.Version),
		uc:        uc,
		secure:    strings.HasPrefix(opts.BaseURL, "https://"),
		admission: newAdmission(cmp.Or(opts.MaxInFlight, 64*runtime.GOMAXPROCS(0)), cmp.Or(opts.AdmissionWait, 100*time.Millisecond)),
	}
	pagesMux := ui.New(ui.Deps{Tenants: dir, Catalog: cat, Search: search, Pages: pages, Log: opts.Logger,
		Identity: uc.Identity, Submissions: uc.Submissions, Cases: uc.Cases, Mail: opts.Mail,
		BaseURL: s.baseURL, Cookies: ui.Cookies{Secure: s.secure}, Outbox: uc.Outbox, Mailbox: uc.Mailbox, Forms: uc.forms,
		Receipts: uc.ReceiptPDF, Deliveries: uc.Delivery, Inbound: uc.Inbound, Maturity: uc, Payments: uc.Payments,
		OIDC: opts.OIDC, StaffOIDC: opts.StaffOIDC, Backend: uc.Backend}).Routes()

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", s.metrics.handler())
	mux.Handle("GET "+static.Prefix, static.Handler())
	mux.Handle("/api/", api.New(api.Deps{Tenants: dir, Catalog: cat, Search: search, Subs: uc.Submissions, Forms: uc.forms,
		Identity: uc.Identity, Backend: uc.Backend, Deliveries: uc.Delivery, Inbound: uc.Inbound, BaseURL: s.baseURL, Log: opts.Logger,
		TenantBySlug: s.resolver.bySlug,
		ServiceBySlug: func(ctx context.Context, slug string) (catalog.Service, error) {
			return s.services.get(ctx, slug, cat.BySlug)
		}}).Routes())
	mux.Handle("/", s.tenantPages(pagesMux))

	h := recordRoute(mux)
	h = s.authenticate(h)
	h = s.resolveTenant(h)
	h = http.NewCrossOriginProtection().Handler(h)
	h = s.recoverPanics(h)
	h = s.admit(h)
	h = s.securityHeaders(h)
	h = s.observe(h)
	s.handler = h
	return s, nil
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// SetDraining makes /readyz fail, so that a load balancer stops sending
// new requests while in-flight ones finish during shutdown.
func (s *Server) SetDraining() { s.draining.Store(true) }

// recordRoute notes the ServeMux pattern that matched, for logs and metrics.
func recordRoute(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r)
		if info := request.From(r); info.Route == "" {
			info.Route = r.Pattern
		}
	})
}

// resolveTenant finds the tenant for every request, so that error pages
// and API problems too know whose portal they belong to.
func (s *Server) resolveTenant(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info := request.From(r)
		res, ok, err := s.resolver.resolve(r.Context(), r.Host, r.URL.Path)
		if err != nil || !ok {
			if err != nil {
				s.log.ErrorContext(r.Context(), "tenant resolution", "err", err, "request_id", info.ID)
			}
			http.Error(w, "Das Serviceportal ist noch nicht eingerichtet oder die Datenbank ist nicht erreichbar.", http.StatusServiceUnavailable)
			return
		}
		info.Tenant, info.Region, info.Base = res.tenant, res.region, res.base
		info.RegionURL = "/"
		if res.ownHost {
			info.RegionURL = s.baseURL + "/"
		}
		ctx := context.WithValue(r.Context(), resolutionKey{}, res)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

type resolutionKey struct{}

// tenantPages serves a tenant's pages below its base path.
func (s *Server) tenantPages(pages *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		res, _ := r.Context().Value(resolutionKey{}).(resolution)
		if res.redirect {
			target := res.base + "/"
			if r.URL.RawQuery != "" {
				target += "?" + r.URL.RawQuery
			}
			http.Redirect(w, r, target, http.StatusMovedPermanently)
			return
		}
		inner := r.Clone(r.Context())
		inner.URL.Path = res.path
		inner.URL.RawPath = ""
		pages.ServeHTTP(w, inner)
		request.From(r).Route = inner.Pattern
	})
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte("ok\n"))
}

// readyz reports whether this instance should get traffic: the database
// answers, its schema is the one this build expects, and it is not
// shutting down.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	out := map[string]any{"database": s.db.Dialect().String(), "schema_expected": store.LatestVersion()}
	status := http.StatusOK
	var problems []string
	if s.draining.Load() {
		problems = append(problems, "shutting down")
	}
	if err := s.db.Ping(ctx); err != nil {
		problems = append(problems, "database not reachable")
	} else if v, err := s.db.SchemaVersion(ctx); err != nil || v != store.LatestVersion() {
		out["schema_version"] = v
		problems = append(problems, "migrations not current")
	} else {
		out["schema_version"] = v
	}
	out["status"] = "ok"
	if len(problems) > 0 {
		status = http.StatusServiceUnavailable
		out["status"] = "unavailable"
		out["problems"] = problems
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(out)
}
