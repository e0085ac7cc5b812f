package ui

import (
	"bufio"
	"bytes"
	"image"
	_ "image/jpeg" // DecodeConfig reads JPEG headers
	_ "image/png"  // and PNG headers
	"io"
	"slices"
	"strconv"

	"github.com/serviceportal/serviceportal/internal/form"
)

// Limits on one application's files. The total keeps a draft from
// growing without bound through many file fields; the pixel limits stop
// decompression bombs (a few kilobytes that unpack to gigabytes) before
// a caseworker's browser or a PDF converter opens them. 40 megapixels
// is above any phone camera's default.
const (
	maxApplicationFiles = 25 << 20
	maxImageSide        = 12000
	maxImagePixels      = 40_000_000
	// imageHeaderPeek is how far into a file the dimensions are looked
	// for; JPEG puts them after its metadata segments (EXIF, XMP, ICC
	// profile), which stay well below this in camera and scanner files.
	imageHeaderPeek = 512 << 10
)

// uploadRefused is a rejected file with the message the citizen sees.
type uploadRefused struct{ msg string }

func (e uploadRefused) Error() string { return e.msg }

// fileLimit is the most the upload to field may hold: the field's own
// limit (or the portal's), and what is left of the application's total.
// total reports whether the application total is the tighter bound.
func (app *application) fileLimit(field string) (limit int64, total bool, err error) {
	limit = maxFormFileSize
	if fd, ok := app.form.FieldByName(field); ok && fd.MaxSize > 0 && fd.MaxSize < limit {
		limit = fd.MaxSize
	}
	used := int64(0)
	count := func(name, v string) {
		if name == field {
			return // replaced by this upload
		}
		if ref, ok := form.DecodeFileRef(v); ok {
			used += ref.Size
		}
	}
	for name, vs := range app.raw {
		if _, fresh := app.uploads[name]; fresh {
			continue
		}
		for _, v := range vs {
			count(name, v)
		}
	}
	for name, v := range app.uploads {
		count(name, v)
	}
	left := maxApplicationFiles - used
	if left <= 0 {
		return 0, true, uploadRefused{"Alle Dateien eines Antrags zusammen dürfen höchstens " + mb(maxApplicationFiles) +
			" groß sein, und dieser Antrag hat die Grenze schon erreicht. Entfernen Sie eine Datei oder laden Sie kleinere Dateien hoch."}
	}
	if left < limit {
		return left, true, nil
	}
	return limit, false, nil
}

// tooLarge explains an upload that exceeded limit.
func tooLarge(limit int64, total bool) uploadRefused {
	if total {
		return uploadRefused{"Alle Dateien eines Antrags zusammen dürfen höchstens " + mb(maxApplicationFiles) +
			" groß sein; für diese Datei sind noch " + mb(limit) + " frei. Verkleinern Sie sie bitte, zum Beispiel mit einer geringeren Auflösung beim Scannen."}
	}
	return uploadRefused{"Die Datei ist größer als " + mb(limit) + ". Verkleinern Sie sie bitte, zum Beispiel mit einer geringeren Auflösung beim Scannen."}
}

// checkAccept applies the field's own list of media types.
func (app *application) checkAccept(field, ct string) error {
	fd, ok := app.form.FieldByName(field)
	if !ok || len(fd.Accept) == 0 || slices.Contains(fd.Accept, ct) {
		return nil
	}
	names := make([]string, 0, len(fd.Accept))
	for _, a := range fd.Accept {
		switch a {
		case "application/pdf":
			names = append(names, "PDF")
		case "image/png":
			names = append(names, "PNG")
		case "image/jpeg":
			names = append(names, "JPEG")
		}
	}
	return uploadRefused{"Für dieses Feld nehmen wir nur " + joinOr(names) + " an. Bitte wählen Sie eine Datei in diesem Format."}
}

// checkImage reads an image's dimensions from its header and refuses
// oversized ones. It returns a reader that still yields the whole file.
func checkImage(ct string, body io.Reader) (io.Reader, error) {
	if ct != "image/png" && ct != "image/jpeg" {
		return body, nil
	}
	br := bufio.NewReaderSize(body, imageHeaderPeek)
	head, _ := br.Peek(imageHeaderPeek)
	cfg, _, err := image.DecodeConfig(bytes.NewReader(head))
	if err != nil {
		return nil, uploadRefused{"Das Bild lässt sich nicht lesen; die Datei ist vermutlich beschädigt. Bitte speichern oder fotografieren Sie es neu."}
	}
	if cfg.Width > maxImageSide || cfg.Height > maxImageSide || cfg.Width*cfg.Height > maxImagePixels {
		return nil, uploadRefused{"Das Bild ist mit " + strconv.Itoa(cfg.Width) + " × " + strconv.Itoa(cfg.Height) +
			" Pixeln zu groß (höchstens 40 Megapixel und " + strconv.Itoa(maxImageSide) + " Pixel je Seite). Bitte verkleinern Sie es oder laden Sie es als PDF hoch."}
	}
	return br, nil
}

func mb(n int64) string { return strconv.FormatInt(n>>20, 10) + " MB" }

// joinOr lists names as "PDF, PNG oder JPEG".
func joinOr(names []string) string {
	switch len(names) {
	case 0:
		return "bestimmte Formate"
	case 1:
		return names[0]
	}
	s := names[0]
	for _, n := range names[1 : len(names)-1] {
		s += ", " + n
	}
	return s + " oder " + names[len(names)-1]
}
