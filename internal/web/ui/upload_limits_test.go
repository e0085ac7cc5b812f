package ui

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/jpeg"
	"io"
	"strings"
	"testing"

	"github.com/serviceportal/serviceportal/internal/form"
)

// pngHeader is the start of a PNG of w × h pixels: all a decoder needs to
// learn the size, and all a decompression bomb needs to be dangerous.
func pngHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 17)
	copy(ihdr, "IHDR")
	binary.BigEndian.PutUint32(ihdr[4:], w)
	binary.BigEndian.PutUint32(ihdr[8:], h)
	copy(ihdr[12:], []byte{8, 0, 0, 0, 0}) // 8-bit grey
	binary.Write(&b, binary.BigEndian, uint32(13))
	b.Write(ihdr)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(ihdr))
	b.WriteString(strings.Repeat("\x00", 64))
	return b.Bytes()
}

func TestCheckImage(t *testing.T) {
	t.Parallel()
	var photo bytes.Buffer
	jpeg.Encode(&photo, image.NewGray(image.Rect(0, 0, 400, 300)), nil)
	tests := []struct {
		name, ct string
		body     []byte
		want     string // empty: accepted
	}{
		{"phone photo", "image/jpeg", photo.Bytes(), ""},
		{"scan", "image/png", pngHeader(2480, 3508), ""},
		{"pdf is not checked", "application/pdf", []byte("%PDF-1.4"), ""},
		{"too wide", "image/png", pngHeader(20000, 10), "20000 × 10 Pixeln zu groß"},
		{"too many pixels", "image/png", pngHeader(7000, 7000), "7000 × 7000 Pixeln zu groß"},
		{"bomb beyond what decoders accept", "image/png", pngHeader(1<<30, 1<<30), "lässt sich nicht lesen"},
		{"broken", "image/png", []byte("\x89PNG\r\n\x1a\nkaputt"), "beschädigt"},
	}
	for _, tt := range tests {
		r, err := checkImage(tt.ct, bytes.NewReader(tt.body))
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s refused: %v", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		case err == nil:
			// The reader still yields the whole file.
			got, _ := io.ReadAll(r)
			if !bytes.Equal(got, tt.body) {
				t.Errorf("%s: file changed by the check", tt.name)
			}
		}
	}
}

func TestFileLimit(t *testing.T) {
	t.Parallel()
	f, err := form.Builtin("hundeanmeldung")
	if err != nil {
		t.Fatal(err)
	}
	ref := func(id string, size int64) string {
		return form.EncodeFileRef(form.FileRef{ID: id, Name: id + ".pdf", Size: size, MediaType: "application/pdf"})
	}
	const field = "G90100010[0].F90100019"
	tests := []struct {
		name      string
		raw       map[string][]string
		uploads   map[string]string
		wantLimit int64
		wantTotal bool
		wantErr   string
	}{
		{"empty application", nil, nil, maxFormFileSize, false, ""},
		{"replacing the field's own file", map[string][]string{field: {ref("a", 9<<20)}}, nil, maxFormFileSize, false, ""},
		{"others leave less than a file", map[string][]string{"G90100010[1].F90100019": {ref("a", 9<<20)}, "G90100010[2].F90100019": {ref("b", 9<<20)}},
			nil, 7 << 20, true, ""},
		{"same request counts", map[string][]string{"G90100010[1].F90100019": {ref("a", 9<<20)}}, map[string]string{"G90100010[2].F90100019": ref("b", 16<<20)},
			0, true, "schon erreicht"},
	}
	for _, tt := range tests {
		app := &application{form: f, raw: tt.raw, uploads: tt.uploads}
		limit, total, err := app.fileLimit(field)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: %v, want %q", tt.name, err, tt.wantErr)
			}
			continue
		}
		if err != nil || limit != tt.wantLimit || total != tt.wantTotal {
			t.Errorf("%s: limit %d total %v err %v; want %d %v", tt.name, limit, total, err, tt.wantLimit, tt.wantTotal)
		}
	}
	if msg := tooLarge(7<<20, true).Error(); !strings.Contains(msg, "noch 7 MB frei") {
		t.Errorf("total message %q", msg)
	}
	if msg := tooLarge(maxFormFileSize, false).Error(); !strings.Contains(msg, "größer als 10 MB") {
		t.Errorf("field message %q", msg)
	}
}
