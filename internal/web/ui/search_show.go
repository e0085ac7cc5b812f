package ui

import (
	"net/http"
	"strings"

	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/web/page"
	"github.com/serviceportal/serviceportal/internal/web/request"
)

// searchView is the search results page.
type searchView struct {
	Query       string
	Hits        []catalog.Hit
	Suggestions []catalog.Service
	Error       string
}

// resultLimit is how many results a page shows; the catalogue is small
// enough that more than this means the query was too vague.
const resultLimit = 15

func (h *Handler) searchShow(w http.ResponseWriter, r *http.Request) {
	info := request.From(r)
	v := searchView{Query: strings.TrimSpace(r.URL.Query().Get("q"))}
	status := http.StatusOK
	switch {
	case v.Query == "":
		v.Error = "Geben Sie ein, was Sie erledigen möchten, zum Beispiel „Hund anmelden“."
		status = http.StatusUnprocessableEntity
	case len(v.Query) > 200:
		v.Error = "Geben Sie höchstens 200 Zeichen ein."
		v.Query = ""
		status = http.StatusUnprocessableEntity
	default:
		tenantID := ""
		if !info.Tenant.IsRegion() {
			tenantID = info.Tenant.ID
		}
		hits, err := h.search.Search(r.Context(), v.Query, tenantID, resultLimit)
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		v.Hits = hits
		if len(hits) == 0 {
			v.Suggestions = h.search.Suggestions(tenantID, 8)
		}
	}
	title := "Suche"
	if v.Error != "" {
		title = "Fehler: " + title
	}
	h.pages.Render(w, r, status, "search", page.Data{Title: title, View: v})
}
