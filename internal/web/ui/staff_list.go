package ui

import (
	"errors"
	"net/http"

	"github.com/serviceportal/serviceportal/internal/identity"
	"github.com/serviceportal/serviceportal/internal/web/page"
)

// staffListView is a tenant's staff administration.
type staffListView struct {
	Members []identity.StaffMember
	Form    accountForm
	Created string
	Roles   []roleOption
}

type roleOption struct{ Value, Label string }

var tenantRoles = []roleOption{
	{string(identity.Caseworker), "Sachbearbeitung"},
	{string(identity.Coordinator), "Koordination (Loki)"},
	{string(identity.TenantAdmin), "Administration der Behörde"},
}

func (h *Handler) staffList(w http.ResponseWriter, r *http.Request) {
	s, ok := h.requireStaff(w, r)
	if !ok {
		return
	}
	h.renderStaffList(w, r, s, http.StatusOK, accountForm{Values: map[string]string{}}, r.URL.Query().Get("angelegt"))
}

func (h *Handler) renderStaffList(w http.ResponseWriter, r *http.Request, s staff, status int, f accountForm, created string) {
	members, err := h.ident.TenantStaff(r.Context(), s.principal, s.info.Tenant.ID)
	if err != nil {
		if errors.Is(err, identity.ErrForbidden) {
			h.pages.Error(w, r, http.StatusForbidden)
			return
		}
		h.serverError(w, r, err)
		return
	}
	h.pages.Render(w, r, status, "staff_list", pageData("Personal", staffListView{Members: members, Form: f, Created: created, Roles: tenantRoles}))
}

// staffCreate adds a staff member to this tenant. The identity service
// checks that the creator may manage this tenant's staff.
func (h *Handler) staffCreate(w http.ResponseWriter, r *http.Request) {
	s, ok := h.requireStaff(w, r)
	if !ok {
		return
	}
	f := newForm(r, "name", "email", "rolle")
	role := identity.Role(f.Value("rolle"))
	valid := false
	for _, o := range tenantRoles {
		valid = valid || o.Value == string(role)
	}
	if f.Value("name") == "" {
		f.add("name", "Geben Sie den Namen ein.")
	}
	if !valid {
		f.add("rolle", "Wählen Sie eine Rolle aus.")
	}
	if len(f.Errors) > 0 {
		h.renderStaffList(w, r, s, http.StatusUnprocessableEntity, f, "")
		return
	}
	created, err := h.ident.CreateStaff(r.Context(), s.principal, identity.NewStaff{Name: f.Value("name"), Email: f.Value("email"),
		Grant: identity.RoleGrant{Role: role, TenantID: s.info.Tenant.ID}})
	if err != nil {
		if errors.Is(err, identity.ErrForbidden) {
			h.pages.Error(w, r, http.StatusForbidden)
			return
		}
		status, ok := f.identityError(w, "email", err)
		if !ok {
			f.add("email", "Das Konto konnte nicht angelegt werden: "+err.Error())
			status = http.StatusUnprocessableEntity
		}
		h.renderStaffList(w, r, s, status, f, "")
		return
	}
	if created.SetupToken != "" {
		err := h.sendMail(r.Context(), Mail{TenantID: s.info.Tenant.ID, To: created.Account.Email, Kind: "password_reset",
			Subject: "Ihr Zugang zum Serviceportal",
			Body: "Guten Tag " + created.Account.Name + ",\n\nfür Sie wurde ein Zugang zur Verwaltung des Serviceportals " + s.info.Tenant.ShortName +
				" angelegt. Vergeben Sie mit diesem Link (72 Stunden gültig) Ihr Passwort; bei der ersten Anmeldung richten Sie eine Authenticator-App ein:\n\n" +
				h.baseURL + s.info.Base + "/konto/passwort-neu?token=" + urlQuery(created.SetupToken)})
		if err != nil {
			h.serverError(w, r, err)
			return
		}
	}
	http.Redirect(w, r, s.info.Base+"/verwaltung/personal?angelegt="+urlQuery(created.Account.Email), http.StatusSeeOther)
}

// FormView gives the page's input fields their values and errors.
func (v staffListView) FormView() page.FormView { return v.Form }
