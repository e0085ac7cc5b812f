package ui

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/serviceportal/serviceportal/internal/tenant"
	"github.com/serviceportal/serviceportal/internal/web/page"
)

// placesView answers "Wo wohnen Sie?".
type placesView struct {
	Query    string
	Searched bool
	Error    string
	Matches  []tenant.Match
}

func (h *Handler) placesSearch(w http.ResponseWriter, r *http.Request) {
	v := placesView{}
	_, asked := r.URL.Query()["q"]
	v.Query = strings.TrimSpace(r.URL.Query().Get("q"))
	status := http.StatusOK
	switch {
	case !asked:
		// The empty form, e.g. from the navigation.
	case v.Query == "":
		v.Error = "Geben Sie Ihre Postleitzahl oder Ihren Wohnort ein."
		status = http.StatusUnprocessableEntity
	case !utf8.ValidString(v.Query) || len(v.Query) > 100:
		v.Error = "Geben Sie höchstens 100 Zeichen ein, zum Beispiel 46282 oder Dorsten."
		v.Query = ""
		status = http.StatusUnprocessableEntity
	default:
		ms, err := h.dir.FindPlaces(r.Context(), v.Query)
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		v.Searched = true
		v.Matches = ms
	}
	title := "Wo wohnen Sie?"
	if v.Error != "" {
		title = "Fehler: " + title
	}
	h.pages.Render(w, r, status, "places", page.Data{Title: title, View: v})
}
