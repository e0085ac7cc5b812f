package xgewerbe

import (
	"regexp"
	"strings"
)

// The checks of a Satz. Each "need" is a part that every KoSIT example
// carries and without which the Anzeige is not usable (who, what, where,
// since when, which authority); rules taken from an invalid example say so.

var agsRE = regexp.MustCompile(`^[0-9]{8}$`)

// meldungOf maps one <satz>; ok is false when its kind is unknown.
func meldungOf(p *problems, satz *node) (Meldung, bool) {
	var body *node
	var m Meldung
	for _, k := range satz.kids {
		var art Art
		switch k.name {
		case "anmeldung":
			art = Anmeldung
		case "ummeldung":
			art = Ummeldung
		case "abmeldung":
			art = Abmeldung
		default:
			p.add(k, "Unbekannte Meldungsart; erwartet wird anmeldung, ummeldung oder abmeldung.")
			continue
		}
		if body != nil {
			p.add(k, "Ein Satz enthält genau eine Meldung; hier folgt eine zweite.")
			continue
		}
		body, m.Art = k, art
	}
	if body == nil {
		p.add(satz, "Der Satz enthält keine Meldung (anmeldung, ummeldung oder abmeldung).")
		return m, false
	}
	m.SatzErstellung = dateTimeOf(p, p.need(body, "satzErstellung"))
	m.Ereigniszeitpunkt = dateTimeOf(p, body.child("ereigniszeitpunkt"))
	m.Autor = behoerdeOf(p, p.need(body, "autor"))
	m.Korrektur = boolOf(p, p.need(body, "istKorrektur"))
	if g := p.need(body, "gemeindeSchluessel"); g != nil {
		m.GemeindeSchluessel = g.value()
		if m.GemeindeSchluessel != "" && !agsRE.MatchString(m.GemeindeSchluessel) {
			p.add(g, "Der Gemeindeschlüssel (AGS) %q besteht nicht aus 8 Ziffern.", m.GemeindeSchluessel)
		}
	}
	m.GemeindeZusatz = body.child("gemeindeZusatz").value()
	m.GemeindeMeldungNr = body.child("gemeindeMeldungNr").value()
	m.GewerbebetriebID = body.child("gewerbebetriebID").value()
	m.UUID = uuidOf(p, p.need(body, "uuid"))
	if g := p.need(body, "gewerbe"); g != nil {
		m.Gewerbe = gewerbeOf(p, g, m.Art)
	}
	m.GueltigAb = dateOf(p, p.need(body, "gueltigAb"))
	m.DatumMeldung = dateOf(p, p.need(body, "datumMeldung"))
	if t := p.need(body, "taetigkeitenGesamt"); t != nil {
		m.Taetigkeit = taetigkeitenOf(p, t)
	}
	switch m.Art {
	case Anmeldung:
		m.Gruende = codes(p.need(body, "grundAnmeldungSchluessel"))
	case Ummeldung:
		if g := p.need(body, "gruendeUmmeldung"); g != nil {
			for _, c := range g.children("grundUmmeldungSchluessel") {
				m.Gruende = append(m.Gruende, c.value())
			}
			if len(m.Gruende) == 0 {
				p.add(g, "Es ist kein Grund der Ummeldung (grundUmmeldungSchluessel) angegeben.")
			}
		}
	case Abmeldung:
		m.Gruende = codes(p.need(body, "grundAbmeldungSchluessel"))
		m.UrsacheAbmeldung = body.child("ursacheAbmeldungSchluessel").value()
		if k := body.child("kuenftigesGewerbe"); k != nil && len(k.kids) > 0 {
			m.Kuenftig = &KuenftigesGewerbe{
				Name:      k.child("nameFirmaGewerbetreibender").value(),
				Anschrift: anschriftOf(p, k.child("anschrift")),
			}
		}
	}
	return m, true
}

// codes returns the code of n as a one-element list, nil if absent.
func codes(n *node) []string {
	if v := n.value(); v != "" {
		return []string{v}
	}
	return nil
}

func gewerbeOf(p *problems, g *node, art Art) Gewerbe {
	var out Gewerbe
	if b := p.need(g, "betrieb"); b != nil {
		out.Betrieb = Betrieb{
			ID:                    b.child("ID").value(),
			Name:                  b.child("eingetragenerName").value(),
			Geschaeftsbezeichnung: b.child("geschaeftsbezeichnung").value(),
			Rechtsform:            p.need(b, "rechtsformSchluessel").value(),
		}
		if r := (Registereintrag{
			Art: b.child("eintragungArt").value(), Nummer: b.child("eintragungNr").value(),
			Ort: b.child("eintragungOrt").value(), PLZ: b.child("eintragungPLZ").value(),
			Gericht: b.child("gerichtSchluessel").value(),
		}); r != (Registereintrag{}) {
			out.Betrieb.Register = &r
		}
	}
	out.Beteiligte = countOf(p, g.child("anzahlBeteiligte"), -1)
	out.Vollzeit = countOf(p, g.child("anzahlVollzeitBeschaeftigte"), 0)
	out.Teilzeit = countOf(p, g.child("anzahlTeilzeitBeschaeftigte"), 0)
	ba := g.child("betriebArt")
	if ba == nil && art == Anmeldung {
		// Schematron SCH-0036: an Anmeldung says what kind of business it is.
		p.add(g, "Bei einer Anmeldung ist die Art des Betriebs (betriebArt: Industrie, Handwerk, Handel, Sonstiges) Pflicht.")
	}
	out.Art = BetriebArt{
		Industrie: boolOf(p, ba.child("industrie")), Handwerk: boolOf(p, ba.child("handwerk")),
		Handel: boolOf(p, ba.child("handel")), Sonstiges: boolOf(p, ba.child("sonstiges")),
	}
	out.Niederlassung = g.child("niederlassungArt").value()
	out.Reisegewerbe = boolOf(p, g.child("istReisegewerbe"))
	out.Nebenerwerb = boolOf(p, g.child("istNebenerwerb"))
	out.Handwerkskarte = nachweisOf(p, g.child("handwerkskarte"))
	a := g.child("anschrift")
	if a == nil && art == Anmeldung && !out.Reisegewerbe {
		p.add(g, "Bei einer Anmeldung ist die Anschrift der Betriebsstätte (anschrift) Pflicht.")
	}
	out.Betriebsstaette = anschriftOf(p, a)
	out.Kontakte = kontakteOf(g)
	if h := g.child("hauptniederlassung"); h != nil {
		out.Hauptniederlassung = &Standort{Anschrift: anschriftOf(p, h.child("anschrift")), Kontakte: kontakteOf(h)}
	}
	persons := g.children("beteiligtePerson")
	if len(persons) == 0 {
		p.add(g, "Es ist keine Person angegeben (beteiligtePerson fehlt).")
	}
	for _, n := range persons {
		out.Personen = append(out.Personen, personOf(p, n))
	}
	out.OeffentlicheHand = g.child("beteiligungOeffentlicheHand").value()
	return out
}

func personOf(p *problems, n *node) Person {
	out := Person{
		Funktion:     p.need(n, "personFunktion").value(),
		Doktorgrad:   n.child("doktorgrad").value(),
		Familienname: p.need(n, "familienname").value(),
		Vorname:      n.child("vorname").value(),
		Geburtsname:  n.child("geburtsname").value(),
		Geschlecht:   n.child("geschlecht").value(),
		Geburtsdatum: birthDateOf(p, n.child("geburtsdatum")),
		Geburtsort:   n.child("geburtsort").value(),
		Geburtsland:  n.child("geburtsland").value(),
		Anschrift:    anschriftOf(p, n.child("anschrift")),
		Kontakte:     kontakteOf(n),
	}
	for _, s := range n.child("staatangehoerigkeiten").children("staatsangehoerigkeitSchluessel") {
		out.Staatsangehoerigkeiten = append(out.Staatsangehoerigkeiten, s.value())
	}
	out.Aufenthaltstitel = nachweisOf(p, n.child("aufenthaltstitel"))
	return out
}

func nachweisOf(p *problems, n *node) *Nachweis {
	if n == nil {
		return nil
	}
	return &Nachweis{
		Status:        n.child("status").value(),
		AusgestelltAm: dateOf(p, n.child("ausgestelltAm")),
		VonName:       n.child("ausgestelltVonName").value(),
		VonPLZ:        n.child("ausgestelltVonPLZ").value(),
		VonOrt:        n.child("ausgestelltVonOrt").value(),
		VonSchluessel: n.child("ausgestelltVonSchluessel").value(),
	}
}

func taetigkeitenOf(p *problems, t *node) Taetigkeiten {
	var out Taetigkeiten
	if s := p.need(t, "schwerpunkt"); s != nil {
		out.Schwerpunkt = p.need(s, "taetigkeitSchwerpunkt").value()
		out.Schluessel = s.child("taetigkeitSchluessel").value()
		out.Stichwort = s.child("stichwort").value()
		out.NeuAusgeuebt = s.child("neuAusgeuebt").value()
	}
	w := t.child("weitereTaetigkeiten")
	for _, part := range strings.Split(w.child("taetigkeitenZusammengefasst").value(), "|") {
		if part = strings.TrimSpace(part); part != "" {
			out.Weitere = append(out.Weitere, part)
		}
	}
	for _, e := range w.children("taetigkeit") {
		out.Einzeln = append(out.Einzeln, Taetigkeit{
			Text:       e.child("taetigkeitEinzeln").value(),
			Schluessel: e.child("taetigkeitSchluessel").value(),
			Stichwort:  e.child("stichwort").value(),
		})
	}
	return out
}
