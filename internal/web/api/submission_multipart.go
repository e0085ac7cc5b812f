package api

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/clamd"
	"github.com/serviceportal/serviceportal/internal/form"
	"github.com/serviceportal/serviceportal/internal/submission"
	"github.com/serviceportal/serviceportal/internal/tenant"
)

// submissionBody is the JSON of an application.
type submissionBody struct {
	Data         map[string]any `json:"data"`
	ContactEmail string         `json:"contactEmail"`
}

// maxAPIFileSize bounds one uploaded file.
const maxAPIFileSize = 20 << 20

var apiFileTypes = map[string]bool{"application/pdf": true, "image/png": true, "image/jpeg": true}

// readMultipart reads a multipart application: the "data" part (JSON)
// first, then one part per file, named like its field. Files are stored
// as they stream in, and Submit writes them with the application; ok is
// false when an answer was written.
func (h *Handler) readMultipart(w http.ResponseWriter, r *http.Request, t tenant.Tenant, svc catalog.Service, f *form.Form) (submissionBody, map[string][]string, *submission.Files, bool) {
	var body submissionBody
	mr, err := r.MultipartReader()
	if err != nil {
		writeProblem(w, r, http.StatusBadRequest, "Ungültiges multipart", err.Error())
		return body, nil, nil, false
	}
	part, err := mr.NextPart()
	if err != nil || part.FormName() != "data" {
		writeProblem(w, r, http.StatusBadRequest, "Teil \"data\" fehlt", "Der erste Teil muss \"data\" heißen und das JSON der Angaben enthalten.")
		return body, nil, nil, false
	}
	if err := json.NewDecoder(io.LimitReader(part, maxSubmissionJSON)).Decode(&body); err != nil || body.Data == nil {
		writeProblem(w, r, http.StatusBadRequest, "Ungültiges JSON im Teil \"data\"", "Erwartet wird {\"data\": {…}}.")
		return body, nil, nil, false
	}
	raw, err := f.RawFromJSON(body.Data)
	if err != nil {
		writeProblem(w, r, http.StatusUnprocessableEntity, "Angaben passen nicht zum Formular", err.Error())
		return body, nil, nil, false
	}
	files := h.subs.NewFiles(submission.NewDraft{TenantID: t.ID, ServiceID: svc.ID, FormID: f.ID, FormVersion: f.Version})
	fail := func(status int, title, detail string) (submissionBody, map[string][]string, *submission.Files, bool) {
		files.Discard(r.Context())
		writeProblem(w, r, status, title, detail)
		return body, nil, nil, false
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fail(http.StatusBadRequest, "Ungültiges multipart", err.Error())
		}
		name := part.FormName()
		if fd, ok := f.FieldByName(name); !ok || fd.Type != form.File {
			return fail(http.StatusUnprocessableEntity, "Unbekanntes Dateifeld", "Der Teil \""+name+"\" ist kein Dateifeld dieses Formulars.")
		}
		br := bufio.NewReaderSize(part, 512)
		head, _ := br.Peek(512)
		ct, _, _ := mime.ParseMediaType(http.DetectContentType(head))
		if !apiFileTypes[ct] {
			return fail(http.StatusUnprocessableEntity, "Dateityp nicht erlaubt", "Erlaubt sind PDF, PNG und JPEG (geprüft am Inhalt, nicht an der Endung).")
		}
		a, err := files.Put(r.Context(), submission.NewAttachment{FieldPath: name,
			Filename: safeName(part.FileName()), ContentType: ct, MaxSize: maxAPIFileSize}, br)
		var inf *clamd.Infected
		switch {
		case errors.Is(err, submission.ErrTooLarge):
			return fail(http.StatusRequestEntityTooLarge, "Datei zu groß", "Eine Datei darf höchstens 20 MB groß sein.")
		case errors.As(err, &inf):
			return fail(http.StatusUnprocessableEntity, "Schadsoftware gefunden", "Die Virenprüfung hat in "+name+" "+inf.Signature+" gefunden; der Antrag wurde nicht angenommen.")
		case errors.Is(err, clamd.ErrUnavailable):
			return fail(http.StatusServiceUnavailable, "Virenprüfung nicht erreichbar", "Dateien werden nur nach der Virenprüfung angenommen. Bitte senden Sie den Antrag später erneut (mit demselben Idempotency-Key).")
		}
		if err != nil {
			files.Discard(r.Context())
			h.internalError(w, r, err)
			return body, nil, nil, false
		}
		raw[name] = []string{form.EncodeFileRef(form.FileRef{ID: a.ID, Name: a.Filename, Size: a.Size, MediaType: a.ContentType})}
	}
	return body, raw, files, true
}

// safeName keeps a client's file name printable and path-free.
func safeName(name string) string {
	out := make([]rune, 0, len(name))
	for _, r := range name {
		if r == '/' || r == '\\' {
			out = out[:0]
			continue
		}
		if r >= 32 && r != 127 && r != '"' {
			out = append(out, r)
		}
		if len(out) >= 100 {
			break
		}
	}
	if len(out) == 0 {
		return "datei"
	}
	return string(out)
}
