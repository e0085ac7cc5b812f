package catalog

import (
	"strings"
	"testing"

	"github.com/serviceportal/serviceportal/internal/form"
)

func TestAssess(t *testing.T) {
	t.Parallel()
	withFile, _ := form.Builtin("sozialticket")
	withoutFile, _ := form.Builtin("meldebescheinigung")
	docs := Modules{Volltext: "Text", Unterlagen: []string{"Nachweis"}}
	tests := []struct {
		name         string
		svc          Service
		setup        Setup
		want11       int
		want20       int
		heldContains string
	}{
		{"info only", Service{Kind: KindInfo, Modules: Modules{Volltext: "Text"}, Fee: Fee{Kind: "free"}}, Setup{}, 1, 1, "Online-Formular"},
		{"online, proofs by post", Service{Kind: KindOnline, Modules: docs, Fee: Fee{Kind: "free"}}, Setup{Offered: true, Form: withoutFile}, 2, 2, "Post"},
		{"online with uploads", Service{Kind: KindOnline, Modules: docs, Fee: Fee{Kind: "free"}}, Setup{Offered: true, Form: withFile}, 3, 4, "NOOTS"},
		{"fee not payable online", Service{Kind: KindOnline, Modules: docs, Fee: Fee{Kind: "fixed", AmountCents: 1000}}, Setup{Offered: true, Form: withFile}, 2, 2, "Bezahlverfahren"},
		{"with Fachverfahren", Service{Kind: KindOnline, Modules: docs, Fee: Fee{Kind: "free"}}, Setup{Offered: true, Form: withFile, StructuredDelivery: true}, 3, 5, "NOOTS"},
		{"not adopted", Service{Kind: KindOnline, Modules: docs, Fee: Fee{Kind: "free"}}, Setup{}, 1, 1, "Vorlage"},
		{"state portal", Service{Kind: KindExternal, Modules: docs}, Setup{}, -1, -1, "Landes"},
	}
	for _, tt := range tests {
		m := Assess(tt.svc, tt.setup)
		if m.Level11 != tt.want11 || m.Level20 != tt.want20 || !strings.Contains(m.HeldBy11, tt.heldContains) {
			t.Errorf("%s: 1.1=%d (%q) 2.0=%d (%q); want %d, %d, held by %q", tt.name, m.Level11, m.HeldBy11, m.Level20, m.HeldBy20, tt.want11, tt.want20, tt.heldContains)
		}
	}
}
