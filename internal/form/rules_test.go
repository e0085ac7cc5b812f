package form

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"
	"time"
)

var testNow = time.Date(2025, 6, 15, 10, 0, 0, 0, berlin)

func testForm(t testing.TB) *Form {
	t.Helper()
	data, err := os.ReadFile("testdata/test-form.json")
	if err != nil {
		t.Fatal(err)
	}
	return mustParse(t, string(data))
}

// raw builds raw values from name/value pairs.
func raw(kv ...string) map[string][]string {
	m := map[string][]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = []string{kv[i+1]}
	}
	return m
}

// problemCodes returns path → code for a result.
func problemMap(ps []Problem) map[string]string {
	m := map[string]string{}
	for _, p := range ps {
		m[p.FieldPath] = p.Code
	}
	return m
}

func TestVisibility(t *testing.T) {
	t.Parallel()
	f := testForm(t)
	tests := []struct {
		name      string
		raw       map[string][]string
		wantSteps []string
		step      string
		want      map[string]string
	}{
		{"no dog hides name and step b", raw("F1", "nein", "F2", "Bello"), []string{"a", "c"}, "a", map[string]string{}},
		{"dog needs a name", raw("F1", "ja"), []string{"a", "b", "c"}, "a", map[string]string{"F2": CodeRequired}},
		{"unanswered", raw(), []string{"a", "c"}, "a", map[string]string{"F1": CodeRequired}},
		{"hidden step has no problems", raw("F1", "nein"), []string{"a", "c"}, "b", map[string]string{}},
		{"fighting dog needs a file", raw("F1", "ja", "G2[0].F10", "Rex", "G2[0].F11", "ja"), []string{"a", "b", "c"}, "b",
			map[string]string{"G2[0].F12": CodeRequired}},
		{"other dog needs none", raw("F1", "ja", "G2[0].F10", "Rex", "G2[0].F11", "nein"), []string{"a", "b", "c"}, "b",
			map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st := f.Evaluate(tt.raw, testNow)
			var steps []string
			for _, s := range st.VisibleSteps() {
				steps = append(steps, s.ID)
			}
			if !reflect.DeepEqual(steps, tt.wantSteps) {
				t.Errorf("visible steps %v, want %v", steps, tt.wantSteps)
			}
			res, err := st.ValidateStep(tt.step)
			if err != nil {
				t.Fatal(err)
			}
			if got := problemMap(res.Problems); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("problems %v, want %v", res.Problems, tt.want)
			}
			if _, ok := res.Values["F2"]; ok && tt.raw["F1"][0] == "nein" {
				t.Errorf("hidden F2 kept in values: %v", res.Values)
			}
		})
	}
	st := f.Evaluate(raw("F1", "nein"), testNow)
	if st.NextStep("a") != "c" || st.PrevStep("c") != "a" || st.NextStep("c") != "" || st.StepVisible("b") {
		t.Errorf("navigation skips hidden step wrongly: next(a)=%q prev(c)=%q", st.NextStep("a"), st.PrevStep("c"))
	}
}

func TestCrossFieldRule(t *testing.T) {
	t.Parallel()
	f := testForm(t)
	tests := []struct {
		name string
		raw  map[string][]string
		want map[string]string
	}{
		{"end before start", raw("F1", "nein", "F3", "10.05.2025", "F4", "01.05.2025"), map[string]string{"F4": CodeRule}},
		{"end after start", raw("F1", "nein", "F3", "10.05.2025", "F4", "2025-05-11"), map[string]string{}},
		{"start missing: rule does not apply", raw("F1", "nein", "F4", "01.05.2025"), map[string]string{}},
		{"invalid date: format only", raw("F1", "nein", "F3", "10.05.2025", "F4", "32.01.2025"), map[string]string{"F4": CodeFormat}},
		{"rule inside instance", raw("F1", "ja", "F2", "Rex", "G2[0].F10", "Rex", "G2[0].F11", "nein", "G2[1].F10", "Bello", "G2[1].F11", "ja",
			"G2[1].F12", EncodeFileRef(FileRef{ID: "1", Name: "a.pdf", Size: 1, MediaType: "application/pdf"})),
			map[string]string{"G2[1].F10": CodeRule}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := f.Evaluate(tt.raw, testNow).ValidateAll()
			got := problemMap(res.Problems)
			delete(got, "F15") // the confirmation on the last step
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("problems %v, want %v", res.Problems, tt.want)
			}
			for _, p := range res.Problems {
				if p.Code == CodeRule && p.Rule == "" {
					t.Errorf("rule problem without rule ID: %+v", p)
				}
			}
		})
	}
	res := f.Evaluate(raw("F1", "ja", "G2[1].F10", "Bello", "G2[1].F11", "ja", "G2.count", "2"), testNow).ValidateAll()
	for _, p := range res.Problems {
		if p.FieldPath == "G2[1].F10" && p.Message != "Hund 2: Bello darf kein Kampfhund sein." {
			t.Errorf("message %q", p.Message)
		}
	}
}

func TestCalculations(t *testing.T) {
	t.Parallel()
	f := testForm(t)
	tests := []struct {
		name string
		raw  map[string][]string
		want map[string]any
	}{
		{"default count", raw("F1", "nein"), map[string]any{"F6": Money(1200), "F5": 1, "F7": "x"}},
		{"three", raw("F1", "nein", "F5", "3"), map[string]any{"F6": Money(3600), "F5": 3}},
		{"cleared count gives no fee", raw("F1", "nein", "F5", ""), map[string]any{"F6": nil, "F5": nil}},
		{"invalid count gives no fee", raw("F1", "nein", "F5", "drei"), map[string]any{"F6": nil}},
		{"hidden field ignores posts", raw("F1", "nein", "F7", "evil"), map[string]any{"F7": "x"}},
		{"count over instances", raw("F1", "ja", "G2.count", "3", "G2[0].F11", "ja", "G2[1].F11", "nein", "G2[2].F11", "ja"), map[string]any{"F14": 2}},
		{"calculated field of hidden step dropped", raw("F1", "nein", "G2[0].F11", "ja"), map[string]any{"F14": nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			vals := f.Evaluate(tt.raw, testNow).Values()
			for k, want := range tt.want {
				if got := vals[k]; !reflect.DeepEqual(got, want) {
					t.Errorf("%s = %#v, want %#v", k, got, want)
				}
			}
		})
	}
}

func TestOptionalGroup(t *testing.T) {
	t.Parallel()
	f := testForm(t)
	for _, tt := range []struct {
		raw  map[string][]string
		want map[string]string
	}{
		{raw("F1", "nein"), map[string]string{}},
		{raw("F1", "nein", "F8", " "), map[string]string{}},
		{raw("F1", "nein", "F8", "Hauptstraße 1"), map[string]string{"F9": CodeRequired}},
		{raw("F1", "nein", "F8", "Hauptstraße 1", "F9", "Dorsten"), map[string]string{}},
	} {
		res, _ := f.Evaluate(tt.raw, testNow).ValidateStep("a")
		if got := problemMap(res.Problems); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%v: problems %v, want %v", tt.raw, res.Problems, tt.want)
		}
	}
}

func TestRepeatableCardinality(t *testing.T) {
	t.Parallel()
	f := testForm(t)
	tests := []struct {
		name     string
		raw      map[string][]string
		wantCode map[string]string
		wantMsg  map[string]string
	}{
		{"none", raw("F1", "ja", "G2.count", "0"), map[string]string{"G2": CodeMinCount},
			map[string]string{"G2": "Geben Sie mindestens 1 × „Hund“ an. Wählen Sie „Hund hinzufügen“."}},
		{"too many", raw("F1", "ja", "G2.count", "4", "G2[0].F10", "A", "G2[0].F11", "nein", "G2[1].F10", "B", "G2[1].F11", "nein",
			"G2[2].F10", "C", "G2[2].F11", "nein"), map[string]string{"G2": CodeMaxCount},
			map[string]string{"G2": "Sie können höchstens 3 × „Hund“ angeben. Entfernen Sie 1."}},
		{"inferred count", raw("F1", "ja", "G2[1].F10", "B", "G2[1].F11", "nein"),
			map[string]string{"G2[0].F10": CodeRequired, "G2[0].F11": CodeRequired},
			map[string]string{"G2[0].F10": "Hund 1: Füllen Sie das Feld „Name“ aus.", "G2[0].F11": "Hund 1: Wählen Sie bei „Kampfhund“ „Ja“ oder „Nein“."}},
		{"nested", raw("F1", "ja", "G2[0].F10", "A", "G2[0].F11", "nein", "G2[0].G3.count", "3", "G2[0].G3[0].F13", "01.01.2025",
			"G2[0].G3[1].F13", "1.1."), map[string]string{"G2[0].G3": CodeMaxCount, "G2[0].G3[1].F13": CodeFormat},
			map[string]string{"G2[0].G3[1].F13": "Hund 1: Impfung 2: Geben Sie „Impfdatum“ im Format TT.MM.JJJJ ein, zum Beispiel 24.12.1990."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, _ := f.Evaluate(tt.raw, testNow).ValidateStep("b")
			if got := problemMap(res.Problems); !reflect.DeepEqual(got, tt.wantCode) {
				t.Errorf("problems %v, want %v", res.Problems, tt.wantCode)
			}
			for _, p := range res.Problems {
				if want, ok := tt.wantMsg[p.FieldPath]; ok && p.Message != want {
					t.Errorf("%s: %q, want %q", p.FieldPath, p.Message, want)
				}
				if p.StepID != "b" {
					t.Errorf("%s: step %q", p.FieldPath, p.StepID)
				}
			}
		})
	}
}

func TestApplyAction(t *testing.T) {
	t.Parallel()
	f := testForm(t)
	r := raw("G2.count", "3", "G2[0].F10", "A", "G2[1].F10", "B", "G2[1].G3.count", "1", "G2[1].G3[0].F13", "01.01.2025",
		"G2[2].F10", "C", "G2[2].G3[0].F13", "02.02.2025", "F1", "ja")
	got, err := f.ApplyAction(r, "remove:G2[1]")
	if err != nil {
		t.Fatal(err)
	}
	want := raw("G2.count", "2", "G2[0].F10", "A", "G2[1].F10", "C", "G2[1].G3[0].F13", "02.02.2025", "F1", "ja")
	if !reflect.DeepEqual(got, want) {
		t.Errorf("remove:\n got %v\nwant %v", got, want)
	}
	if r["G2[1].F10"][0] != "B" {
		t.Error("ApplyAction modified its input")
	}
	got, _ = f.ApplyAction(got, "add:G2")
	if got["G2.count"][0] != "3" {
		t.Errorf("add: count %v", got["G2.count"])
	}
	got, _ = f.ApplyAction(got, "add:G2") // at the maximum of 3
	if got["G2.count"][0] != "3" {
		t.Errorf("add beyond max: count %v", got["G2.count"])
	}
	got, _ = f.ApplyAction(got, "add:G2[0].G3")
	if got["G2[0].G3.count"][0] != "1" {
		t.Errorf("nested add: %v", got["G2[0].G3.count"])
	}
	for _, bad := range []string{"add:F1", "add:G3", "remove:G2", "remove:G9[0]", "explode:G2", "add:G2[0].G2", "remove:G2[x]"} {
		if _, err := f.ApplyAction(r, bad); err == nil {
			t.Errorf("ApplyAction(%q) accepted", bad)
		}
	}
}

func TestMergeStep(t *testing.T) {
	t.Parallel()
	f := testForm(t)
	file := EncodeFileRef(FileRef{ID: "1", Name: "a.pdf", Size: 1, MediaType: "application/pdf"})
	draft := raw("F1", "ja", "F3", "01.01.2025", "G2.count", "2", "G2[0].F10", "A", "G2[1].F10", "B", "G2[0].F12", file)
	posted := raw("G2.count", "1", "G2[0].F10", "Rex", "G2[0].F12", "forged", "F1", "nein", "F14", "99", "G9", "x",
		"G2[0].F99", "y", "G2[7].F10", "Z", "G2[0].G3[0].F13", "01.01.2025", "csrf", "token")
	got, err := f.MergeStep("b", draft, posted)
	if err != nil {
		t.Fatal(err)
	}
	want := raw("F1", "ja", "F3", "01.01.2025", "G2.count", "1", "G2[0].F10", "Rex", "G2[7].F10", "Z",
		"G2[0].G3[0].F13", "01.01.2025", "G2[0].F12", file)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("MergeStep:\n got %v\nwant %v", got, want)
	}
	if _, err := f.MergeStep("zz", draft, posted); err == nil {
		t.Error("unknown step accepted")
	}
}

func TestValidateAllAndExport(t *testing.T) {
	t.Parallel()
	f := testForm(t)
	file := EncodeFileRef(FileRef{ID: "att1", Name: "nachweis.pdf", Size: 2048, MediaType: "application/pdf"})
	r := raw("F1", "ja", "F2", "Rex", "F3", "01.05.2025", "F4", "31.05.2025", "F5", "2",
		"G2.count", "2", "G2[0].F10", "Rex", "G2[0].F11", "ja", "G2[0].F12", file, "G2[0].G3[0].F13", "03.03.2025",
		"G2[1].F10", "Luna", "G2[1].F11", "nein", "F17", "b", "F15", "on")
	res := f.Evaluate(r, testNow).ValidateAll()
	if !res.OK() {
		t.Fatalf("problems: %v", res.Problems)
	}
	got := f.Export(res.Values)
	want := map[string]any{
		"F1": true, "F2": "Rex", "F3": "2025-05-01", "F4": "2025-05-31", "F5": 2, "F6": 24.0, "F7": "x", "F14": 1, "F15": true, "F17": "b",
		"G2": []any{
			map[string]any{"F10": "Rex", "F11": true, "F12": map[string]any{"id": "att1", "name": "nachweis.pdf", "size": int64(2048), "mediaType": "application/pdf"},
				"G3": []any{map[string]any{"F13": "2025-03-03"}}},
			map[string]any{"F10": "Luna", "F11": false},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Export:\n got %#v\nwant %#v", got, want)
	}
	back, err := f.RawFromJSON(jsonRoundTrip(t, got))
	if err != nil {
		t.Fatal(err)
	}
	res2 := f.Evaluate(back, testNow).ValidateAll()
	if !res2.OK() || !reflect.DeepEqual(f.Export(res2.Values), got) {
		t.Errorf("RawFromJSON round trip: %v\n%#v", res2.Problems, f.Export(res2.Values))
	}

	res = f.Evaluate(raw("F1", "ja"), testNow).ValidateAll()
	if res.FirstStep() != "a" || res.Problems[len(res.Problems)-1].FieldPath != "F15" {
		t.Errorf("order: %v", res.Problems)
	}
}

func TestExpressionHelpers(t *testing.T) {
	t.Parallel()
	src := `{"id":"h","version":"1","title":"H","steps":[{"id":"s","title":"S","items":[
		{"id":"F1","label":"Geburtsdatum","type":"date"},
		{"id":"F2","label":"Von","type":"date"},{"id":"F3","label":"Bis","type":"date"},
		{"id":"F4","label":"Alter","kind":"locked","type":"num_int"},
		{"id":"F5","label":"Tage","kind":"locked","type":"num_int"},
		{"id":"F6","label":"Heute","kind":"locked","type":"date"},
		{"id":"F7","label":"Ausgefüllt","kind":"locked","type":"bool"},
		{"id":"F8","label":"Name"},
		{"id":"F9","label":"Nur Erwachsene","visibleIf":"age(F1) >= 18"}]}],
		"rules":[{"id":"R1","kind":"calculate","field":"F4","expr":"age(F1)"},
		{"id":"R2","kind":"calculate","field":"F5","expr":"days(F2, F3)"},
		{"id":"R3","kind":"calculate","field":"F6","expr":"today()"},
		{"id":"R4","kind":"calculate","field":"F7","expr":"filled(F8)"}]}`
	f := mustParse(t, src)
	for _, tt := range []struct {
		birth string
		age   any
		adult bool
	}{{"15.06.2007", 18, true}, {"16.06.2007", 17, false}, {"29.02.2008", 17, false}, {"", nil, false}} {
		st := f.Evaluate(raw("F1", tt.birth, "F2", "30.03.2025", "F3", "02.04.2025", "F8", " "), testNow)
		v := st.Values()
		if v["F4"] != tt.age {
			t.Errorf("age(%s) = %v, want %v", tt.birth, v["F4"], tt.age)
		}
		if _, ok := v["F9"]; ok {
			t.Error("F9 has a value")
		}
		if v["F5"] != 3 || v["F6"] != time.Date(2025, 6, 15, 0, 0, 0, 0, time.UTC) || v["F7"] != false {
			t.Errorf("days/today/filled: %v %v %v", v["F5"], v["F6"], v["F7"])
		}
		view, _ := st.Step("s", nil)
		shown := false
		for _, it := range view.Items {
			if it.Field != nil && it.Field.ID == "F9" && it.Field.Visible {
				shown = true
			}
		}
		if shown != tt.adult {
			t.Errorf("%s: F9 shown %v, want %v", tt.birth, shown, tt.adult)
		}
	}
}

// jsonRoundTrip encodes and decodes a value as the API would receive it.
func jsonRoundTrip(t testing.TB, v any) map[string]any {
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

func TestFieldLookup(t *testing.T) {
	t.Parallel()
	f := testForm(t)
	for name, want := range map[string]string{"F1": "F1", "G2[3].F12": "F12", "G2[0].G3[1].F13": "F13", "F12": "", "G2[0].F1": "", "G3[0].F13": "", "G2[x].F10": "", "G2.count": ""} {
		fd, ok := f.FieldByName(name)
		if (want == "") == ok || (ok && fd.ID != want) {
			t.Errorf("FieldByName(%q) = %v, %v", name, fd, ok)
		}
	}
	if fd, ok := f.FieldByID("F12"); !ok || fd.StepID() != "b" || fd.Accept[0] != "application/pdf" {
		t.Errorf("FieldByID: %+v", fd)
	}
}
