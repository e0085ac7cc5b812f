package ui

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/serviceportal/serviceportal/internal/gewerbeanzeige"
)

// caseXGewerbe sends the XGewerbeanzeige 2.2 made from a Gewerbe-Anmeldung
// filed with the portal's own form, so the Gewerbeamt can import it into
// its Fachverfahren or pass it on. It is made afresh from the stored
// answers on each request; the same submission always gives the same
// message. Answers that cannot be converted send the caseworker back to
// the case with the reason.
func (h *Handler) caseXGewerbe(w http.ResponseWriter, r *http.Request) {
	s, ok := h.requireStaff(w, r)
	if !ok {
		return
	}
	cs, _, ok := h.loadCase(w, r, s)
	if !ok {
		return
	}
	sub, err := h.subs.Submission(r.Context(), cs.TenantID, cs.SubmissionID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if !gewerbeanzeige.Applies(sub) {
		h.notFound(w, r)
		return
	}
	out, err := gewerbeanzeige.New(h.dir, h.catalog).Message(r.Context(), sub)
	var unconvertible *gewerbeanzeige.Unconvertible
	if errors.As(err, &unconvertible) {
		http.Redirect(w, r, s.info.Base+"/verwaltung/vorgaenge/"+cs.ID+"?fehler="+url.QueryEscape(unconvertible.Reason), http.StatusSeeOther)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	name := "XGewerbeanzeige-" + sub.TrackingNumber + ".xml"
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"; filename*=UTF-8''`+url.PathEscape(name))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(out)
}
