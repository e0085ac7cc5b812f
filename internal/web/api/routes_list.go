package api

import (
	"errors"
	"net/http"
	"regexp"
	"strings"

	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/tenant"
)

var arsRe = regexp.MustCompile(`^(\d{2}|\d{3}|\d{5}|\d{9}|\d{12})$`)

// routeJSON follows the FIT-Connect Routing API's Route object for the
// fields a portal without FIT-Connect destinations can fill.
type routeJSON struct {
	DestinationName      string            `json:"destinationName"`
	DestinationShortName string            `json:"destinationShortName"`
	ContactPersons       []contactJSON     `json:"contactPersons,omitempty"`
	Address              addressJSON       `json:"address"`
	PrivacyPolicyURL     string            `json:"privacyPolicyUrl"`
	ImprintURL           string            `json:"imprintUrl"`
	AccessibilityURL     string            `json:"accessibilityUrl"`
	RequiredDocuments    *descriptionJSON  `json:"requiredDocuments,omitempty"`
	LegalBasis           *descriptionJSON  `json:"legalBasis,omitempty"`
	Deadline             *descriptionJSON  `json:"deadline,omitempty"`
	ProcessingDuration   *processingJSON   `json:"processingDuration,omitempty"`
	CustomParameters     map[string]string `json:"customParameters"`
	Origin               string            `json:"origin"`
}

type contactJSON struct {
	Name  string `json:"name"`
	Tel   string `json:"tel,omitempty"`
	Email string `json:"email,omitempty"`
}

type addressJSON struct {
	Street string `json:"street"`
	Zip    string `json:"zip"`
	City   string `json:"city"`
}

type descriptionJSON struct {
	Description map[string]string `json:"description"`
}

type processingJSON struct {
	MinDuration int    `json:"minDuration"`
	MaxDuration int    `json:"maxDuration"`
	Unit        string `json:"unit"`
}

func describe(text string) *descriptionJSON {
	if strings.TrimSpace(text) == "" {
		return nil
	}
	return &descriptionJSON{Description: map[string]string{"de": text}}
}

// routesList answers GET /api/v1/routes?leikaKey=&ars=: which authority
// handles a service for a municipality. Parameters and answer follow the
// FIT-Connect Routing API, so senders can use the same client for both.
func (h *Handler) routesList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	key, ars := q.Get("leikaKey"), q.Get("ars")
	if !catalog.ValidLeiKa(key) {
		writeProblem(w, r, http.StatusBadRequest, "leikaKey fehlt oder ist ungültig", "leikaKey muss dem Muster ^99\\d{12}$ entsprechen.")
		return
	}
	if !arsRe.MatchString(ars) {
		writeProblem(w, r, http.StatusBadRequest, "ars fehlt oder ist ungültig", "ars muss 2, 3, 5, 9 oder 12 Ziffern haben.")
		return
	}
	s, err := h.catalog.ByLeiKa(r.Context(), key)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		h.internalError(w, r, err)
		return
	}
	routes := []routeJSON{}
	if err == nil {
		all, err := h.dir.List(r.Context())
		if err != nil {
			h.internalError(w, r, err)
			return
		}
		seen := map[string]bool{}
		for _, area := range all {
			if !catalog.IsMunicipality(area) || !strings.HasPrefix(area.ARS, ars) {
				continue
			}
			resp, err := h.catalog.Responsible(r.Context(), s.ID, area.ID)
			if errors.Is(err, store.ErrNotFound) || (err == nil && seen[resp.ID]) {
				continue
			}
			if err != nil {
				h.internalError(w, r, err)
				return
			}
			seen[resp.ID] = true
			routes = append(routes, h.route(s, resp))
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"count": len(routes), "offset": 0, "totalCount": len(routes), "routes": routes})
}

func (h *Handler) route(s catalog.Service, t tenant.Tenant) routeJSON {
	portal := h.baseURL + "/" + t.Slug
	name := t.Name
	if s.Office != "" {
		name += " – " + s.Office
	}
	rj := routeJSON{
		DestinationName: name, DestinationShortName: t.ShortName,
		Address:          addressJSON{Street: t.Address.Street, Zip: t.Address.Postcode, City: t.Address.City},
		PrivacyPolicyURL: portal + "/datenschutz", ImprintURL: portal + "/impressum", AccessibilityURL: portal + "/barrierefreiheit",
		RequiredDocuments: describe(strings.Join(s.Modules.Unterlagen, "\n")),
		LegalBasis:        describe(s.Modules.Rechtsgrundlage),
		Deadline:          describe(s.Modules.Fristen),
		CustomParameters:  map[string]string{"ags": t.AGS, "ars": t.ARS},
		Origin:            "Serviceportal",
	}
	if t.Phone != "" || t.Email != "" {
		rj.ContactPersons = []contactJSON{{Name: name, Tel: t.Phone, Email: t.Email}}
	}
	if d := s.Modules.Bearbeitungsdauer; d.Unit != "" && d.Max > 0 {
		rj.ProcessingDuration = &processingJSON{MinDuration: d.Min, MaxDuration: d.Max, Unit: d.Unit}
	}
	return rj
}
