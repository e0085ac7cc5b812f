package web_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/serviceportal/serviceportal/internal/clamd"
	"github.com/serviceportal/serviceportal/internal/clamd/clamdtest"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
)

var stepURLRe = regexp.MustCompile(`/dorsten/antrag/hundeanmeldung/e/([A-Za-z0-9_-]{40,})`)

// postMultipart sends a step form with fields and one file, as a browser
// does for pages with file inputs.
func (b *browser) postMultipart(path string, fields url.Values, fileField, fileName string, content []byte) {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if fileField != "" {
		fw, _ := mw.CreateFormFile(fileField, fileName)
		fw.Write(content)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", b.base+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	b.read(resp)
}

// TestHundeanmeldungJourney follows a citizen through the Hundeanmeldung
// in Dorsten: start, a mistake with the error summary, a repeatable group,
// a conditional upload, leaving and resuming through the link, the check
// page, submitting, the receipt with its PDF, and a second click that does
// not create a second application.
func TestHundeanmeldungJourney(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ts, uc := newPortal(t, db)
		scanner, err := clamd.New(clamdtest.Start(t, 4<<20))
		if err != nil {
			t.Fatal(err)
		}
		uc.Submissions.SetScanner(scanner)
		b := newBrowser(t, ts)
		b.get("/dorsten/leistungen/hundeanmeldung").expect(200, "Online beantragen", `href="/dorsten/antrag/hundeanmeldung"`)
		b.get("/dorsten/antrag/hundeanmeldung").expect(200, "Antrag starten", "30 Tage")
		b.post("/dorsten/antrag/hundeanmeldung", url.Values{}).expect(200, "Schritt 1 von", "Vorname", `autocomplete="given-name"`)
		m := stepURLRe.FindStringSubmatch(b.body)
		if m == nil {
			t.Fatalf("no draft URL in\n%s", b.body)
		}
		draft := "/dorsten/antrag/hundeanmeldung/e/" + m[1]

		// A mistake: the error summary links to the fields, nothing typed is lost.
		b.post(draft+"/schritt/halter", url.Values{"F90000001": {"Erika"}, "F90000004": {"31.02.1980"}}).
			expect(422, "Bitte prüfen Sie Ihre Angaben", `href="#`, "Erika", `aria-invalid="true"`)
		b.post(draft+"/schritt/halter", url.Values{"F90000001": {"Erika"}, "F90000002": {"Mustermann"}, "F90000004": {"24.12.1980"},
			"F90000011": {"Halterner Straße 5"}, "F90000012": {"46284"}, "F90000013": {"Dorsten"}, "F90000021": {"erika@example.org"}}).
			expect(200, "Angaben zu Ihren Hunden", "Schritt 2 von")

		// Two dogs through the "add" button, without JavaScript.
		dog := url.Values{"G90100010.count": {"1"}, "G90100010[0].F90100011": {"Bello"}, "G90100010[0].F90100012": {"labrador"},
			"G90100010[0].F90100013": {"ruede"}, "G90100010[0].F90100015": {"01.03.2024"}, "G90100010[0].F90100017": {"false"}}
		add := cloneValues(dog)
		add.Set("action", "add:G90100010")
		b.postMultipart(draft+"/schritt/hunde", add, "", "", nil)
		b.expect(200, "Hund 2", "Bello")

		// Leave and come back through the resume link in a new browser.
		save := cloneValues(dog)
		save.Set("G90100010.count", "2")
		save.Set("G90100010[1].F90100011", "Luna")
		save.Set("G90100010[1].F90100012", "mischling")
		save.Set("G90100010[1].F90100013", "huendin")
		save.Set("G90100010[1].F90100015", "01.05.2025")
		save.Set("G90100010[1].F90100017", "true")
		save.Set("G90100010[1].F90100018", "AZ 32/2025")
		save.Set("action", "speichern")
		b.postMultipart(draft+"/schritt/hunde", save, "", "", nil)
		b.expect(200, "Gespeichert", "später weiter")
		other := newBrowser(t, ts)
		other.get(draft).expect(200, "Luna", "Hund 2")

		// Luna is a listed dog: the proof of competence is required, and a
		// file that is not a PDF or image is refused.
		save.Del("action")
		other.postMultipart(draft+"/schritt/hunde", save, "", "", nil)
		other.expect(422, "Sachkundenachweis")
		other.postMultipart(draft+"/schritt/hunde", save, "G90100010[1].F90100019", "nachweis.exe", []byte("MZ not a document"))
		other.expect(422, "Diese Datei können wir nicht annehmen")
		other.postMultipart(draft+"/schritt/hunde", save, "G90100010[1].F90100019", "riesig.png", hugePNG())
		other.expect(422, "20000 × 20000 Pixeln zu groß")
		other.postMultipart(draft+"/schritt/hunde", save, "G90100010[1].F90100019", "virus.pdf", []byte("%PDF-1.4\n"+clamdtest.EICAR))
		other.expect(422, "Die Virenprüfung hat in der Datei Schadsoftware gefunden (Win.Test.EICAR_HDB-1)", "Luna")
		other.postMultipart(draft+"/schritt/hunde", save, "G90100010[1].F90100019", "Sachkunde.pdf", []byte("%PDF-1.4\nSachkunde\n%%EOF\n"))
		other.expect(200, "Ermäßigung")
		other.post(draft+"/schritt/steuer", url.Values{"F90100021": {"false"}}).expect(200, "Erklärung")
		other.post(draft+"/schritt/erklaerung", url.Values{"F90000091": {"true"}, "F90000092": {"true"}}).
			expect(200, "Angaben prüfen und absenden", "Bello", "Luna", "Sachkunde.pdf", "Ändern")

		other.post(draft+"/absenden", url.Values{"email": {"erika@example.org"}}).expect(200, "Ihr Antrag ist eingegangen", "DOR-")
		statusURL := other.lastURL
		// A second click on "absenden" lands on the same receipt.
		other.post(draft+"/absenden", url.Values{"email": {"erika@example.org"}}).expect(200, "Ihr Antrag ist eingegangen")
		if other.lastURL != statusURL {
			t.Fatalf("second click went to %s, first to %s", other.lastURL, statusURL)
		}
		var n int
		db.QueryRow(context.Background(), `SELECT COUNT(*) FROM submissions`).Scan(&n)
		if n != 1 {
			t.Fatalf("%d submissions, want 1", n)
		}
		// The receipt PDF and the e-mail with the link (never the answers).
		resp, err := other.c.Get(ts.URL + strings.Split(statusURL, "?")[0] + "/eingangsbestaetigung.pdf")
		if err != nil {
			t.Fatal(err)
		}
		head := make([]byte, 5)
		resp.Body.Read(head)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(head) != "%PDF-" {
			t.Fatalf("receipt PDF: %d %q", resp.StatusCode, head)
		}
		msgs, _, _ := uc.Outbox.List(context.Background(), nil, 10, "")
		found := false
		for _, m := range msgs {
			if m.To == "erika@example.org" && strings.Contains(m.Text, "/dorsten/status/") {
				found = true
				// The link opens the application: the body is erased once
				// sent and hidden from staff while it waits.
				if !m.Secret {
					t.Fatal("the receipt e-mail is not marked as carrying a secret link")
				}
				if strings.Contains(m.Text, "Bello") || strings.Contains(m.Text, "Mustermann") {
					t.Fatalf("e-mail carries application data: %s", m.Text)
				}
			}
		}
		if !found {
			t.Fatal("no receipt e-mail with status link")
		}
		// The draft link is used up.
		newBrowser(t, ts).get(draft).expect(404, "Antrag nicht gefunden")
	})
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// hugePNG is the header of a 20000 × 20000 pixel PNG: a few bytes that
// would unpack to 400 megapixels.
func hugePNG() []byte {
	ihdr := append([]byte("IHDR"), 0, 0, 0x4e, 0x20, 0, 0, 0x4e, 0x20, 8, 0, 0, 0, 0)
	b := append([]byte("\x89PNG\r\n\x1a\n"), 0, 0, 0, 13)
	b = append(b, ihdr...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(ihdr))
}
