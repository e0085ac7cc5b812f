package ui

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/tenant"
	"github.com/serviceportal/serviceportal/internal/xgewerbe"
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
	cs, svc, ok := h.loadCase(w, r, s)
	if !ok {
		return
	}
	sub, err := h.subs.Submission(r.Context(), cs.TenantID, cs.SubmissionID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if sub.FormID != xgewerbe.FormID {
		h.notFound(w, r)
		return
	}
	fail := func(msg string) {
		http.Redirect(w, r, s.info.Base+"/verwaltung/vorgaenge/"+cs.ID+"?fehler="+url.QueryEscape(msg), http.StatusSeeOther)
	}
	if sub.Values == nil {
		fail("Die Angaben dieses Antrags wurden nach Ablauf der Aufbewahrungsfrist gelöscht; eine XGewerbeanzeige lässt sich daraus nicht mehr erzeugen.")
		return
	}
	amt, err := h.gewerbeamt(r.Context(), s.info.Tenant, svc)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	in, err := xgewerbe.FromAnswers(xgewerbe.Antrag{ID: sub.ID, Vorgangsnummer: sub.TrackingNumber, Eingang: sub.SubmittedAt,
		Answers: sub.Values}, amt)
	var out []byte
	if err == nil {
		out, err = xgewerbe.Produce(in)
	}
	if err != nil {
		fail("Die XGewerbeanzeige lässt sich nicht erzeugen. " + strings.TrimPrefix(err.Error(), "xgewerbe: ") + ".")
		return
	}
	name := "XGewerbeanzeige-" + sub.TrackingNumber + ".xml"
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"; filename*=UTF-8''`+url.PathEscape(name))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(out)
}

// gewerbeamt describes the tenant's Gewerbeamt as the author of the
// message: the tenant's name and address, the office and contacts of its
// offering, else the tenant's own contacts.
func (h *Handler) gewerbeamt(ctx context.Context, t tenant.Tenant, svc catalog.Service) (xgewerbe.Gewerbeamt, error) {
	o, _, err := h.catalog.OfferingFor(ctx, t.ID, svc.ID)
	if err != nil {
		return xgewerbe.Gewerbeamt{}, err
	}
	strasse, hausNr := xgewerbe.SplitStrasse(t.Address.Street)
	amt := xgewerbe.Amt{
		Name:      t.Name + ", " + cmp.Or(o.Office, svc.Office, "Gewerbeamt"),
		Anschrift: xgewerbe.Anschrift{Strasse: strasse, HausNr: hausNr, PLZ: t.Address.Postcode, Ort: t.Address.City},
	}
	if email := cmp.Or(o.Email, t.Email); email != "" {
		amt.Kontakte = append(amt.Kontakte, xgewerbe.Kontakt{Kanal: "01", Wert: email})
	}
	if phone := cmp.Or(o.Phone, t.Phone); phone != "" {
		amt.Kontakte = append(amt.Kontakte, xgewerbe.Kontakt{Kanal: "02", Wert: phone})
	}
	return xgewerbe.Gewerbeamt{AGS: t.AGS, Amt: amt}, nil
}
