package ui

import (
	"fmt"
	"net/http"
	"regexp"

	"github.com/serviceportal/serviceportal/internal/web/request"
)

var hexColor = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// brandCSS serves the tenant's colours as a style sheet, so pages carry no
// inline styles and the Content-Security-Policy can forbid them.
func (h *Handler) brandCSS(w http.ResponseWriter, r *http.Request) {
	color := request.From(r).Tenant.Color
	if !hexColor.MatchString(color) {
		color = "#00507d"
	}
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	fmt.Fprintf(w, ":root { --sp-brand: %s; }\n", color) // #nosec G705 -- color matched ^#[0-9a-fA-F]{6}$ above; served as text/css
}
