package xgewerbe

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Message names (root elements) seen in KoSIT's examples: recipient prefix
// and message number.
const (
	// NachrichtAllgemein goes to a distribution platform (Verteilplattform)
	// or a recipient without its own message; Produce's default.
	NachrichtAllgemein = "alg.gewerbemeldung.0300"
	// NachrichtStatistik goes to the statistical office.
	NachrichtStatistik = "sta.gewerbemeldung.0100"
	// NachrichtDGUV goes to the Deutsche Gesetzliche Unfallversicherung.
	NachrichtDGUV = "dgu.gewerbemeldung.0230"
	// NachrichtLebensmittel goes to the food inspection authority.
	NachrichtLebensmittel = "lue.gewerbemeldung.0290"
	// NachrichtAuslaenderbehoerde goes to the foreigners' authority.
	NachrichtAuslaenderbehoerde = "abh.gewerbemeldung.0500"
)

// Produkt and Hersteller name this software in produced messages.
const (
	Produkt    = "Serviceportal"
	Hersteller = "Serviceportal Emscher-Lippe"
)

// Input is a Gewerbe-Anmeldung as a tenant's own form collects it, plus
// what the Gewerbeamt adds (identifiers, recipient). Produce fills the
// defaults noted on the fields; Parse(Produce(in)).AsInput() gives in back
// when none of them was needed.
type Input struct {
	// NachrichtenUUID identifies the message, AnzeigeUUID the Anzeige and
	// GewerbebetriebID the business across its Anzeigen; all are UUIDs
	// (e.g. github.com/google/uuid's NewString).
	NachrichtenUUID, AnzeigeUUID, GewerbebetriebID string
	// Erstellt is when the Anzeige was made; written in German time.
	Erstellt time.Time
	// Nachricht is the root element; default NachrichtAllgemein.
	Nachricht string
	// Produktversion is the portal's version, written as produktversion.
	Produktversion string
	// Leser is the recipient (DVDV prefix and key, name).
	Leser Behoerde
	// AGS is the Gewerbeamt's Amtlicher Gemeindeschlüssel (8 digits); it
	// becomes gemeindeSchluessel and the author key MELDID/AGS.
	AGS string
	// Amt describes the Gewerbeamt.
	Amt Amt
	// Aktenzeichen is the authority's file number (gemeindeMeldungNr).
	Aktenzeichen string

	// Betriebsname is the registered name if Register is set, otherwise
	// the business name (Geschäftsbezeichnung); may be empty for a sole
	// trader trading under their own name.
	Betriebsname string
	// Rechtsform is the rechtsformSchluessel (e.g. "180" Einzelunternehmen).
	Rechtsform      string
	Register        *Registereintrag
	Betriebsstaette Anschrift
	Kontakte        []Kontakt
	BetriebArt      BetriebArt
	// Niederlassung is the niederlassungArt; default "1" Hauptniederlassung.
	Niederlassung      string
	Vollzeit, Teilzeit int
	Nebenerwerb        bool
	Handwerkskarte     *Nachweis
	// Personen are the owner(s), partners or legal representatives.
	Personen []Person

	// Taetigkeit is the main activity in the applicant's words; WZ is its
	// WZ 2008 code and Stichwort the WZ keyword, if the office assigned them.
	Taetigkeit, WZ, Stichwort string
	WeitereTaetigkeiten       []string
	// Beginn is when the activity starts (gueltigAb).
	Beginn Date
	// Eingang is the date of the Anzeige (datumMeldung); default the date
	// of Erstellt.
	Eingang Date
	// Grund is the grundAnmeldungSchluessel; default "01" Neuerrichtung.
	Grund string
}

// Amt is the Gewerbeamt that sends the Anzeige.
type Amt struct {
	Name      string
	Anschrift Anschrift
	Kontakte  []Kontakt
}

// Produce writes a Gewerbe-Anmeldung as XGewerbeanzeige 2.2, with the
// structure of KoSIT's 2.2 example. Missing mandatory answers give an
// error naming them in German; the result is checked with Parse before it
// is returned.
func Produce(in Input) ([]byte, error) {
	if errs := in.check(); len(errs) > 0 {
		return nil, fmt.Errorf("xgewerbe: Angaben für die Gewerbeanzeige unvollständig: %s", strings.Join(errs, "; "))
	}
	a := in.anzeige()
	out := encode22(a)
	if _, err := Parse(bytes.NewReader(out)); err != nil {
		var inv *InvalidError
		if errors.As(err, &inv) {
			return nil, fmt.Errorf("xgewerbe: erzeugte Nachricht ist ungültig: %s", inv.Reason())
		}
		return nil, fmt.Errorf("xgewerbe: erzeugte Nachricht prüfen: %w", err)
	}
	return out, nil
}

// check lists the missing mandatory answers.
func (in Input) check() []string {
	var errs []string
	req := func(ok bool, what string) {
		if !ok {
			errs = append(errs, what)
		}
	}
	for _, id := range []struct{ v, what string }{
		{in.NachrichtenUUID, "Nachrichten-UUID"}, {in.AnzeigeUUID, "UUID der Anzeige"}, {in.GewerbebetriebID, "Gewerbebetrieb-ID"},
	} {
		req(uuidRE.MatchString(id.v), id.what+" fehlt oder ist keine UUID")
	}
	req(!in.Erstellt.IsZero(), "Zeitpunkt der Erstellung fehlt")
	req(in.Leser.Praefix != "" && in.Leser.Kennung != "", "Behördenkennung des Empfängers fehlt")
	req(agsRE.MatchString(in.AGS), "Gemeindeschlüssel (AGS, 8 Ziffern) fehlt")
	req(in.Amt.Name != "", "Name des Gewerbeamts fehlt")
	req(in.Rechtsform != "", "Rechtsform fehlt")
	req(in.Betriebsstaette.Ort != "" && in.Betriebsstaette.PLZ != "", "Anschrift der Betriebsstätte fehlt")
	req(len(in.Personen) > 0, "Angaben zur Person fehlen")
	for i, p := range in.Personen {
		req(p.Familienname != "", fmt.Sprintf("Familienname der Person %d fehlt", i+1))
	}
	req(in.Taetigkeit != "", "Tätigkeit fehlt")
	req(!in.Beginn.IsZero(), "Beginn der Tätigkeit fehlt")
	return errs
}

// anzeige builds the model of the message, applying the defaults.
func (in Input) anzeige() *Anzeige {
	erstellt := in.Erstellt.In(berlin)
	amt := Behoerde{
		Praefix: "MELDID", Kennung: in.AGS, KennungListe: listAGS, KennungVersion: listAGSVersion,
		Name: in.Amt.Name, Anschrift: in.Amt.Anschrift, Kontakte: in.Amt.Kontakte,
	}
	nachricht := cmp.Or(in.Nachricht, NachrichtAllgemein)
	typ := nachricht
	if m := rootName.FindStringSubmatch(nachricht); m != nil {
		typ = m[1]
	}
	eingang := in.Eingang
	if eingang.IsZero() {
		eingang = DateOf(erstellt)
	}
	b := Betrieb{ID: "1", Rechtsform: in.Rechtsform, Register: in.Register}
	if in.Register != nil {
		b.Name = in.Betriebsname
	} else {
		b.Geschaeftsbezeichnung = in.Betriebsname
	}
	m := Meldung{
		Art: Anmeldung, SatzErstellung: erstellt, Ereigniszeitpunkt: erstellt, Autor: amt,
		GemeindeSchluessel: in.AGS, GemeindeMeldungNr: in.Aktenzeichen,
		GewerbebetriebID: in.GewerbebetriebID, UUID: in.AnzeigeUUID,
		Gewerbe: Gewerbe{
			Betrieb: b, Beteiligte: -1, Vollzeit: in.Vollzeit, Teilzeit: in.Teilzeit, Art: in.BetriebArt,
			Niederlassung: cmp.Or(in.Niederlassung, "1"), Nebenerwerb: in.Nebenerwerb,
			Handwerkskarte: in.Handwerkskarte, Betriebsstaette: in.Betriebsstaette, Kontakte: in.Kontakte,
			Personen: in.Personen,
		},
		GueltigAb: in.Beginn, DatumMeldung: eingang,
		Taetigkeit: Taetigkeiten{Schwerpunkt: in.Taetigkeit, Schluessel: in.WZ, Stichwort: in.Stichwort, Weitere: in.WeitereTaetigkeiten},
		Gruende:    []string{cmp.Or(in.Grund, "01")},
	}
	return &Anzeige{
		Version: encodedVersion, Nachricht: nachricht, Nachrichtentyp: typ,
		NachrichtenUUID: in.NachrichtenUUID, Erstellt: erstellt,
		Produkt: Produkt, Hersteller: Hersteller, Produktversion: in.Produktversion,
		Leser: in.Leser, Autor: amt, Meldungen: []Meldung{m},
	}
}

// AsInput gives back the form answers of a message holding a single
// Anmeldung, the inverse of Produce. It fails for other messages.
func (a *Anzeige) AsInput() (Input, error) {
	if len(a.Meldungen) != 1 || a.Meldungen[0].Art != Anmeldung {
		return Input{}, errors.New("xgewerbe: die Nachricht enthält nicht genau eine Anmeldung")
	}
	m := a.Meldungen[0]
	g := m.Gewerbe
	name := g.Betrieb.Name
	if g.Betrieb.Register == nil {
		name = g.Betrieb.Geschaeftsbezeichnung
	}
	return Input{
		NachrichtenUUID: a.NachrichtenUUID, AnzeigeUUID: m.UUID, GewerbebetriebID: m.GewerbebetriebID,
		Erstellt: a.Erstellt.In(berlin), Nachricht: a.Nachricht, Produktversion: a.Produktversion,
		Leser: a.Leser, AGS: m.GemeindeSchluessel,
		Amt:          Amt{Name: m.Autor.Name, Anschrift: m.Autor.Anschrift, Kontakte: m.Autor.Kontakte},
		Aktenzeichen: m.GemeindeMeldungNr,
		Betriebsname: name, Rechtsform: g.Betrieb.Rechtsform, Register: g.Betrieb.Register,
		Betriebsstaette: g.Betriebsstaette, Kontakte: g.Kontakte, BetriebArt: g.Art,
		Niederlassung: g.Niederlassung, Vollzeit: g.Vollzeit, Teilzeit: g.Teilzeit, Nebenerwerb: g.Nebenerwerb,
		Handwerkskarte: g.Handwerkskarte, Personen: g.Personen,
		Taetigkeit: m.Taetigkeit.Schwerpunkt, WZ: m.Taetigkeit.Schluessel, Stichwort: m.Taetigkeit.Stichwort,
		WeitereTaetigkeiten: m.Taetigkeit.Weitere,
		Beginn:              m.GueltigAb, Eingang: m.DatumMeldung, Grund: first(m.Gruende),
	}, nil
}
