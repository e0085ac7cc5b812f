package xgewerbe

// behoerdeOf maps a leser or autor element. The behoerdenkennung (DVDV
// prefix and key) is what routes the message, so it is mandatory.
func behoerdeOf(p *problems, n *node) Behoerde {
	if n == nil {
		return Behoerde{}
	}
	var b Behoerde
	need := p.need
	if n.orig != "" {
		// A 1.x Autor takes its key from the DatML sender, checked there.
		need = func(n *node, name string) *node { return n.child(name) }
	}
	if k := need(n, "behoerdenkennung"); k != nil {
		b.Praefix = need(k, "praefix").value()
		if id := need(k, "kennung"); id != nil {
			b.Kennung = id.value()
			b.KennungListe, b.KennungVersion = id.attr("listURI"), id.attr("listVersionID")
		}
	}
	b.Name = n.child("behoerdenname").value()
	b.Anschrift = anschriftOf(p, n.child("anschrift"))
	b.Kontakte = kontakteOf(n)
	return b
}

// anschriftElements is the closed content of an address in 2.x. Telephone
// and fax numbers were part of the 1.x address; since 2.0 they are
// erreichbarkeit entries, and a 2.x message that still puts them into the
// address does not validate.
var anschriftElements = map[string]bool{
	"strasse": true, "strassenschluessel": true, "hausNr": true, "hausNrVon": true,
	"hausNrBis": true, "anschriftZusatz": true, "postfach": true, "ort": true,
	"ortsteil": true, "plz": true, "nationSchluessel": true, "natSchluesselVerzeichnis": true,
}

func anschriftOf(p *problems, n *node) Anschrift {
	if n == nil {
		return Anschrift{}
	}
	for _, k := range n.kids {
		if !anschriftElements[k.name] {
			p.add(k, "Das Element %s ist in einer Anschrift nicht vorgesehen%s.", k.label(), anschriftHint(k.name))
		}
	}
	nr := n.child("hausNrVon").value()
	if nr == "" {
		nr = n.child("hausNr").value()
	}
	return Anschrift{
		Strasse:            n.child("strasse").value(),
		Strassenschluessel: n.child("strassenschluessel").value(),
		HausNr:             nr,
		HausNrBis:          n.child("hausNrBis").value(),
		Zusatz:             n.child("anschriftZusatz").value(),
		PLZ:                n.child("plz").value(),
		Ort:                n.child("ort").value(),
		Ortsteil:           n.child("ortsteil").value(),
		Staat:              n.child("nationSchluessel").value(),
	}
}

func anschriftHint(name string) string {
	switch name {
	case "telefonVorwahl", "telefonNummer", "faxVorwahl", "faxNummer", "eMailAdresse", "webAdresse":
		return " (seit Version 2.0 stehen Telefon, Fax, E-Mail und Internet in erreichbarkeit)"
	}
	return ""
}

// kontakteOf reads the erreichbarkeit children of n.
func kontakteOf(n *node) []Kontakt {
	var out []Kontakt
	for _, e := range n.children("erreichbarkeit") {
		out = append(out, Kontakt{Kanal: e.child("kanal").value(), Wert: e.child("kennung").value()})
	}
	return out
}
