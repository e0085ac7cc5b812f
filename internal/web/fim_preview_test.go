package web_test

import (
	"context"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
)

// TestCoordinatorImportsFIM: a coordinator uploads the real BlaueKarte.xml
// FIM export, previews every step of the resulting form, and publishes
// it; broken files and broken JSON are refused with a message that names
// the problem.
func TestCoordinatorImportsFIM(t *testing.T) {
	t.Parallel()
	ts, uc := newPortal(t, storetest.Open(t, store.SQLite))
	uc.Identity.SeedDemo(context.Background())
	dl := newBrowser(t, ts)
	staffLogin(t, dl, "dorsten-loki@demo.example")
	dl.get("/dorsten/verwaltung/vorlagen")
	tpl := templateLinkRe.FindStringSubmatch(dl.body)[1]
	dl.get(tpl).expect(200, "Formular aus FIM-Datei einlesen")
	upload := regexp.MustCompile(`action="([^"]+/vorschau\?csrf=[^"]+)"`).FindStringSubmatch(dl.body)[1]
	upload = strings.ReplaceAll(upload, "&amp;", "&")

	blue, err := os.ReadFile("../form/testdata/xdatenfelder/lilithwittmann-ozg/BlaueKarte.xml")
	if err != nil {
		t.Fatal(err)
	}
	dl.upload(upload, "fim", "BlaueKarte.xml", blue)
	dl.expect(200, "Vorschau: Hund anmelden", "FIM-Import aus BlaueKarte.xml (XDatenfelder 2.0)",
		"Schritt 1 von 12", "Schritt 12 von 12", "<fieldset disabled", "Beim Einlesen angepasst")
	doc := unescapeHTML(regexp.MustCompile(`(?s)<textarea[^>]*id="formular"[^>]*>(.*?)</textarea>`).FindStringSubmatch(dl.body)[1])
	if !strings.Contains(doc, "Blaue Karte EU") {
		t.Fatalf("preview JSON lacks the form: %.200s", doc)
	}
	// The previewed JSON previews again unchanged and publishes.
	dl.post(tpl+"/vorschau", url.Values{"formular": {doc}}).expect(200, "Bearbeitetes Formular", "Schritt 12 von 12")
	dl.post(tpl+"/veroeffentlichen", url.Values{"formular": {doc}, "notiz": {"FIM-Import"}}).expect(200, "Neue Fassung veröffentlicht")
	dl.get(tpl).expect(200, "Fassung 2")

	broken, err := os.ReadFile("../form/testdata/xdatenfelder/flxbe-tests/v3-data/missing-id-node.xml")
	if err != nil {
		t.Fatal(err)
	}
	dl.get(tpl)
	dl.upload(upload, "fim", "kaputt.xml", broken)
	dl.expect(422, "Die Datei kaputt.xml lässt sich nicht einlesen", "Das Element &lt;xdf:id&gt; fehlt in &lt;xdf:identifikation&gt;.")
	dl.get(tpl)
	dl.upload(upload, "fim", "leer.xml", []byte("kein XML"))
	dl.expect(422, "lässt sich nicht einlesen")
	dl.post(tpl+"/vorschau", url.Values{"formular": {"{kaputt"}}).expect(422, "Das Formular ist nicht gültig")

	// Caseworkers may not import.
	sabine := newBrowser(t, ts)
	staffLogin(t, sabine, "dorsten-sachbearbeitung@demo.example")
	sabine.post(tpl+"/vorschau", url.Values{"formular": {doc}})
	if sabine.code != 403 {
		t.Fatalf("caseworker preview: %d", sabine.code)
	}
}
