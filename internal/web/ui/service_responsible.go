package ui

import (
	"errors"
	"net/http"
	"strings"

	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/tenant"
	"github.com/serviceportal/serviceportal/internal/web/page"
	"github.com/serviceportal/serviceportal/internal/web/request"
)

// serviceResponsible answers "Wo wohnen Sie?" on a service page: with one
// matching municipality it sends the citizen to the page of the authority
// that handles the service there (the city, or its Kreis); with several it
// lets the citizen choose; with none it says why.
func (h *Handler) serviceResponsible(w http.ResponseWriter, r *http.Request) {
	v, ok := h.serviceView(w, r)
	if !ok {
		return
	}
	v.Query = strings.TrimSpace(r.URL.Query().Get("q"))
	if v.Query == "" || len(v.Query) > 100 {
		v.Error = "Geben Sie Ihre Postleitzahl oder Ihren Wohnort ein, zum Beispiel 46282 oder Dorsten."
		h.pages.Render(w, r, http.StatusUnprocessableEntity, "service", page.Data{Title: "Fehler: " + v.Service.Name, View: v})
		return
	}
	matches, err := h.dir.FindPlaces(r.Context(), v.Query)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	var areas []tenant.Match
	for _, m := range matches {
		if catalog.IsMunicipality(m.Tenant) {
			areas = append(areas, m)
		}
	}
	switch len(areas) {
	case 0:
		v.Error = "Zu „" + v.Query + "“ kennen wir keinen Ort in der Region. Prüfen Sie die Schreibweise oder geben Sie Ihre fünfstellige Postleitzahl ein."
		h.pages.Render(w, r, http.StatusUnprocessableEntity, "service", page.Data{Title: "Fehler: " + v.Service.Name, View: v})
	case 1:
		resp, err := h.catalog.Responsible(r.Context(), v.Service.ID, areas[0].Tenant.ID)
		if errors.Is(err, store.ErrNotFound) {
			v.Error = "Für " + areas[0].Tenant.Name + " ist diese Leistung nicht eingerichtet. Wenden Sie sich bitte an die Stadtverwaltung."
			h.pages.Render(w, r, http.StatusOK, "service", page.Data{Title: v.Service.Name, View: v})
			return
		}
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		http.Redirect(w, r, request.From(r).RegionURL+resp.Slug+"/leistungen/"+v.Service.Slug, http.StatusSeeOther)
	default:
		v.Choices = areas
		h.pages.Render(w, r, http.StatusOK, "service", page.Data{Title: v.Service.Name, View: v})
	}
}
