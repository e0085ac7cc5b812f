package ui

import (
	"net/http"
	"strings"
	"unicode"

	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/web/page"
	"github.com/serviceportal/serviceportal/internal/web/request"
)

// servicesView is the A–Z list with the Themenfelder beside it.
type servicesView struct {
	Letters []letterGroup
	Topics  []catalog.Topic
	Count   int
}

type letterGroup struct {
	Letter string
	Offers []catalog.Offer
}

func (h *Handler) servicesList(w http.ResponseWriter, r *http.Request) {
	offers, err := h.catalog.Offers(r.Context(), request.From(r).Tenant)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	v := servicesView{Topics: catalog.Topics(offers), Count: len(offers)}
	for _, o := range offers {
		l := initial(o.Service.Name)
		if n := len(v.Letters); n == 0 || v.Letters[n-1].Letter != l {
			v.Letters = append(v.Letters, letterGroup{Letter: l})
		}
		g := &v.Letters[len(v.Letters)-1]
		g.Offers = append(g.Offers, o)
	}
	h.pages.Render(w, r, http.StatusOK, "services", page.Data{Title: "Leistungen von A bis Z", View: v})
}

// initial files Ä under A, Ö under O, Ü under U, as German indexes do.
func initial(name string) string {
	for _, r := range strings.NewReplacer("Ä", "A", "Ö", "O", "Ü", "U", "ä", "A", "ö", "O", "ü", "U").Replace(name) {
		if unicode.IsLetter(r) {
			return string(unicode.ToUpper(r))
		}
		if unicode.IsDigit(r) {
			return "0–9"
		}
	}
	return "#"
}
