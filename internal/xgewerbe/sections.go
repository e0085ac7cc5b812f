package xgewerbe

import (
	"fmt"
	"strings"
	"time"
)

// Section is a titled group of rows, shown in the case view like the
// answers of a form.
type Section struct {
	Title string
	Rows  []Row
}

// Row is one labelled value; values may span several lines.
type Row struct {
	Label, Value string
}

// sec builds a section, skipping rows without a value.
type sec struct{ Section }

func (s *sec) row(label, value string) {
	if value = strings.TrimSpace(value); value != "" {
		s.Rows = append(s.Rows, Row{Label: label, Value: value})
	}
}

// Sections renders the message for a caseworker: a section about the
// message, then for each Meldung the sections Art der Anzeige, Betrieb,
// Inhaber/Gesellschafter (one per person), Tätigkeit, Beginn (or
// Wirksamkeit, Aufgabe), Betriebsstätte and Zuständige Behörde. Sections
// without content are left out.
func (a *Anzeige) Sections() []Section {
	out := []Section{a.header()}
	for i, m := range a.Meldungen {
		prefix := ""
		if len(a.Meldungen) > 1 {
			prefix = fmt.Sprintf("Meldung %d von %d (%s): ", i+1, len(a.Meldungen), m.Art)
		}
		for _, s := range m.Sections() {
			s.Title = prefix + s.Title
			out = append(out, s)
		}
	}
	return out
}

func (a *Anzeige) header() Section {
	s := sec{Section{Title: "Nachricht"}}
	var arten []string
	for _, m := range a.Meldungen {
		arten = append(arten, m.Art.String())
	}
	s.row("Art der Anzeige", strings.Join(arten, ", "))
	s.row("Standard", "XGewerbeanzeige "+a.Version)
	if strings.HasPrefix(a.Version, "1.") {
		s.row("Nachrichtentyp", "DatML-RAW-Lieferung"+suffix(", Satzart ", a.Nachrichtentyp))
	} else {
		s.row("Nachrichtentyp", a.Nachricht+suffix(" – Typ ", a.Nachrichtentyp))
	}
	s.row("Nachrichten-ID", a.NachrichtenUUID)
	s.row("Erstellt am", zeit(a.Erstellt))
	s.row("Absender", behoerdeKurz(a.Autor))
	s.row("Empfänger", behoerdeKurz(a.Leser))
	s.row("Sendendes System", strings.TrimSpace(a.Produkt+suffix(" ", a.Produktversion)+suffix(", ", a.Hersteller)))
	return s.Section
}

// Sections renders one Meldung; see Anzeige.Sections.
func (m *Meldung) Sections() []Section {
	g := m.Gewerbe
	out := []Section{m.artSection(), betriebSection(g)}
	for i, p := range g.Personen {
		title := "Inhaber/Gesellschafter"
		if len(g.Personen) > 1 {
			title += fmt.Sprintf(" – Person %d von %d", i+1, len(g.Personen))
		}
		out = append(out, personSection(title, p))
	}
	out = append(out, taetigkeitSection(m.Taetigkeit), m.zeitSection(), m.staetteSection(), m.behoerdeSection())
	var kept []Section
	for _, s := range out {
		if len(s.Rows) > 0 {
			kept = append(kept, s)
		}
	}
	return kept
}

func (m *Meldung) artSection() Section {
	s := sec{Section{Title: "Art der Anzeige"}}
	form := map[Art]string{Anmeldung: " (GewA 1)", Ummeldung: " (GewA 2)", Abmeldung: " (GewA 3)"}[m.Art]
	s.row("Art der Anzeige", m.Art.String()+form)
	var gruende []string
	for _, c := range m.Gruende {
		if m.Art == Anmeldung {
			gruende = append(gruende, label(gruendeAnmeldung, c))
		} else {
			gruende = append(gruende, label(nil, c))
		}
	}
	s.row("Grund", strings.Join(gruende, "\n"))
	s.row("Ursache der Abmeldung", label(nil, m.UrsacheAbmeldung))
	s.row("Korrektur einer früheren Anzeige", janein(m.Korrektur))
	s.row("Kennung der Anzeige (UUID)", m.UUID)
	s.row("Kennung des Gewerbebetriebs", m.GewerbebetriebID)
	s.row("Meldungsnummer der Gemeinde", m.GemeindeMeldungNr)
	return s.Section
}

func betriebSection(g Gewerbe) Section {
	s := sec{Section{Title: "Betrieb"}}
	b := g.Betrieb
	s.row("Name (Registereintrag)", b.Name)
	s.row("Geschäftsbezeichnung", b.Geschaeftsbezeichnung)
	s.row("Rechtsform", label(rechtsformen, b.Rechtsform))
	if r := b.Register; r != nil {
		reg := label(registerArten, r.Art) + suffix(", Nr. ", r.Nummer)
		reg += suffix("\nRegistergericht: ", strings.TrimSpace(r.PLZ+" "+r.Ort)) + suffix(" (Gerichtsschlüssel ", r.Gericht)
		if r.Gericht != "" {
			reg += ")"
		}
		s.row("Register", reg)
	}
	var arten []string
	for _, x := range []struct {
		on   bool
		name string
	}{{g.Art.Industrie, "Industrie"}, {g.Art.Handwerk, "Handwerk"}, {g.Art.Handel, "Handel"}, {g.Art.Sonstiges, "Sonstiges"}} {
		if x.on {
			arten = append(arten, x.name)
		}
	}
	s.row("Art des Betriebs", strings.Join(arten, ", "))
	s.row("Niederlassung", label(niederlassungen, g.Niederlassung))
	s.row("Nebenerwerb", janein(g.Nebenerwerb))
	s.row("Reisegewerbe", janein(g.Reisegewerbe))
	s.row("Beschäftigte", fmt.Sprintf("%d in Vollzeit, %d in Teilzeit", g.Vollzeit, g.Teilzeit))
	if g.Beteiligte >= 0 {
		s.row("Anzahl der Beteiligten", fmt.Sprint(g.Beteiligte))
	}
	s.row("Beteiligung der öffentlichen Hand", label(nil, g.OeffentlicheHand))
	s.row("Handwerkskarte", nachweis(g.Handwerkskarte))
	kontakte(&s, g.Kontakte)
	return s.Section
}

func personSection(title string, p Person) Section {
	s := sec{Section{Title: title}}
	s.row("Funktion", label(funktionen, p.Funktion))
	s.row("Name", p.Name())
	s.row("Geburtsname", p.Geburtsname)
	s.row("Geschlecht", label(geschlechter, p.Geschlecht))
	s.row("Geburtsdatum", p.Geburtsdatum.String())
	s.row("Geburtsort", strings.Join(nonEmpty(p.Geburtsort, p.Geburtsland), ", "))
	var sa []string
	for _, c := range p.Staatsangehoerigkeiten {
		sa = append(sa, label(staatsangehoerigkeiten, c))
	}
	s.row("Staatsangehörigkeit", strings.Join(sa, "\n"))
	s.row("Anschrift", p.Anschrift.String())
	kontakte(&s, p.Kontakte)
	s.row("Aufenthaltstitel", nachweis(p.Aufenthaltstitel))
	return s.Section
}

func taetigkeitSection(t Taetigkeiten) Section {
	s := sec{Section{Title: "Tätigkeit"}}
	s.row("Schwerpunkt der Tätigkeit", t.Schwerpunkt)
	s.row("Wirtschaftszweig (WZ 2008)", wz(t.Schluessel)+suffix(" – ", t.Stichwort))
	if t.NeuAusgeuebt != "" {
		s.row("Neu ausgeübt", janein(t.NeuAusgeuebt == "1"))
	}
	s.row("Weitere Tätigkeiten", strings.Join(t.Weitere, "\n"))
	for _, e := range t.Einzeln {
		s.row("Weitere Tätigkeit (WZ 2008)", strings.Join(nonEmpty(e.Text, wz(e.Schluessel)+suffix(" – ", e.Stichwort)), ": "))
	}
	return s.Section
}

func (m *Meldung) zeitSection() Section {
	title, lbl := "Beginn", "Beginn der Tätigkeit"
	switch m.Art {
	case Ummeldung:
		title, lbl = "Wirksamkeit", "Änderung wirksam ab"
	case Abmeldung:
		title, lbl = "Aufgabe", "Aufgabe des Betriebs zum"
	}
	s := sec{Section{Title: title}}
	s.row(lbl, m.GueltigAb.String())
	s.row("Datum der Anzeige", m.DatumMeldung.String())
	s.row("Ereignis am", zeit(m.Ereigniszeitpunkt))
	s.row("Erfasst am", zeit(m.SatzErstellung))
	return s.Section
}

func (m *Meldung) staetteSection() Section {
	s := sec{Section{Title: "Betriebsstätte"}}
	s.row("Anschrift", m.Gewerbe.Betriebsstaette.String())
	if h := m.Gewerbe.Hauptniederlassung; h != nil {
		s.row("Hauptniederlassung", h.Anschrift.String())
		kontakte(&s, h.Kontakte)
	}
	if k := m.Kuenftig; k != nil {
		s.row("Künftiger Betrieb", strings.Join(nonEmpty(k.Name, k.Anschrift.String()), "\n"))
	}
	return s.Section
}

func (m *Meldung) behoerdeSection() Section {
	s := sec{Section{Title: "Zuständige Behörde"}}
	s.row("Behörde", m.Autor.Name)
	s.row("Behördenkennung", strings.TrimSpace(m.Autor.Praefix+" "+m.Autor.Kennung))
	s.row("Gemeindeschlüssel (AGS)", m.GemeindeSchluessel+suffix(" – Zusatz ", m.GemeindeZusatz))
	s.row("Anschrift", m.Autor.Anschrift.String())
	kontakte(&s, m.Autor.Kontakte)
	return s.Section
}

func kontakte(s *sec, ks []Kontakt) {
	for _, k := range ks {
		name, ok := kanaele[k.Kanal]
		if !ok {
			name = "Erreichbarkeit (Kanal " + k.Kanal + ")"
		}
		s.row(name, k.Wert)
	}
}

func nachweis(n *Nachweis) string {
	if n == nil {
		return ""
	}
	parts := []string{label(nachweisStatus, n.Status)}
	if !n.AusgestelltAm.IsZero() {
		parts = append(parts, "ausgestellt am "+n.AusgestelltAm.String())
	}
	von := strings.Join(nonEmpty(n.VonName, strings.TrimSpace(n.VonPLZ+" "+n.VonOrt)), ", ")
	if von != "" {
		parts = append(parts, "von "+von)
	}
	if n.VonSchluessel != "" {
		parts = append(parts, "Stelle "+n.VonSchluessel)
	}
	return strings.Join(parts, ", ")
}

func behoerdeKurz(b Behoerde) string {
	id := strings.TrimSpace(b.Praefix + " " + b.Kennung)
	if b.Name == "" {
		return id
	}
	return b.Name + suffix(" (", id) + map[bool]string{true: ")"}[id != ""]
}

// zeit renders a time in German notation, in Berlin time.
func zeit(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(berlin).Format("02.01.2006, 15:04 Uhr")
}

// suffix returns sep+v, or "" when v is empty.
func suffix(sep, v string) string {
	if v == "" {
		return ""
	}
	return sep + v
}

func nonEmpty(vs ...string) []string {
	var out []string
	for _, v := range vs {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}
