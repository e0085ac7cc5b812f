package xgewerbe

import (
	"cmp"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

// FormID is the id of the portal's own Gewerbe-Anmeldung form
// (internal/form/schemas/gewerbeanmeldung.json) whose answers FromAnswers
// reads. The field IDs below are that form's; a new form version must keep
// them, or this mapping has to follow.
const FormID = "gewerbeanmeldung"

// Field IDs of the form.
const (
	fBetriebsname    = "F91300011"
	fRechtsform      = "F91300012"
	fRegisterArt     = "F91300021"
	fRegisterNr      = "F91300022"
	fRegisterGericht = "F91300023"
	fStrasse         = "F91300031"
	fHausNr          = "F91300032"
	fPLZ             = "F91300033"
	fOrt             = "F91300034"
	fVollzeit        = "F91300041"
	fTeilzeit        = "F91300042"
	fTaetigkeit      = "F91300051"
	fWeitere         = "F91300052"
	fIndustrie       = "F91300061"
	fHandwerk        = "F91300062"
	fHandel          = "F91300063"
	fSonstiges       = "F91300064"
	fHwkVorhanden    = "F91300071"
	fHwkAm           = "F91300072"
	fHwkName         = "F91300073"
	fHwkOrt          = "F91300074"
	fBeginn          = "F91300081"
	fNebenerwerb     = "F91300082"
	fAnlass          = "F91300083"
	gPersonen        = "G91300100"
	fFunktion        = "F91300101"
	fVorname         = "F91300102"
	fFamilienname    = "F91300103"
	fGeburtsname     = "F91300104"
	fGeschlecht      = "F91300105"
	fGeburtsdatum    = "F91300106"
	fGeburtsort      = "F91300107"
	fGeburtsland     = "F91300108"
	fStaatsangeh     = "F91300109"
	fAufenthalt      = "F91300111"
	fAufenthaltAm    = "F91300112"
	fAufenthaltVon   = "F91300113"
	fAufenthaltOrt   = "F91300114"
	fWohnStrasse     = "F91300121"
	fWohnHausNr      = "F91300122"
	fWohnPLZ         = "F91300123"
	fWohnOrt         = "F91300124"
	fEmail           = "F90000021"
	fTelefon         = "F90000022"
)

// anlaesse are the form's reasons whose grundAnmeldungSchluessel this
// package knows; the form offers more (Übernahme, Zuzug, Wechsel der
// Rechtsform), which the Gewerbeamt codes in its Fachverfahren.
var anlaesse = map[string]string{"01": "01"}

// anlassLabels name the other reasons in FromAnswers' error.
var anlassLabels = map[string]string{
	"uebernahme": "Übernahme eines bestehenden Betriebs",
	"zuzug":      "Verlegung aus einer anderen Gemeinde",
	"rechtsform": "Wechsel der Rechtsform",
}

// Antrag is a submitted Gewerbe-Anmeldung as the portal stores it.
type Antrag struct {
	// ID identifies the submission. The message's UUIDs are derived from
	// it, so the same Antrag always gives the same message: a second
	// download or a repeated delivery is recognisably the same Anzeige.
	ID string
	// Vorgangsnummer is the tracking number; it becomes gemeindeMeldungNr.
	Vorgangsnummer string
	// Eingang is when the Antrag was submitted; it is the Anzeige's
	// creation time and date (datumMeldung).
	Eingang time.Time
	// Answers are the form's answers keyed by field ID as the form engine
	// exports them: strings, booleans, numbers, dates as JJJJ-MM-TT and
	// repeatable groups as lists of objects (also after a JSON round trip).
	Answers map[string]any
}

// Gewerbeamt is the authority (tenant) that received the Antrag.
type Gewerbeamt struct {
	// AGS is the tenant's Amtlicher Gemeindeschlüssel.
	AGS string
	Amt Amt
	// Leser receives the message. Left empty, the message is addressed to
	// the Gewerbeamt itself (for import into its Fachverfahren), as the
	// DVDV key of a distribution platform is not configured in the portal.
	Leser Behoerde
	// Produktversion is the portal's version, if known.
	Produktversion string
}

// uuidSpace is the name space of the UUIDs derived from submission IDs.
var uuidSpace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("urn:serviceportal:xgewerbeanzeige"))

// FromAnswers turns the answers of the portal's Gewerbe-Anmeldung form into
// the Input of Produce. Answers it cannot convert (missing, of the wrong
// type, or a reason without known code) give one German error naming them
// all.
func FromAnswers(a Antrag, amt Gewerbeamt) (Input, error) {
	r := reader{}
	v := a.Answers
	in := Input{
		NachrichtenUUID:  derivedUUID(a.ID, "nachricht"),
		AnzeigeUUID:      derivedUUID(a.ID, "anzeige"),
		GewerbebetriebID: derivedUUID(a.ID, "gewerbebetrieb"),
		Erstellt:         a.Eingang.In(berlin),
		Produktversion:   amt.Produktversion,
		Leser:            amt.Leser,
		AGS:              amt.AGS,
		Amt:              amt.Amt,
		Aktenzeichen:     a.Vorgangsnummer,
		Betriebsname:     r.text(v, fBetriebsname, "Name des Betriebs", false),
		Rechtsform:       r.text(v, fRechtsform, "Rechtsform", true),
		Betriebsstaette: Anschrift{
			Strasse: r.text(v, fStrasse, "Straße der Betriebsstätte", true),
			HausNr:  r.text(v, fHausNr, "Hausnummer der Betriebsstätte", true),
			PLZ:     r.text(v, fPLZ, "Postleitzahl der Betriebsstätte", true),
			Ort:     r.text(v, fOrt, "Ort der Betriebsstätte", true),
			Staat:   "276",
		},
		BetriebArt: BetriebArt{
			Industrie: r.flag(v, fIndustrie, "Industrie"), Handwerk: r.flag(v, fHandwerk, "Handwerk"),
			Handel: r.flag(v, fHandel, "Handel"), Sonstiges: r.flag(v, fSonstiges, "Sonstiges"),
		},
		Vollzeit:    r.count(v, fVollzeit, "Zahl der Vollzeitbeschäftigten"),
		Teilzeit:    r.count(v, fTeilzeit, "Zahl der Teilzeitbeschäftigten"),
		Nebenerwerb: r.flag(v, fNebenerwerb, "Nebenerwerb"),
		Taetigkeit:  r.text(v, fTaetigkeit, "Angemeldete Tätigkeit", true),
		Beginn:      r.date(v, fBeginn, "Beginn der Tätigkeit", true),
		Eingang:     DateOf(a.Eingang.In(berlin)),
	}
	if in.Leser.Praefix == "" {
		in.Leser = Behoerde{Praefix: "MELDID", Kennung: amt.AGS, KennungListe: listAGS, KennungVersion: listAGSVersion,
			Name: amt.Amt.Name, Anschrift: amt.Amt.Anschrift, Kontakte: amt.Amt.Kontakte}
	}
	if _, ok := v[fRegisterArt]; ok {
		in.Register = &Registereintrag{
			Art:    r.text(v, fRegisterArt, "Register", true),
			Nummer: r.text(v, fRegisterNr, "Registernummer", true),
			Ort:    r.text(v, fRegisterGericht, "Registergericht", true),
		}
	}
	for _, line := range strings.Split(r.text(v, fWeitere, "Weitere Tätigkeiten", false), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			in.WeitereTaetigkeiten = append(in.WeitereTaetigkeiten, line)
		}
	}
	if r.flag(v, fHwkVorhanden, "Handwerkskarte") {
		in.Handwerkskarte = &Nachweis{Status: "1", AusgestelltAm: r.date(v, fHwkAm, "Handwerkskarte ausgestellt am", true),
			VonName: r.text(v, fHwkName, "Handwerkskammer", true), VonOrt: r.text(v, fHwkOrt, "Ort der Handwerkskammer", true)}
	}
	anlass := r.text(v, fAnlass, "Anlass der Anmeldung", true)
	if code, ok := anlaesse[anlass]; ok {
		in.Grund = code
	} else if anlass != "" {
		r.fail(fmt.Sprintf("für den Anlass „%s“ kennt das Portal den Schlüssel der XGewerbeanzeige nicht; bitte im Fachverfahren erfassen",
			cmp.Or(anlassLabels[anlass], anlass)))
	}
	switch ps := v[gPersonen].(type) {
	case nil:
		r.fail("Angaben zu den Personen fehlen")
	case []any:
		for i, x := range ps {
			pv, ok := x.(map[string]any)
			if !ok {
				r.fail(fmt.Sprintf("Angaben zur Person %d haben ein unbekanntes Format", i+1))
				continue
			}
			in.Personen = append(in.Personen, r.person(pv, i+1))
		}
	default:
		r.fail("Angaben zu den Personen haben ein unbekanntes Format")
	}
	if len(in.Personen) > 0 {
		// The form's contact fields belong to the first person, who fills in
		// the form; the phone comes first, as in KoSIT's example.
		if tel := r.text(v, fTelefon, "Telefonnummer", false); tel != "" {
			in.Personen[0].Kontakte = append(in.Personen[0].Kontakte, Kontakt{Kanal: "02", Wert: tel})
		}
		if mail := r.text(v, fEmail, "E-Mail-Adresse", false); mail != "" {
			in.Personen[0].Kontakte = append(in.Personen[0].Kontakte, Kontakt{Kanal: "01", Wert: mail})
		}
	}
	if len(r.problems) > 0 {
		return in, fmt.Errorf("xgewerbe: Antrag lässt sich nicht als Gewerbeanzeige übernehmen: %s", strings.Join(r.problems, "; "))
	}
	return in, nil
}

// person reads one instance of the persons group; n counts from 1.
func (r *reader) person(v map[string]any, n int) Person {
	what := func(s string) string { return fmt.Sprintf("%s (Person %d)", s, n) }
	p := Person{
		Funktion:     r.text(v, fFunktion, what("Funktion"), true),
		Vorname:      r.text(v, fVorname, what("Vorname"), true),
		Familienname: r.text(v, fFamilienname, what("Familienname"), true),
		Geburtsname:  r.text(v, fGeburtsname, what("Geburtsname"), false),
		Geburtsdatum: r.date(v, fGeburtsdatum, what("Geburtsdatum"), true),
		Geburtsort:   r.text(v, fGeburtsort, what("Geburtsort"), true),
		Geburtsland:  r.text(v, fGeburtsland, what("Geburtsland"), true),
		Anschrift: Anschrift{
			Strasse: r.text(v, fWohnStrasse, what("Straße"), true),
			HausNr:  r.text(v, fWohnHausNr, what("Hausnummer"), true),
			PLZ:     r.text(v, fWohnPLZ, what("Postleitzahl"), true),
			Ort:     r.text(v, fWohnOrt, what("Ort"), true),
			Staat:   "276",
		},
	}
	// "x" is the form's "keine Angabe": the element is left out.
	if g := r.text(v, fGeschlecht, what("Geschlecht"), false); g == "1" || g == "2" {
		p.Geschlecht = g
	}
	// "andere" has no key in the form's list; the caseworker reads the
	// nationality from the answers and codes it.
	if s := r.text(v, fStaatsangeh, what("Staatsangehörigkeit"), true); s != "" && s != "andere" {
		p.Staatsangehoerigkeiten = []string{s}
	}
	if r.text(v, fAufenthalt, what("Aufenthaltstitel"), false) == "liegt-vor" {
		p.Aufenthaltstitel = &Nachweis{Status: "1",
			AusgestelltAm: r.date(v, fAufenthaltAm, what("Aufenthaltstitel ausgestellt am"), true),
			VonName:       r.text(v, fAufenthaltVon, what("Ausstellende Ausländerbehörde"), true),
			VonOrt:        r.text(v, fAufenthaltOrt, what("Ort der Ausländerbehörde"), true)}
	}
	return p
}

// derivedUUID is a name-based (version 5) UUID of the submission and part.
func derivedUUID(submissionID, part string) string {
	return uuid.NewSHA1(uuidSpace, []byte(submissionID+"/"+part)).String()
}

// reader reads typed answers and collects what is missing or malformed.
type reader struct{ problems []string }

func (r *reader) fail(s string) { r.problems = append(r.problems, s) }

// text reads a string answer, trimmed; required answers must be present.
func (r *reader) text(v map[string]any, id, what string, required bool) string {
	switch x := v[id].(type) {
	case nil:
		if required {
			r.fail("„" + what + "“ fehlt")
		}
		return ""
	case string:
		s := strings.TrimSpace(x)
		if s == "" && required {
			r.fail("„" + what + "“ fehlt")
		}
		return s
	}
	r.fail("„" + what + "“ ist kein Text")
	return ""
}

// flag reads a yes/no answer; an unanswered checkbox is false.
func (r *reader) flag(v map[string]any, id, what string) bool {
	switch x := v[id].(type) {
	case nil:
		return false
	case bool:
		return x
	}
	r.fail("„" + what + "“ ist keine Ja/Nein-Angabe")
	return false
}

// count reads a whole number of at least 0; float64 is what JSON gives.
func (r *reader) count(v map[string]any, id, what string) int {
	switch x := v[id].(type) {
	case nil:
		return 0
	case int:
		if x >= 0 {
			return x
		}
	case int64:
		if x >= 0 && x <= 1<<31 {
			return int(x)
		}
	case float64:
		if x >= 0 && x <= 1<<31 && x == float64(int(x)) {
			return int(x)
		}
	}
	r.fail("„" + what + "“ ist keine Anzahl")
	return 0
}

// date reads a date answer written as JJJJ-MM-TT.
func (r *reader) date(v map[string]any, id, what string, required bool) Date {
	s := r.text(v, id, what, required)
	if s == "" {
		return Date{}
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		r.fail("„" + what + "“ ist kein Datum")
		return Date{}
	}
	return DateOf(t)
}

// SplitStrasse splits a one-line street address such as the tenant
// directory keeps ("Willy-Brandt-Platz 2", "Markt 3a") into street and
// house number; a line without a trailing number is all street.
func SplitStrasse(line string) (strasse, hausNr string) {
	line = strings.TrimSpace(line)
	i := strings.LastIndexByte(line, ' ')
	if i < 0 || line[i+1] < '0' || line[i+1] > '9' {
		return line, ""
	}
	return strings.TrimSpace(line[:i]), line[i+1:]
}
