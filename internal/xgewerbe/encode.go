package xgewerbe

import (
	"strconv"
	"strings"
	"time"
)

// Code list versions written with codes, as KoSIT's 2.2 example states
// them. The receiver's validator checks codes against these versions.
const (
	listAGS          = "urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:ags"
	listAGSVersion   = "2018-01-31"
	listGemeinde     = "2019-05-31"
	listPraefix      = "7"
	listGericht      = "5"
	listGeschlecht   = "3"
	listStaatsangeh  = "2019-04-01"
	listNation       = "2"
	dateTimeLayout   = "2006-01-02T15:04:05-07:00"
	encodedVersion   = "2.2"
	encodedStandard  = "XGewerbeanzeige"
	hausNrBehoerde   = "hausNr"
	hausNrGewerblich = "hausNrVon"
)

// encode22 writes an Anzeige as an XGewerbeanzeige 2.2 document, with the
// elements in the order of KoSIT's 2.2 example. Times keep their own
// offset.
func encode22(a *Anzeige) []byte {
	const ns = Namespace22
	root := el(ns, a.Nachricht,
		el(ns, "nachrichtenkopf",
			el(ns, "identifikation.nachricht",
				txt("nachrichtenUUID", a.NachrichtenUUID),
				code("nachrichtentyp", a.Nachrichtentyp),
				txt("erstellungszeitpunkt", dateTime(a.Erstellt)),
			),
			behoerde("leser", a.Leser),
			behoerde("autor", a.Autor),
		),
	).withAttr("xmlns:xga", ns, "produkt", a.Produkt, "produkthersteller", a.Hersteller,
		"produktversion", a.Produktversion, "standard", encodedStandard, "version", encodedVersion, "test", a.Test)
	for i := range a.Meldungen {
		root.kids = append(root.kids, el(ns, "satz", meldung(&a.Meldungen[i])))
	}
	return encodeDoc(flatten(root), ns)
}

// txt is a simple element, nil when v is empty.
func txt(name, v string) *node {
	if v == "" {
		return nil
	}
	n := el(Namespace22, name)
	n.text = v
	return n
}

// code is an XÖV code element, nil when v is empty; attrs are name, value
// pairs for listURI and listVersionID.
func code(name, v string, attrs ...string) *node {
	if v == "" {
		return nil
	}
	c := el("", "code")
	c.text = v
	return el(Namespace22, name, c).withAttr(attrs...)
}

func dateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(dateTimeLayout)
}

func isoDate(d Date) string {
	if d.IsZero() {
		return ""
	}
	return d.iso()
}

func behoerde(name string, b Behoerde) *node {
	return el(Namespace22, name,
		el(Namespace22, "behoerdenkennung",
			code("praefix", b.Praefix, "listVersionID", listPraefix),
			code("kennung", b.Kennung, "listURI", b.KennungListe, "listVersionID", b.KennungVersion),
		),
		group(kontakte22(b.Kontakte)...),
		anschrift22(b.Anschrift, hausNrBehoerde),
		txt("behoerdenname", b.Name),
	)
}

// group returns a placeholder whose children el splices in; see flatten.
func group(kids ...*node) *node {
	if len(kids) == 0 {
		return nil
	}
	return &node{name: "", kids: kids}
}

func meldung(m *Meldung) *node {
	const ns = Namespace22
	body := el(ns, m.Art.element(),
		txt("satzErstellung", dateTime(m.SatzErstellung)),
		txt("ereigniszeitpunkt", dateTime(m.Ereigniszeitpunkt)),
		behoerde("autor", m.Autor),
		code("istKorrektur", boolCode(m.Korrektur)),
		code("gemeindeSchluessel", m.GemeindeSchluessel, "listVersionID", listGemeinde),
		txt("gemeindeZusatz", m.GemeindeZusatz),
		txt("gemeindeMeldungNr", m.GemeindeMeldungNr),
		txt("gewerbebetriebID", m.GewerbebetriebID),
		txt("uuid", m.UUID),
		gewerbe22(m.Gewerbe),
		txt("gueltigAb", isoDate(m.GueltigAb)),
		txt("datumMeldung", isoDate(m.DatumMeldung)),
		taetigkeiten22(m.Taetigkeit),
	)
	switch m.Art {
	case Anmeldung:
		body.kids = append(body.kids, code("grundAnmeldungSchluessel", first(m.Gruende)))
	case Ummeldung:
		var gs []*node
		for _, g := range m.Gruende {
			gs = append(gs, code("grundUmmeldungSchluessel", g))
		}
		body.kids = append(body.kids, el(ns, "gruendeUmmeldung", gs...))
	case Abmeldung:
		if k := m.Kuenftig; k != nil {
			body.kids = append(body.kids, el(ns, "kuenftigesGewerbe",
				txt("nameFirmaGewerbetreibender", k.Name), anschrift22(k.Anschrift, hausNrGewerblich)))
		}
		body.kids = append(body.kids, code("grundAbmeldungSchluessel", first(m.Gruende)),
			code("ursacheAbmeldungSchluessel", m.UrsacheAbmeldung))
	}
	return body
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

func gewerbe22(g Gewerbe) *node {
	const ns = Namespace22
	b := g.Betrieb
	betrieb := el(ns, "betrieb", txt("ID", b.ID), txt("eingetragenerName", b.Name))
	if r := b.Register; r != nil {
		betrieb.kids = append(betrieb.kids, txt("eintragungNr", r.Nummer), txt("eintragungOrt", r.Ort),
			txt("eintragungPLZ", r.PLZ), code("eintragungArt", r.Art),
			code("gerichtSchluessel", r.Gericht, "listVersionID", listGericht))
	}
	betrieb.kids = append(betrieb.kids, txt("geschaeftsbezeichnung", b.Geschaeftsbezeichnung),
		code("rechtsformSchluessel", b.Rechtsform))
	var beteiligte *node
	if g.Beteiligte >= 0 {
		beteiligte = txt("anzahlBeteiligte", strconv.Itoa(g.Beteiligte))
	}
	var haupt *node
	if h := g.Hauptniederlassung; h != nil {
		haupt = el(ns, "hauptniederlassung", anschrift22(h.Anschrift, hausNrGewerblich), group(kontakte22(h.Kontakte)...))
	}
	var persons []*node
	for _, p := range g.Personen {
		persons = append(persons, person22(p))
	}
	return el(ns, "gewerbe",
		betrieb,
		beteiligte,
		txt("anzahlVollzeitBeschaeftigte", strconv.Itoa(g.Vollzeit)),
		txt("anzahlTeilzeitBeschaeftigte", strconv.Itoa(g.Teilzeit)),
		el(ns, "betriebArt",
			code("industrie", boolCode(g.Art.Industrie)), code("handwerk", boolCode(g.Art.Handwerk)),
			code("handel", boolCode(g.Art.Handel)), code("sonstiges", boolCode(g.Art.Sonstiges))),
		code("niederlassungArt", g.Niederlassung),
		code("istReisegewerbe", boolCode(g.Reisegewerbe)),
		code("istNebenerwerb", boolCode(g.Nebenerwerb)),
		nachweis22("handwerkskarte", g.Handwerkskarte),
		anschrift22(g.Betriebsstaette, hausNrGewerblich),
		group(kontakte22(g.Kontakte)...),
		haupt,
		group(persons...),
		code("beteiligungOeffentlicheHand", g.OeffentlicheHand),
	)
}

func person22(p Person) *node {
	var sa []*node
	for _, s := range p.Staatsangehoerigkeiten {
		sa = append(sa, code("staatsangehoerigkeitSchluessel", s, "listVersionID", listStaatsangeh))
	}
	var staat *node
	if len(sa) > 0 {
		staat = el(Namespace22, "staatangehoerigkeiten", sa...)
	}
	var geb string
	if !p.Geburtsdatum.IsZero() {
		geb = p.Geburtsdatum.ttmmjjjj()
	}
	return el(Namespace22, "beteiligtePerson",
		code("personFunktion", p.Funktion),
		txt("doktorgrad", p.Doktorgrad),
		txt("familienname", p.Familienname),
		txt("vorname", p.Vorname),
		code("geschlecht", p.Geschlecht, "listVersionID", listGeschlecht),
		txt("geburtsname", p.Geburtsname),
		txt("geburtsdatum", geb),
		txt("geburtsort", p.Geburtsort),
		txt("geburtsland", p.Geburtsland),
		staat,
		anschrift22(p.Anschrift, hausNrGewerblich),
		group(kontakte22(p.Kontakte)...),
		nachweis22("aufenthaltstitel", p.Aufenthaltstitel),
	)
}

func nachweis22(name string, n *Nachweis) *node {
	if n == nil {
		return nil
	}
	return el(Namespace22, name,
		code("status", n.Status),
		txt("ausgestelltAm", isoDate(n.AusgestelltAm)),
		txt("ausgestelltVonName", n.VonName),
		txt("ausgestelltVonPLZ", n.VonPLZ),
		txt("ausgestelltVonOrt", n.VonOrt),
		code("ausgestelltVonSchluessel", n.VonSchluessel),
	)
}

// anschrift22 writes an address; authorities use hausNr, businesses and
// persons hausNrVon, as in KoSIT's example.
func anschrift22(a Anschrift, hausNr string) *node {
	if a.IsZero() {
		return nil
	}
	return el(Namespace22, "anschrift",
		txt("strasse", a.Strasse),
		txt("strassenschluessel", a.Strassenschluessel),
		txt(hausNr, a.HausNr),
		txt("hausNrBis", a.HausNrBis),
		txt("anschriftZusatz", a.Zusatz),
		txt("ort", a.Ort),
		txt("ortsteil", a.Ortsteil),
		txt("plz", a.PLZ),
		code("nationSchluessel", a.Staat, "listVersionID", listNation),
	)
}

func kontakte22(ks []Kontakt) []*node {
	var out []*node
	for _, k := range ks {
		out = append(out, el(Namespace22, "erreichbarkeit", code("kanal", k.Kanal), txt("kennung", k.Wert)))
	}
	return out
}

func taetigkeiten22(t Taetigkeiten) *node {
	const ns = Namespace22
	var weitere *node
	if len(t.Weitere) > 0 || len(t.Einzeln) > 0 {
		weitere = el(ns, "weitereTaetigkeiten", txt("taetigkeitenZusammengefasst", strings.Join(t.Weitere, "|")))
		for _, e := range t.Einzeln {
			weitere.kids = append(weitere.kids, el(ns, "taetigkeit",
				txt("taetigkeitEinzeln", e.Text), txt("taetigkeitSchluessel", e.Schluessel), txt("stichwort", e.Stichwort)))
		}
	}
	return el(ns, "taetigkeitenGesamt",
		el(ns, "schwerpunkt",
			txt("taetigkeitSchwerpunkt", t.Schwerpunkt),
			txt("taetigkeitSchluessel", t.Schluessel),
			txt("stichwort", t.Stichwort),
			code("neuAusgeuebt", t.NeuAusgeuebt),
		),
		weitere,
	)
}

// flatten splices group placeholders (nameless nodes) into their parents
// and drops the nil children left by optional parts.
func flatten(n *node) *node {
	var kids []*node
	for _, k := range n.kids {
		if k == nil {
			continue
		}
		k = flatten(k)
		if k.name == "" {
			kids = append(kids, k.kids...)
			continue
		}
		kids = append(kids, k)
	}
	n.kids = kids
	return n
}
