package ui

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/serviceportal/serviceportal/internal/form"
	"github.com/serviceportal/serviceportal/internal/submission"
)

// stepView is one page of an application.
type stepView struct {
	Step      *form.StepView
	Service   string
	Action    string
	Back      string
	ResumeURL string
	ExpiresAt string
	Saved     bool
}

// maxFormFileSize bounds one uploaded file when the field sets no limit.
const maxFormFileSize = 10 << 20

func (h *Handler) formStepShow(w http.ResponseWriter, r *http.Request) {
	app, ok := h.loadApplication(w, r)
	if !ok {
		return
	}
	h.renderStep(w, r, app, r.PathValue("step"), nil, http.StatusOK, r.URL.Query().Get("gespeichert") == "1")
}

func (h *Handler) renderStep(w http.ResponseWriter, r *http.Request, app *application, stepID string, problems []form.Problem, status int, saved bool) {
	h.RenderStepPage(w, r, StepPage{Form: app.form, Raw: app.raw, StepID: stepID, Problems: problems,
		Service: app.service.Name, Base: app.base, ExpiresAt: app.draft.ExpiresAt, Saved: saved}, status)
}

// StepPage is one step page of an application: the draft's form and
// answers, the step, and what the last validation found.
type StepPage struct {
	// Form is the form version of the draft, Raw its answers as stored.
	Form *form.Form
	Raw  map[string][]string
	// StepID is the step to show.
	StepID string
	// Problems are the last validation's findings; nil on first display.
	Problems []form.Problem
	// Service is the service's name, above the heading and in the title.
	Service string
	// Base is the draft's URL (…/antrag/{form}/e/{token}); the step's
	// form posts below it.
	Base string
	// ExpiresAt is when the draft is deleted, shown on the page.
	ExpiresAt time.Time
	// Saved shows the resume link after "Speichern und später weitermachen".
	Saved bool
}

// RenderStepPage writes one step of an application: the error summary
// linking each problem to its field, the step's fields with their hints,
// errors and ARIA links, inside the layout. A step the answers skip
// redirects to the draft, an unknown one is not found. Every step page of
// the portal goes through here; it takes no draft or store so that the
// page's cost can be measured on its own (goal 7.1.5, BenchmarkStepPage60).
func (h *Handler) RenderStepPage(w http.ResponseWriter, r *http.Request, p StepPage, status int) {
	st := p.Form.Evaluate(p.Raw, h.clock())
	if !st.StepVisible(p.StepID) {
		http.Redirect(w, r, p.Base, http.StatusSeeOther)
		return
	}
	view, err := st.Step(p.StepID, p.Problems)
	if err != nil {
		h.notFound(w, r)
		return
	}
	v := stepView{Step: view, Service: p.Service, Action: p.Base + "/schritt/" + p.StepID,
		ResumeURL: h.baseURL + p.Base, ExpiresAt: expiryText(p.ExpiresAt), Saved: p.Saved}
	if hasFile(view) {
		v.Action += "?csrf=" + urlQuery(requestCSRF(r))
	}
	if view.PrevStepID != "" {
		v.Back = p.Base + "/schritt/" + view.PrevStepID
	}
	title := view.Title + " – " + p.Service
	if len(view.Errors) > 0 {
		title = "Fehler: " + title
	}
	h.pages.Render(w, r, status, "form_step", pageData(title, v))
}

// formStepSave stores the posted step in the draft, whatever its state, so
// nothing typed is lost; then it handles the add/remove buttons of
// repeatable groups, or validates and moves on.
func (h *Handler) formStepSave(w http.ResponseWriter, r *http.Request) {
	app, ok := h.loadApplication(w, r)
	if !ok {
		return
	}
	stepID := r.PathValue("step")
	posted, uploadErr := h.readStepPost(r, app)
	if posted == nil {
		posted = url.Values{}
	}
	merged, err := app.form.MergeStep(stepID, app.raw, posted)
	if err != nil {
		h.notFound(w, r)
		return
	}
	for name, ref := range app.uploads {
		merged[name] = []string{ref}
	}
	for _, name := range app.removed {
		delete(merged, name)
	}
	action := posted.Get("action")
	if strings.HasPrefix(action, "add:") || strings.HasPrefix(action, "remove:") {
		if next, err := app.form.ApplyAction(merged, action); err == nil {
			merged = next
		}
	}
	app.raw = merged
	setRaw(&app.draft, merged)
	app.draft.Step = stepID
	if app.draft, err = h.subs.SaveDraft(r.Context(), app.draft); err != nil {
		h.serverError(w, r, err)
		return
	}
	if uploadErr != "" {
		h.renderStep(w, r, app, stepID, []form.Problem{{FieldPath: app.uploadField, Message: uploadErr, Code: "upload", StepID: stepID}}, http.StatusUnprocessableEntity, false)
		return
	}
	switch {
	case strings.HasPrefix(action, "add:"), strings.HasPrefix(action, "remove:"):
		h.renderStep(w, r, app, stepID, nil, http.StatusOK, false)
		return
	case action == "speichern":
		http.Redirect(w, r, app.base+"/schritt/"+stepID+"?gespeichert=1", http.StatusSeeOther)
		return
	}
	st := app.form.Evaluate(merged, h.clock())
	res, err := st.ValidateStep(stepID)
	if err != nil {
		h.notFound(w, r)
		return
	}
	if !res.OK() {
		h.renderStep(w, r, app, stepID, res.Problems, http.StatusUnprocessableEntity, false)
		return
	}
	if next := st.NextStep(stepID); next != "" {
		http.Redirect(w, r, app.base+"/schritt/"+next, http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, app.base+"/pruefen", http.StatusSeeOther)
}

// readStepPost reads a step's fields. Multipart posts stream each file
// into the draft's storage (content-checked) and record the reference in
// the field; the returned message explains a rejected file.
func (h *Handler) readStepPost(r *http.Request, app *application) (url.Values, string) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		r.ParseForm()
		return r.PostForm, ""
	}
	app.uploads = map[string]string{}
	up, err := readUpload(r, []string{"application/pdf", "image/png", "image/jpeg"}, func(field, filename, ct string, body io.Reader) error {
		app.uploadField = field
		if err := app.checkAccept(field, ct); err != nil {
			return err
		}
		limit, total, err := app.fileLimit(field)
		if err != nil {
			return err
		}
		if body, err = checkImage(ct, body); err != nil {
			return err
		}
		a, err := h.subs.PutAttachment(r.Context(), submission.NewAttachment{TenantID: app.draft.TenantID, DraftID: app.draft.ID,
			FieldPath: field, Filename: filename, ContentType: ct, MaxSize: limit}, body)
		if errors.Is(err, submission.ErrTooLarge) {
			return tooLarge(limit, total)
		}
		if err != nil {
			return err
		}
		app.uploads[field] = form.EncodeFileRef(form.FileRef{ID: a.ID, Name: a.Filename, Size: a.Size, MediaType: a.ContentType})
		return nil
	})
	vals := url.Values{}
	for k, v := range up.Fields {
		vals.Set(k, v)
		if strings.HasPrefix(k, "entfernen:") {
			app.removed = append(app.removed, strings.TrimPrefix(k, "entfernen:"))
		}
	}
	var refused uploadRefused
	if msg, ok := scanMessage(err); ok {
		return vals, msg
	}
	switch {
	case errors.As(err, &refused):
		return vals, refused.msg
	case errors.Is(err, ErrUploadType):
		return vals, "Diese Datei können wir nicht annehmen. Laden Sie bitte eine PDF-, PNG- oder JPEG-Datei hoch."
	case err != nil:
		return vals, "Die Datei kam nicht vollständig an. Bitte versuchen Sie es noch einmal."
	}
	return vals, ""
}

// hasFile reports whether a step uploads files (its form is multipart and
// carries the form token in the URL).
func hasFile(v *form.StepView) bool {
	for _, it := range v.Items {
		if it.Field != nil && it.Field.Control == "file" {
			return true
		}
		if it.Group != nil {
			for _, sub := range append(it.Group.Items, flatten(it.Group.Instances)...) {
				if hasFile(&form.StepView{Items: []form.ItemView{sub}}) {
					return true
				}
			}
		}
	}
	return false
}

func flatten(ins []form.InstanceView) []form.ItemView {
	var out []form.ItemView
	for _, in := range ins {
		out = append(out, in.Items...)
	}
	return out
}
