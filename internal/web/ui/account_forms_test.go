package ui

import "testing"

// TestSafeNext: the page to go to after login stays on the portal; every
// way of naming another host is dropped.
func TestSafeNext(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"/dorsten/konto", "/dorsten/konto"},
		{"/dorsten/verwaltung/vorgaenge?status=neu", "/dorsten/verwaltung/vorgaenge?status=neu"},
		{"", ""},
		{"https://evil.example/", ""},
		{"//evil.example/", ""},
		{"/\\evil.example/", ""},
		{"\\\\evil.example", ""},
		{"/dorsten/\r\nSet-Cookie: x=1", ""},
		{"javascript:alert(1)", ""},
		{"dorsten/konto", ""},
	}
	for _, tt := range tests {
		if got := safeNext(tt.in); got != tt.want {
			t.Errorf("safeNext(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
