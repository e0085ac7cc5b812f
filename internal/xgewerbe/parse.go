package xgewerbe

import (
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Berlin must resolve on hosts without zoneinfo
)

// Namespaces of the formats Parse understands.
const (
	nsBase = "http://www.xgewerbeanzeige.de/spezifikation/"
	// Namespace22 is the namespace of XGewerbeanzeige 2.2, which Produce writes.
	Namespace22 = nsBase + "2.2"
	nsDatML     = "http://www.destatis.de/schema/datml-raw/2.0/de"
)

var versions2 = map[string]bool{"2.0": true, "2.1": true, "2.2": true}

// Parse reads one XGewerbeanzeige message and checks it. A message that is
// not valid is refused with an *InvalidError whose Reason names, in German,
// each problem with its element and line; other errors come from r.
func Parse(r io.Reader) (*Anzeige, error) {
	root, err := decode(r)
	if err != nil {
		return nil, err
	}
	switch {
	case root.space == nsDatML && root.name == "DatML-RAW-D":
		return parse1(root)
	case strings.HasPrefix(root.space, nsBase):
		v := strings.TrimPrefix(root.space, nsBase)
		if !versions2[v] {
			return nil, refuse(root.line, root.name, "XGewerbeanzeige %s wird nicht unterstützt; gelesen werden die Versionen 2.0, 2.1, 2.2 und 1.3.", v)
		}
		return parse2(root, v)
	}
	return nil, refuse(root.line, root.name, "Das ist keine XGewerbeanzeige-Nachricht: erwartet wird ein Wurzelelement wie xga:alg.gewerbemeldung.0300 im Namensraum %s (oder eine DatML-RAW-Lieferung der Version 1.3), gefunden wurde %q im Namensraum %q.", Namespace22, root.name, root.space)
}

var rootName = regexp.MustCompile(`^[a-z]{3}\.gewerbemeldung\.([0-9]{4})$`)

// parse2 maps and checks a 2.x message.
func parse2(root *node, version string) (*Anzeige, error) {
	var p problems
	a := &Anzeige{
		Version: version, Nachricht: root.name,
		Produkt: root.attr("produkt"), Hersteller: root.attr("produkthersteller"),
		Produktversion: root.attr("produktversion"), Test: root.attr("test"),
	}
	m := rootName.FindStringSubmatch(root.name)
	if m == nil {
		p.add(root, "Unbekannter Nachrichtentyp; erwartet wird ein Name wie alg.gewerbemeldung.0300.")
	}
	switch v := root.attr("version"); {
	case v == "":
		p.add(root, "Das Attribut version fehlt.")
	case v != version:
		p.add(root, "Das Attribut version (%s) passt nicht zum Namensraum der Version %s.", v, version)
	}
	if s := root.attr("standard"); s != "XGewerbeanzeige" {
		p.add(root, "Das Attribut standard muss \"XGewerbeanzeige\" lauten, nicht %q.", s)
	}
	if kopf := p.need(root, "nachrichtenkopf"); kopf != nil {
		if id := p.need(kopf, "identifikation.nachricht"); id != nil {
			a.NachrichtenUUID = uuidOf(&p, p.need(id, "nachrichtenUUID"))
			if t := p.need(id, "nachrichtentyp"); t != nil {
				a.Nachrichtentyp = t.value()
				if m != nil && a.Nachrichtentyp != m[1] {
					p.add(t, "Der Nachrichtentyp %s passt nicht zum Wurzelelement %s.", a.Nachrichtentyp, root.name)
				}
			}
			a.Erstellt = dateTimeOf(&p, p.need(id, "erstellungszeitpunkt"))
		}
		a.Leser = behoerdeOf(&p, p.need(kopf, "leser"))
		a.Autor = behoerdeOf(&p, p.need(kopf, "autor"))
	}
	saetze := root.children("satz")
	if len(saetze) == 0 {
		p.add(root, "Die Nachricht enthält keine Gewerbeanzeige (Element satz fehlt).")
	}
	for _, s := range saetze {
		if mel, ok := meldungOf(&p, s); ok {
			a.Meldungen = append(a.Meldungen, mel)
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return a, nil
}

// berlin is the zone of the sending Gewerbeämter, assumed for times sent
// without an offset (xs:dateTime allows that; KoSIT's examples do it).
var berlin = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		panic(err) // embedded tzdata makes this unreachable
	}
	return loc
}()

// dateTimeOf parses an xs:dateTime, with or without fraction and offset.
func dateTimeOf(p *problems, n *node) time.Time {
	if n == nil || n.value() == "" {
		return time.Time{}
	}
	s := n.value()
	t, err := time.Parse("2006-01-02T15:04:05Z07:00", s)
	if err != nil {
		t, err = time.ParseInLocation("2006-01-02T15:04:05", s, berlin)
	}
	if err != nil || t.Year() < 1000 {
		p.add(n, "%q ist kein gültiger Zeitpunkt (erwartet wie 2019-10-24T09:30:00+02:00).", s)
	}
	return t
}

var isoDateRE = regexp.MustCompile(`^([0-9]{4})-([0-9]{2})-([0-9]{2})(Z|[+-][0-9]{2}:[0-9]{2})?$`)

// dateOf parses an xs:date.
func dateOf(p *problems, n *node) Date {
	if n == nil || n.value() == "" {
		return Date{}
	}
	s := n.value()
	m := isoDateRE.FindStringSubmatch(s)
	if m != nil {
		if d, ok := mkDate(m[1], m[2], m[3], false); ok {
			return d
		}
	}
	p.add(n, "%q ist kein gültiges Datum (erwartet wie 2016-08-01).", s)
	return Date{}
}

var ttmmjjjj = regexp.MustCompile(`^([0-9]{2})([0-9]{2})([0-9]{4})$`)

// birthDateOf parses a date of birth ttmmjjjj, where 00 marks an unknown
// day or month.
func birthDateOf(p *problems, n *node) Date {
	if n == nil || n.value() == "" {
		return Date{}
	}
	s := n.value()
	if m := ttmmjjjj.FindStringSubmatch(s); m != nil {
		if d, ok := mkDate(m[3], m[2], m[1], true); ok {
			return d
		}
	}
	p.add(n, "%q ist kein gültiges Geburtsdatum (erwartet TTMMJJJJ, z. B. 12101965).", s)
	return Date{}
}

// mkDate checks and builds a date from digit strings.
func mkDate(ys, ms, ds string, partial bool) (Date, bool) {
	y, _ := strconv.Atoi(ys)
	mo, _ := strconv.Atoi(ms)
	d, _ := strconv.Atoi(ds)
	if y < 1 {
		return Date{}, false
	}
	if partial && d == 0 {
		return Date{Year: y, Month: time.Month(mo)}, mo <= 12
	}
	if mo < 1 || mo > 12 || d < 1 {
		return Date{}, false
	}
	if t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC); t.Day() != d {
		return Date{}, false
	}
	return Date{Year: y, Month: time.Month(mo), Day: d}, true
}

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// uuidOf checks a UUID.
func uuidOf(p *problems, n *node) string {
	if n == nil {
		return ""
	}
	s := n.value()
	if s != "" && !uuidRE.MatchString(s) {
		p.add(n, "%q ist keine UUID.", s)
	}
	return s
}

// boolOf reads a yes/no code (0/1).
func boolOf(p *problems, n *node) bool {
	if n == nil {
		return false
	}
	switch v := n.value(); v {
	case "1":
		return true
	case "0", "":
		return false
	default:
		p.add(n, "Erwartet wird der Schlüssel 0 (nein) oder 1 (ja), nicht %q.", v)
		return false
	}
}

// countOf reads a non-negative count; absent gives def.
func countOf(p *problems, n *node, def int) int {
	if n == nil {
		return def
	}
	v, err := strconv.Atoi(n.value())
	if err != nil || v < 0 {
		p.add(n, "%q ist keine gültige Anzahl.", n.value())
		return def
	}
	return v
}

// displayName names a missing child of n as the sender's format spells it.
func displayName(n *node, name string) string {
	if n != nil && n.orig != "" {
		if s, ok := names1Reverse[name]; ok {
			return s
		}
		return strings.ToUpper(name[:1]) + name[1:]
	}
	return name
}
