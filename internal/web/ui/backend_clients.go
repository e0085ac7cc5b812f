package ui

import (
	"errors"
	"net/http"
	"slices"

	"github.com/serviceportal/serviceportal/internal/backend"
	"github.com/serviceportal/serviceportal/internal/identity"
)

// backendClientsView lists a tenant's back-end clients (Fachverfahren with
// API access) and registers new ones; right after creating, it shows the
// credentials, the only time the portal can.
type backendClientsView struct {
	Clients  []backendClientRow
	Services []serviceChoice
	Form     accountForm
	// Chosen are the services ticked in the form, kept after an error.
	Chosen []string
	// Created holds the new client's credentials, shown once.
	Created     *backend.Credentials
	CreatedName string
	Notice      string
	// TokenURL and APIURL are what the back-end system is configured with.
	TokenURL, APIURL string
}

// serviceChoice is one service's checkbox.
type serviceChoice struct {
	Slug, Name string
	Checked    bool
}

type backendClientRow struct {
	Client   backend.Client
	Services []string
}

func (h *Handler) backendClientRoutes(mux *http.ServeMux) {
	if h.backend == nil || h.ident == nil {
		return
	}
	mux.HandleFunc("GET /verwaltung/schnittstellen", h.backendClientsShow)
	mux.HandleFunc("POST /verwaltung/schnittstellen", h.backendClientCreate)
	mux.HandleFunc("POST /verwaltung/schnittstellen/{id}/widerrufen", h.backendClientRevoke)
}

// requireTenantAdmin lets through staff who may manage this tenant: its
// admins, its operator's admins and the region's.
func (h *Handler) requireTenantAdmin(w http.ResponseWriter, r *http.Request) (staff, bool) {
	s, ok := h.requireStaff(w, r)
	if !ok {
		return s, false
	}
	if !h.can(r, s, identity.ManageTenant, "") {
		h.pages.Error(w, r, http.StatusForbidden)
		return s, false
	}
	return s, true
}

func (h *Handler) backendClientsShow(w http.ResponseWriter, r *http.Request) {
	s, ok := h.requireTenantAdmin(w, r)
	if !ok {
		return
	}
	h.renderBackendClients(w, r, s, http.StatusOK, backendClientsView{Form: accountForm{Values: map[string]string{}},
		Notice: r.URL.Query().Get("hinweis")})
}

func (h *Handler) renderBackendClients(w http.ResponseWriter, r *http.Request, s staff, status int, v backendClientsView) {
	ctx := r.Context()
	clients, err := h.backend.Clients(ctx, s.principal, s.info.Tenant.ID)
	if errors.Is(err, identity.ErrForbidden) {
		h.pages.Error(w, r, http.StatusForbidden)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	services, err := h.catalog.ForTenant(ctx, s.info.Tenant.ID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	for _, svc := range services {
		v.Services = append(v.Services, serviceChoice{Slug: svc.Slug, Name: svc.Name, Checked: slices.Contains(v.Chosen, svc.Slug)})
	}
	for _, c := range clients {
		row := backendClientRow{Client: c}
		for _, svc := range services {
			if slices.Contains(c.Services, svc.ID) {
				row.Services = append(row.Services, svc.Name)
			}
		}
		v.Clients = append(v.Clients, row)
	}
	v.TokenURL, v.APIURL = h.baseURL+"/api/v1/backend/token", h.baseURL+"/api/v1/backend/submissions"
	w.Header().Set("Cache-Control", "no-store")
	h.pages.Render(w, r, status, "backend_clients", pageData("Schnittstellen", v))
}
