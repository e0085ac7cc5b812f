package xgewerbe

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse feeds KoSIT's examples, mutated, to Parse. Whatever is
// accepted must render, and a 2.x message re-encoded as 2.2 must be
// accepted again.
func FuzzParse(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "kosit", "*.xml"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`<!DOCTYPE x [<!ENTITY e "x">]><x>&e;</x>`))
	f.Fuzz(func(t *testing.T, in []byte) {
		a, err := Parse(bytes.NewReader(in))
		if err != nil {
			if _, ok := err.(*InvalidError); !ok {
				t.Fatalf("Parse returned %T, want *InvalidError: %v", err, err)
			}
			return
		}
		_ = a.Sections()
		if !strings.HasPrefix(a.Version, "2.") {
			return
		}
		if _, err := Parse(bytes.NewReader(encode22(a))); err != nil {
			t.Fatalf("re-encoded message refused: %v", err)
		}
	})
}
