package web_test

import (
	"bytes"
	"context"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/delivery"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/submission"
	"github.com/serviceportal/serviceportal/internal/web"
)

// credentials are what the admin's page shows once after creating a client.
type credentials struct{ id, secret, webhookSecret string }

var credRe = regexp.MustCompile(`id="(client-id|client-secret|webhook-secret)">([^<]+)<`)

// createClient registers a back-end client through the staff pages.
func createClient(t *testing.T, b *browser, base string, form url.Values) credentials {
	t.Helper()
	b.get(base+"/verwaltung/schnittstellen").expect(200, "Zugang anlegen")
	b.post(base+"/verwaltung/schnittstellen", form).expect(200, "angelegt", "Client-Secret", "nur jetzt angezeigt")
	var c credentials
	for _, m := range credRe.FindAllStringSubmatch(b.body, -1) {
		switch m[1] {
		case "client-id":
			c.id = m[2]
		case "client-secret":
			c.secret = m[2]
		case "webhook-secret":
			c.webhookSecret = m[2]
		}
	}
	if c.id == "" || c.secret == "" {
		t.Fatalf("credentials not shown:\n%s", b.body)
	}
	return c
}

// backendSystem is a Fachverfahren calling the API.
type backendSystem struct {
	t     *testing.T
	ts    *httptest.Server
	token string
}

// tokenRequest asks for a token with HTTP Basic (basic) or form fields.
func tokenRequest(t *testing.T, ts *httptest.Server, c credentials, basic bool) (int, http.Header, map[string]any) {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}}
	if !basic {
		form.Set("client_id", c.id)
		form.Set("client_secret", c.secret)
	}
	req, _ := http.NewRequest("POST", ts.URL+"/api/v1/backend/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basic {
		req.SetBasicAuth(url.QueryEscape(c.id), url.QueryEscape(c.secret))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, resp.Header, out
}

func login(t *testing.T, ts *httptest.Server, c credentials) *backendSystem {
	t.Helper()
	code, _, out := tokenRequest(t, ts, c, true)
	tok, _ := out["access_token"].(string)
	if code != 200 || tok == "" || out["token_type"] != "Bearer" || out["expires_in"] != float64(3600) {
		t.Fatalf("token: %d %v", code, out)
	}
	return &backendSystem{t: t, ts: ts, token: tok}
}

// do calls the API; an absolute portal URL (from a link in an answer) is
// sent to the test server.
func (s *backendSystem) do(method, target string, body any) (*http.Response, []byte) {
	s.t.Helper()
	target = strings.TrimPrefix(target, "http://portal.test")
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req, _ := http.NewRequest(method, s.ts.URL+target, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if s.token != "" {
		req.Header.Set("Authorization", "Bearer "+s.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp, raw
}

func (s *backendSystem) getJSON(target string, want int, out any) {
	s.t.Helper()
	resp, raw := s.do("GET", target, nil)
	if resp.StatusCode != want {
		s.t.Fatalf("GET %s: %d, want %d\n%s", target, resp.StatusCode, want, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			s.t.Fatalf("GET %s: %v\n%s", target, err, raw)
		}
	}
}

type apiList struct {
	Submissions []struct {
		ID, TrackingNumber, URL string
		Service                 struct{ Slug string }
	}
	Next    string
	HasMore bool
}

// TestBackendSystemJourney is issue 10's "done when": Dorsten's admin
// registers the dog-tax system in the back office, a citizen applies with
// a file, the system hears of it by a signed webhook, gets a token, pulls
// the application and its file, reports "in progress" with a message, and
// the citizen's status link shows both.
func TestBackendSystemJourney(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ts, uc := newPortal(t, db)
		uc.Identity.SeedDemo(ctx)
		startDeliveries(t, db, uc)
		hooks := make(chan *http.Request, 4)
		bodies := make(chan string, 4)
		receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			hooks <- r
			bodies <- string(body)
		}))
		defer receiver.Close()

		doris := newBrowser(t, ts)
		staffLogin(t, doris, "dorsten-admin@demo.example")
		doris.get("/dorsten/verwaltung").expect(200, "/dorsten/verwaltung/schnittstellen")
		doris.get("/dorsten/verwaltung/schnittstellen").expect(200, "Noch keine Zugänge")
		doris.post("/dorsten/verwaltung/schnittstellen", url.Values{"name": {"Hundesteuer"}, "umfang": {"auswahl"}}).
			expect(422, "Wählen Sie die Leistungen")
		doris.post("/dorsten/verwaltung/schnittstellen", url.Values{"name": {"Hundesteuer"}, "umfang": {"alle"}, "webhook": {"http://fv.dorsten.de/neu"}}).
			expect(422, "unverschlüsselt")
		cred := createClient(t, doris, "/dorsten", url.Values{"name": {"Fachverfahren Hundesteuer"}, "umfang": {"auswahl"},
			"leistung": {"hundeanmeldung"}, "webhook": {receiver.URL + "/neue-antraege"}})
		if cred.webhookSecret == "" {
			t.Fatal("webhook key not shown")
		}
		doris.get("/dorsten/verwaltung/schnittstellen").expect(200, "Fachverfahren Hundesteuer", cred.id, "Hund anmelden", "aktiv seit")
		if strings.Contains(doris.body, cred.secret) {
			t.Fatal("client secret shown again")
		}

		// The citizen applies through the public API with a proof of competence.
		pdf := []byte("%PDF-1.4\nSachkundenachweis Bello\n%%EOF\n")
		created := postDogWithProof(t, ts.URL, "fachverfahren-1", pdf)

		// The webhook announces it, signed, without the answers.
		select {
		case r := <-hooks:
			body := <-bodies
			if err := delivery.VerifySignature(cred.webhookSecret, r.Header.Get(delivery.HeaderTimestamp), body,
				r.Header.Get(delivery.HeaderSignature), time.Minute); err != nil {
				t.Fatalf("webhook signature: %v", err)
			}
			if r.URL.Path != "/neue-antraege" || !strings.Contains(body, `"type":"submission.created"`) || !strings.Contains(body, created.ID) ||
				!strings.Contains(body, created.TrackingNumber) || strings.Contains(body, "Erika") || strings.Contains(body, "Bello") {
				t.Fatalf("webhook %s: %s", r.URL.Path, body)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("webhook not called")
		}

		fv := login(t, ts, cred)
		var list apiList
		fv.getJSON("/api/v1/backend/submissions", 200, &list)
		if len(list.Submissions) != 1 || list.Submissions[0].ID != created.ID || list.Submissions[0].Service.Slug != "hundeanmeldung" || list.Next == "" {
			t.Fatalf("list: %+v", list)
		}
		var again apiList
		fv.getJSON("/api/v1/backend/submissions?since="+url.QueryEscape(list.Next), 200, &again)
		if len(again.Submissions) != 0 || again.Next != list.Next {
			t.Fatalf("after the cursor: %+v", again)
		}
		var sub struct {
			ID, TrackingNumber, SubmittedAt, Status string
			Form                                    struct{ ID, Version string }
			Answers                                 map[string]any
			Attachments                             []struct {
				Filename, ContentType, SHA512, URL string
				Size                               int64
			}
		}
		fv.getJSON(list.Submissions[0].URL, 200, &sub)
		if sub.TrackingNumber != created.TrackingNumber || sub.Form.ID != "hundeanmeldung" || sub.Status != "eingegangen" ||
			sub.Answers["F90000001"] != "Erika" || len(sub.Attachments) != 1 {
			t.Fatalf("application: %+v", sub)
		}
		a := sub.Attachments[0]
		sum := sha512.Sum512(pdf)
		if a.Filename != "sachkunde.pdf" || a.ContentType != "application/pdf" || a.Size != int64(len(pdf)) || a.SHA512 != hex.EncodeToString(sum[:]) {
			t.Fatalf("attachment: %+v", a)
		}
		resp, file := fv.do("GET", a.URL, nil)
		if resp.StatusCode != 200 || !bytes.Equal(file, pdf) || resp.Header.Get("Content-Type") != "application/pdf" ||
			!strings.HasPrefix(resp.Header.Get("Repr-Digest"), "sha-512=:") {
			t.Fatalf("file: %d %q %v", resp.StatusCode, file, resp.Header)
		}

		resp, raw := fv.do("POST", "/api/v1/backend/submissions/"+created.ID+"/events", map[string]string{"status": "erledigt"})
		if resp.StatusCode != 422 || !strings.Contains(string(raw), `"name":"status"`) || !strings.Contains(resp.Header.Get("Content-Type"), "problem+json") {
			t.Fatalf("unknown status: %d %s", resp.StatusCode, raw)
		}
		message := "Wir prüfen die Angaben zu Ihrem Hund Bello; der Steuerbescheid folgt."
		resp, raw = fv.do("POST", "/api/v1/backend/submissions/"+created.ID+"/events", map[string]string{"status": "in_progress", "message": message})
		if resp.StatusCode != 201 {
			t.Fatalf("report: %d %s", resp.StatusCode, raw)
		}

		// The citizen's status link shows the new state and the message.
		citizen := newBrowser(t, ts)
		citizen.get(strings.TrimPrefix(created.StatusURL, "http://portal.test")).expect(200, "In Bearbeitung", "Bello; der Steuerbescheid folgt.")

		dorsten, _ := uc.Tenants.BySlug(ctx, "dorsten")
		events, err := uc.Audit.List(ctx, dorsten.ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, e := range events {
			if e.Actor == "backend_client:"+cred.id {
				seen[e.Action] = true
			}
		}
		for _, action := range []string{"backend.submission_read", "backend.attachment_read", "backend.status_reported"} {
			if !seen[action] {
				t.Errorf("audit log lacks %s by the client: %v", action, seen)
			}
		}
	})
}

// submitFor files an application of the tenant for the service directly
// through the use case.
func submitFor(t *testing.T, uc *web.UseCases, tenantSlug, serviceSlug, key string) submission.Submission {
	t.Helper()
	ctx := context.Background()
	ten, err := uc.Tenants.BySlug(ctx, tenantSlug)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := uc.Catalog.BySlug(ctx, serviceSlug)
	if err != nil {
		t.Fatal(err)
	}
	res, err := uc.Submissions.Submit(ctx, submission.Input{TenantID: ten.ID, TenantCode: ten.Code, ServiceID: svc.ID,
		FormID: serviceSlug, FormVersion: "1", Values: map[string]any{"name": "Erika Mustermann"}, IdempotencyKey: key})
	if err != nil {
		t.Fatal(err)
	}
	return res.Submission
}

// TestBackendAPIRefuses: wrong credentials, other tenants, other services,
// expired tokens and revoked clients get nothing, with the answers OAuth
// clients and RFC 6750 expect.
func TestBackendAPIRefuses(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ts, uc := newPortal(t, db)
		uc.Identity.SeedDemo(ctx)
		doris := newBrowser(t, ts)
		staffLogin(t, doris, "dorsten-admin@demo.example")
		dogCred := createClient(t, doris, "/dorsten", url.Values{"name": {"Hundesteuer"}, "umfang": {"auswahl"}, "leistung": {"hundeanmeldung"}})
		allCred := createClient(t, doris, "/dorsten", url.Values{"name": {"Alles"}, "umfang": {"alle"}})
		// The data centre's admin manages Gladbeck's clients too.
		gerd := newBrowser(t, ts)
		staffLogin(t, gerd, "gkd-admin@demo.example")
		gladbeckCred := createClient(t, gerd, "/gladbeck", url.Values{"name": {"Gladbecker Verfahren"}, "umfang": {"alle"}})

		dorstenDog := submitFor(t, uc, "dorsten", "hundeanmeldung", "r-1")
		dorstenBulky := submitFor(t, uc, "dorsten", "sperrmuell-anmelden", "r-2")
		gladbeckDog := submitFor(t, uc, "gladbeck", "hundeanmeldung", "r-3")

		for _, tc := range []struct {
			name  string
			c     credentials
			basic bool
		}{
			{"wrong secret, Basic", credentials{id: dogCred.id, secret: allCred.secret}, true},
			{"wrong secret, form", credentials{id: dogCred.id, secret: allCred.secret}, false},
			{"unknown client", credentials{id: "unbekannt", secret: dogCred.secret}, true},
			{"no secret", credentials{id: dogCred.id}, false},
		} {
			code, header, out := tokenRequest(t, ts, tc.c, tc.basic)
			if code != 401 || out["error"] != "invalid_client" || !strings.HasPrefix(header.Get("WWW-Authenticate"), "Basic") ||
				header.Get("Cache-Control") != "no-store" {
				t.Errorf("%s: %d %v %v", tc.name, code, out, header)
			}
		}
		for _, tc := range []struct {
			name, ctype, body string
			want              string
		}{
			{"password grant", "application/x-www-form-urlencoded", "grant_type=password&client_id=" + dogCred.id + "&client_secret=" + dogCred.secret, "unsupported_grant_type"},
			{"no grant type", "application/x-www-form-urlencoded", "client_id=" + dogCred.id + "&client_secret=" + dogCred.secret, "invalid_request"},
			{"JSON body", "application/json", `{"grant_type":"client_credentials"}`, "invalid_request"},
			{"repeated parameter", "application/x-www-form-urlencoded", "grant_type=client_credentials&grant_type=client_credentials&client_id=" + dogCred.id + "&client_secret=" + dogCred.secret, "invalid_request"},
		} {
			resp, err := http.Post(ts.URL+"/api/v1/backend/token", tc.ctype, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			var out map[string]any
			json.NewDecoder(resp.Body).Decode(&out)
			resp.Body.Close()
			if resp.StatusCode != 400 || out["error"] != tc.want {
				t.Errorf("%s: %d %v, want 400 %s", tc.name, resp.StatusCode, out, tc.want)
			}
		}

		anonymous := &backendSystem{t: t, ts: ts}
		if resp, _ := anonymous.do("GET", "/api/v1/backend/submissions", nil); resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") == "" {
			t.Fatalf("without token: %d %v", resp.StatusCode, resp.Header)
		}
		forged := &backendSystem{t: t, ts: ts, token: "gefälscht"}
		if resp, _ := forged.do("GET", "/api/v1/backend/submissions", nil); resp.StatusCode != 401 ||
			!strings.Contains(resp.Header.Get("WWW-Authenticate"), `error="invalid_token"`) {
			t.Fatalf("forged token: %d %v", resp.StatusCode, resp.Header)
		}

		dogFV, allFV, gladbeckFV := login(t, ts, dogCred), login(t, ts, allCred), login(t, ts, gladbeckCred)
		listed := func(s *backendSystem) map[string]bool {
			var l apiList
			s.getJSON("/api/v1/backend/submissions?limit=200", 200, &l)
			ids := map[string]bool{}
			for _, it := range l.Submissions {
				ids[it.ID] = true
			}
			return ids
		}
		for _, tc := range []struct {
			name      string
			fv        *backendSystem
			sees, not []string
		}{
			{"Dorsten, dogs only", dogFV, []string{dorstenDog.ID}, []string{dorstenBulky.ID, gladbeckDog.ID}},
			{"Dorsten, all services", allFV, []string{dorstenDog.ID, dorstenBulky.ID}, []string{gladbeckDog.ID}},
			{"Gladbeck", gladbeckFV, []string{gladbeckDog.ID}, []string{dorstenDog.ID, dorstenBulky.ID}},
		} {
			ids := listed(tc.fv)
			for _, id := range tc.sees {
				if !ids[id] {
					t.Errorf("%s: %s not listed", tc.name, id)
				}
				tc.fv.getJSON("/api/v1/backend/submissions/"+id, 200, nil)
			}
			for _, id := range tc.not {
				if ids[id] {
					t.Errorf("%s: %s listed", tc.name, id)
				}
				tc.fv.getJSON("/api/v1/backend/submissions/"+id, 404, nil)
				if resp, _ := tc.fv.do("POST", "/api/v1/backend/submissions/"+id+"/events", map[string]string{"status": "accepted"}); resp.StatusCode != 404 {
					t.Errorf("%s: report on %s: %d", tc.name, id, resp.StatusCode)
				}
			}
		}
		if resp, raw := allFV.do("GET", "/api/v1/backend/submissions?since=gestern", nil); resp.StatusCode != 400 || !strings.Contains(string(raw), `"name":"since"`) {
			t.Fatalf("bad since: %d %s", resp.StatusCode, raw)
		}

		// An expired token is refused.
		if _, err := db.Exec(ctx, `UPDATE backend_tokens SET expires_at = ?`, time.Now().UTC().Add(-time.Minute)); err != nil {
			t.Fatal(err)
		}
		if resp, _ := allFV.do("GET", "/api/v1/backend/submissions", nil); resp.StatusCode != 401 {
			t.Fatalf("expired token: %d", resp.StatusCode)
		}

		// Revoking ends the client's access at once; only Dorsten's admins may.
		dogFV = login(t, ts, dogCred)
		sabine := newBrowser(t, ts)
		staffLogin(t, sabine, "dorsten-sachbearbeitung@demo.example")
		if sabine.get("/dorsten/verwaltung/schnittstellen"); sabine.code != 403 {
			t.Fatalf("caseworker sees the clients: %d", sabine.code)
		}
		gustav := newBrowser(t, ts)
		staffLogin(t, gustav, "gladbeck-sachbearbeitung@demo.example")
		if gustav.get("/gladbeck/verwaltung/schnittstellen"); gustav.code != 403 {
			t.Fatalf("Gladbeck caseworker sees the clients: %d", gustav.code)
		}
		gerd.get("/gladbeck/verwaltung/schnittstellen")
		if gerd.post("/gladbeck/verwaltung/schnittstellen/"+dogCred.id+"/widerrufen", url.Values{}); gerd.code != 404 {
			t.Fatalf("revoking Dorsten's client on Gladbeck's page: %d", gerd.code)
		}
		dogFV.getJSON("/api/v1/backend/submissions", 200, nil)
		doris.get("/dorsten/verwaltung/schnittstellen")
		doris.post("/dorsten/verwaltung/schnittstellen/"+dogCred.id+"/widerrufen", url.Values{}).expect(200, "ist widerrufen", "widerrufen am")
		if resp, _ := dogFV.do("GET", "/api/v1/backend/submissions", nil); resp.StatusCode != 401 {
			t.Fatalf("token of a revoked client: %d", resp.StatusCode)
		}
		if code, _, out := tokenRequest(t, ts, dogCred, true); code != 401 || out["error"] != "invalid_client" {
			t.Fatalf("revoked client asks for a token: %d %v", code, out)
		}
	})
}
