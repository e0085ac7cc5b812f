package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/fitconnect/fitconnecttest"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/web"
)

// TestFitConnectThroughThePages: with FIT-Connect turned on by the
// operator, Dorsten's admin enters the client credentials from the
// Self-Service-Portal in the back office (mistakes are named in German),
// a citizen's Hundeanmeldung goes out encrypted, the authority's system
// accepts it, and the next status poll tells the citizen on the status
// page.
func TestFitConnectThroughThePages(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite)
	ts, uc := newPortal(t, db)
	ctx := context.Background()
	uc.Identity.SeedDemo(ctx)
	svc := fitconnecttest.New(t)
	dest := svc.AddDestination(fitconnecttest.DestinationOptions{LeikaKey: "99110009104000", ARS: "055620012012", Name: "Stadt Dorsten"})
	if err := uc.EnableFitConnect(web.FitConnectSetup{TrustAnchors: svc.TrustAnchors(), Issuer: svc.Issuer(),
		IssuerKeysURL: svc.IssuerKeysURL(), HTTPClient: svc.HTTPClient()}); err != nil {
		t.Fatal(err)
	}
	startDeliveries(t, db, uc)

	doris := newBrowser(t, ts)
	staffLogin(t, doris, "dorsten-admin@demo.example")
	doris.get("/dorsten/verwaltung/zustellungen").expect(200, "Über FIT-Connect zustellen", `value="055620012012"`)
	cfg := svc.SenderConfig()
	form := url.Values{"bezeichnung": {"Steueramt über FIT-Connect"}, "fc-token": {cfg.TokenURL}, "fc-client": {cfg.ClientID},
		"fc-secret": {cfg.ClientSecret}, "fc-zustelldienst": {cfg.SubmissionURL}, "fc-routing": {cfg.RoutingURL},
		"fc-ars": {"055620012012"}, "leistung": {"hundeanmeldung"}}
	bad := cloneValues(form)
	bad.Set("fc-token", "http://token.example/")
	bad.Del("fc-client")
	bad.Del("fc-secret")
	doris.post("/dorsten/verwaltung/zustellwege/fitconnect", bad).
		expect(422, "keine https-Adresse", "Client-ID aus dem Self-Service-Portal fehlt", "Client-Secret", `href="#fc-token"`)
	doris.post("/dorsten/verwaltung/zustellwege/fitconnect", form).expect(200, "Steueramt über FIT-Connect (fitconnect")
	if doris.body == "" || strings.Contains(doris.body, cfg.ClientSecret) {
		t.Fatal("the client secret is shown back")
	}

	res := submitDog(t, uc, "fitconnect-1")
	deadline := time.Now().Add(20 * time.Second)
	var got int
	for time.Now().Before(deadline) {
		r, err := dest.Subscriber().Process(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got += len(r); got > 0 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if got != 1 {
		t.Fatalf("the destination received %d applications", got)
	}
	if n, err := uc.PollRemoteStatus(ctx); err != nil || n != 1 {
		t.Fatalf("status poll told %d citizens (%v)", n, err)
	}
	erika := newBrowser(t, ts)
	erika.get("/dorsten/status/"+res.StatusToken).expect(200, "Die Behörde hat Ihren Antrag angenommen", "In Bearbeitung")

	// A Gladbeck admin cannot add routes to Dorsten.
	greta := newBrowser(t, ts)
	staffLogin(t, greta, "gladbeck-loki@demo.example")
	if greta.post("/dorsten/verwaltung/zustellwege/fitconnect", form); greta.code != 403 {
		t.Fatalf("Gladbeck's coordinator got %d", greta.code)
	}
}
