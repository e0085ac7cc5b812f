package xgewerbe

// Code labels. Only codes whose meaning is evident from KoSIT's examples or
// the GewA forms are named; every other code is shown as "Schlüssel NN" so a
// caseworker never reads a guessed meaning. The code itself is always shown
// next to the label, so it can be checked against the code list.

var niederlassungen = map[string]string{
	"1": "Hauptniederlassung",
	"2": "Zweigniederlassung",
	"3": "unselbständige Zweigstelle",
}

var rechtsformen = map[string]string{
	"170": "Eingetragener Kaufmann / eingetragene Kauffrau (e. K.)",
	"180": "Einzelunternehmen",
	"350": "Gesellschaft mit beschränkter Haftung (GmbH)",
	"590": "Eingetragener Verein (e. V.)",
}

var registerArten = map[string]string{
	"A": "Handelsregister Abteilung A",
	"B": "Handelsregister Abteilung B",
	"V": "Vereinsregister",
}

var geschlechter = map[string]string{
	"1": "männlich",
	"2": "weiblich",
}

var funktionen = map[string]string{
	"1": "Inhaber/in",
	"3": "Gesetzliche/r Vertreter/in",
}

var kanaele = map[string]string{
	"01": "E-Mail",
	"02": "Telefon",
	"04": "Fax",
	"09": "Internet",
}

var staaten = map[string]string{
	"276": "Deutschland",
}

var staatsangehoerigkeiten = map[string]string{
	"000": "deutsch",
}

// nachweisStatus: KoSIT's 2.2 example says of status 1 that Handwerkskarte
// and Aufenthaltstitel "liegen vor".
var nachweisStatus = map[string]string{
	"1": "liegt vor",
}

var gruendeAnmeldung = map[string]string{
	"01": "Neuerrichtung/Neugründung",
}

// label renders a code with its meaning, e.g. "Hauptniederlassung (1)", or
// "Schlüssel 7" for a code this package does not name.
func label(m map[string]string, code string) string {
	if code == "" {
		return ""
	}
	if s, ok := m[code]; ok {
		return s + " (" + code + ")"
	}
	return "Schlüssel " + code
}

// janein renders the XGewerbeanzeige yes/no code (1/0).
func janein(b bool) string {
	if b {
		return "Ja"
	}
	return "Nein"
}

// boolCode writes a bool as the yes/no code.
func boolCode(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// wz renders a WZ 2008 code "96021" as "96.02.1".
func wz(code string) string {
	if len(code) != 5 {
		return code
	}
	return code[:2] + "." + code[2:4] + "." + code[4:]
}
