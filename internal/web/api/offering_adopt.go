package api

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/mail"
	"strings"

	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/identity"
	"github.com/serviceportal/serviceportal/internal/payment"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/tenant"
	"github.com/serviceportal/serviceportal/internal/web/request"
)

// maxAdoptJSON bounds the body of an adoption; it holds a few short texts.
const maxAdoptJSON = 64 << 10

// adoptBody is an adoption request: which template version, and the
// tenant's own details. Version 0 means the latest.
type adoptBody struct {
	TemplateID   string `json:"template_id"`
	Version      int    `json:"version"`
	FeeCents     *int64 `json:"fee_cents"`
	Office       string `json:"office"`
	Phone        string `json:"phone"`
	Email        string `json:"email"`
	OpeningHours string `json:"opening_hours"`
	ExtraText    string `json:"extra_text"`
}

// offeringAdopt answers POST /api/v1/tenants/{slug}/offerings: the
// tenant adopts a template version with its own fee, office, contact,
// opening hours and extra text, through the same use case as the back
// office's "Übernehmen". Coordinators and admins of the tenant may, with
// their staff session. 201 for a new offering; adopting again (the same
// or another version, other details) updates the tenant's offering as the
// back office does and answers 200. Applications already started keep
// their version.
func (h *Handler) offeringAdopt(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	t, ok := h.pathTenant(w, r)
	if !ok {
		return
	}
	actor, ok := h.requireServices(w, r, t)
	if !ok {
		return
	}
	// Only JSON: a cross-site HTML form cannot send it without the
	// browser asking first, so the session cookie cannot be abused.
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		writeProblem(w, r, http.StatusUnsupportedMediaType, "Nur JSON", "Senden Sie die Übernahme als application/json.")
		return
	}
	var body adoptBody
	if msg := decodeAdopt(r, &body); msg != "" {
		writeProblem(w, r, http.StatusBadRequest, "Ungültige Angaben", msg)
		return
	}
	tpl, err := h.catalog.TemplateByID(ctx, body.TemplateID)
	if errors.Is(err, store.ErrNotFound) {
		writeProblem(w, r, http.StatusNotFound, "Vorlage nicht gefunden", "GET /api/v1/templates listet die Vorlagen der Region.")
		return
	}
	if err != nil {
		h.internalError(w, r, err)
		return
	}
	versions, err := h.catalog.Versions(ctx, tpl.ID)
	if err != nil {
		h.internalError(w, r, err)
		return
	}
	var version *catalog.TemplateVersion
	for i, v := range versions {
		if v.Version == body.Version || (body.Version == 0 && i == 0) {
			version = &versions[i]
			break
		}
	}
	if version == nil {
		writeProblem(w, r, http.StatusNotFound, "Fassung nicht gefunden", "Diese Vorlage hat keine solche Fassung; die neueste steht in GET /api/v1/templates.")
		return
	}
	if own, err := h.catalog.Handles(ctx, t.ID, tpl.ServiceID); err != nil || !own {
		writeProblem(w, r, http.StatusForbidden, "Nicht zuständig", t.Name+" ist für diese Leistung nicht zuständig und kann sie daher nicht anbieten.")
		return
	}
	_, existed, err := h.catalog.OfferingFor(ctx, t.ID, tpl.ServiceID)
	if err != nil {
		h.internalError(w, r, err)
		return
	}
	o, err := h.catalog.Adopt(ctx, catalog.AdoptInput{TenantID: t.ID, VersionID: version.ID, Office: body.Office, FeeCents: body.FeeCents,
		Phone: body.Phone, Email: body.Email, OpeningHours: body.OpeningHours, ExtraText: body.ExtraText, Actor: actor})
	if err != nil {
		h.internalError(w, r, err)
		return
	}
	status := http.StatusCreated
	if existed {
		status = http.StatusOK
	}
	w.Header().Set("Location", h.baseURL+"/api/v1/tenants/"+t.Slug+"/offerings")
	writeJSON(w, status, h.toOfferingJSON(ctx, o))
}

// requireServices lets a staff session through that may configure the
// tenant's services (coordinators, tenant and region admins, as in the
// back office) and returns the actor to record.
func (h *Handler) requireServices(w http.ResponseWriter, r *http.Request, t tenant.Tenant) (string, bool) {
	info := request.From(r)
	if !info.LoggedIn() {
		writeProblem(w, r, http.StatusUnauthorized, "Anmeldung erforderlich", "Melden Sie sich in der Verwaltung an (mit zweitem Faktor) und senden Sie das Sitzungs-Cookie mit.")
		return "", false
	}
	forbidden := func() (string, bool) {
		writeProblem(w, r, http.StatusForbidden, "Keine Berechtigung", "Leistungen von "+t.Name+" richten nur die lokale Koordination und die Administration dieser Behörde ein.")
		return "", false
	}
	if !info.IsStaff() || h.ident == nil {
		return forbidden()
	}
	p, err := h.ident.Principal(r.Context(), *info.Session)
	if err != nil {
		h.internalError(w, r, err)
		return "", false
	}
	if ok, err := h.ident.Authorizer().Can(r.Context(), p, identity.ManageServices, identity.Target{TenantID: t.ID}); err != nil || !ok {
		return forbidden()
	}
	return "account:" + info.Account.ID, true
}

// decodeAdopt reads the body and says in German what is wrong with it
// ("" when nothing is).
func decodeAdopt(r *http.Request, body *adoptBody) string {
	dec := json.NewDecoder(io.LimitReader(r.Body, maxAdoptJSON))
	dec.DisallowUnknownFields()
	if err := dec.Decode(body); err != nil {
		if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
			switch te.Field {
			case "fee_cents":
				return "fee_cents ist die Gebühr in Cent als ganze Zahl, zum Beispiel 1250 für 12,50 €."
			case "version":
				return "version ist die Nummer der Fassung als ganze Zahl, zum Beispiel 2."
			}
			return "Das Feld " + te.Field + " hat den falschen Typ."
		}
		if field, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			return "Unbekanntes Feld " + field + ". Erlaubt sind template_id, version, fee_cents, office, phone, email, opening_hours und extra_text."
		}
		return "Erwartet wird ein JSON-Objekt, zum Beispiel {\"template_id\": \"…\", \"fee_cents\": 1250, \"office\": \"Fachbereich Finanzen\"}."
	}
	switch {
	case strings.TrimSpace(body.TemplateID) == "":
		return "template_id fehlt: die Kennung der Vorlage aus GET /api/v1/templates."
	case body.Version < 0:
		return "version muss 1 oder größer sein (oder fehlen für die neueste Fassung)."
	case body.FeeCents != nil && (*body.FeeCents < 0 || *body.FeeCents > payment.MaxFeeCents):
		return "fee_cents muss zwischen 0 und 10000000 liegen (Gebühr in Cent, höchstens 100.000 €)."
	case body.Email != "" && !validEmail(body.Email):
		return "email ist keine gültige E-Mail-Adresse."
	}
	for _, f := range [][2]string{{"office", body.Office}, {"phone", body.Phone}, {"opening_hours", body.OpeningHours}, {"extra_text", body.ExtraText}} {
		if len(f[1]) > 4000 {
			return f[0] + " ist zu lang (höchstens 4000 Zeichen)."
		}
	}
	return ""
}

// validEmail accepts a bare address, as the offering page links it.
func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && a.Name == ""
}
