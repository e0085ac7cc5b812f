package form

import (
	"io"
	"testing"

	"github.com/serviceportal/serviceportal/internal/form/formtest"
)

// benchForm is the 60-field form of formtest.Bench60 with its answers, in
// which every third field is wrong. internal/web measures the real step
// page with the same fixture.
func benchForm(b *testing.B) (*Form, map[string][]string) {
	b.Helper()
	src, raw := formtest.Bench60()
	return mustParse(b, src), raw
}

// BenchmarkRenderModel measures building the rendering model of a 60-field
// step with errors (evaluation included, validation done beforehand), the
// part the web layer adds on top of executing the HTML template.
func BenchmarkRenderModel(b *testing.B) {
	f, r := benchForm(b)
	res, _ := f.Evaluate(r, testNow).ValidateStep("s1")
	if len(res.Problems) < 10 {
		b.Fatalf("want errors, got %d", len(res.Problems))
	}
	b.ReportAllocs()
	for b.Loop() {
		v, err := f.Evaluate(r, testNow).Step("s1", res.Problems)
		if err != nil || len(v.Errors) != len(res.Problems) {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidateStep measures validating the same post.
func BenchmarkValidateStep(b *testing.B) {
	f, r := benchForm(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.Evaluate(r, testNow).ValidateStep("s1"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBareTemplate60 renders the 60 fields with formtest.BareTemplate,
// for comparing the model cost with the cost of the HTML itself (run both
// benchmarks together).
func BenchmarkBareTemplate60(b *testing.B) {
	f, r := benchForm(b)
	st := f.Evaluate(r, testNow)
	res, _ := st.ValidateStep("s1")
	v, _ := st.Step("s1", res.Problems)
	fields := make([]*FieldView, 0, len(v.Items))
	for _, it := range v.Items {
		fields = append(fields, it.Field)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := formtest.BareTemplate.Execute(io.Discard, fields); err != nil {
			b.Fatal(err)
		}
	}
}
