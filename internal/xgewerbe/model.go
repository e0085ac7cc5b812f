package xgewerbe

import (
	"fmt"
	"strings"
	"time"
)

// Art is the kind of a Gewerbeanzeige (XGewerbeanzeige "Meldungsart").
type Art int

// The three kinds; they correspond to the forms GewA 1, GewA 2 and GewA 3.
const (
	Anmeldung Art = iota + 1
	Ummeldung
	Abmeldung
)

// String gives the German name, e.g. "Gewerbe-Anmeldung".
func (a Art) String() string {
	switch a {
	case Anmeldung:
		return "Gewerbe-Anmeldung"
	case Ummeldung:
		return "Gewerbe-Ummeldung"
	case Abmeldung:
		return "Gewerbe-Abmeldung"
	}
	return fmt.Sprintf("Art %d", int(a))
}

// element is the 2.x element name of a Satz of this kind.
func (a Art) element() string {
	switch a {
	case Ummeldung:
		return "ummeldung"
	case Abmeldung:
		return "abmeldung"
	}
	return "anmeldung"
}

// Anzeige is one parsed XGewerbeanzeige message: a header and one or more
// Meldungen (2.x "satz"), e.g. an Anmeldung followed by its Ummeldung.
type Anzeige struct {
	// Version of the standard: "2.2", "2.1", "2.0", "1.3" or "1.2".
	Version string
	// Nachricht is the root element's name, e.g. "abh.gewerbemeldung.0500"
	// (recipient prefix and message number), or "DatML-RAW-D" for 1.x.
	Nachricht string
	// Nachrichtentyp is the message number, e.g. "0500"; for 1.x the
	// DatML "Satzart" (e.g. "ASID").
	Nachrichtentyp string
	// NachrichtenUUID identifies the message (2.x only).
	NachrichtenUUID string
	// Erstellt is when the sending system created the message.
	Erstellt time.Time
	// Produkt, Hersteller and Produktversion name the sending software.
	Produkt, Hersteller, Produktversion string
	// Test is the root's "test" attribute as sent, "" if absent.
	Test string
	// Leser is the receiving authority, Autor the sending one.
	Leser, Autor Behoerde
	Meldungen    []Meldung
}

// Behoerde is an authority as XÖV describes it.
type Behoerde struct {
	// Praefix and Kennung form the DVDV key, e.g. "MELDID" + the AGS.
	Praefix, Kennung string
	// KennungListe and KennungVersion are the code list (listURI and
	// listVersionID) of Kennung, as sent.
	KennungListe, KennungVersion string
	Name                         string
	Anschrift                    Anschrift
	Kontakte                     []Kontakt
}

// Kontakt is one way to reach someone (XÖV "erreichbarkeit").
type Kontakt struct {
	// Kanal is the XÖV code: 01 E-Mail, 02 Telefon, 04 Fax, 09 Internet …
	Kanal string
	Wert  string
}

// Anschrift is a postal address. HausNr holds hausNr or hausNrVon.
type Anschrift struct {
	Strasse, Strassenschluessel, HausNr, HausNrBis, Zusatz string
	PLZ, Ort, Ortsteil                                     string
	// Staat is the nationSchluessel (e.g. "276" for Deutschland).
	Staat string
}

// IsZero reports whether no part of the address is given.
func (a Anschrift) IsZero() bool { return a == Anschrift{} }

// String renders the address on two or three lines.
func (a Anschrift) String() string {
	var lines []string
	street := strings.TrimSpace(a.Strasse + " " + a.HausNr)
	if a.HausNrBis != "" {
		street += "–" + a.HausNrBis
	}
	if street != "" {
		lines = append(lines, street)
	}
	if a.Zusatz != "" {
		lines = append(lines, a.Zusatz)
	}
	place := strings.TrimSpace(a.PLZ + " " + a.Ort)
	if a.Ortsteil != "" {
		place += " (" + a.Ortsteil + ")"
	}
	if place != "" {
		lines = append(lines, place)
	}
	if a.Staat != "" && a.Staat != "276" {
		lines = append(lines, "Staat: "+label(staaten, a.Staat))
	}
	return strings.Join(lines, "\n")
}

// Meldung is one Gewerbeanzeige inside a message.
type Meldung struct {
	Art Art
	// SatzErstellung is when the Gewerbeamt recorded the Anzeige;
	// Ereigniszeitpunkt (2.1+) when the event took place. Zero if absent.
	SatzErstellung, Ereigniszeitpunkt time.Time
	// Autor is the Gewerbeamt that took the Anzeige.
	Autor Behoerde
	// Korrektur marks a correction of an Anzeige sent before.
	Korrektur bool
	// GemeindeSchluessel is the AGS of the municipality responsible.
	GemeindeSchluessel string
	GemeindeZusatz     string
	// GemeindeMeldungNr is the Gewerbeamt's own file number.
	GemeindeMeldungNr string
	// GewerbebetriebID identifies the business across Anzeigen.
	GewerbebetriebID string
	// UUID identifies this Anzeige.
	UUID    string
	Gewerbe Gewerbe
	// GueltigAb is when the Anzeige takes effect (Beginn, Änderung,
	// Aufgabe); DatumMeldung when it was made.
	GueltigAb, DatumMeldung Date
	Taetigkeit              Taetigkeiten
	// Gruende holds the reason codes (grundAnmeldungSchluessel, the
	// grundUmmeldungSchluessel list, or grundAbmeldungSchluessel).
	Gruende []string
	// UrsacheAbmeldung is the ursacheAbmeldungSchluessel of an Abmeldung.
	UrsacheAbmeldung string
	// Kuenftig is where an Abmeldung's business continues, if sent.
	Kuenftig *KuenftigesGewerbe
}

// KuenftigesGewerbe tells where a business continues after an Abmeldung.
type KuenftigesGewerbe struct {
	Name      string
	Anschrift Anschrift
}

// Gewerbe is the business and the people behind it.
type Gewerbe struct {
	Betrieb Betrieb
	// Beteiligte is anzahlBeteiligte, -1 if not sent.
	Beteiligte         int
	Vollzeit, Teilzeit int
	Art                BetriebArt
	// Niederlassung is the niederlassungArt code: 1 Hauptniederlassung,
	// 2 Zweigniederlassung, 3 unselbständige Zweigstelle.
	Niederlassung             string
	Reisegewerbe, Nebenerwerb bool
	Handwerkskarte            *Nachweis
	// Betriebsstaette is the address of the business premises.
	Betriebsstaette Anschrift
	Kontakte        []Kontakt
	// Hauptniederlassung is given for a branch.
	Hauptniederlassung *Standort
	Personen           []Person
	// OeffentlicheHand is the beteiligungOeffentlicheHand code, "" if absent.
	OeffentlicheHand string
}

// Betrieb names the business and its register entry.
type Betrieb struct {
	// ID numbers the Betrieb within the Satz (2.1+), usually "1".
	ID string
	// Name is the registered name (eingetragenerName).
	Name                  string
	Geschaeftsbezeichnung string
	Register              *Registereintrag
	// Rechtsform is the rechtsformSchluessel code, e.g. "350" GmbH.
	Rechtsform string
}

// Registereintrag is an entry in the Handels-, Vereins- or other register.
type Registereintrag struct {
	// Art is A (HRA), B (HRB), V (Vereinsregister) …; Gericht the court key.
	Art, Nummer, Ort, PLZ, Gericht string
}

// BetriebArt says which kinds of business the Gewerbe is.
type BetriebArt struct {
	Industrie, Handwerk, Handel, Sonstiges bool
}

// Standort is an address with contacts (e.g. the Hauptniederlassung).
type Standort struct {
	Anschrift Anschrift
	Kontakte  []Kontakt
}

// Nachweis is a Handwerkskarte or Aufenthaltstitel.
type Nachweis struct {
	Status                                 string
	AusgestelltAm                          Date
	VonName, VonPLZ, VonOrt, VonSchluessel string
}

// Person is an owner, partner or legal representative.
type Person struct {
	// Funktion is the personFunktion code (1 Inhaber, 3 gesetzlicher Vertreter …).
	Funktion                                       string
	Doktorgrad, Familienname, Vorname, Geburtsname string
	// Geschlecht is the code: 1 männlich, 2 weiblich …
	Geschlecht              string
	Geburtsdatum            Date
	Geburtsort, Geburtsland string
	Staatsangehoerigkeiten  []string
	Anschrift               Anschrift
	Kontakte                []Kontakt
	Aufenthaltstitel        *Nachweis
}

// Name renders "Dr. Vorname Familienname".
func (p Person) Name() string {
	return strings.Join(strings.Fields(p.Doktorgrad+" "+p.Vorname+" "+p.Familienname), " ")
}

// Taetigkeiten describes what the business does.
type Taetigkeiten struct {
	// Schwerpunkt is the main activity as the owner put it; Schluessel its
	// WZ 2008 code (5 digits) and Stichwort the WZ keyword.
	Schwerpunkt, Schluessel, Stichwort string
	// NeuAusgeuebt is the neuAusgeuebt code of an Ummeldung.
	NeuAusgeuebt string
	// Weitere lists further activities (taetigkeitenZusammengefasst,
	// split at "|").
	Weitere []string
	Einzeln []Taetigkeit
}

// Taetigkeit is one further, coded activity.
type Taetigkeit struct {
	Text, Schluessel, Stichwort string
}

// Date is a calendar date. Day or Month may be 0 when unknown, as
// XGewerbeanzeige allows for dates of birth.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// IsZero reports whether the date is unset.
func (d Date) IsZero() bool { return d == Date{} }

// String renders the date in German notation: 02.01.2006, 01.2006 or 2006.
func (d Date) String() string {
	switch {
	case d.IsZero():
		return ""
	case d.Month == 0:
		return fmt.Sprintf("%04d", d.Year)
	case d.Day == 0:
		return fmt.Sprintf("%02d.%04d", int(d.Month), d.Year)
	}
	return fmt.Sprintf("%02d.%02d.%04d", d.Day, int(d.Month), d.Year)
}

// iso renders the date as xs:date.
func (d Date) iso() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// ttmmjjjj renders the date as XGewerbeanzeige writes dates of birth.
func (d Date) ttmmjjjj() string {
	return fmt.Sprintf("%02d%02d%04d", d.Day, int(d.Month), d.Year)
}

// DateOf returns the calendar date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}
