package catalog

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzParseSynonyms: any list either parses or is refused; expanding a
// query only ever adds words.
func FuzzParseSynonyms(f *testing.F) {
	f.Add("perso, ausweis => personalausweis\n# Kommentar\n", "Perso verlängern")
	f.Add("=>", "x")
	f.Fuzz(func(t *testing.T, list, query string) {
		s, err := ParseSynonyms(strings.NewReader(list))
		if err != nil {
			return
		}
		if got := s.Expand(query); !strings.HasPrefix(got, query) {
			t.Fatalf("Expand(%q) = %q lost the original words", query, got)
		}
	})
}

// FuzzParseServiceFile: the catalogue file parser never panics.
func FuzzParseServiceFile(f *testing.F) {
	f.Add(servicesJSON)
	f.Add([]byte(`{"services":[{"slug":"x","kind":"online"}]}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		ParseServiceFile(bytes.NewReader(doc))
	})
}
