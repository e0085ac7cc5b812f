package ui

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strings"
	"unicode"
)

// upload is a streamed multipart form: small text fields are collected,
// the file part is handed to a callback while it is still being received.
type upload struct {
	Fields map[string]string
}

// maxFieldBytes bounds each text field of a multipart form.
const maxFieldBytes = 64 << 10

// ErrUploadType means the file's content is not an allowed type.
var ErrUploadType = errors.New("ui: file type not allowed")

// sniffed types that may be uploaded; the name's extension is never trusted.
var uploadTypes = map[string]string{"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}

// readUpload walks a multipart body. For each file part it calls onFile
// with the sniffed content type and a reader positioned at the start of
// the content. Text fields must precede the file in the form.
func readUpload(r *http.Request, allowed []string, onFile func(field, filename, contentType string, body io.Reader) error) (upload, error) {
	up := upload{Fields: map[string]string{}}
	mr, err := r.MultipartReader()
	if err != nil {
		return up, fmt.Errorf("ui: not a multipart form: %w", err)
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return up, nil
		}
		if err != nil {
			return up, fmt.Errorf("ui: read upload: %w", err)
		}
		if part.FileName() == "" {
			b, err := io.ReadAll(io.LimitReader(part, maxFieldBytes+1))
			if err != nil {
				return up, err
			}
			if len(b) > maxFieldBytes {
				return up, fmt.Errorf("ui: field %s too long", part.FormName())
			}
			up.Fields[part.FormName()] = string(b)
			continue
		}
		if err := handleFilePart(part, allowed, onFile); err != nil {
			return up, err
		}
	}
}

func handleFilePart(part *multipart.Part, allowed []string, onFile func(field, filename, contentType string, body io.Reader) error) error {
	br := bufio.NewReaderSize(part, 512)
	head, _ := br.Peek(512)
	if len(head) == 0 {
		return nil // an empty file input
	}
	ct, _, _ := mime.ParseMediaType(http.DetectContentType(head))
	ok := false
	for _, a := range allowed {
		ok = ok || a == ct
	}
	if !ok {
		return ErrUploadType
	}
	return onFile(part.FormName(), SafeFilename(part.FileName(), uploadTypes[ct]), ct, br)
}

// SafeFilename keeps letters, digits and a few separators of a client's
// file name, drops any path, and gives it the extension of its real type.
func SafeFilename(name, ext string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.TrimSuffix(name, filepath.Ext(name))
	var b strings.Builder
	for _, r := range name {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		case r == '-' || r == '_' || r == ' ' || r == '.':
			b.WriteRune('_')
		}
		if b.Len() > 80 {
			break
		}
	}
	if b.Len() == 0 {
		b.WriteString("datei")
	}
	return b.String() + ext
}
