package tenant

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseRegionFile feeds arbitrary documents to the region file
// parser: it must reject or accept, never panic.
func FuzzParseRegionFile(f *testing.F) {
	f.Add([]byte(`{"operators":[],"tenants":[]}`))
	f.Add([]byte(`{"operators":[{"slug":"krzn","name":"KRZN","short_name":"KRZN"}],"tenants":[{"slug":"region","name":"R","short_name":"R","kind":"region","code":"REG","operator":"krzn"}]}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		ParseRegionFile(bytes.NewReader(doc))
	})
}

// FuzzFold checks that folding is idempotent and yields only lower-case
// letters, digits and single spaces.
func FuzzFold(f *testing.F) {
	for _, s := range []string{"Marl-Hüls", "OER–ERKENSCHWICK", "Straße", "%_'", "  a  b  "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Fold(s)
		if Fold(got) != got {
			t.Fatalf("Fold not idempotent: %q → %q → %q", s, got, Fold(got))
		}
		if strings.Contains(got, "  ") || strings.HasPrefix(got, " ") || strings.HasSuffix(got, " ") || !utf8.ValidString(got) && utf8.ValidString(s) {
			t.Fatalf("Fold(%q) = %q", s, got)
		}
	})
}
