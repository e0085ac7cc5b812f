package casework_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/audit"
	"github.com/serviceportal/serviceportal/internal/casework"
	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/keyring"
	"github.com/serviceportal/serviceportal/internal/seed"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/submission"
	"github.com/serviceportal/serviceportal/internal/tenant"
)

// roles grants fixed roles per (account, tenant).
type roles map[string][]string

func (r roles) RolesFor(ctx context.Context, accountID, tenantID, serviceID string) ([]string, error) {
	return r[accountID+"@"+tenantID], nil
}

type fixture struct {
	cases             *casework.Cases
	subs              *submission.Service
	dorsten, gladbeck tenant.Tenant
	dog, car          catalog.Service
}

func setup(t testing.TB, db *store.DB) fixture {
	t.Helper()
	ctx := context.Background()
	if _, err := seed.All(ctx, db); err != nil {
		t.Fatal(err)
	}
	dir := tenant.NewDirectory(db)
	cat := catalog.New(db, dir)
	var f fixture
	f.dorsten, _ = dir.BySlug(ctx, "dorsten")
	f.gladbeck, _ = dir.BySlug(ctx, "gladbeck")
	f.dog, _ = cat.BySlug(ctx, "hundeanmeldung")
	f.car, _ = cat.BySlug(ctx, "sperrmuell-anmelden")
	log := audit.New(db)
	f.cases = casework.New(db, log, roles{
		"anna@" + f.dorsten.ID:  {casework.RoleCaseworker},
		"gerd@" + f.gladbeck.ID: {casework.RoleCaseworker},
	})
	keys, _ := keyring.New(db, bytes.Repeat([]byte{2}, keyring.KeySize))
	f.subs = submission.New(db, keys, log, func(ctx context.Context, s submission.Submission) error {
		_, err := f.cases.Open(ctx, casework.OpenInput{TenantID: s.TenantID, SubmissionID: s.ID, ServiceID: s.ServiceID,
			TrackingNumber: s.TrackingNumber, ReceivedAt: s.SubmittedAt, Deadline: s.SubmittedAt.Add(14 * 24 * time.Hour)})
		return err
	})
	return f
}

func (f fixture) submit(t testing.TB, ten tenant.Tenant, svc catalog.Service, key string) casework.Case {
	t.Helper()
	ctx := context.Background()
	res, err := f.subs.Submit(ctx, submission.Input{TenantID: ten.ID, TenantCode: ten.Code, ServiceID: svc.ID, FormID: svc.Slug,
		FormVersion: "1", Values: map[string]any{"F01": "x"}, IdempotencyKey: key})
	if err != nil {
		t.Fatal(err)
	}
	cs, err := f.cases.BySubmission(ctx, ten.ID, res.Submission.ID)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func TestWorkflowIsEnforced(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := context.Background()
		cs := f.submit(t, f.dorsten, f.dog, "k1")
		if cs.State != "eingegangen" {
			t.Fatalf("new case in state %s", cs.State)
		}
		week := time.Now().Add(7 * 24 * time.Hour)
		tests := []struct {
			name    string
			actor   string
			tenant  string
			action  string
			in      casework.Input
			wantErr error
			want    string
		}{
			{"Gladbeck caseworker on a Dorsten case", "gerd", f.dorsten.ID, "start_review", casework.Input{}, casework.ErrForbidden, ""},
			{"Gladbeck asks with its own tenant", "gerd", f.gladbeck.ID, "start_review", casework.Input{}, store.ErrNotFound, ""},
			{"approve before review", "anna", f.dorsten.ID, "approve", casework.Input{DocumentID: "d"}, casework.ErrNotAllowed, ""},
			{"made-up action", "anna", f.dorsten.ID, "delete_everything", casework.Input{}, casework.ErrUnknownAction, ""},
			{"start review", "anna", f.dorsten.ID, "start_review", casework.Input{}, nil, "in_pruefung"},
			{"request without deadline", "anna", f.dorsten.ID, "request_documents", casework.Input{Note: "Impfpass fehlt"}, casework.ErrMissingInput, ""},
			{"request documents", "anna", f.dorsten.ID, "request_documents", casework.Input{Note: "Bitte Impfpass nachreichen", Deadline: week}, nil, "nachforderung"},
		}
		for _, tt := range tests {
			got, err := f.cases.Apply(ctx, tt.actor, tt.tenant, cs.ID, tt.action, tt.in)
			if !errors.Is(err, tt.wantErr) || (tt.want != "" && got.State != tt.want) {
				t.Errorf("%s: state %q err %v; want %q, %v", tt.name, got.State, err, tt.want, tt.wantErr)
			}
		}
		reqs, _ := f.cases.OpenRequests(ctx, f.dorsten.ID, cs.ID)
		if len(reqs) != 1 || reqs[0].Text != "Bitte Impfpass nachreichen" {
			t.Fatalf("document requests: %+v", reqs)
		}
		back, err := f.cases.AnswerRequests(ctx, f.dorsten.ID, cs.ID)
		if err != nil || back.State != "in_pruefung" {
			t.Fatalf("after upload: %s, %v", back.State, err)
		}
		done, err := f.cases.Apply(ctx, "anna", f.dorsten.ID, cs.ID, "approve", casework.Input{DocumentID: "bescheid"})
		if err != nil || done.Decision != "bewilligt" || done.DecidedAt == nil {
			t.Fatalf("approve: %+v, %v", done, err)
		}
		closed, err := f.cases.Apply(ctx, "anna", f.dorsten.ID, cs.ID, "close", casework.Input{})
		if err != nil || closed.ClosedAt == nil {
			t.Fatalf("close: %+v, %v", closed, err)
		}
		hist, _ := f.cases.History(ctx, f.dorsten.ID, cs.ID)
		var steps []string
		for _, h := range hist {
			steps = append(steps, h.To)
		}
		if got := strings.Join(steps, ","); got != "eingegangen,in_pruefung,nachforderung,in_pruefung,bewilligt,abgeschlossen" {
			t.Errorf("history %s", got)
		}
		if err := f.cases.AddNote(ctx, "gerd", f.dorsten.ID, cs.ID, "neugierig"); !errors.Is(err, casework.ErrForbidden) {
			t.Errorf("Gladbeck note on Dorsten case: %v", err)
		}
	})
}

func TestInboxFiltersAndPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := context.Background()
		for i := range 23 {
			svc := f.dog
			if i%3 == 0 {
				svc = f.car
			}
			f.submit(t, f.dorsten, svc, fmt.Sprint("d", i))
		}
		f.submit(t, f.gladbeck, f.dog, "g1")
		seen := map[string]bool{}
		cursor := ""
		pages := 0
		for {
			p, err := f.cases.Inbox(ctx, f.dorsten.ID, casework.Filter{Limit: 10, After: cursor})
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, cs := range p.Cases {
				if seen[cs.ID] || cs.TenantID != f.dorsten.ID {
					t.Fatalf("repeated or foreign case %s", cs.ID)
				}
				seen[cs.ID] = true
			}
			if p.Next == "" {
				break
			}
			cursor = p.Next
		}
		if len(seen) != 23 || pages != 3 {
			t.Fatalf("%d cases in %d pages, want 23 in 3", len(seen), pages)
		}
		p, _ := f.cases.Inbox(ctx, f.dorsten.ID, casework.Filter{ServiceID: f.car.ID})
		if len(p.Cases) != 8 {
			t.Errorf("filter by service: %d, want 8", len(p.Cases))
		}
		counts, _ := f.cases.Counts(ctx, f.dorsten.ID, casework.Filter{})
		if counts["eingegangen"] != 23 {
			t.Errorf("counts %v", counts)
		}
		if err := f.cases.Assign(ctx, "anna", f.dorsten.ID, p.Cases[0].ID, "anna"); err != nil {
			t.Fatal(err)
		}
		mine, _ := f.cases.Inbox(ctx, f.dorsten.ID, casework.Filter{AssigneeID: "anna"})
		open, _ := f.cases.Inbox(ctx, f.dorsten.ID, casework.Filter{Unassigned: true, Limit: 100})
		if len(mine.Cases) != 1 || len(open.Cases) != 22 {
			t.Errorf("assigned %d, unassigned %d", len(mine.Cases), len(open.Cases))
		}
		if _, err := f.cases.Inbox(ctx, f.dorsten.ID, casework.Filter{After: "kaputt"}); err == nil {
			t.Error("bad cursor accepted")
		}
		var csv bytes.Buffer
		if err := f.cases.ExportCSV(ctx, f.dorsten.ID, casework.Filter{}, func(string) string { return "=HYPERLINK(\"x\")" }, &csv); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(csv.String()), "\n")
		if len(lines) != 24 || !strings.Contains(lines[1], `'=HYPERLINK`) {
			t.Errorf("CSV: %d lines, second %q", len(lines), lines[1])
		}
		// Overdue: open cases past their deadline, of this tenant only.
		past := time.Now().UTC().Add(-48 * time.Hour)
		for _, cs := range p.Cases[1:4] {
			db.Exec(ctx, `UPDATE cases SET deadline_at = ? WHERE id = ?`, past, cs.ID)
		}
		db.Exec(ctx, `UPDATE cases SET closed_at = ? WHERE id = ?`, past, p.Cases[3].ID)
		db.Exec(ctx, `UPDATE cases SET deadline_at = ? WHERE tenant_id = ?`, past, f.gladbeck.ID)
		late, err := f.cases.Inbox(ctx, f.dorsten.ID, casework.Filter{Overdue: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(late.Cases) != 2 || late.Cases[0].ID != p.Cases[1].ID || late.Cases[1].ID != p.Cases[2].ID {
			t.Errorf("overdue: %d cases, want the 2 open ones past their deadline, newest first", len(late.Cases))
		}
	})
}

func TestSafeCell(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"=1+1": "'=1+1", "+49 2362": "'+49 2362", "-5": "'-5", "@SUM": "'@SUM",
		"\tx": "'\tx", "\rx": "'\rx", "DOR-2026-000001": "DOR-2026-000001", "": ""} {
		if got := casework.SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWorkflowValidation(t *testing.T) {
	t.Parallel()
	if err := casework.DefaultWorkflow().Validate(); err != nil {
		t.Fatal(err)
	}
	bad := `{"id":"x","version":1,"initial":"a","states":[{"id":"a","label":"A","citizen_text":"a"}],
		"transitions":[{"action":"go","label":"Go","from":["a"],"to":"nowhere","roles":["caseworker"]}]}`
	if _, err := casework.ParseWorkflow(strings.NewReader(bad)); err == nil || !strings.Contains(err.Error(), "unknown state") {
		t.Errorf("bad workflow: %v", err)
	}
}

// TestCaseIDs: one query maps a page's submissions to their cases; a
// submission of another tenant or without a case is left out.
func TestCaseIDs(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := context.Background()
		a := f.submit(t, f.dorsten, f.dog, "ids-a")
		b := f.submit(t, f.dorsten, f.dog, "ids-b")
		g := f.submit(t, f.gladbeck, f.dog, "ids-g")
		tests := []struct {
			name string
			subs []string
			want map[string]string
		}{
			{"none", nil, map[string]string{}},
			{"two of the tenant", []string{a.SubmissionID, b.SubmissionID}, map[string]string{a.SubmissionID: a.ID, b.SubmissionID: b.ID}},
			{"another tenant's and an unknown one", []string{a.SubmissionID, g.SubmissionID, "unbekannt"}, map[string]string{a.SubmissionID: a.ID}},
		}
		for _, tt := range tests {
			got, err := f.cases.CaseIDs(ctx, f.dorsten.ID, tt.subs)
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(got, tt.want) {
				t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
			}
		}
	})
}
