package cli

import (
	"strings"
	"testing"

	"github.com/serviceportal/serviceportal/internal/form"
)

const (
	blueCard = "../form/testdata/xdatenfelder/lilithwittmann-ozg/BlaueKarte.xml"
	brokenV3 = "../form/testdata/xdatenfelder/flxbe-tests/v3-data/missing-id-node.xml"
)

// TestImportFIM converts the real BlaueKarte.xml export, refuses broken
// files and unknown targets by name, and publishes into a tenant's template.
func TestImportFIM(t *testing.T) {
	t.Parallel()
	env := map[string]string{"SERVICEPORTAL_DATA": t.TempDir()}
	code, out, errOut := run(t, env, "import", "fim", blueCard)
	if code != ExitOK {
		t.Fatalf("import fim: %d %q", code, errOut)
	}
	f, err := form.Parse(strings.NewReader(out))
	if err != nil || f.Title != "Antrag auf Blaue Karte EU" || len(f.Steps) != 12 {
		t.Fatalf("printed form does not parse back: %v", err)
	}
	if !strings.Contains(errOut, "Hinweis: ") {
		t.Errorf("no import notes on stderr: %q", errOut)
	}
	if code, out, errOut := run(t, env, "seed"); code != ExitOK {
		t.Fatalf("seed: %q %q", out, errOut)
	}
	for _, tt := range []struct {
		args    []string
		wantErr string
	}{
		{[]string{"import", "fim", brokenV3}, "Das Element <xdf:id> fehlt in <xdf:identifikation>."},
		{[]string{"import", "fim", "gibt-es-nicht.xml"}, "lässt sich nicht öffnen"},
		{[]string{"import", "fim", blueCard, "dorsten"}, "DATEI MANDANT LEISTUNG"},
		{[]string{"import", "fim", blueCard, "nirgendwo", "hundeanmeldung"}, `Mandanten "nirgendwo"`},
		{[]string{"import", "fim", blueCard, "dorsten", "mondlandung"}, `Leistung "mondlandung"`},
	} {
		if code, _, errOut := run(t, env, tt.args...); code != ExitError || !strings.Contains(errOut, tt.wantErr) {
			t.Errorf("%v: exit %d, stderr %q; want %q", tt.args, code, errOut, tt.wantErr)
		}
	}
	code, out, errOut = run(t, env, "import", "fim", blueCard, "dorsten", "hundeanmeldung")
	if code != ExitOK || !strings.Contains(out, `"Antrag auf Blaue Karte EU" mit 12 Schritten als Fassung 2 der Vorlage von Stadt Dorsten`) {
		t.Fatalf("publish: %d %q %q", code, out, errOut)
	}
}
