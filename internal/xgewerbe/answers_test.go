package xgewerbe

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/form"
)

// gladbeckAmt is the Gewerbeamt as the back office builds it from the
// tenant directory and Gladbeck's offering.
var gladbeckAmt = Gewerbeamt{
	AGS: "05562014",
	Amt: Amt{
		Name:      "Stadt Gladbeck, Gewerbeamt",
		Anschrift: Anschrift{Strasse: "Willy-Brandt-Platz", HausNr: "2", PLZ: "45964", Ort: "Gladbeck"},
		Kontakte:  []Kontakt{{"01", "gewerbe@gladbeck.example"}, {"02", "02043 99-0"}},
	},
}

// eingang is when the test Antrag was submitted.
var eingang = time.Date(2026, 3, 2, 10, 15, 0, 0, berlin)

// filledIn is a realistic Gewerbe-Anmeldung as the portal stores it: the
// raw answers of testdata/antrag/gewerbeanmeldung-gladbeck.json run
// through the form engine (validation, export) and a JSON round trip, as
// submission.Submission.Values holds them.
func filledIn(t *testing.T) Antrag {
	t.Helper()
	f, err := form.Builtin(FormID)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join("testdata", "antrag", "gewerbeanmeldung-gladbeck.json"))
	if err != nil {
		t.Fatal(err)
	}
	var flat map[string]string
	if err := json.Unmarshal(data, &flat); err != nil {
		t.Fatal(err)
	}
	raw := map[string][]string{}
	for k, v := range flat {
		raw[k] = []string{v}
	}
	res := f.Evaluate(raw, eingang).ValidateAll()
	if !res.OK() {
		t.Fatalf("the answers do not validate: %v", res.Problems)
	}
	return Antrag{ID: "01JNQ8Z6X2M4GLA0000000042", Vorgangsnummer: "GLA-2026-000042", Eingang: eingang,
		Answers: viaJSON(t, f.Export(res.Values))}
}

// produceFilledIn converts filledIn and produces its message.
func produceFilledIn(t *testing.T) (Input, []byte) {
	t.Helper()
	in, err := FromAnswers(filledIn(t), gladbeckAmt)
	if err != nil {
		t.Fatal(err)
	}
	out, err := Produce(in)
	if err != nil {
		t.Fatal(err)
	}
	return in, out
}

// TestFormAnswersGolden produces the XGewerbeanzeige of a filled-in form
// and compares it with testdata/golden/gewerbeanmeldung-gladbeck-2.2.xml
// (go test -run TestFormAnswersGolden -update rewrites it; review the diff).
func TestFormAnswersGolden(t *testing.T) {
	t.Parallel()
	_, got := produceFilledIn(t)
	matchGolden(t, "gewerbeanmeldung-gladbeck-2.2.xml", got)
	// The same Antrag gives the same message, byte for byte.
	if _, again := produceFilledIn(t); !bytes.Equal(again, got) {
		t.Error("a second conversion of the same Antrag differs")
	}
}

// TestFormAnswersStructure checks that the message made from the form has
// the element structure of KoSIT's valid 2.2 example: the same elements,
// nested and ordered alike (repeated elements counted once), except the
// keys an applicant cannot know and the form therefore does not ask (street
// and court keys, the issuing offices' keys and postcodes, the WZ 2008 code
// and keyword, which the Gewerbeamt assigns), and the Handwerkskammer's
// name, which the form asks instead of its key.
func TestFormAnswersStructure(t *testing.T) {
	t.Parallel()
	_, got := produceFilledIn(t)
	notAsked := []string{"/strassenschluessel", "/gerichtSchluessel", "/eintragungPLZ",
		"/handwerkskarte/ausgestelltVonPLZ", "/handwerkskarte/ausgestelltVonSchluessel", "/aufenthaltstitel/ausgestelltVonPLZ",
		"/schwerpunkt/taetigkeitSchluessel", "/schwerpunkt/stichwort"}
	askedInstead := []string{"/handwerkskarte/ausgestelltVonName"}
	want := structure(t, readFixture(t, "xgwa2.2-valid.xml"), notAsked)
	if have := structure(t, got, askedInstead); have != want {
		t.Errorf("structure differs from KoSIT's 2.2 example:\n%s", lineDiff(want, have))
	}
}

// structure lists a document's element paths in document order, the root
// named "nachricht", each path once (at its first place), without the elements named
// by the path ends in skip and their children.
func structure(t *testing.T, doc []byte, skip []string) string {
	t.Helper()
	var b strings.Builder
	var path []string
	seen := map[string]bool{}
	for _, line := range strings.Split(outline(t, doc), "\n") {
		name := strings.TrimLeft(line, " ")
		if name == "" || strings.HasPrefix(name, "= ") {
			continue
		}
		depth := len(line) - len(name)
		name, _, _ = strings.Cut(name, " ")
		if depth == 0 {
			name = "nachricht"
		}
		path = append(path[:depth], name)
		p := strings.Join(path, "/")
		if seen[p] || skipped(p, skip) {
			continue
		}
		seen[p] = true
		b.WriteString(p + "\n")
	}
	return b.String()
}

func skipped(p string, skip []string) bool {
	for _, s := range skip {
		if strings.HasSuffix(p, s) || strings.Contains(p, s+"/") {
			return true
		}
	}
	return false
}

// TestFormAnswersRoundTrip reads the produced message back: Parse gives
// the Input that FromAnswers made.
func TestFormAnswersRoundTrip(t *testing.T) {
	t.Parallel()
	in, out := produceFilledIn(t)
	a, err := Parse(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	back, err := a.AsInput()
	if err != nil {
		t.Fatal(err)
	}
	in.Niederlassung, in.Nachricht = "1", NachrichtAllgemein // Produce's defaults
	if !reflect.DeepEqual(back, in) {
		t.Errorf("round trip changed the input:\n got %+v\nwant %+v", back, in)
	}
}

func TestFromAnswersRefuses(t *testing.T) {
	t.Parallel()
	base := filledIn(t).Answers
	tests := []struct {
		name   string
		change func(v map[string]any)
		want   []string
	}{
		{"nothing", func(v map[string]any) { clear(v) }, []string{"„Rechtsform“ fehlt", "„Angemeldete Tätigkeit“ fehlt", "Angaben zu den Personen fehlen"}},
		{"reason without key", func(v map[string]any) { v[fAnlass] = "uebernahme" }, []string{"Übernahme eines bestehenden Betriebs", "im Fachverfahren erfassen"}},
		{"wrong types", func(v map[string]any) { v[fVollzeit] = "drei"; v[fNebenerwerb] = "ja"; v[fBeginn] = "1.4.2026" },
			[]string{"„Zahl der Vollzeitbeschäftigten“ ist keine Anzahl", "„Nebenerwerb“ ist keine Ja/Nein-Angabe", "„Beginn der Tätigkeit“ ist kein Datum"}},
		{"person", func(v map[string]any) {
			p := v[gPersonen].([]any)[0].(map[string]any)
			delete(p, fFamilienname)
			v[gPersonen] = append(v[gPersonen].([]any), "Kaya")
		}, []string{"„Familienname (Person 1)“ fehlt", "Angaben zur Person 2 haben ein unbekanntes Format"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v := viaJSON(t, base)
			tt.change(v)
			_, err := FromAnswers(Antrag{ID: "x", Eingang: eingang, Answers: v}, gladbeckAmt)
			if err == nil {
				t.Fatal("FromAnswers accepted the answers")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// viaJSON gives v as it comes back from storage: through JSON, a deep copy.
func viaJSON(t *testing.T, v map[string]any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSplitStrasse(t *testing.T) {
	t.Parallel()
	for line, want := range map[string][2]string{
		"Willy-Brandt-Platz 2": {"Willy-Brandt-Platz", "2"}, "Markt 3a": {"Markt", "3a"},
		"Am Rathaus": {"Am Rathaus", ""}, "Straße des 17. Juni 112": {"Straße des 17. Juni", "112"}, "": {"", ""},
	} {
		if s, n := SplitStrasse(line); s != want[0] || n != want[1] {
			t.Errorf("SplitStrasse(%q) = %q, %q", line, s, n)
		}
	}
}
