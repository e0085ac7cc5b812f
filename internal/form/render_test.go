package form

import (
	"reflect"
	"testing"
)

// find returns the field view with the given HTML name.
func find(items []ItemView, name string) *FieldView {
	for _, it := range items {
		if it.Field != nil && it.Field.Name == name {
			return it.Field
		}
		if it.Group != nil {
			if f := find(it.Group.Items, name); f != nil {
				return f
			}
			for _, in := range it.Group.Instances {
				if f := find(in.Items, name); f != nil {
					return f
				}
			}
		}
	}
	return nil
}

func TestRenderStepA(t *testing.T) {
	t.Parallel()
	f := testForm(t)
	r := raw("F1", "ja", "F3", "32.01.2025", "F5", "2")
	st := f.Evaluate(r, testNow)
	res, _ := st.ValidateStep("a")
	v, err := st.Step("a", res.Problems)
	if err != nil {
		t.Fatal(err)
	}
	if v.Progress != "Schritt 1 von 3" || !v.IsFirst || v.IsLast || v.NextStepID != "b" || v.PrevStepID != "" {
		t.Errorf("navigation: %q first=%v last=%v next=%q", v.Progress, v.IsFirst, v.IsLast, v.NextStepID)
	}
	wantErrors := []ErrorLink{
		{Href: "#f-F2", Message: "Füllen Sie das Feld „Name des Hundes“ aus."},
		{Href: "#f-F3", Message: "Prüfen Sie „Beginn“: Den 32.01.2025 gibt es nicht. Geben Sie ein gültiges Datum ein."},
	}
	if !reflect.DeepEqual(v.Errors, wantErrors) {
		t.Errorf("error summary:\n got %v\nwant %v", v.Errors, wantErrors)
	}
	f1 := find(v.Items, "F1")
	if f1.Control != "radio" || len(f1.Options) != 2 || !f1.Options[0].Selected || f1.Options[0].HTMLID != "f-F1" || f1.Options[1].HTMLID != "f-F1-1" {
		t.Errorf("bool radios: %+v", f1)
	}
	f3 := find(v.Items, "F3")
	if f3.Value != "32.01.2025" || f3.Error == "" || f3.ErrorID != "f-F3-error" || f3.DescribedBy != "f-F3-error" || f3.Width != 10 {
		t.Errorf("invalid date keeps input and error: %+v", f3)
	}
	if f5 := find(v.Items, "F5"); f5.Value != "2" || f5.InputMode != "numeric" {
		t.Errorf("F5: %+v", f5)
	}
	if f6 := find(v.Items, "F6"); f6.Control != "readonly" || f6.Display != "24,00 €" {
		t.Errorf("locked fee: %+v", f6)
	}
	if find(v.Items, "F7") != nil {
		t.Error("hidden field rendered")
	}
	if f16 := find(v.Items, "F16"); f16 == nil || f16.Control != "label" || f16.Content == "" {
		t.Errorf("label field: %+v", f16)
	}
	g1 := v.Items[len(v.Items)-1].Group
	if g1 == nil || !g1.Optional || g1.Repeatable || g1.Legend != "Zweitwohnung" || len(g1.Items) != 2 {
		t.Errorf("optional group: %+v", g1)
	}
	if f8 := find(v.Items, "F8"); f8.AutoComplete != "street-address" || f8.Spellcheck {
		t.Errorf("autocomplete: %+v", f8)
	}
	// Name of the dog depends on F1 on the same page: rendered, visible now.
	if f2 := find(v.Items, "F2"); f2 == nil || !f2.Dynamic || !f2.Visible {
		t.Errorf("F2: %+v", f2)
	}
	v, _ = f.Evaluate(raw("F1", "nein"), testNow).Step("a", nil)
	if f2 := find(v.Items, "F2"); f2 == nil || f2.Visible || !f2.Dynamic {
		t.Errorf("F2 hidden on this page but rendered for reveal: %+v", f2)
	}
	if v.Progress != "Schritt 1 von 2" {
		t.Errorf("progress %q", v.Progress)
	}
}

func TestRenderRepeatable(t *testing.T) {
	t.Parallel()
	f := testForm(t)
	r := raw("F1", "ja", "G2.count", "2", "G2[0].F10", "Rex", "G2[0].F11", "ja", "G2[1].F10", "Luna", "G2[1].F11", "nein",
		"G2[1].G3.count", "1", "F17", "b")
	st := f.Evaluate(r, testNow)
	res, _ := st.ValidateStep("b")
	v, _ := st.Step("b", res.Problems)
	if v.Progress != "Schritt 2 von 3" || v.PrevStepID != "a" || v.NextStepID != "c" {
		t.Errorf("navigation %q", v.Progress)
	}
	g := v.Items[0].Group
	if g == nil || !g.Repeatable || g.Count != 2 || g.CountName != "G2.count" || !g.CanAdd || g.AddAction != "add:G2" || g.AddLabel != "Hund hinzufügen" {
		t.Fatalf("group: %+v", g)
	}
	if len(g.Instances) != 2 || g.Instances[1].Legend != "Hund 2" || g.Instances[1].RemoveAction != "remove:G2[1]" ||
		!g.Instances[1].CanRemove || g.Instances[1].RemoveLabel != "Hund 2 entfernen" || g.Instances[1].HTMLID != "g-G2-1" {
		t.Errorf("instances: %+v", g.Instances)
	}
	f12 := find(v.Items, "G2[0].F12")
	if f12 == nil || !f12.Visible || !f12.Dynamic || f12.Control != "file" || f12.Accept != "application/pdf" || f12.Error != "Hund 1: Laden Sie „Nachweis“ hoch." {
		t.Errorf("file field: %+v", f12)
	}
	if f := find(v.Items, "G2[1].F12"); f == nil || f.Visible {
		t.Errorf("file of second dog should be rendered hidden: %+v", f)
	}
	if v.Errors[0].Href != "#f-G2-0-F12" {
		t.Errorf("errors %v", v.Errors)
	}
	nested := g.Instances[1].Items[3].Group
	if nested == nil || nested.Path != "G2[1].G3" || nested.Count != 1 || nested.Instances[0].Items[0].Field.Name != "G2[1].G3[0].F13" {
		t.Errorf("nested group: %+v", nested)
	}
	if f17 := find(v.Items, "F17"); f17.Control != "radio" || !f17.Options[1].Selected {
		t.Errorf("select: %+v", f17)
	}

	// Fresh step: the minimum of one instance is shown, it cannot be removed.
	v, _ = f.Evaluate(raw("F1", "ja"), testNow).Step("b", nil)
	g = v.Items[0].Group
	if g.Count != 1 || len(g.Instances) != 1 || g.Instances[0].CanRemove || len(v.Errors) != 0 {
		t.Errorf("fresh group: %+v", g)
	}
	// At the maximum nothing more can be added.
	v, _ = f.Evaluate(raw("F1", "ja", "G2.count", "3"), testNow).Step("b", nil)
	if v.Items[0].Group.CanAdd {
		t.Error("CanAdd at the maximum")
	}
	// A cardinality problem links to the fieldset.
	st = f.Evaluate(raw("F1", "ja", "G2.count", "0"), testNow)
	res, _ = st.ValidateStep("b")
	v, _ = st.Step("b", res.Problems)
	if len(v.Errors) == 0 || v.Errors[0].Href != "#g-G2" || v.Items[0].Group.Error == "" {
		t.Errorf("cardinality error: %v %+v", v.Errors, v.Items[0].Group)
	}
}

func TestRenderUnknownStep(t *testing.T) {
	t.Parallel()
	if _, err := testForm(t).RenderStep("nope", nil, nil); err == nil {
		t.Error("unknown step rendered")
	}
}

func TestSummary(t *testing.T) {
	t.Parallel()
	f := testForm(t)
	file := EncodeFileRef(FileRef{ID: "att1", Name: "nachweis.pdf", Size: 2048, MediaType: "application/pdf"})
	r := raw("F1", "ja", "F2", "Rex", "F3", "1.5.2025", "G2.count", "2", "G2[0].F10", "Rex", "G2[0].F11", "ja", "G2[0].F12", file,
		"G2[1].F10", "Luna", "G2[1].F11", "nein", "F17", "b", "F15", "true")
	s := f.Evaluate(r, testNow).Summary()
	if len(s.Sections) != 3 {
		t.Fatalf("sections: %+v", s.Sections)
	}
	a := s.Sections[0]
	wantA := []SummaryRow{
		{Label: "Halten Sie einen Hund?", Value: "Ja", StepID: "a", FieldPath: "F1", Anchor: "f-F1"},
		{Label: "Name des Hundes", Value: "Rex", StepID: "a", FieldPath: "F2", Anchor: "f-F2"},
		{Label: "Beginn", Value: "01.05.2025", StepID: "a", FieldPath: "F3", Anchor: "f-F3"},
		{Label: "Ende", Value: NoAnswer, StepID: "a", FieldPath: "F4", Anchor: "f-F4"},
		{Label: "Anzahl", Value: "1", StepID: "a", FieldPath: "F5", Anchor: "f-F5"},
		{Label: "Gebühr", Value: "12,00 €", StepID: "a", FieldPath: "F6", Anchor: "f-F6"},
		{Label: "Straße", Value: NoAnswer, StepID: "a", FieldPath: "F8", Anchor: "f-F8"},
		{Label: "Ort", Value: NoAnswer, StepID: "a", FieldPath: "F9", Anchor: "f-F9"},
	}
	if !reflect.DeepEqual(a.Rows, wantA) {
		t.Errorf("step a rows:\n got %+v\nwant %+v", a.Rows, wantA)
	}
	b := s.Sections[1].Rows
	labels := []string{}
	for _, row := range b {
		labels = append(labels, row.Label+"="+row.Value)
	}
	wantB := []string{"Hund 1=", "Name=Rex", "Kampfhund=Ja", "Nachweis=nachweis.pdf (2 KB)", "Impfungen=Keine Angabe",
		"Hund 2=", "Name=Luna", "Kampfhund=Nein", "Impfungen=Keine Angabe", "Anzahl Kampfhunde=1", "Rasse=Pudel"}
	if !reflect.DeepEqual(labels, wantB) {
		t.Errorf("step b rows:\n got %v\nwant %v", labels, wantB)
	}
	if !b[0].Heading || b[1].Level != 1 || b[1].Anchor != "f-G2-0-F10" {
		t.Errorf("instance rows: %+v %+v", b[0], b[1])
	}
	s = f.Evaluate(raw("F1", "nein"), testNow).Summary()
	if len(s.Sections) != 2 || s.Sections[1].StepID != "c" {
		t.Errorf("hidden step in summary: %+v", s.Sections)
	}
}
