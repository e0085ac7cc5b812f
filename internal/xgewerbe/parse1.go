package xgewerbe

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// XGewerbeanzeige 1.2 and 1.3 travel in a DatML-RAW envelope (XStatistik):
// each Satz is a flat list of <mm name="…"><wert>…</wert></mm> values and
// <mmgr name="…"> groups whose names are, with few exceptions, the 2.x
// element names with a capital first letter. parse1 converts each Satz into
// the 2.x shape and runs the same mapping and checks on it, so both
// generations are read by one set of rules.

// datmlElements is the closed content of the DatML-RAW root.
var datmlElements = map[string]bool{
	"optionen": true, "protokoll": true, "absender": true, "empfaenger": true, "nachricht": true,
}

// names1 maps 1.x names that are not simply the 2.x name capitalised.
var names1 = map[string]string{
	"UUID":                     "uuid",
	"PLZ":                      "plz",
	"NATSchluesselVerzeichnis": "natSchluesselVerzeichnis",
	"NameOrganisation":         "behoerdenname",
	"Aufenthaltsgenehmigung":   "aufenthaltstitel",
}

// names1Reverse names a missing 2.x element as a 1.x sender spells it.
var names1Reverse = func() map[string]string {
	m := map[string]string{"betriebArt": "BetriebArtIndustrie/-Handwerk/-Handel/-Sonstiges"}
	for k, v := range names1 {
		m[v] = k
	}
	return m
}()

// contacts1 maps the 1.x address parts that became erreichbarkeit in 2.x.
var contacts1 = map[string]string{"EMailAdresse": "01", "WebAdresse": "09"}

func parse1(root *node) (*Anzeige, error) {
	var p problems
	a := &Anzeige{Nachricht: root.name}
	for _, k := range root.kids {
		if !datmlElements[k.name] {
			p.add(k, "Das Element %s ist in einer DatML-RAW-Lieferung nicht vorgesehen.", k.name)
		}
	}
	if doc := root.child("protokoll").child("dokumentinstanz"); doc != nil {
		a.Erstellt, _ = time.ParseInLocation("02.01.2006 15:04:05", doc.child("datum").value()+" "+doc.child("uhrzeit").value(), berlin)
		a.Produkt = doc.child("anwendung").child("anwendungsname").value()
		a.Produktversion = doc.child("anwendung").child("version").value()
	}
	a.Test = root.child("optionen").child("test").attr("kennung")
	abs := p.need(root, "absender")
	if abs != nil {
		p.need(abs, "kennung")
	}
	a.Autor = absender1(abs)
	if e := p.need(root, "empfaenger"); e != nil {
		id := e.child("externeIdentifikation")
		if id == nil {
			id = e.child("kennung")
		}
		a.Leser = Behoerde{Praefix: id.attr("klasse"), Kennung: id.value()}
	}
	nachricht := p.need(root, "nachricht")
	if nachricht == nil {
		return nil, p.err()
	}
	a.Version = version1(&p, p.need(nachricht, "berichtszeitraum"))
	seg := p.need(nachricht, "datensegment")
	saetze := seg.children("satz")
	if seg != nil && len(saetze) == 0 {
		p.add(seg, "Die Lieferung enthält keine Gewerbeanzeige (Element satz fehlt).")
	}
	for _, s := range saetze {
		if a.Nachrichtentyp == "" {
			a.Nachrichtentyp = mm(s, "Satzart").child("wert").value()
		}
		conv, ok := convert1(&p, s, a.Autor)
		if !ok {
			continue
		}
		if m, ok := meldungOf(&p, conv); ok {
			a.Meldungen = append(a.Meldungen, m)
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return a, nil
}

// version1 tells 1.3 from 1.2 the way KoSIT's validator does: by the
// reporting period (1.3 from May 2018).
func version1(p *problems, bz *node) string {
	if bz == nil {
		return "1.3"
	}
	y, errY := strconv.Atoi(bz.child("jahr").value())
	m, errM := strconv.Atoi(bz.child("monat").value())
	if errY != nil || errM != nil || m < 1 || m > 12 {
		p.add(bz, "Der Berichtszeitraum braucht Jahr und Monat.")
		return "1.3"
	}
	if y*100+m < 201805 {
		return "1.2"
	}
	return "1.3"
}

// absender1 maps the DatML-RAW sender, the Gewerbeamt.
func absender1(n *node) Behoerde {
	if n == nil {
		return Behoerde{}
	}
	id := n.child("identifikation")
	ad := id.child("adresse")
	b := Behoerde{
		Praefix: n.child("kennung").attr("klasse"),
		Kennung: n.child("kennung").value(),
		Name:    id.child("identitaet").child("organisation").child("name").value(),
		Anschrift: Anschrift{
			Strasse: ad.child("strasse").value(), HausNr: ad.child("hausnummer").value(),
			PLZ: ad.child("postleitzahl").value(), Ort: ad.child("ort").value(),
		},
	}
	k := n.child("kontakt")
	for _, c := range []struct{ el, kanal string }{{"email", "01"}, {"telefon", "02"}, {"fax", "04"}} {
		if v := k.child(c.el).value(); v != "" {
			b.Kontakte = append(b.Kontakte, Kontakt{Kanal: c.kanal, Wert: v})
		}
	}
	return b
}

// mm finds the value element with the given name among n's children.
func mm(n *node, name string) *node {
	for _, k := range n.kids {
		if (k.name == "mm" || k.name == "mmgr") && k.attr("name") == name {
			return k
		}
	}
	return nil
}

// convert1 turns a DatML-RAW satz into a 2.x <satz>. The satz's Autor group
// only names the office; its key is the sender's, as in 1.x the Gewerbeamt
// is the sender.
func convert1(p *problems, s *node, sender Behoerde) (*node, bool) {
	var art Art
	switch v := mm(s, "MeldungArt").child("wert").value(); v {
	case "1":
		art = Anmeldung
	case "2":
		art = Ummeldung
	case "3":
		art = Abmeldung
	case "":
		p.add(s, "Die Meldungsart (MeldungArt) fehlt.")
		return nil, false
	default:
		p.add(mm(s, "MeldungArt"), "Unbekannte Meldungsart %q; erwartet wird 1 (Anmeldung), 2 (Ummeldung) oder 3 (Abmeldung).", v)
		return nil, false
	}
	body := &node{name: art.element(), orig: "satz", line: s.line}
	body.kids = convertKids(s.kids, "satz")
	if au := body.child("autor"); au != nil && sender.Kennung != "" {
		au.kids = append([]*node{{name: "behoerdenkennung", orig: "Absender", line: au.line, kids: []*node{
			{name: "praefix", orig: "Absender", text: sender.Praefix, line: au.line},
			{name: "kennung", orig: "Absender", text: sender.Kennung, line: au.line},
		}}}, au.kids...)
	}
	return &node{name: "satz", orig: "satz", line: s.line, kids: []*node{body}}, true
}

var (
	datum1    = regexp.MustCompile(`^([0-9]{2})([0-9]{2})([0-9]{4})$`)
	zeitpkt1  = regexp.MustCompile(`^([0-9]{4})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})$`)
	dateNames = map[string]bool{"DatumMeldung": true, "GueltigAb": true, "AusgestelltAm": true}
)

// convertKids converts the mm/mmgr children of one 1.x group.
func convertKids(kids []*node, group string) []*node {
	var out, contacts []*node
	var betriebArt *node
	var gruende *node
	for _, k := range kids {
		if k.name != "mm" && k.name != "mmgr" {
			continue
		}
		name := k.attr("name")
		if name == "" {
			continue
		}
		wert := k.child("wert").value()
		switch {
		case name == "Satzart" || name == "MeldungArt" || strings.HasSuffix(name, "SchluesselVerzeichnis") && name != "NATSchluesselVerzeichnis":
			continue
		case strings.HasPrefix(name, "BetriebArt") && k.name == "mm":
			if betriebArt == nil {
				betriebArt = &node{name: "betriebArt", orig: name, line: k.line}
				out = append(out, betriebArt)
			}
			betriebArt.kids = append(betriebArt.kids, leaf(k, lowerFirst(strings.TrimPrefix(name, "BetriebArt")), wert))
			continue
		case name == "GrundUmmeldungSchluessel":
			if gruende == nil {
				gruende = &node{name: "gruendeUmmeldung", orig: name, line: k.line}
				out = append(out, gruende)
			}
			gruende.kids = append(gruende.kids, leaf(k, "grundUmmeldungSchluessel", wert))
			continue
		case group == "Anschrift" && contacts1[name] != "":
			contacts = append(contacts, kontakt1(k, contacts1[name], wert))
			continue
		case group == "Anschrift" && (name == "TelefonNummer" || name == "FaxNummer"):
			kanal, pre := "02", "TelefonVorwahl"
			if name == "FaxNummer" {
				kanal, pre = "04", "FaxVorwahl"
			}
			v := strings.TrimSpace(mm(&node{kids: kids}, pre).child("wert").value() + " " + wert)
			contacts = append(contacts, kontakt1(k, kanal, v))
			continue
		case group == "Anschrift" && (name == "TelefonVorwahl" || name == "FaxVorwahl"):
			continue
		}
		conv := names1[name]
		if conv == "" {
			conv = lowerFirst(name)
		}
		if k.name == "mmgr" {
			n := &node{name: conv, orig: name, line: k.line}
			for _, c := range convertKids(k.kids, name) {
				// Contacts found in a nested Anschrift belong to its owner.
				if c.name == "erreichbarkeit" && name == "Anschrift" {
					out = append(out, c)
					continue
				}
				n.kids = append(n.kids, c)
			}
			out = append(out, n)
			continue
		}
		out = append(out, leaf(k, conv, convertValue(name, wert)))
	}
	return append(out, contacts...)
}

// convertValue rewrites 1.x date formats as xs:date and xs:dateTime.
func convertValue(name, v string) string {
	if dateNames[name] {
		if m := datum1.FindStringSubmatch(v); m != nil {
			return m[3] + "-" + m[2] + "-" + m[1]
		}
	}
	if name == "SatzErstellung" {
		if m := zeitpkt1.FindStringSubmatch(v); m != nil {
			return fmt.Sprintf("%s-%s-%sT%s:%s:%s", m[1], m[2], m[3], m[4], m[5], m[6])
		}
	}
	return v
}

func leaf(src *node, name, text string) *node {
	return &node{name: name, orig: src.attr("name"), text: text, line: src.line}
}

func kontakt1(src *node, kanal, wert string) *node {
	return &node{name: "erreichbarkeit", orig: src.attr("name"), line: src.line, kids: []*node{
		leaf(src, "kanal", kanal), leaf(src, "kennung", wert),
	}}
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
