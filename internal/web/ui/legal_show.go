package ui

import (
	"net/http"

	"github.com/serviceportal/serviceportal/internal/tenant"
	"github.com/serviceportal/serviceportal/internal/web/page"
	"github.com/serviceportal/serviceportal/internal/web/request"
)

// legalView carries what the legal pages derive from the tenant.
type legalView struct {
	Representative string
}

// representative names who legally represents a tenant, by its kind.
func representative(t tenant.Tenant) string {
	switch t.Kind {
	case tenant.KindKreis:
		return "Der " + t.Name + " wird vertreten durch die Landrätin oder den Landrat."
	case tenant.KindRegion:
		return "Die Region " + t.ShortName + " wird durch die beteiligten Gebietskörperschaften vertreten; federführend ist der Betreiber des Portals."
	default:
		return "Die " + t.Name + " wird vertreten durch die Bürgermeisterin oder den Bürgermeister."
	}
}

// legalShow renders one of the legal pages every tenant must have.
func (h *Handler) legalShow(view, title string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v := legalView{Representative: representative(request.From(r).Tenant)}
		h.pages.Render(w, r, http.StatusOK, view, page.Data{Title: title, View: v})
	}
}
