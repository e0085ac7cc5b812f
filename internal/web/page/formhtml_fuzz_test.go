package page

import (
	"html/template"
	"strings"
	"testing"
)

// escapeReference is html/template itself, in the two contexts formItems
// writes values into: element text and a double-quoted attribute.
var escapeReference = template.Must(template.New("ref").Parse(`<p title="{{.}}">{{.}}</p>`))

// FuzzEscapeMatchesTemplate holds formItems' escaping to html/template's
// for any string, so writing the fields in Go cannot open an injection.
func FuzzEscapeMatchesTemplate(f *testing.F) {
	for _, s := range []string{"", "Müller & Söhne", `"><script>alert(1)</script>`, "a'b+c", "\x00", "\xff\xfe", "&amp;", "{{.}}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		var want strings.Builder
		if err := escapeReference.Execute(&want, v); err != nil {
			t.Skip(err)
		}
		var w htmlWriter
		w.s(`<p title="`)
		w.e(v)
		w.s(`">`)
		w.e(v)
		w.s(`</p>`)
		if got := w.String(); got != want.String() {
			t.Fatalf("escaping %q:\n got  %q\n want %q", v, got, want.String())
		}
	})
}
