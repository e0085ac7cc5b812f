package mailbox_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/serviceportal/serviceportal/internal/audit"
	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/keyring"
	"github.com/serviceportal/serviceportal/internal/mailbox"
	"github.com/serviceportal/serviceportal/internal/seed"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/submission"
	"github.com/serviceportal/serviceportal/internal/tenant"
)

func TestPostListAndNotify(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		seed.All(ctx, db)
		dir := tenant.NewDirectory(db)
		dorsten, _ := dir.BySlug(ctx, "dorsten")
		gladbeck, _ := dir.BySlug(ctx, "gladbeck")
		svc, _ := catalog.New(db, dir).BySlug(ctx, "hundeanmeldung")
		keys, _ := keyring.New(db, bytes.Repeat([]byte{3}, keyring.KeySize))
		subs := submission.New(db, keys, audit.New(db))
		res, err := subs.Submit(ctx, submission.Input{TenantID: dorsten.ID, TenantCode: "DOR", ServiceID: svc.ID, FormID: "x", FormVersion: "1",
			Values: map[string]any{}, IdempotencyKey: "k"})
		if err != nil {
			t.Fatal(err)
		}
		box := mailbox.New(db, keys)
		notified := 0
		boom := errors.New("mail down")
		fail := false
		box.Notify = func(ctx context.Context, m mailbox.Message) error {
			if fail {
				return boom
			}
			notified++
			return nil
		}
		in := mailbox.Message{TenantID: dorsten.ID, SubmissionID: res.Submission.ID, Direction: mailbox.ToCitizen, Author: "Stadt Dorsten",
			Subject: "Unterlagen fehlen", Body: "Bitte laden Sie den Impfpass hoch."}
		if _, err := box.Post(ctx, in); err != nil {
			t.Fatal(err)
		}
		fail = true
		if _, err := box.Post(ctx, in); !errors.Is(err, boom) {
			t.Fatalf("failed notice: %v", err)
		}
		fail = false
		if _, err := box.Post(ctx, mailbox.Message{TenantID: dorsten.ID, SubmissionID: res.Submission.ID, Direction: mailbox.ToAuthority,
			Author: "Antragsteller", Subject: "Antwort", Body: "Anbei der Impfpass.", AttachmentIDs: []string{"a1"}}); err != nil {
			t.Fatal(err)
		}
		msgs, err := box.List(ctx, dorsten.ID, res.Submission.ID)
		if err != nil || len(msgs) != 2 || notified != 1 || msgs[1].AttachmentIDs[0] != "a1" || msgs[0].Body != "Bitte laden Sie den Impfpass hoch." {
			t.Fatalf("messages %+v, notified %d, %v", msgs, notified, err)
		}
		if other, _ := box.List(ctx, gladbeck.ID, res.Submission.ID); len(other) != 0 {
			t.Errorf("Gladbeck lists Dorsten's messages")
		}
		var raw []byte
		db.QueryRow(ctx, `SELECT body FROM messages LIMIT 1`).Scan(&raw)
		if bytes.Contains(raw, []byte("Impfpass")) {
			t.Error("message stored in plain text")
		}
	})
}
