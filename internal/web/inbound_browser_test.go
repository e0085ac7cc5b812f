package web_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/serviceportal/serviceportal/internal/fitconnect"
	"github.com/serviceportal/serviceportal/internal/fitconnect/fitconnecttest"
	"github.com/serviceportal/serviceportal/internal/inbound"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/web"
	"github.com/serviceportal/serviceportal/internal/web/browsertest"
)

// TestInboundInBrowser: the data centre's admin reaches FIT-Connect-Empfang
// from Zustellungen by keyboard, sees a received Gewerbeanzeige with its
// dates and Gladbeck's destination, and sends the form empty (each field
// names its mistake); every state passes axe at desktop and phone width.
func TestInboundInBrowser(t *testing.T) {
	t.Parallel()
	ts, uc := newPortal(t, storetest.Open(t, store.SQLite))
	ctx := context.Background()
	uc.Identity.SeedDemo(ctx)
	gladbeck, err := uc.Tenants.BySlug(ctx, "gladbeck")
	if err != nil {
		t.Fatal(err)
	}
	svc := fitconnecttest.New(t)
	dest := svc.AddDestination(fitconnecttest.DestinationOptions{LeikaKey: "99050012104000", ARS: gladbeck.ARS})
	if err := uc.EnableFitConnect(web.FitConnectSetup{TrustAnchors: svc.TrustAnchors(), Issuer: svc.Issuer(),
		IssuerKeysURL: svc.IssuerKeysURL(), HTTPClient: svc.HTTPClient()}); err != nil {
		t.Fatal(err)
	}
	dec, sig := dest.PrivateJWKs()
	id, secret := dest.SubscriberClient()
	r, err := uc.Inbound.Configure(ctx, gladbeck.ID, "account:test", inbound.ReceiverInput{DestinationID: dest.ID, Label: "Gewerbeamt",
		TokenURL: svc.TokenURL(), SubmissionURL: svc.URL(), ClientID: id, ClientSecret: secret, DecryptionKeys: dec, SigningKey: sig})
	if err != nil {
		t.Fatal(err)
	}
	anzeige, err := os.ReadFile("../xgewerbe/testdata/kosit/xgwa2.2-valid.xml")
	if err != nil {
		t.Fatal(err)
	}
	sender, err := fitconnect.New(svc.SenderConfig())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sender.Send(ctx, fitconnect.Submission{LeikaKey: "99050012104000", ARS: gladbeck.ARS, ServiceName: "Gewerbe anmelden",
		Data: anzeige, DataSchema: fitconnect.SubmissionSchema{SchemaURI: "urn:xoev-de:bmwi:standard:xgewerbeanzeige_2.2", MimeType: "application/xml"}}); err != nil {
		t.Fatal(err)
	}
	if rep, err := uc.Inbound.Sync(ctx, gladbeck.ID, r.ID); err != nil || rep.Stored != 1 {
		t.Fatalf("sync %+v, %v", rep, err)
	}

	bctx := browsertest.New(t)
	staffLoginInBrowser(t, bctx, ts, "/gladbeck", "gkd-admin@demo.example")
	axe := func(state string) {
		t.Helper()
		vs, err := browsertest.Axe(bctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vs {
			t.Errorf("%s: %s", state, v)
		}
	}
	err = chromedp.Do(bctx,
		chromedp.Navigate(ts.URL+"/gladbeck/verwaltung/zustellungen"),
		browsertest.Press(`a[href$="/verwaltung/fitconnect-empfang"]`),
		chromedp.WaitVisible(chromedp.ID("zustellpunkte")),
	)
	if err != nil {
		t.Fatal(err)
	}
	body, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("main")))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"angenommen", "Gewerbeamt", dest.ID, "/api/v1/fitconnect/callback/" + r.ID} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	axe("list")
	err = chromedp.Do(bctx,
		browsertest.Press(`form[action$="/verwaltung/fitconnect-empfang"] button[type="submit"]`),
		chromedp.WaitVisible(chromedp.ID("destination-error")),
	)
	if err != nil {
		t.Fatal(err)
	}
	axe("form errors")
	if err := chromedp.Do(bctx, chromedp.EmulateViewport(375, 800)); err != nil {
		t.Fatal(err)
	}
	axe("form errors at phone width")
}
