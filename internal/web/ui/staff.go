package ui

import (
	"net/http"

	"github.com/serviceportal/serviceportal/internal/identity"
	"github.com/serviceportal/serviceportal/internal/web/request"
)

// staffRoutes registers the back office below /verwaltung. Every handler
// asks the identity authorizer about the tenant of the URL; the use-case
// packages check again.
func (h *Handler) staffRoutes(mux *http.ServeMux) {
	if h.ident == nil || h.cases == nil {
		return
	}
	mux.HandleFunc("GET /verwaltung", h.staffHome)
	mux.HandleFunc("GET /verwaltung/vorgaenge", h.inboxShow)
	mux.HandleFunc("GET /verwaltung/vorgaenge.csv", h.inboxExport)
	mux.HandleFunc("POST /verwaltung/vorgaenge/zuweisen", h.inboxAssign)
	mux.HandleFunc("GET /verwaltung/vorgaenge/{id}", h.caseShow)
	mux.HandleFunc("POST /verwaltung/vorgaenge/{id}/aktion", h.caseAction)
	mux.HandleFunc("POST /verwaltung/vorgaenge/{id}/notiz", h.caseNote)
	mux.HandleFunc("GET /verwaltung/vorgaenge/{id}/anhang/{aid}", h.caseAttachment)
	mux.HandleFunc("GET /verwaltung/vorgaenge/{id}/xgewerbeanzeige.xml", h.caseXGewerbe)
	mux.HandleFunc("GET /verwaltung/e-mails", h.outboxShow)
	mux.HandleFunc("GET /verwaltung/personal", h.staffList)
	mux.HandleFunc("POST /verwaltung/personal", h.staffCreate)
}

// staff is the logged-in staff member on this tenant's back office.
type staff struct {
	info      *request.Info
	principal identity.Principal
}

// requireStaff lets logged-in staff through; others are sent to the staff
// login (anonymous) or refused (citizens).
func (h *Handler) requireStaff(w http.ResponseWriter, r *http.Request) (staff, bool) {
	info := request.From(r)
	if !info.LoggedIn() {
		http.Redirect(w, r, info.Base+"/verwaltung/anmelden?weiter="+urlQuery(info.Base+r.URL.RequestURI()), http.StatusSeeOther)
		return staff{}, false
	}
	if !info.IsStaff() {
		h.pages.Error(w, r, http.StatusForbidden)
		return staff{}, false
	}
	p, err := h.ident.Principal(r.Context(), *info.Session)
	if err != nil {
		h.serverError(w, r, err)
		return staff{}, false
	}
	return staff{info: info, principal: p}, true
}

// can asks the authorizer about the current tenant.
func (h *Handler) can(r *http.Request, s staff, action identity.Action, serviceSlug string) bool {
	ok, err := h.ident.Authorizer().Can(r.Context(), s.principal, action, identity.Target{TenantID: s.info.Tenant.ID, ServiceSlug: serviceSlug})
	return err == nil && ok
}

// staffHomeView is the back office's start page.
type staffHomeView struct {
	Name     string
	CanCases bool
	CanMail  bool
	CanStaff bool
	// CanServices: coordinators and admins configure services.
	CanServices bool
	// CanPayments: admins fetch the cash office's reconciliation file.
	CanPayments bool
	// CanInterfaces: admins register the back-end systems' API access.
	CanInterfaces bool
	Today         string
	Elsewhere     []tenantLink
}

type tenantLink struct{ Name, URL string }

func (h *Handler) staffHome(w http.ResponseWriter, r *http.Request) {
	s, ok := h.requireStaff(w, r)
	if !ok {
		return
	}
	v := staffHomeView{Name: s.info.Account.Name,
		CanCases: h.can(r, s, identity.ViewCases, ""), CanMail: h.can(r, s, identity.ViewOutgoingMail, ""),
		CanStaff: h.can(r, s, identity.ManageStaff, ""), CanServices: h.can(r, s, identity.ManageServices, ""),
		CanPayments: h.payments != nil && h.can(r, s, identity.ExportPayments, ""), Today: h.clock().In(berlinTZ).Format("2006-01-02"),
		CanInterfaces: h.backend != nil && h.can(r, s, identity.ManageTenant, "")}
	if !v.CanCases {
		// A limited caseworker may still see some services' cases.
		_, services, ok, _ := h.ident.Authorizer().ServiceScope(r.Context(), s.principal, identity.ViewCases, s.info.Tenant.ID)
		v.CanCases = ok && len(services) > 0
	}
	tenants, _ := h.dir.List(r.Context())
	for _, t := range tenants {
		if t.ID == s.info.Tenant.ID {
			continue
		}
		if ok, _ := h.ident.Authorizer().Can(r.Context(), s.principal, identity.ViewCases, identity.Target{TenantID: t.ID}); ok {
			v.Elsewhere = append(v.Elsewhere, tenantLink{Name: t.Name, URL: s.info.RegionURL + t.Slug + "/verwaltung"})
		} else if ok, _ := h.ident.Authorizer().Can(r.Context(), s.principal, identity.ManageStaff, identity.Target{TenantID: t.ID}); ok {
			v.Elsewhere = append(v.Elsewhere, tenantLink{Name: t.Name, URL: s.info.RegionURL + t.Slug + "/verwaltung"})
		}
	}
	h.pages.Render(w, r, http.StatusOK, "staff_home", pageData("Verwaltung", v))
}
