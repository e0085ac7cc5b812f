package submission_test

import (
	"bytes"
	"context"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/audit"
	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/keyring"
	"github.com/serviceportal/serviceportal/internal/seed"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/submission"
	"github.com/serviceportal/serviceportal/internal/tenant"
)

type fixture struct {
	db       *store.DB
	svc      *submission.Service
	dorsten  tenant.Tenant
	gladbeck tenant.Tenant
	service  catalog.Service
	audit    *audit.Log
}

func setup(t testing.TB, db *store.DB, hooks ...submission.Hook) fixture {
	t.Helper()
	ctx := context.Background()
	if _, err := seed.All(ctx, db); err != nil {
		t.Fatal(err)
	}
	dir := tenant.NewDirectory(db)
	keys, err := keyring.New(db, bytes.Repeat([]byte{1}, keyring.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	f := fixture{db: db, audit: audit.New(db)}
	f.svc = submission.New(db, keys, f.audit, hooks...)
	f.dorsten, _ = dir.BySlug(ctx, "dorsten")
	f.gladbeck, _ = dir.BySlug(ctx, "gladbeck")
	f.service, err = catalog.New(db, dir).BySlug(ctx, "hundeanmeldung")
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f fixture) input(key string) submission.Input {
	return submission.Input{TenantID: f.dorsten.ID, TenantCode: f.dorsten.Code, ServiceID: f.service.ID, FormID: "hundeanmeldung",
		FormVersion: "1", Values: map[string]any{"F01": "Erika Mustermann", "F02": "Dackel"}, IdempotencyKey: key, ContactEmail: "erika@example.org"}
}

func TestDraftLifecycle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := context.Background()
		d, token, err := f.svc.CreateDraft(ctx, submission.NewDraft{TenantID: f.dorsten.ID, ServiceID: f.service.ID, FormID: "hundeanmeldung", FormVersion: "1"})
		if err != nil || len(token) < 40 {
			t.Fatalf("create: %v (token %q)", err, token)
		}
		d.Values["F01"] = "Erika"
		d.Step = "S02"
		if _, err := f.svc.SaveDraft(ctx, d); err != nil {
			t.Fatal(err)
		}
		got, err := f.svc.DraftByResumeToken(ctx, f.dorsten.ID, token)
		if err != nil || got.Values["F01"] != "Erika" || got.Step != "S02" {
			t.Fatalf("resume: %+v, %v", got, err)
		}
		if _, err := f.svc.DraftByResumeToken(ctx, f.gladbeck.ID, token); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Gladbeck resumed Dorsten's draft: %v", err)
		}
		if _, err := f.svc.DraftByResumeToken(ctx, f.dorsten.ID, token+"x"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("wrong token: %v", err)
		}
		// The stored payload is not readable without the key.
		var raw []byte
		db.QueryRow(ctx, `SELECT payload FROM drafts WHERE id = ?`, d.ID).Scan(&raw)
		if bytes.Contains(raw, []byte("Erika")) {
			t.Error("draft stored in plain text")
		}
		// Expiry: a draft not touched for 30 days is deleted.
		if _, err := db.Exec(ctx, `UPDATE drafts SET expires_at = ? WHERE id = ?`, d.UpdatedAt.AddDate(0, 0, -1), d.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Draft(ctx, f.dorsten.ID, d.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("expired draft still readable: %v", err)
		}
		if n, err := f.svc.DeleteExpiredDrafts(ctx); err != nil || n != 1 {
			t.Errorf("DeleteExpiredDrafts = %d, %v", n, err)
		}
	})
}

func TestAttachmentsStreamAndVerify(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := context.Background()
		d, _, _ := f.svc.CreateDraft(ctx, submission.NewDraft{TenantID: f.dorsten.ID, ServiceID: f.service.ID, FormID: "hundeanmeldung", FormVersion: "1"})
		content := bytes.Repeat([]byte("Impfpass-Seite "), 50000) // ~750 KB, three chunks
		a, err := f.svc.PutAttachment(ctx, submission.NewAttachment{TenantID: f.dorsten.ID, DraftID: d.ID, FieldPath: "F10",
			Filename: "impfpass.pdf", ContentType: "application/pdf", MaxSize: 1 << 20}, bytes.NewReader(content))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha512.Sum512(content)
		if a.Size != int64(len(content)) || a.SHA512 != hex.EncodeToString(sum[:]) {
			t.Fatalf("size %d sha %s", a.Size, a.SHA512)
		}
		var out bytes.Buffer
		if err := f.svc.WriteAttachment(ctx, &out, a); err != nil || !bytes.Equal(out.Bytes(), content) {
			t.Fatalf("read back %d bytes, %v", out.Len(), err)
		}
		_, err = f.svc.PutAttachment(ctx, submission.NewAttachment{TenantID: f.dorsten.ID, DraftID: d.ID, FieldPath: "F10",
			Filename: "gross.pdf", ContentType: "application/pdf", MaxSize: 1000}, io.LimitReader(zeros{}, 5000))
		if !errors.Is(err, submission.ErrTooLarge) {
			t.Fatalf("oversized upload: %v", err)
		}
		as, _ := f.svc.DraftAttachments(ctx, f.dorsten.ID, d.ID)
		if len(as) != 1 {
			t.Fatalf("%d attachments after a rejected upload, want 1", len(as))
		}
		if _, err := f.svc.Attachment(ctx, f.gladbeck.ID, a.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Gladbeck reads Dorsten's attachment: %v", err)
		}
		// Submitting hands the file over and removes the draft.
		in := f.input("draft:" + d.ID)
		in.DraftID = d.ID
		res, err := f.svc.Submit(ctx, in)
		if err != nil || len(res.Submission.Attachments) != 1 {
			t.Fatalf("submit: %d attachments, %v", len(res.Submission.Attachments), err)
		}
		if _, err := f.svc.Draft(ctx, f.dorsten.ID, d.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("draft survives submission: %v", err)
		}
		// Tampering with a stored chunk is detected.
		tamper(t, db, a)
		if err := f.svc.WriteAttachment(ctx, io.Discard, a); err == nil {
			t.Error("tampered attachment read without error")
		}
	})
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func TestSubmitIsIdempotentUnderConcurrency(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var hookCalls int
		var mu sync.Mutex
		f := setup(t, db, func(ctx context.Context, s submission.Submission) error {
			mu.Lock()
			hookCalls++
			mu.Unlock()
			return nil
		})
		ctx := context.Background()
		const n = 200
		var wg sync.WaitGroup
		ids := make(chan string, n)
		errs := make(chan error, n)
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := f.svc.Submit(ctx, f.input("same-intent"))
				if err != nil {
					errs <- err
					return
				}
				ids <- res.Submission.ID + "|" + res.Submission.TrackingNumber + "|" + res.StatusToken
			}()
		}
		wg.Wait()
		close(ids)
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		distinct := map[string]bool{}
		for id := range ids {
			distinct[id] = true
		}
		var count int
		db.QueryRow(ctx, `SELECT COUNT(*) FROM submissions`).Scan(&count)
		if len(distinct) != 1 || count != 1 || hookCalls != 1 {
			t.Fatalf("%d distinct answers, %d rows, %d hook calls; want 1 each", len(distinct), count, hookCalls)
		}
		if n, err := f.audit.Verify(ctx, f.dorsten.ID); err != nil || n != 1 {
			t.Fatalf("audit: %d events, %v", n, err)
		}
	})
}

func TestSubmitStatusAndIsolation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		boom := errors.New("case could not be opened")
		fail := false
		f := setup(t, db, func(ctx context.Context, s submission.Submission) error {
			if fail {
				return boom
			}
			return nil
		})
		ctx := context.Background()
		first, err := f.svc.Submit(ctx, f.input("a"))
		if err != nil {
			t.Fatal(err)
		}
		// A repeat answers with the first and uses no number, on
		// PostgreSQL either: the look-up and the claim are one statement.
		if again, err := f.svc.Submit(ctx, f.input("a")); err != nil || again.Created || again.Submission.TrackingNumber != first.Submission.TrackingNumber {
			t.Fatalf("repeat: %+v, %v", again.Submission, err)
		}
		second, err := f.svc.Submit(ctx, f.input("b"))
		if err != nil {
			t.Fatal(err)
		}
		if want := strings.Replace(first.Submission.TrackingNumber, "000001", "000002", 1); second.Submission.TrackingNumber != want {
			t.Errorf("second number %s after a repeat, want %s", second.Submission.TrackingNumber, want)
		}
		if !strings.HasPrefix(first.Submission.TrackingNumber, "DOR-") || first.Submission.TrackingNumber >= second.Submission.TrackingNumber {
			t.Errorf("tracking numbers %s, %s", first.Submission.TrackingNumber, second.Submission.TrackingNumber)
		}
		// A failing hook rolls everything back: no submission, no number used.
		fail = true
		if _, err := f.svc.Submit(ctx, f.input("c")); !errors.Is(err, boom) {
			t.Fatalf("hook error: %v", err)
		}
		fail = false
		third, _ := f.svc.Submit(ctx, f.input("d"))
		// Gapless on SQLite; PostgreSQL claims numbers outside the
		// transaction (see nextTrackingNumber), so the failed one is gone.
		next := "000003"
		if db.Dialect() == store.Postgres {
			next = "000004"
		}
		if want := strings.Replace(second.Submission.TrackingNumber, "000002", next, 1); third.Submission.TrackingNumber != want {
			t.Errorf("third number %s, want %s", third.Submission.TrackingNumber, want)
		}
		got, err := f.svc.ByStatusToken(ctx, f.dorsten.ID, first.StatusToken)
		if err != nil || got.ID != first.Submission.ID || got.Values["F02"] != "Dackel" {
			t.Fatalf("status link: %+v, %v", got, err)
		}
		if _, err := f.svc.ByStatusToken(ctx, f.gladbeck.ID, first.StatusToken); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Gladbeck opens Dorsten's status link: %v", err)
		}
		if _, err := f.svc.Submission(ctx, f.gladbeck.ID, first.Submission.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Gladbeck reads Dorsten's submission: %v", err)
		}
		if err := f.svc.AddEvent(ctx, f.dorsten.ID, first.Submission.ID, "in_pruefung", "Ihr Antrag wird geprüft."); err != nil {
			t.Fatal(err)
		}
		evs, err := f.svc.Events(ctx, f.dorsten.ID, first.Submission.ID)
		if err != nil || len(evs) != 2 || evs[1].Status != "in_pruefung" {
			t.Fatalf("timeline: %+v, %v", evs, err)
		}
		if err := f.svc.DeletePayload(ctx, f.dorsten.ID, first.Submission.ID); err != nil {
			t.Fatal(err)
		}
		after, err := f.svc.Submission(ctx, f.dorsten.ID, first.Submission.ID)
		if err != nil || after.Values != nil || after.TrackingNumber != first.Submission.TrackingNumber {
			t.Fatalf("after retention: %+v, %v", after, err)
		}
		if _, err := f.svc.Submit(ctx, f.input("")); !errors.Is(err, submission.ErrNoIdempotencyKey) {
			t.Errorf("empty key: %v", err)
		}
	})
}

// TestSubmitOnOneConnection submits with a pool of a single connection: on
// PostgreSQL the tracking number is claimed before the transaction, and a
// claim that needed a second connection beside the open transaction would
// hang here. The claim's unflushed commit must not leave its setting on
// the connection for the statements that follow.
func TestSubmitOnOneConnection(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		db.WritePool().SetMaxOpenConns(1)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		for _, key := range []string{"one", "two", "one"} {
			if _, err := f.svc.Submit(ctx, f.input(key)); err != nil {
				t.Fatalf("submit %s on one connection: %v", key, err)
			}
		}
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM submissions WHERE tenant_id = ?`, f.dorsten.ID).Scan(&n); err != nil || n != 2 {
			t.Fatalf("%d submissions, %v; want 2", n, err)
		}
		if db.Dialect() != store.Postgres {
			return
		}
		var mode string
		if err := db.QueryRow(ctx, `SHOW synchronous_commit`).Scan(&mode); err != nil || mode != "on" {
			t.Fatalf("synchronous_commit after submitting = %q, %v; want on", mode, err)
		}
	})
}
