package ui

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/identity"
	"github.com/serviceportal/serviceportal/internal/payment"
	"github.com/serviceportal/serviceportal/internal/store"
)

// libraryRow is a template as the library lists it for this tenant.
type libraryRow struct {
	Template catalog.Template
	Service  catalog.Service
	// Own is the tenant's offering of the service, if any.
	Own       *catalog.Offering
	FromThis  bool
	UpToDate  bool
	OwnerIsMe bool
}

type libraryView struct {
	Rows []libraryRow
}

// templateView is one template: versions, the diff to the tenant's
// version, adoption with local details, and (for its owner) publishing.
type templateView struct {
	Template   catalog.Template
	Service    catalog.Service
	Versions   []catalog.TemplateVersion
	Latest     catalog.TemplateVersion
	Own        *catalog.Offering
	Diff       *catalog.FormDiff
	CanPublish bool
	FormJSON   string
	Form       accountForm
	Notice     string
}

func (h *Handler) templateRoutes(mux *http.ServeMux) {
	if h.ident == nil {
		return
	}
	mux.HandleFunc("GET /verwaltung/vorlagen", h.libraryShow)
	mux.HandleFunc("GET /verwaltung/vorlagen/{id}", h.templateShow)
	mux.HandleFunc("POST /verwaltung/vorlagen/{id}/uebernehmen", h.templateAdopt)
	mux.HandleFunc("POST /verwaltung/vorlagen/{id}/veroeffentlichen", h.templatePublish)
	mux.HandleFunc("POST /verwaltung/vorlagen/{id}/vorschau", h.templatePreview)
}

// requireServices lets coordinators (and tenant or region admins) of this
// tenant through.
func (h *Handler) requireServices(w http.ResponseWriter, r *http.Request) (staff, bool) {
	s, ok := h.requireStaff(w, r)
	if !ok {
		return s, false
	}
	if !h.can(r, s, identity.ManageServices, "") {
		h.pages.Error(w, r, http.StatusForbidden)
		return s, false
	}
	return s, true
}

func (h *Handler) libraryShow(w http.ResponseWriter, r *http.Request) {
	s, ok := h.requireServices(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	ts, err := h.catalog.Templates(ctx, "")
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	var v libraryView
	for _, t := range ts {
		svc, err := h.catalog.BySlug(ctx, t.ServiceID)
		if err != nil {
			continue
		}
		if ok, _ := h.catalog.Handles(ctx, s.info.Tenant.ID, svc.ID); !ok {
			continue // only services this tenant is responsible for
		}
		row := libraryRow{Template: t, Service: svc, OwnerIsMe: t.OwnerTenantID == s.info.Tenant.ID}
		if o, ok, err := h.catalog.OfferingFor(ctx, s.info.Tenant.ID, svc.ID); err == nil && ok {
			row.Own, row.FromThis = &o, o.TemplateID == t.ID
			row.UpToDate = row.FromThis && o.Version == t.Latest
		}
		v.Rows = append(v.Rows, row)
	}
	h.pages.Render(w, r, http.StatusOK, "library", pageData("Vorlagen", v))
}

func (h *Handler) loadTemplate(w http.ResponseWriter, r *http.Request, s staff) (templateView, bool) {
	ctx := r.Context()
	t, err := h.catalog.TemplateByID(ctx, r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) {
		h.notFound(w, r)
		return templateView{}, false
	}
	if err != nil {
		h.serverError(w, r, err)
		return templateView{}, false
	}
	v := templateView{Template: t, CanPublish: t.OwnerTenantID == s.info.Tenant.ID, Form: accountForm{Values: map[string]string{}}}
	if v.Service, err = h.catalog.BySlug(ctx, t.ServiceID); err != nil {
		h.serverError(w, r, err)
		return v, false
	}
	if v.Versions, err = h.catalog.Versions(ctx, t.ID); err != nil || len(v.Versions) == 0 {
		h.serverError(w, r, errors.New("template without versions"))
		return v, false
	}
	v.Latest, v.FormJSON = v.Versions[0], v.Versions[0].FormJSON
	if o, ok, err := h.catalog.OfferingFor(ctx, s.info.Tenant.ID, v.Service.ID); err == nil && ok {
		v.Own = &o
		if o.TemplateID == t.ID && o.VersionID != v.Latest.ID {
			if cur, err := h.catalog.Version(ctx, o.VersionID); err == nil {
				if d, err := catalog.Diff(cur, v.Latest); err == nil {
					v.Diff = &d
				}
			}
		}
	}
	return v, true
}

func (h *Handler) templateShow(w http.ResponseWriter, r *http.Request) {
	s, ok := h.requireServices(w, r)
	if !ok {
		return
	}
	v, ok := h.loadTemplate(w, r, s)
	if !ok {
		return
	}
	v.Notice = r.URL.Query().Get("hinweis")
	h.pages.Render(w, r, http.StatusOK, "template", pageData("Vorlage: "+v.Template.Title, v))
}

// templateAdopt makes the chosen version this tenant's offering, with its
// own fee, office and contact. Applications in progress keep their version.
func (h *Handler) templateAdopt(w http.ResponseWriter, r *http.Request) {
	s, ok := h.requireServices(w, r)
	if !ok {
		return
	}
	v, ok := h.loadTemplate(w, r, s)
	if !ok {
		return
	}
	if ok, _ := h.catalog.Handles(r.Context(), s.info.Tenant.ID, v.Service.ID); !ok {
		h.pages.Error(w, r, http.StatusForbidden)
		return
	}
	f := newForm(r, "fassung", "stelle", "gebuehr", "telefon", "email", "oeffnungszeiten", "hinweis")
	in := catalog.AdoptInput{TenantID: s.info.Tenant.ID, VersionID: f.Value("fassung"), Office: f.Value("stelle"), Phone: f.Value("telefon"),
		Email: f.Value("email"), OpeningHours: f.Value("oeffnungszeiten"), ExtraText: f.Value("hinweis"), Actor: "account:" + s.info.Account.ID}
	if in.VersionID == "" {
		in.VersionID = v.Latest.ID
	}
	if fee := strings.TrimSpace(strings.TrimSuffix(f.Value("gebuehr"), "€")); fee != "" {
		cents, err := parseEuro(fee)
		if err != nil {
			f.add("gebuehr", "Geben Sie die Gebühr als Betrag in Euro ein, zum Beispiel 12,50.")
		} else {
			in.FeeCents = &cents
		}
	}
	if len(f.Errors) == 0 {
		if _, err := h.catalog.Adopt(r.Context(), in); err != nil {
			f.add("fassung", "Die Fassung konnte nicht übernommen werden: "+err.Error())
		}
	}
	if len(f.Errors) > 0 {
		v.Form = f
		h.pages.Render(w, r, http.StatusUnprocessableEntity, "template", pageData("Fehler: Vorlage", v))
		return
	}
	http.Redirect(w, r, s.info.Base+"/verwaltung/vorlagen/"+v.Template.ID+"?hinweis=uebernommen", http.StatusSeeOther)
}

// templatePublish publishes a new version of the tenant's own template,
// or, from someone else's template, a first version of an own one (a
// fork). The form document must pass the form engine's checks.
func (h *Handler) templatePublish(w http.ResponseWriter, r *http.Request) {
	s, ok := h.requireServices(w, r)
	if !ok {
		return
	}
	v, ok := h.loadTemplate(w, r, s)
	if !ok {
		return
	}
	doc := r.PostFormValue("formular")
	pv, err := h.catalog.Publish(r.Context(), catalog.PublishInput{OwnerTenantID: s.info.Tenant.ID, ServiceID: v.Service.ID,
		FormJSON: doc, Notes: strings.TrimSpace(r.PostFormValue("notiz")), Actor: "account:" + s.info.Account.ID})
	if err != nil {
		v.FormJSON = doc
		msg := err.Error()
		if errors.Is(err, catalog.ErrInvalidForm) {
			msg = strings.TrimPrefix(msg, catalog.ErrInvalidForm.Error()+": ")
		}
		v.Form.add("formular", "Das Formular ist nicht gültig: "+msg)
		h.pages.Render(w, r, http.StatusUnprocessableEntity, "template", pageData("Fehler: Vorlage", v))
		return
	}
	ts, _ := h.catalog.Templates(r.Context(), v.Service.ID)
	for _, t := range ts {
		if t.OwnerTenantID == s.info.Tenant.ID {
			http.Redirect(w, r, s.info.Base+"/verwaltung/vorlagen/"+t.ID+"?hinweis=veroeffentlicht-"+strconv.Itoa(pv.Version), http.StatusSeeOther)
			return
		}
	}
	http.Redirect(w, r, s.info.Base+"/verwaltung/vorlagen", http.StatusSeeOther)
}

// parseEuro reads "12,50", "12.50" or "1.234,50" as cents.
func parseEuro(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, ",") {
		s = strings.ReplaceAll(s, ".", "")
		s = strings.Replace(s, ",", ".", 1)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f*100 > payment.MaxFeeCents {
		return 0, errors.New("no amount")
	}
	return int64(f*100 + 0.5), nil
}
