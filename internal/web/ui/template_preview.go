package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/serviceportal/serviceportal/internal/form"
	"github.com/serviceportal/serviceportal/internal/form/fim"
)

// maxFIMUpload bounds an uploaded XDatenfelder file. Real exports are a
// few hundred kilobytes (BlaueKarte.xml: 150 KB).
const maxFIMUpload = 5 << 20

// templatePreviewView shows a form as citizens will see it, step by step,
// before a coordinator publishes it.
type templatePreviewView struct {
	templateView
	Steps    []previewStep
	Source   string
	Warnings []string
}

// templatePreview turns either an uploaded XDatenfelder file (FIM
// Stammdatenschema 2.0 or 3.0) or the edited form JSON into a preview of
// every step, with the JSON ready to publish. Nothing is stored: a
// preview is how a coordinator checks an import before it becomes a
// version citizens fill in.
func (h *Handler) templatePreview(w http.ResponseWriter, r *http.Request) {
	s, ok := h.requireServices(w, r)
	if !ok {
		return
	}
	v, ok := h.loadTemplate(w, r, s)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFIMUpload+64<<10)
	pv := templatePreviewView{templateView: v}
	var f *form.Form
	var err error
	field := "formular"
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		field = "fim"
		f, pv.Source, pv.Warnings, err = importFIM(r)
	} else {
		pv.FormJSON = r.PostFormValue("formular")
		pv.Source = "Bearbeitetes Formular"
		f, err = form.Parse(strings.NewReader(pv.FormJSON))
		if err != nil {
			err = fmt.Errorf("Das Formular ist nicht gültig: %w", err)
		}
	}
	if err == nil {
		pv.Steps, err = previewSteps(f)
	}
	if err == nil && field == "fim" {
		var doc []byte
		doc, err = json.MarshalIndent(f, "", "  ")
		pv.FormJSON = string(doc)
	}
	if err != nil {
		if field == "formular" {
			v.FormJSON = pv.FormJSON
		}
		v.Form.add(field, err.Error())
		h.pages.Render(w, r, http.StatusUnprocessableEntity, "template", pageData("Fehler: Vorlage", v))
		return
	}
	h.pages.Render(w, r, http.StatusOK, "template_preview", pageData("Vorschau: "+f.Title, pv))
}

// importFIM reads the uploaded XDatenfelder file.
func importFIM(r *http.Request) (*form.Form, string, []string, error) {
	file, hdr, err := r.FormFile("fim")
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, "", nil, errors.New("Die Datei ist größer als 5 MB. FIM-Exporte sind meist wenige hundert Kilobyte groß.")
		}
		return nil, "", nil, errors.New("Bitte wählen Sie eine XDatenfelder-Datei (XML) aus.")
	}
	defer file.Close()
	res, err := fim.Import(file, fim.Options{})
	if err != nil {
		return nil, "", nil, fmt.Errorf("Die Datei %s lässt sich nicht einlesen: %w", SafeFilename(hdr.Filename, ".xml"), err)
	}
	return res.Form, fmt.Sprintf("FIM-Import aus %s (XDatenfelder %s)", SafeFilename(hdr.Filename, ".xml"), res.Version), res.Warnings, nil
}

// previewStep is one step of the preview. N and Total count all steps,
// where the step view counts only those that apply to empty answers.
type previewStep struct {
	*form.StepView
	N, Total int
}

// previewSteps renders every step empty, including steps a condition may
// later hide, so the whole form can be reviewed.
func previewSteps(f *form.Form) ([]previewStep, error) {
	steps := make([]previewStep, 0, len(f.Steps))
	for i, st := range f.Steps {
		sv, err := f.RenderStep(st.ID, nil, nil)
		if err != nil {
			return nil, fmt.Errorf("Schritt %s lässt sich nicht anzeigen: %w", st.ID, err)
		}
		steps = append(steps, previewStep{StepView: sv, N: i + 1, Total: len(f.Steps)})
	}
	return steps, nil
}
