package web_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/serviceportal/serviceportal/internal/identity"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/submission"
	"github.com/serviceportal/serviceportal/internal/web"
)

// staffLogin logs a demo staff member in through the pages, second factor
// included.
func staffLogin(t *testing.T, b *browser, email string) {
	t.Helper()
	b.post("/verwaltung/anmelden", url.Values{"email": {email}, "password": {demoPassword}})
	code, _ := totp.GenerateCode(identity.DemoTOTPSecret, time.Now())
	b.post("/konto/zweiter-faktor", url.Values{"code": {code}})
	b.get("/")
	if !strings.Contains(b.body, "Verwaltung") {
		t.Fatalf("%s not logged in", email)
	}
}

const demoPassword = "Emscher-Lippe-Demo-2026"

// submitDog files a Hundeanmeldung in Dorsten directly through the use case.
func submitDog(t *testing.T, uc *web.UseCases, key string) submission.Result {
	t.Helper()
	ctx := context.Background()
	dorsten, _ := uc.Tenants.BySlug(ctx, "dorsten")
	svc, _ := uc.Catalog.BySlug(ctx, "hundeanmeldung")
	res, err := uc.Submissions.Submit(ctx, submission.Input{TenantID: dorsten.ID, TenantCode: dorsten.Code, ServiceID: svc.ID,
		FormID: "hundeanmeldung", FormVersion: "1", Values: map[string]any{"name": "Erika Mustermann", "hund": "Bello"}, IdempotencyKey: key})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

var caseLinkRe = regexp.MustCompile(`href="(/dorsten/verwaltung/vorgaenge/[a-z0-9]{36})"`)
var actionRe = regexp.MustCompile(`action="(/dorsten/verwaltung/vorgaenge/[a-z0-9]{36}/aktion\?csrf=[^"]+)"`)

func (b *browser) multipart(path string, fields map[string]string, file []byte) {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if file != nil {
		fw, _ := mw.CreateFormFile("bescheid", "Bescheid Hund.pdf")
		fw.Write(file)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", b.base+strings.ReplaceAll(path, "&amp;", "&"), &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	b.read(resp)
}

func TestCaseworkerFinishesACase(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ts, uc := newPortal(t, db)
		if _, err := uc.Identity.SeedDemo(context.Background()); err != nil {
			t.Fatal(err)
		}
		res := submitDog(t, uc, "k1")
		sabine := newBrowser(t, ts)
		staffLogin(t, sabine, "dorsten-sachbearbeitung@demo.example")
		sabine.get("/dorsten/verwaltung/vorgaenge").expect(200, res.Submission.TrackingNumber, "Eingegangen (1)")
		link := caseLinkRe.FindStringSubmatch(sabine.body)[1]
		sabine.get(link).expect(200, "Bello", "Prüfung beginnen", "Unterlagen nachfordern")
		act := actionRe.FindStringSubmatch(sabine.body)[1]
		sabine.multipart(act, map[string]string{"aktion": "start_review"}, nil)
		sabine.expect(200, "In Prüfung")
		// Asking for documents needs a message and a deadline.
		sabine.multipart(act, map[string]string{"aktion": "request_documents"}, nil)
		sabine.expect(200, "Bitte geben Sie eine Begründung")
		due := time.Now().AddDate(0, 0, 14).Format("2006-01-02")
		sabine.multipart(act, map[string]string{"aktion": "request_documents", "notiz": "Bitte den Impfpass hochladen.", "frist": due}, nil)
		sabine.expect(200, "Offene Nachforderungen", "Bitte den Impfpass hochladen.")
		// The citizen follows the status link, reads the request and uploads.
		erika := newBrowser(t, ts)
		status := "/dorsten/status/" + res.StatusToken
		erika.get(status).expect(200, "Bitte reichen Sie Unterlagen nach", "Bitte den Impfpass hochladen.", "Unterlagen nachreichen")
		erika.upload(status+"/nachreichen", "datei", "impfpass.exe", []byte("MZ\x90\x00 not a pdf"))
		erika.expect(200, "Erlaubt sind PDF, PNG und JPEG")
		erika.upload(status+"/nachreichen", "datei", "Impfpass.pdf", []byte("%PDF-1.4\nImpfpass\n%%EOF\n"))
		erika.expect(200, "Ihre Unterlagen sind bei der Behörde angekommen", "Impfpass.pdf")
		sabine.get(link).expect(200, "In Prüfung", "Impfpass.pdf", "nachgereicht")
		// A decision without Bescheid is refused; a non-PDF too.
		sabine.multipart(act, map[string]string{"aktion": "approve"}, nil)
		sabine.expect(200, "Bitte laden Sie den Bescheid als PDF hoch.")
		sabine.multipart(act, map[string]string{"aktion": "approve"}, []byte("<html><script>alert(1)</script></html>"))
		sabine.expect(200, "Der Bescheid muss eine PDF-Datei sein.")
		pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
		sabine.multipart(act, map[string]string{"aktion": "approve"}, pdf)
		sabine.expect(200, "Entschieden: bewilligt", "Bescheid_Hund.pdf")
		// The citizen sees the decision and downloads the Bescheid.
		erika.get(status).expect(200, "Bewilligt", "Ihr Bescheid liegt bereit", "Bescheid_Hund.pdf herunterladen")
		bescheid := regexp.MustCompile(`href="(/dorsten/status/[^"]+/dateien/[a-z0-9]{36})">Bescheid`).FindStringSubmatch(erika.body)
		if bescheid == nil {
			t.Fatal("no Bescheid link")
		}
		erika.get(bescheid[1])
		if erika.body != string(pdf) {
			t.Fatalf("downloaded Bescheid differs: %q", erika.body)
		}
		// Another status token (or none) shows nothing.
		newBrowser(t, ts).get("/dorsten/status/erfunden")
		if b := newBrowser(t, ts).get("/gladbeck/status/" + res.StatusToken); b.code != 404 {
			t.Fatalf("status link on another tenant: %d", b.code)
		}
		// Attachments download as attachments with nosniff.
		aid := regexp.MustCompile(`/anhang/([a-z0-9]{36})"`).FindStringSubmatch(sabine.body)[1]
		resp, _ := sabine.c.Get(ts.URL + link + "/anhang/" + aid)
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("download headers: %v", resp.Header)
		}
		// Gladbeck sees none of it.
		gustav := newBrowser(t, ts)
		staffLogin(t, gustav, "gladbeck-sachbearbeitung@demo.example")
		gustav.get(link)
		if gustav.code != 403 && gustav.code != 404 {
			t.Fatalf("Gladbeck caseworker got %d for a Dorsten case", gustav.code)
		}
		gustav.get(strings.Replace(link, "/dorsten/", "/gladbeck/", 1))
		if gustav.code != 404 {
			t.Fatalf("Gladbeck caseworker got %d for a Dorsten case on the Gladbeck portal", gustav.code)
		}
		gustav.get("/dorsten/verwaltung/vorgaenge")
		if gustav.code != 403 {
			t.Fatalf("Gladbeck caseworker got %d for Dorsten's inbox", gustav.code)
		}
		// A second application is rejected with a generated Bescheid.
		second := submitDog(t, uc, "k2")
		sabine.get("/dorsten/verwaltung/vorgaenge")
		var link2 string
		for _, m := range caseLinkRe.FindAllStringSubmatch(sabine.body, -1) {
			if m[1] != link {
				link2 = m[1]
			}
		}
		sabine.get(link2)
		act2 := actionRe.FindStringSubmatch(sabine.body)[1]
		sabine.multipart(act2, map[string]string{"aktion": "start_review"}, nil)
		sabine.multipart(act2, map[string]string{"aktion": "reject", "notiz": "Der Hund ist bereits angemeldet.", "erzeugen": "1"}, nil)
		sabine.expect(200, "Entschieden: abgelehnt", "Bescheid-"+second.Submission.TrackingNumber+".pdf")
		// CSV export neutralises formulas and carries the case.
		sabine.get("/dorsten/verwaltung/vorgaenge.csv").expect(200, res.Submission.TrackingNumber, "Vorgangsnummer;Leistung")
	})
}

func TestStaffAdministrationIsScoped(t *testing.T) {
	t.Parallel()
	ts, uc := newPortal(t, storetest.Open(t, store.SQLite))
	uc.Identity.SeedDemo(context.Background())
	doris := newBrowser(t, ts)
	staffLogin(t, doris, "dorsten-admin@demo.example")
	doris.get("/dorsten/verwaltung/personal").expect(200, "Sabine Sachbearbeitung")
	doris.post("/dorsten/verwaltung/personal", url.Values{"name": {"Neue Kollegin"}, "email": {"neu@dorsten.example"}, "rolle": {"caseworker"}}).
		expect(200, "Zugang für neu@dorsten.example angelegt")
	doris.get("/gladbeck/verwaltung/personal")
	if doris.code != 403 {
		t.Fatalf("Dorsten admin got %d for Gladbeck's staff", doris.code)
	}
	doris.get("/dorsten/verwaltung/e-mails").expect(200, "Ihr Zugang zum Serviceportal", "neu@dorsten.example")

	gerd := newBrowser(t, ts)
	staffLogin(t, gerd, "gkd-admin@demo.example")
	gerd.get("/dorsten/verwaltung/personal").expect(200, "Doris Admin")
	gerd.get("/gelsenkirchen/verwaltung/personal")
	if gerd.code != 403 {
		t.Fatalf("GKD admin got %d for Gelsenkirchen's staff", gerd.code)
	}
	// A citizen is no staff member.
	citizen := newBrowser(t, ts)
	citizen.post("/konto/anmelden", url.Values{"email": {"erika.mustermann@demo.example"}, "password": {demoPassword}})
	citizen.get("/dorsten/verwaltung/vorgaenge")
	if citizen.code != 403 {
		t.Fatalf("citizen got %d for the inbox", citizen.code)
	}
}

func (b *browser) upload(path, field, name string, content []byte) {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile(field, name)
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest("POST", b.base+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	b.read(resp)
}
