package ui

import (
	"strings"
	"testing"
)

// FuzzSafeFilename: whatever a client calls its file, the stored name has
// no path, no quotes or control characters, and the real type's extension.
func FuzzSafeFilename(f *testing.F) {
	for _, s := range []string{"../../etc/passwd", "Bescheid Hund.pdf", "a\"b.pdf", "\x00\r\n.exe", "ü.png"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		got := SafeFilename(name, ".pdf")
		if !strings.HasSuffix(got, ".pdf") || strings.ContainsAny(got, "/\\\"\x00\r\n") || strings.HasPrefix(got, ".") {
			t.Fatalf("SafeFilename(%q) = %q", name, got)
		}
	})
}
