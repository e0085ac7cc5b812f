package backend

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/identity"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/submission"
)

// TestTokens: the right secret gets a token that names the client; wrong
// secrets, unknown and revoked clients get ErrInvalidClient; a token
// stops working when it expires or its client is revoked.
func TestTokens(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := context.Background()
		c, cred := f.client(t, []string{f.dog.Slug}, "")
		other, otherCred := f.client(t, nil, "")
		for _, tc := range []struct {
			name, id, secret string
		}{
			{"wrong secret", cred.ClientID, otherCred.ClientSecret},
			{"secret with a typo", cred.ClientID, cred.ClientSecret[:len(cred.ClientSecret)-1] + "x"},
			{"empty secret", cred.ClientID, ""},
			{"unknown client", "unbekannt", cred.ClientSecret},
			{"empty client", "", cred.ClientSecret},
		} {
			if _, err := f.svc.IssueToken(ctx, tc.id, tc.secret); !errors.Is(err, ErrInvalidClient) {
				t.Errorf("%s: %v, want ErrInvalidClient", tc.name, err)
			}
		}
		tok, err := f.svc.IssueToken(ctx, cred.ClientID, cred.ClientSecret)
		if err != nil || len(tok.Value) < 43 || tok.ExpiresIn != time.Hour {
			t.Fatalf("token: %+v %v", tok, err)
		}
		got, err := f.svc.Authenticate(ctx, tok.Value)
		if err != nil || got.ID != c.ID || got.TenantID != f.dorsten.ID || !got.Sees(f.dog.ID) || got.Sees(f.bulky.ID) {
			t.Fatalf("authenticate: %+v %v", got, err)
		}
		var stored int
		db.QueryRow(ctx, `SELECT COUNT(*) FROM backend_tokens WHERE token_hash = ?`, tok.Value).Scan(&stored)
		if stored != 0 {
			t.Fatal("token stored in the clear")
		}
		db.QueryRow(ctx, `SELECT COUNT(*) FROM backend_clients WHERE secret_hash = ?`, cred.ClientSecret).Scan(&stored)
		if stored != 0 {
			t.Fatal("client secret stored in the clear")
		}
		if _, err := f.svc.Authenticate(ctx, tok.Value+"x"); !errors.Is(err, ErrInvalidToken) {
			t.Fatalf("altered token: %v", err)
		}

		f.clock.Advance(time.Hour - time.Second)
		if _, err := f.svc.Authenticate(ctx, tok.Value); err != nil {
			t.Fatalf("token a second before expiry: %v", err)
		}
		f.clock.Advance(time.Second)
		if _, err := f.svc.Authenticate(ctx, tok.Value); !errors.Is(err, ErrInvalidToken) {
			t.Fatalf("expired token: %v", err)
		}
		if n, err := f.svc.DeleteExpiredTokens(ctx); err != nil || n != 1 {
			t.Fatalf("housekeeping deleted %d expired tokens, want 1: %v", n, err)
		}

		otherTok, err := f.svc.IssueToken(ctx, otherCred.ClientID, otherCred.ClientSecret)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.svc.RevokeClient(ctx, f.gladbeckAdmin, f.dorsten.ID, other.ID); !errors.Is(err, identity.ErrForbidden) {
			t.Fatalf("Gladbeck revokes a Dorsten client: %v", err)
		}
		if err := f.svc.RevokeClient(ctx, f.dorstenAdmin, f.gladbeck.ID, other.ID); !errors.Is(err, identity.ErrForbidden) {
			t.Fatalf("Dorsten admin acts on Gladbeck: %v", err)
		}
		if err := f.svc.RevokeClient(ctx, f.dorstenAdmin, f.dorsten.ID, other.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Authenticate(ctx, otherTok.Value); !errors.Is(err, ErrInvalidToken) {
			t.Fatalf("token of a revoked client: %v", err)
		}
		if _, err := f.svc.IssueToken(ctx, otherCred.ClientID, otherCred.ClientSecret); !errors.Is(err, ErrInvalidClient) {
			t.Fatalf("revoked client gets a token: %v", err)
		}
		clients, err := f.svc.Clients(ctx, f.dorstenAdmin, f.dorsten.ID)
		if err != nil || len(clients) != 2 {
			t.Fatalf("clients: %d %v", len(clients), err)
		}
		for _, cl := range clients {
			if cl.Revoked() != (cl.ID == other.ID) {
				t.Errorf("client %s revoked=%v", cl.ID, cl.Revoked())
			}
		}
		if _, err := f.svc.Clients(ctx, f.gladbeckAdmin, f.dorsten.ID); !errors.Is(err, identity.ErrForbidden) {
			t.Fatalf("Gladbeck lists Dorsten's clients: %v", err)
		}
	})
}

// TestCreateClientChecksInput: name, an explicit choice of services from
// the tenant's own, and a webhook address that is https (or loopback).
func TestCreateClientChecksInput(t *testing.T) {
	t.Parallel()
	f := setup(t, storetest.Open(t, store.SQLite))
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		in    ClientInput
		field string
	}{
		{"no name", ClientInput{Services: []string{"hundeanmeldung"}}, "name"},
		{"name too long", ClientInput{Name: strings.Repeat("x", 121), Services: []string{"hundeanmeldung"}}, "name"},
		{"no services chosen", ClientInput{Name: "FV"}, "services"},
		{"unknown service", ClientInput{Name: "FV", Services: []string{"gibt-es-nicht"}}, "services"},
		{"ftp webhook", ClientInput{Name: "FV", AllServices: true, WebhookURL: "ftp://fv.dorsten.de/"}, "webhook"},
		{"plain http webhook", ClientInput{Name: "FV", AllServices: true, WebhookURL: "http://fv.dorsten.de/neu"}, "webhook"},
		{"webhook with password", ClientInput{Name: "FV", AllServices: true, WebhookURL: "https://a:b@fv.dorsten.de/neu"}, "webhook"},
		{"ok, services", ClientInput{Name: "FV", Services: []string{"hundeanmeldung", f.dog.ID}}, ""},
		{"ok, all and https", ClientInput{Name: "FV", AllServices: true, WebhookURL: "https://fv.dorsten.de/neu"}, ""},
		{"ok, loopback http", ClientInput{Name: "FV", AllServices: true, WebhookURL: "http://127.0.0.1:9999/neu"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.in.TenantID = f.dorsten.ID
			c, cred, err := f.svc.CreateClient(ctx, f.dorstenAdmin, tc.in)
			var fe *FieldError
			switch {
			case tc.field == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.field == "":
				if cred.ClientSecret == "" || (cred.WebhookSecret != "") != (tc.in.WebhookURL != "") || c.ID != cred.ClientID {
					t.Fatalf("credentials %+v for %+v", cred, c)
				}
				if !tc.in.AllServices && (len(c.Services) != 1 || c.Services[0] != f.dog.ID) {
					t.Fatalf("services %v, want [%s] once", c.Services, f.dog.ID)
				}
			case !errors.As(err, &fe) || fe.Field != tc.field || !errors.Is(err, ErrInvalidClientInput):
				t.Fatalf("error %v, want field %s", err, tc.field)
			}
		})
	}
	_, _, err := f.svc.CreateClient(ctx, f.gladbeckAdmin, ClientInput{TenantID: f.dorsten.ID, Name: "FV", AllServices: true})
	if !errors.Is(err, identity.ErrForbidden) {
		t.Fatalf("Gladbeck admin creates a Dorsten client: %v", err)
	}
	caseworker := identity.Principal{AccountID: "cw", Kind: identity.Staff, MFAPassed: true,
		Grants: []identity.RoleGrant{{Role: identity.Caseworker, TenantID: f.dorsten.ID}}}
	if _, _, err := f.svc.CreateClient(ctx, caseworker, ClientInput{TenantID: f.dorsten.ID, Name: "FV", AllServices: true}); !errors.Is(err, identity.ErrForbidden) {
		t.Fatalf("caseworker creates a client: %v", err)
	}
}

// TestListIsScoped: a client sees its tenant's applications of its
// services only, oldest first, page by page without gaps or repeats.
func TestListIsScoped(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := context.Background()
		var dogs []string
		for i := range 5 {
			dogs = append(dogs, f.submit(t, f.dorsten, f.dog).ID)
			if i == 2 {
				f.submit(t, f.dorsten, f.bulky)
				f.submit(t, f.gladbeck, f.dog)
			}
		}
		dogOnly, _ := f.client(t, []string{f.dog.Slug}, "")
		all, _ := f.client(t, nil, "")
		// On PostgreSQL the list stops below the oldest transaction still
		// running, which may be another test's for a moment.
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			if list, _, err := f.svc.List(ctx, all, submission.After{}, 0); err != nil || len(list) == 6 || time.Now().After(deadline) {
				break
			}
		}

		var seen []string
		pos := submission.After{}
		for range 10 {
			page, next, err := f.svc.List(ctx, dogOnly, pos, 2)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				if again, _, _ := f.svc.List(ctx, dogOnly, next, 2); len(again) != 0 {
					t.Fatalf("the position after an empty page lists %d again", len(again))
				}
				pos = next
				break
			}
			for _, s := range page {
				seen = append(seen, s.ID)
			}
			pos = next
		}
		if strings.Join(seen, ",") != strings.Join(dogs, ",") {
			t.Fatalf("paged %v\nwant    %v", seen, dogs)
		}
		list, _, err := f.svc.List(ctx, all, submission.After{}, 0)
		if err != nil || len(list) != 6 {
			t.Fatalf("all services: %d %v", len(list), err)
		}
		for _, s := range list {
			if s.TenantID != f.dorsten.ID {
				t.Fatalf("Gladbeck's application listed for Dorsten: %+v", s)
			}
		}
		first, _, _ := f.svc.List(ctx, all, submission.After{}, 1)
		fromTime, _, _ := f.svc.List(ctx, all, submission.After{SubmittedAt: first[0].SubmittedAt}, 100)
		if len(fromTime) != 6 || fromTime[0].ID != first[0].ID {
			t.Fatalf("since the first one's time: %d, first %v", len(fromTime), fromTime)
		}

		gladbeckSub := f.submit(t, f.gladbeck, f.dog)
		bulkySub := f.submit(t, f.dorsten, f.bulky)
		for _, tc := range []struct {
			name string
			c    Client
			id   string
		}{
			{"other tenant", all, gladbeckSub.ID},
			{"other service", dogOnly, bulkySub.ID},
			{"unknown", all, "gibt-es-nicht"},
		} {
			if _, err := f.svc.Submission(ctx, tc.c, tc.id); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s: %v, want not found", tc.name, err)
			}
			if err := f.svc.Report(ctx, tc.c, tc.id, StatusAccepted, ""); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s: report %v, want not found", tc.name, err)
			}
		}
		if sub, err := f.svc.Submission(ctx, dogOnly, dogs[0]); err != nil || sub.Values["name"] != "Erika Mustermann" {
			t.Fatalf("own application: %+v %v", sub, err)
		}
	})
}

// TestReport: a reported status reaches the citizen's timeline with the
// message (or a German default) and the audit log; an unknown one does not.
func TestReport(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := context.Background()
		c, _ := f.client(t, nil, "")
		sub := f.submit(t, f.dorsten, f.dog)
		for _, tc := range []struct {
			status  Status
			message string
			want    string
			note    string
		}{
			{StatusReceived, "", "eingegangen", "im Fachverfahren"},
			{StatusAccepted, "", "angenommen", "angenommen"},
			{StatusInProgress, "  Wir prüfen die Angaben zu Bello.  ", "in_pruefung", "Wir prüfen die Angaben zu Bello."},
			{StatusRejected, "", "zurueckgewiesen", "zurückgewiesen"},
			{StatusDecided, "Bescheid folgt per Post.", "entschieden", "Bescheid folgt per Post."},
		} {
			if err := f.svc.Report(ctx, c, sub.ID, tc.status, tc.message); err != nil {
				t.Fatalf("%s: %v", tc.status, err)
			}
			got, _ := f.subs.Submission(ctx, f.dorsten.ID, sub.ID)
			events, _ := f.subs.Events(ctx, f.dorsten.ID, sub.ID)
			last := events[len(events)-1]
			if got.Status != tc.want || last.Status != tc.want || !strings.Contains(last.Note, tc.note) {
				t.Errorf("%s: status %q, event %+v", tc.status, got.Status, last)
			}
		}
		for _, bad := range []Status{"", "done", "IN_PROGRESS"} {
			if err := f.svc.Report(ctx, c, sub.ID, bad, ""); !errors.Is(err, ErrInvalidStatus) {
				t.Errorf("status %q: %v", bad, err)
			}
		}
		var me *MessageError
		if err := f.svc.Report(ctx, c, sub.ID, StatusAccepted, strings.Repeat("ä", MaxMessageLength+1)); !errors.As(err, &me) {
			t.Errorf("long message: %v", err)
		}
		events, _ := f.audit.List(ctx, f.dorsten.ID, 100)
		reported := 0
		for _, e := range events {
			if e.Action == "backend.status_reported" && e.Actor == "backend_client:"+c.ID {
				reported++
			}
		}
		if reported != 5 {
			t.Fatalf("%d status reports in the audit log, want 5", reported)
		}
	})
}
