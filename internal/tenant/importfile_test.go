package tenant

import (
	"strings"
	"testing"
)

func TestARSFromAGS(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ags  string
		kind Kind
		want string
	}{
		{"05562012", KindGrosseKrAngStadt, "055620012012"},
		{"05562004", KindGrosseKrAngStadt, "055620004004"},
		{"05562036", KindMittlereKrAngStadt, "055620036036"},
		{"05562000", KindKreis, "055620000000"},
		{"05512000", KindKreisfreieStadt, "055120000000"},
		{"0551", KindKreis, ""},
	}
	for _, tt := range tests {
		if got := ARSFromAGS(tt.ags, tt.kind); got != tt.want {
			t.Errorf("ARSFromAGS(%s, %s) = %s, want %s", tt.ags, tt.kind, got, tt.want)
		}
	}
}

func TestParseRegionFileRejectsBadData(t *testing.T) {
	t.Parallel()
	base := `{"operators":[{"slug":"krzn","name":"KRZN","short_name":"KRZN"}],"tenants":[
		{"slug":"region","name":"Region","short_name":"R","kind":"region","code":"REG","operator":"krzn"},
		%s]}`
	good := `{"slug":"bottrop","name":"Stadt Bottrop","short_name":"Bottrop","kind":"kreisfreie_stadt","code":"BOT","ags":"05512000","ars":"055120000000","parent":"region","operator":"krzn","postcodes":["46236"]}`
	if _, err := ParseRegionFile(strings.NewReader(strings.Replace(base, "%s", good, 1))); err != nil {
		t.Fatalf("valid file rejected: %v", err)
	}
	tests := map[string]struct{ replace, with, wantErr string }{
		"bad AGS":          {`"05512000"`, `"0551200"`, "AGS must have 8 digits"},
		"ARS mismatch":     {`"055120000000"`, `"055120000001"`, "does not fit AGS"},
		"unknown parent":   {`"parent":"region"`, `"parent":"nowhere"`, "unknown parent"},
		"unknown operator": {`"operator":"krzn","postcodes"`, `"operator":"gkd","postcodes"`, "unknown operator"},
		"bad kind":         {`"kreisfreie_stadt"`, `"dorf"`, "unknown kind"},
		"reserved slug":    {`"slug":"bottrop"`, `"slug":"api"`, "reserved"},
		"bad postcode":     {`["46236"]`, `["4623"]`, "5 digits"},
		"duplicate code":   {`"BOT"`, `"REG"`, "code must be"},
		"unknown field":    {`"postcodes"`, `"plz"`, "unknown field"},
	}
	for name, tt := range tests {
		body := strings.Replace(base, "%s", strings.Replace(good, tt.replace, tt.with, 1), 1)
		_, err := ParseRegionFile(strings.NewReader(body))
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s: err = %v, want it to mention %q", name, err, tt.wantErr)
		}
	}
}

func TestFold(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"Marl-Hüls":        "marl huels",
		"  Haltern am See": "haltern am see",
		"Straße":           "strasse",
		"OER–ERKENSCHWICK": "oer erkenschwick",
		"%_'":              "",
	}
	for in, want := range tests {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}
