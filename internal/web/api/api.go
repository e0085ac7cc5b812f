// Package api serves the JSON API (/api/v1) for back-end systems and
// integrators. Errors are RFC 9457 problem details.
package api

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/serviceportal/serviceportal/internal/backend"
	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/delivery"
	"github.com/serviceportal/serviceportal/internal/form"
	"github.com/serviceportal/serviceportal/internal/identity"
	"github.com/serviceportal/serviceportal/internal/inbound"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/submission"
	"github.com/serviceportal/serviceportal/internal/tenant"
	"github.com/serviceportal/serviceportal/internal/web/request"
)

// Deps are the use cases the API calls.
type Deps struct {
	Tenants *tenant.Directory
	Catalog *catalog.Catalog
	Search  *catalog.Index
	Subs    *submission.Service
	// Forms finds a tenant's current form.
	Forms interface {
		Current(ctx context.Context, tenantID, id string) (*form.Form, bool)
	}
	// Identity authenticates staff for the writing endpoints (adoption);
	// nil leaves them closed.
	Identity *identity.Service
	// Backend serves the back-end systems (/api/v1/backend/…); nil
	// answers those routes with 404.
	Backend *backend.Service
	// Deliveries serves the file links in webhooks; nil answers them
	// with 404.
	Deliveries *delivery.Service
	// Inbound takes FIT-Connect callbacks; until the operator enabled
	// FIT-Connect they are answered with 404.
	Inbound *inbound.Service
	// BaseURL makes portal links absolute.
	BaseURL string
	Log     *slog.Logger
	// TenantBySlug and ServiceBySlug, if set, look tenants and services up
	// in a short-lived cache (the web layer's); nil reads Tenants and
	// Catalog each time.
	TenantBySlug  func(ctx context.Context, slug string) (tenant.Tenant, error)
	ServiceBySlug func(ctx context.Context, slug string) (catalog.Service, error)
}

// Handler serves /api/v1.
type Handler struct {
	dir     *tenant.Directory
	catalog *catalog.Catalog
	search  *catalog.Index
	subs    *submission.Service
	forms   interface {
		Current(ctx context.Context, tenantID, id string) (*form.Form, bool)
	}
	ident   *identity.Service
	backend *backend.Service
	deliv   *delivery.Service
	inbound *inbound.Service
	baseURL string
	log     *slog.Logger
	tenant  func(ctx context.Context, slug string) (tenant.Tenant, error)
	service func(ctx context.Context, slug string) (catalog.Service, error)
}

// New returns the API handler.
func New(d Deps) *Handler {
	h := &Handler{dir: d.Tenants, catalog: d.Catalog, search: d.Search, subs: d.Subs, forms: d.Forms, ident: d.Identity, backend: d.Backend,
		deliv: d.Deliveries, inbound: d.Inbound, baseURL: d.BaseURL, log: d.Log, tenant: d.TenantBySlug, service: d.ServiceBySlug}
	if h.tenant == nil {
		h.tenant = d.Tenants.BySlug
	}
	if h.service == nil {
		h.service = d.Catalog.BySlug
	}
	return h
}

// Routes registers the API's routes below /api/v1/ on a new mux.
func (h *Handler) Routes() *http.ServeMux { return h.routes().ServeMux }

// routes builds the mux and remembers the patterns, so a test can hold
// them against the OpenAPI document.
func (h *Handler) routes() *routeMux {
	mux := &routeMux{ServeMux: http.NewServeMux()}
	mux.HandleFunc("GET /api/v1/tenants", h.tenantsList)
	mux.HandleFunc("GET /api/v1/tenants/{slug}", h.tenantShow)
	mux.HandleFunc("GET /api/v1/places", h.placesSearch)
	mux.HandleFunc("GET /api/v1/tenants/{slug}/services", h.tenantServices)
	mux.HandleFunc("GET /api/v1/services/{id}", h.serviceShow)
	mux.HandleFunc("GET /api/v1/search", h.searchList)
	mux.HandleFunc("GET /api/v1/routes", h.routesList)
	mux.HandleFunc("POST /api/v1/tenants/{slug}/offerings/{id}/submissions", h.submissionCreate)
	mux.HandleFunc("GET /api/v1/tenants/{slug}/submissions/{token}", h.submissionStatus)
	mux.HandleFunc("GET /api/v1/templates", h.templatesList)
	mux.HandleFunc("GET /api/v1/templates/{id}/versions/{n}/schema.json", h.templateSchema)
	mux.HandleFunc("GET /api/v1/tenants/{slug}/offerings", h.offeringsList)
	mux.HandleFunc("POST /api/v1/tenants/{slug}/offerings", h.offeringAdopt)
	mux.HandleFunc("GET /api/v1/openapi.json", h.openAPI)
	mux.HandleFunc("POST /api/v1/backend/token", h.backendToken)
	mux.HandleFunc("GET /api/v1/backend/submissions", h.backendSubmissionsList)
	mux.HandleFunc("GET /api/v1/backend/submissions/{id}", h.backendSubmissionShow)
	mux.HandleFunc("GET /api/v1/backend/submissions/{id}/attachments/{attachmentId}", h.backendAttachmentShow)
	mux.HandleFunc("POST /api/v1/backend/submissions/{id}/events", h.backendEventCreate)
	mux.HandleFunc("POST /api/v1/fitconnect/callback/{id}", h.fitConnectCallback)
	mux.HandleFunc("GET /api/v1/deliveries/{id}/attachments/{attachmentId}", h.deliveryAttachmentShow)
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, r, http.StatusNotFound, "Unbekannte API-Adresse", "Diese Adresse gibt es in der API nicht. Die Endpunkte sind unter /api/v1/ beschrieben.")
	})
	return mux
}

// routeMux is a ServeMux that lists its patterns.
type routeMux struct {
	*http.ServeMux
	patterns []string
}

// HandleFunc registers and records a pattern.
func (m *routeMux) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	m.patterns = append(m.patterns, pattern)
	m.ServeMux.HandleFunc(pattern, h)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// problem is an RFC 9457 problem details object.
type problem struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status"`
	Detail    string `json:"detail,omitempty"`
	Instance  string `json:"instance,omitempty"`
	RequestID string `json:"request_id,omitempty"`
}

func writeProblem(w http.ResponseWriter, r *http.Request, status int, title, detail string) {
	w.Header().Set("Content-Type", "application/problem+json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(problem{
		Type: "about:blank", Title: title, Status: status, Detail: detail,
		Instance: r.URL.Path, RequestID: request.From(r).ID,
	})
}

// pathTenant finds the tenant named by the URL's {slug}; it answers 404
// for an unknown one and 500 when the database fails.
func (h *Handler) pathTenant(w http.ResponseWriter, r *http.Request) (tenant.Tenant, bool) {
	t, err := h.tenant(r.Context(), r.PathValue("slug"))
	if errors.Is(err, store.ErrNotFound) {
		writeProblem(w, r, http.StatusNotFound, "Gebietskörperschaft nicht gefunden", "GET /api/v1/tenants listet alle.")
		return t, false
	}
	if err != nil {
		h.internalError(w, r, err)
		return t, false
	}
	return t, true
}

func (h *Handler) internalError(w http.ResponseWriter, r *http.Request, err error) {
	h.log.ErrorContext(r.Context(), "api failed", "path", r.URL.Path, "err", err)
	writeProblem(w, r, http.StatusInternalServerError, "Interner Fehler", "Die Anfrage konnte nicht bearbeitet werden. Bitte später erneut versuchen.")
}
