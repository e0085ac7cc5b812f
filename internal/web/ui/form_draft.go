package ui

import (
	"errors"
	"net/http"
	"time"

	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/form"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/submission"
	"github.com/serviceportal/serviceportal/internal/web/request"
)

// application is an open draft with its form and service.
type application struct {
	draft   submission.Draft
	form    *form.Form
	service catalog.Service
	token   string
	raw     map[string][]string
	base    string // URL of the draft: …/antrag/{form}/e/{token}

	// Set while a post is read: uploaded file references by field name,
	// file fields the citizen cleared, and the field of the last upload.
	uploads     map[string]string
	removed     []string
	uploadField string

	// fee is the fee worked out from raw, kept for the request: the check
	// page, the payment state and the payment start all ask for it.
	fee *appFee
}

// rawOf reads the raw answers a draft keeps.
func rawOf(d submission.Draft) map[string][]string {
	raw := map[string][]string{}
	m, _ := d.Values["raw"].(map[string]any)
	for k, v := range m {
		list, _ := v.([]any)
		for _, x := range list {
			if s, ok := x.(string); ok {
				raw[k] = append(raw[k], s)
			}
		}
	}
	return raw
}

func setRaw(d *submission.Draft, raw map[string][]string) {
	d.Values = map[string]any{"raw": raw}
}

// loadApplication finds the draft of the URL's resume token on this
// tenant's portal; unknown, expired and foreign tokens are not found.
func (h *Handler) loadApplication(w http.ResponseWriter, r *http.Request) (*application, bool) {
	info := request.From(r)
	token := r.PathValue("token")
	d, err := h.subs.DraftByResumeToken(r.Context(), info.Tenant.ID, token)
	if errors.Is(err, store.ErrNotFound) || (err == nil && d.FormID != r.PathValue("form")) {
		h.pages.Render(w, r, http.StatusNotFound, "form_gone", pageData("Antrag nicht gefunden", formGone{Form: r.PathValue("form")}))
		return nil, false
	}
	if err != nil {
		h.serverError(w, r, err)
		return nil, false
	}
	f, ok := h.forms.Version(r.Context(), d.FormID, d.FormVersion)
	if !ok {
		h.serverError(w, r, errors.New("form version of draft is gone"))
		return nil, false
	}
	svc, err := h.catalog.BySlug(r.Context(), d.ServiceID)
	if err != nil {
		h.serverError(w, r, err)
		return nil, false
	}
	return &application{draft: d, form: f, service: svc, token: token, raw: rawOf(d),
		base: info.Base + "/antrag/" + d.FormID + "/e/" + token}, true
}

// formGone explains a resume link that no longer works.
type formGone struct{ Form string }

// expiryText tells the citizen until when the draft is kept.
func expiryText(t time.Time) string { return t.In(berlinTZ).Format("02.01.2006") }

var berlinTZ = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return time.FixedZone("MEZ", 3600)
	}
	return loc
}()
