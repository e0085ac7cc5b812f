package form

import (
	"reflect"
	"testing"
)

// TestGewerbeanmeldungConditions checks the questions that depend on
// earlier answers: the register only for registered forms, the
// Handwerkskarte only for a Handwerk, the residence title only for foreign
// nationals, and at least one kind of business.
func TestGewerbeanmeldungConditions(t *testing.T) {
	t.Parallel()
	f, err := Builtin("gewerbeanmeldung")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		change map[string]string // "" deletes the answer
		want   map[string]string // field path → problem code
	}{
		{"example as is", nil, map[string]string{}},
		{"sole trader needs no register", map[string]string{"F91300012": "180", "F91300021": "", "F91300022": "", "F91300023": "", "F91300024": ""}, map[string]string{}},
		{"GmbH needs the register", map[string]string{"F91300012": "350", "F91300022": ""}, map[string]string{"F91300022": CodeRequired}},
		{"no kind of business", map[string]string{"F91300062": ""}, map[string]string{"F91300061": CodeRule}},
		{"Handwerk without card", map[string]string{"F91300071": "false", "F91300072": "", "F91300073": "", "F91300074": "", "F91300075": ""}, map[string]string{}},
		{"start before the card was issued", map[string]string{"F91300081": "01.11.2024"}, map[string]string{"F91300081": CodeRule}},
		{"German needs no residence title", map[string]string{"G91300100[0].F91300109": "000", "G91300100[0].F91300111": "", "G91300100[0].F91300112": "",
			"G91300100[0].F91300113": "", "G91300100[0].F91300114": "", "G91300100[0].F91300115": ""}, map[string]string{}},
		{"foreign national must answer", map[string]string{"G91300100[0].F91300111": ""}, map[string]string{"G91300100[0].F91300111": CodeRequired}},
		{"other nationality is named", map[string]string{"G91300100[0].F91300109": "andere"}, map[string]string{"G91300100[0].F91300110": CodeRequired}},
		{"pipe in the activity", map[string]string{"F91300051": "Friseur | Kosmetik"}, map[string]string{"F91300051": CodePattern}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			raw := loadSubmission(t, "gewerbeanmeldung")
			for k, v := range tt.change {
				if v == "" {
					delete(raw, k)
				} else {
					raw[k] = []string{v}
				}
			}
			res := f.Evaluate(raw, testNow).ValidateAll()
			if got := problemMap(res.Problems); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("problems = %v, want %v", res.Problems, tt.want)
			}
		})
	}
}
