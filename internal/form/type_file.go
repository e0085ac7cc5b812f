package form

import (
	"encoding/json"
	"fmt"
	"mime"
	"strings"
	"time"
)

func init() { Register(File, fileType{}) }

// FileRef describes an uploaded file. The upload layer stores the file,
// checks its content type, and puts EncodeFileRef(ref) into the field's
// values; the form engine never sees file content. The web layer must only
// accept references it created for the same draft.
type FileRef struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Size      int64  `json:"size"`
	MediaType string `json:"mediaType"`
}

// EncodeFileRef turns a file reference into the string stored as the
// field's raw value.
func EncodeFileRef(r FileRef) string {
	b, _ := json.Marshal(r)
	return string(b)
}

// DecodeFileRef reads a string written by EncodeFileRef.
func DecodeFileRef(s string) (FileRef, bool) {
	var r FileRef
	if len(s) > 2048 || json.Unmarshal([]byte(s), &r) != nil || r.ID == "" || r.Name == "" || r.Size < 0 {
		return FileRef{}, false
	}
	return r, true
}

// fileType is an uploaded file; Accept and MaxSize constrain it.
type fileType struct{}

func (fileType) Check(f *Field) []string {
	var out []string
	for _, a := range f.Accept {
		if _, _, err := mime.ParseMediaType(a); err != nil || !strings.Contains(a, "/") {
			out = append(out, fmt.Sprintf("%q ist kein Medientyp (z. B. application/pdf, image/*).", a))
		}
	}
	if f.MaxSize < 0 {
		out = append(out, "maxSize darf nicht negativ sein.")
	}
	if f.Min != "" || f.Max != "" {
		out = append(out, "min und max gelten nicht für Dateien; verwenden Sie maxSize.")
	}
	return append(out, noTextConstraints(f)...)
}

func (fileType) Parse(f *Field, s string) (any, *Issue) {
	r, ok := DecodeFileRef(s)
	if !ok {
		return nil, issue(f, CodeFormat, fmt.Sprintf("Die Datei bei %s konnte nicht zugeordnet werden. Laden Sie die Datei erneut hoch.", quoted(f)))
	}
	return r, nil
}

// accepts reports whether a media type matches one of the accepted patterns.
func accepts(patterns []string, mt string) bool {
	if len(patterns) == 0 {
		return true
	}
	mt = strings.ToLower(mt)
	for _, p := range patterns {
		p = strings.ToLower(p)
		if p == mt || (strings.HasSuffix(p, "/*") && strings.HasPrefix(mt, strings.TrimSuffix(p, "*"))) {
			return true
		}
	}
	return false
}

// mediaNames names media types the way citizens know them.
var mediaNames = map[string]string{
	"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG", "image/*": "Bild",
	"image/tiff": "TIFF", "image/heic": "HEIC", "text/plain": "Text", "application/xml": "XML",
}

func acceptNames(patterns []string) string {
	names := make([]string, 0, len(patterns))
	for _, p := range patterns {
		if n, ok := mediaNames[p]; ok {
			names = append(names, n)
		} else {
			names = append(names, p)
		}
	}
	return joinOr(names)
}

func (fileType) Validate(f *Field, v any, _ time.Time) []Issue {
	r, _ := v.(FileRef)
	var out []Issue
	if !accepts(f.Accept, r.MediaType) {
		out = append(out, *issue(f, CodeFileType, fmt.Sprintf("Die Datei „%s“ hat ein Format, das bei %s nicht angenommen wird. Laden Sie eine Datei im Format %s hoch.", r.Name, quoted(f), acceptNames(f.Accept))))
	}
	if f.MaxSize > 0 && r.Size > f.MaxSize {
		out = append(out, *issue(f, CodeFileSize, fmt.Sprintf("Die Datei „%s“ ist %s groß. Laden Sie bei %s eine Datei mit höchstens %s hoch.", r.Name, formatBytes(r.Size), quoted(f), formatBytes(f.MaxSize))))
	}
	return out
}

func (fileType) Format(_ *Field, v any) string {
	if r, ok := v.(FileRef); ok {
		return EncodeFileRef(r)
	}
	return ""
}

func (fileType) Display(_ *Field, v any) string {
	if r, ok := v.(FileRef); ok {
		return fmt.Sprintf("%s (%s)", r.Name, formatBytes(r.Size))
	}
	return ""
}

func (fileType) Export(_ *Field, v any) any {
	if r, ok := v.(FileRef); ok {
		return map[string]any{"id": r.ID, "name": r.Name, "size": r.Size, "mediaType": r.MediaType}
	}
	return nil
}

func (fileType) Expr(_ *Field, v any) any {
	if r, ok := v.(FileRef); ok {
		return map[string]any{"name": r.Name, "size": int(r.Size), "mediaType": r.MediaType}
	}
	return nil
}

func (fileType) FromExpr(*Field, any) (any, bool) { return nil, false }

func (fileType) JSONSchema(f *Field) map[string]any {
	size := map[string]any{"type": "integer", "minimum": 0}
	if f.MaxSize > 0 {
		size["maximum"] = f.MaxSize
	}
	mt := map[string]any{"type": "string"}
	return map[string]any{
		"type":                 "object",
		"required":             []string{"id", "name", "size", "mediaType"},
		"additionalProperties": false,
		"properties": map[string]any{
			"id":        map[string]any{"type": "string", "minLength": 1},
			"name":      map[string]any{"type": "string", "minLength": 1},
			"size":      size,
			"mediaType": mt,
		},
	}
}

func (fileType) Input(f *Field) InputHints {
	return InputHints{Type: "file"}
}
