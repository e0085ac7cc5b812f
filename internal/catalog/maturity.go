package catalog

import (
	"github.com/serviceportal/serviceportal/internal/form"
)

// Criterion is one requirement of a maturity model and whether the
// offering's configuration meets it.
type Criterion struct {
	Level int
	Name  string
	Met   bool
	// Hint says what to change, when not met.
	Hint string
}

// Maturity is an offering's OZG Reifegrad in both models, computed from
// what is configured, never typed in.
type Maturity struct {
	// Level11 is model 1.1 (0–4); -1 when it cannot be read from the
	// configuration (services run on a state portal).
	Level11 int
	// Level20 is model 2.0 (0–7), as far as configuration shows it.
	Level20 int
	// HeldBy11 and HeldBy20 name the first unmet criterion.
	HeldBy11, HeldBy20 string
	Criteria11         []Criterion
	Criteria20         []Criterion
}

// Setup is what the assessment needs to know beyond service and form.
type Setup struct {
	// Offered: the tenant has an online offering (an adopted template).
	Offered bool
	// Form is the offering's form; nil without one.
	Form *form.Form
	// StructuredDelivery: a webhook or FIT-Connect target hands the data
	// to a Fachverfahren.
	StructuredDelivery bool
	// OnlinePayment: a payment provider is configured.
	OnlinePayment bool
}

// Assess computes the Reifegrad of a service at a tenant (standards §4:
// model 1.1 levels 0–4, the lowest unmet criterion sets the level; model
// 2.0 levels 0–7). Levels that depend on things the portal cannot see
// (Once-Only register access, E-Akte) stay unmet and are named.
func Assess(s Service, st Setup) Maturity {
	info := s.Modules.Volltext != ""
	online := s.Kind == KindOnline && st.Offered && st.Form != nil
	proofsOnline := online && (len(s.Modules.Unterlagen) == 0 || hasFileField(st.Form))
	payOK := s.Fee.Kind != "fixed" || st.OnlinePayment
	m := Maturity{}
	m.Criteria11 = []Criterion{
		{1, "Informationen zur Leistung", info, "Beschreibung der Leistung ergänzen"},
		{2, "Online-Formular", online, "Vorlage mit Online-Formular übernehmen"},
		{3, "Alle Nachweise online", proofsOnline, "Nachweise als Datei-Upload ins Formular aufnehmen (Nachweise nur per Post)"},
		{3, "Gebühr online bezahlbar", online && payOK, "Bezahlverfahren (ePayBL, pmPayment) einrichten"},
		{3, "Anmeldung mit Nutzerkonto, digitaler Bescheid ins Postfach", online, "Online-Antrag einrichten"},
		{4, "Once-Only: Nachweise aus Registern", false, "Nachweisabruf über NOOTS ist noch nicht angebunden"},
	}
	m.Criteria20 = []Criterion{
		{1, "Informationen zur Leistung", info, "Beschreibung der Leistung ergänzen"},
		{2, "Online-Antragsassistent", online, "Vorlage mit Online-Formular übernehmen"},
		{3, "Online-Antrag mit Nachweisen, Bescheid digital", proofsOnline && payOK, "Nachweise und Bezahlung online ermöglichen"},
		{4, "Prozessorientierte Bearbeitung (Vorgang mit Workflow)", online, "Online-Antrag einrichten"},
		{5, "Datenzentrierte Übergabe an das Fachverfahren", online && st.StructuredDelivery, "Zustellweg zum Fachverfahren (Webhook oder FIT-Connect) einrichten"},
		{6, "Basiskomponenten vollständig (u. a. E-Akte)", false, "Anbindung an die E-Akte ist nicht hinterlegt"},
		{7, "Vollständig Ende-zu-Ende digital", false, "setzt Stufe 6 voraus"},
	}
	if s.Kind == KindExternal {
		m.Level11, m.Level20 = -1, -1
		m.HeldBy11 = "Leistung eines Landes- oder Bundesportals; Reifegrad dort"
		m.HeldBy20 = m.HeldBy11
		return m
	}
	m.Level11, m.HeldBy11 = level(m.Criteria11)
	m.Level20, m.HeldBy20 = level(m.Criteria20)
	return m
}

// level is the highest level whose criteria (and all below) are met.
func level(cs []Criterion) (int, string) {
	for _, c := range cs {
		if !c.Met {
			return c.Level - 1, c.Hint
		}
	}
	return cs[len(cs)-1].Level, ""
}

func hasFileField(f *form.Form) bool {
	if f == nil {
		return false
	}
	var walk func(items []form.Item) bool
	walk = func(items []form.Item) bool {
		for _, it := range items {
			switch x := it.(type) {
			case *form.Field:
				if x.Type == form.File {
					return true
				}
			case *form.Group:
				if walk(x.Items) {
					return true
				}
			}
		}
		return false
	}
	for _, s := range f.Steps {
		if walk(s.Items) {
			return true
		}
	}
	return false
}
