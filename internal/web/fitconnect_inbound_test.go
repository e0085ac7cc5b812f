package web_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/fitconnect"
	"github.com/serviceportal/serviceportal/internal/fitconnect/fitconnecttest"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/web"
)

var callbackRe = regexp.MustCompile(`/api/v1/fitconnect/callback/([a-z0-9]{36})`)
var gladbeckCaseRe = regexp.MustCompile(`href="(/gladbeck/verwaltung/vorgaenge/[a-z0-9]{36})"`)

// TestGewerbeanzeigeReachesGladbeck is the promise: the operator
// sets up Gladbeck's FIT-Connect destination in the back office, the
// Gewerbe-Service-Portal sends a Gewerbeanzeige, the Zustelldienst calls
// back, and the Anzeige is in Gladbeck's inbox, readable section by
// section, confirmed to the sender; forged callbacks change nothing.
func TestGewerbeanzeigeReachesGladbeck(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite)
	ts, uc := newPortal(t, db)
	ctx := context.Background()
	uc.Identity.SeedDemo(ctx)
	gladbeck, err := uc.Tenants.BySlug(ctx, "gladbeck")
	if err != nil {
		t.Fatal(err)
	}
	svc := fitconnecttest.New(t)
	dest := svc.AddDestination(fitconnecttest.DestinationOptions{LeikaKey: "99050012104000", ARS: gladbeck.ARS, Name: "Stadt Gladbeck, Gewerbeamt"})
	if err := uc.EnableFitConnect(web.FitConnectSetup{TrustAnchors: svc.TrustAnchors(), Issuer: svc.Issuer(),
		IssuerKeysURL: svc.IssuerKeysURL(), HTTPClient: svc.HTTPClient()}); err != nil {
		t.Fatal(err)
	}

	gerd := newBrowser(t, ts)
	staffLogin(t, gerd, "gkd-admin@demo.example")
	gerd.get("/gladbeck/verwaltung/fitconnect-empfang").expect(200, "Zustellpunkt einrichten", "Noch kein Zustellpunkt")
	dec, sig := dest.PrivateJWKs()
	clientID, clientSecret := dest.SubscriberClient()
	secret := "callback-secret-aus-dem-self-service-portal"
	form := url.Values{"label": {"Gewerbeamt"}, "destination": {dest.ID}, "token_url": {svc.TokenURL()}, "submission_url": {svc.URL()},
		"client": {clientID}, "client_secret": {clientSecret}, "decryption_keys": {dec}, "signing_key": {sig}, "callback_secret": {secret}}
	bad := cloneValues(form)
	bad.Set("signing_key", `{"kty":"RSA","kid":"nur-oeffentlich","n":"AQAB","e":"AQAB"}`)
	gerd.post("/gladbeck/verwaltung/fitconnect-empfang", bad).expect(422, "Signaturschlüssel: kein privater RSA-Schlüssel", `href="#signing_key"`)
	if strings.Contains(gerd.body, clientSecret) || strings.Contains(gerd.body, `"d":`) {
		t.Fatal("a secret or private key is shown back")
	}
	gerd.post("/gladbeck/verwaltung/fitconnect-empfang", form).expect(200, "Der Zustellpunkt ist gespeichert", dest.ID)
	m := callbackRe.FindStringSubmatch(gerd.body)
	if m == nil {
		t.Fatalf("no callback address on the page:\n%s", gerd.body)
	}
	callbackPath := m[0]

	// Forged or stale callbacks are refused and make the portal fetch nothing.
	for name, ts0 := range map[string]time.Time{"stale": time.Now().Add(-10 * time.Minute), "forged": time.Now()} {
		body := []byte(`{"submissions":[]}`)
		stamp := strconv.FormatInt(ts0.Unix(), 10)
		key := []byte(secret)
		if name == "forged" {
			key = []byte("geraten-geraten-geraten-geraten-geraten")
		}
		req, _ := http.NewRequest(http.MethodPost, ts.URL+callbackPath, bytes.NewReader(body))
		req.Header.Set(fitconnect.CallbackTimestampHeader, stamp)
		req.Header.Set(fitconnect.CallbackAuthHeader, fitconnect.SignCallback(key, stamp, body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("%s callback: %d", name, resp.StatusCode)
		}
	}

	dest.SetCallback(ts.URL+callbackPath, []byte(secret), nil)
	anzeige, err := os.ReadFile("../xgewerbe/testdata/kosit/xgwa2.2-valid.xml")
	if err != nil {
		t.Fatal(err)
	}
	sender, err := fitconnect.New(svc.SenderConfig())
	if err != nil {
		t.Fatal(err)
	}
	sent, err := sender.Send(ctx, fitconnect.Submission{LeikaKey: "99050012104000", ARS: gladbeck.ARS, ServiceName: "Gewerbe anmelden",
		Data: anzeige, DataSchema: fitconnect.SubmissionSchema{SchemaURI: "urn:xoev-de:bmwi:standard:xgewerbeanzeige_2.2", MimeType: "application/xml"},
		Attachments: []fitconnect.Attachment{{Filename: "Gewerbeanmeldung.pdf", MimeType: "application/pdf", Purpose: fitconnect.PurposeForm,
			Content: []byte("%PDF-1.4\n% GewA 1\n%%EOF\n")}},
		AdditionalReferenceInfo: &fitconnect.AdditionalReferenceInfo{SenderReference: "WSP-NRW-2026-4711", ApplicationDate: "2026-11-27"}})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	// The portal accepts inside the callback request; the Zustelldienst
	// records the callback's answer only after the request ends.
	for (svc.State(sent.SubmissionID) != "accepted" || len(dest.CallbackResults()) == 0) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if st := svc.State(sent.SubmissionID); st != "accepted" {
		t.Fatalf("Zustelldienst state %q, callbacks answered %v", st, dest.CallbackResults())
	}
	if got := dest.CallbackResults(); len(got) != 1 || got[0] != http.StatusOK {
		t.Fatalf("callback answers %v", got)
	}
	events, err := sender.Poll(ctx, sent.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := fitconnect.StatusOf(events, sent.Reference()); st != fitconnect.StatusAccepted {
		t.Fatalf("the sender sees %q", st)
	}

	// The operator sees the outcome but, having no right to read cases,
	// no link to the case.
	gerd.get("/gladbeck/verwaltung/fitconnect-empfang").expect(200, "angenommen")
	if strings.Contains(gerd.body, "Vorgang öffnen") {
		t.Fatal("the operator admin is offered the case")
	}

	gustav := newBrowser(t, ts)
	staffLogin(t, gustav, "gladbeck-sachbearbeitung@demo.example")
	gustav.get("/gladbeck/verwaltung/vorgaenge").expect(200, gladbeck.Code+"-")
	c := gladbeckCaseRe.FindStringSubmatch(gustav.body)
	if c == nil {
		t.Fatalf("no case in Gladbeck's inbox:\n%s", gustav.body)
	}
	gustav.get("/gladbeck/verwaltung/fitconnect-empfang").expect(200, "angenommen", `href="`+c[1]+`">Vorgang öffnen`)
	gustav.get(c[1]).expect(200, "Übermittlung über FIT-Connect", "WSP-NRW-2026-4711", "Gewerbe anmelden",
		"Betrieb", "Pick", "Gewerbeanmeldung.pdf")

	// The Antragsbestätigung, which goes along when the office forwards the
	// application by e-mail, carries the received data too.
	if _, err := exec.LookPath("pdftotext"); err == nil {
		entries, err := uc.Inbound.Entries(ctx, gladbeck.ID, 10)
		if err != nil || len(entries) != 1 {
			t.Fatalf("Gladbeck received %d (%v)", len(entries), err)
		}
		sub, err := uc.Submissions.Submission(ctx, gladbeck.ID, entries[0].LocalSubmissionID)
		if err != nil {
			t.Fatal(err)
		}
		pdf, err := uc.ReceiptPDF(ctx, sub, "")
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("pdftotext", "-enc", "UTF-8", "-", "-")
		cmd.Stdin = bytes.NewReader(pdf)
		text, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"Übermittlung über FIT-Connect", "WSP-NRW-2026-4711", "Pick"} {
			if !strings.Contains(string(text), want) {
				t.Errorf("Antragsbestätigung lacks %q:\n%s", want, text)
			}
		}
	}

	// Dorsten sees none of it.
	doris := newBrowser(t, ts)
	staffLogin(t, doris, "dorsten-admin@demo.example")
	doris.get("/dorsten/verwaltung/fitconnect-empfang").expect(200, "Noch keine Anträge über FIT-Connect empfangen", "Noch kein Zustellpunkt")
	if doris.post("/gladbeck/verwaltung/fitconnect-empfang", form); doris.code != http.StatusForbidden {
		t.Fatalf("Dorsten's admin configured Gladbeck: %d", doris.code)
	}
}
