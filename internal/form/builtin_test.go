package form

import (
	"reflect"
	"regexp"
	"testing"
)

func TestBuiltinsParse(t *testing.T) {
	t.Parallel()
	ids := BuiltinIDs()
	if len(ids) < 12 {
		t.Fatalf("BuiltinIDs() = %v, want 12 forms", ids)
	}
	for _, id := range ids {
		f, err := Builtin(id)
		if err != nil {
			t.Fatalf("Builtin(%q): %v", id, err)
		}
		if n := len(f.Steps); n < 2 || n > 5 {
			t.Errorf("%s: %d steps, want 2–5", id, n)
		}
	}
}

// TestHundeanmeldungJourney walks the form the way the web layer will:
// post each step, merge it into the draft, fix mistakes, add a dog,
// upload a file, read the summary and submit.
func TestHundeanmeldungJourney(t *testing.T) {
	t.Parallel()
	f, err := Builtin("hundeanmeldung")
	if err != nil {
		t.Fatal(err)
	}
	draft := map[string][]string{}
	post := func(step string, posted map[string][]string) *Result {
		t.Helper()
		merged, err := f.MergeStep(step, draft, posted)
		if err != nil {
			t.Fatal(err)
		}
		draft = merged
		res, err := f.Evaluate(draft, testNow).ValidateStep(step)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	view, err := f.Evaluate(draft, testNow).Step("halter", nil)
	if err != nil || view.Progress != "Schritt 1 von 4" {
		t.Fatalf("first step: %v %+v", err, view)
	}
	res := post("halter", raw("F90000001", "Erika", "F90000002", "Mustermann", "F90000004", "12.8.85",
		"F90000011", "Markt 1", "F90000012", "4628", "F90000013", "Dorsten", "F90000021", "erika(at)example.org"))
	want := map[string]string{"F90000004": CodeFormat, "F90000012": CodePattern, "F90000021": CodePattern}
	if got := problemMap(res.Problems); !reflect.DeepEqual(got, want) {
		t.Fatalf("mistakes: %v", res.Problems)
	}
	view, _ = f.Evaluate(draft, testNow).Step("halter", res.Problems)
	if len(view.Errors) != 3 || view.Errors[1].Message != "Geben Sie eine Postleitzahl mit 5 Ziffern ein, zum Beispiel 46282." {
		t.Errorf("error summary: %v", view.Errors)
	}
	res = post("halter", raw("F90000001", "Erika", "F90000002", "Mustermann", "F90000004", "12.08.1985",
		"F90000011", "Markt 1", "F90000012", "46282", "F90000013", "Dorsten", "F90000021", "erika@example.org"))
	if !res.OK() {
		t.Fatalf("fixed step: %v", res.Problems)
	}
	// Add a second dog without JavaScript, then fill both.
	draft, _ = f.ApplyAction(draft, "add:G90100010")
	draft, _ = f.ApplyAction(draft, "add:G90100010")
	if draft["G90100010.count"][0] != "2" {
		t.Fatalf("count after add: %v", draft["G90100010.count"])
	}
	dogs := raw("G90100010.count", "2",
		"G90100010[0].F90100011", "Bello", "G90100010[0].F90100012", "dackel", "G90100010[0].F90100013", "ruede",
		"G90100010[0].F90100015", "01.06.2025", "G90100010[0].F90100017", "false",
		"G90100010[1].F90100011", "Luna", "G90100010[1].F90100012", "pitbull", "G90100010[1].F90100013", "huendin",
		"G90100010[1].F90100015", "10.06.2025", "G90100010[1].F90100017", "true", "G90100010[1].F90100018", "32-1234/25")
	res = post("hunde", dogs)
	if got := problemMap(res.Problems); !reflect.DeepEqual(got, map[string]string{"G90100010[1].F90100019": CodeRequired}) {
		t.Fatalf("dangerous dog needs proof: %v", res.Problems)
	}
	// The upload layer stores the file and records its reference.
	draft["G90100010[1].F90100019"] = []string{EncodeFileRef(FileRef{ID: "a1", Name: "sachkunde.pdf", Size: 52000, MediaType: "application/pdf"})}
	if res = post("hunde", dogs); !res.OK() {
		t.Fatalf("with upload: %v", res.Problems)
	}
	if res = post("steuer", raw("F90100021", "false")); !res.OK() {
		t.Fatalf("steuer: %v", res.Problems)
	}
	// Leave and come back: the draft is all that is needed.
	resumed := map[string][]string{}
	for k, v := range draft {
		resumed[k] = v
	}
	draft = resumed
	view, _ = f.Evaluate(draft, testNow).Step("erklaerung", nil)
	if view.Progress != "Schritt 4 von 4" || !view.IsLast {
		t.Errorf("last step: %q", view.Progress)
	}
	if fee := find(view.Items, "F90100032"); fee == nil || fee.Display != "696,00 €" {
		t.Errorf("fee: %+v", fee)
	}
	if res = post("erklaerung", raw("F90000091", "true", "F90000092", "true")); !res.OK() {
		t.Fatalf("erklaerung: %v", res.Problems)
	}
	sum := f.Evaluate(draft, testNow).Summary()
	if len(sum.Sections) != 4 || sum.Sections[1].Rows[0].Label != "Hund 1" {
		t.Errorf("summary: %+v", sum.Sections)
	}
	final := f.Evaluate(draft, testNow).ValidateAll()
	if !final.OK() {
		t.Fatalf("final: %v", final.Problems)
	}
	data := f.Export(final.Values)
	if dogs := data["G90100010"].([]any); len(dogs) != 2 || dogs[1].(map[string]any)["F90100019"].(map[string]any)["name"] != "sachkunde.pdf" {
		t.Errorf("export: %v", data["G90100010"])
	}
}

// TestBuiltinCoverage checks that the shipped forms use the features the
// portal promises: autofill tokens, repeatable groups, conditions, uploads
// and calculations, with FIM-style IDs.
func TestBuiltinCoverage(t *testing.T) {
	t.Parallel()
	autocomplete := map[string]bool{}
	var repeatable, conditional, files, calculated int
	reID := regexp.MustCompile(`^[FG]9\d{7}$`)
	for _, id := range BuiltinIDs() {
		f, _ := Builtin(id)
		for _, fd := range f.idx.order {
			autocomplete[fd.AutoComplete] = true
			if fd.VisibleIf != "" {
				conditional++
			}
			if fd.Type == File {
				files++
			}
			if !reID.MatchString(fd.ID) {
				t.Errorf("%s: field ID %s is not FIM-style", id, fd.ID)
			}
		}
		for _, g := range f.idx.gorder {
			if g.Card.Repeatable() {
				repeatable++
			}
			if !reID.MatchString(g.ID) {
				t.Errorf("%s: group ID %s is not FIM-style", id, g.ID)
			}
		}
		for _, r := range f.Rules {
			if r.Kind == RuleCalculate {
				calculated++
			}
		}
	}
	for _, tok := range []string{"given-name", "family-name", "street-address", "postal-code", "email", "tel", "bday"} {
		if !autocomplete[tok] {
			t.Errorf("no field uses autocomplete=%q", tok)
		}
	}
	if repeatable < 3 || conditional < 10 || files < 10 || calculated < 8 {
		t.Errorf("repeatable %d, conditional %d, files %d, calculated %d", repeatable, conditional, files, calculated)
	}
}
