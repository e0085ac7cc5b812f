package delivery_test

import (
	"bytes"
	"context"
	"crypto/sha512"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/delivery"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/submission"
)

// TestFlakyReceiverGetsEverySubmission is the promise: a receiver
// that fails 30 % of calls still gets every one of 50 applications, each
// with a valid signature, and can tell repeats by the delivery ID.
func TestFlakyReceiverGetsEverySubmission(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		const n = 50
		secret := delivery.NewSecret()
		rcv, srv := newReceiver(t, secret, 0.3, 2026)
		f := setup(t, db, delivery.Options{}, true)
		f.webhook(t, f.dorsten, "", srv.URL+"/eingang", secret)
		ctx := context.Background()
		subs := map[string]submission.Submission{}
		for range n {
			s := f.submit(t, f.dorsten, f.service)
			subs[s.ID] = s
		}
		waitFor(t, 90*time.Second, "all deliveries delivered", func() bool { return f.states(t, f.dorsten.ID)[delivery.StateDelivered] == n })

		st := rcv.stats()
		if st.distinct != n {
			t.Errorf("receiver got %d distinct deliveries, want %d", st.distinct, n)
		}
		if st.badSig != 0 || st.headerID != 0 {
			t.Errorf("%d requests with a bad signature, %d with a header ID unlike the body's", st.badSig, st.headerID)
		}
		if st.failed == 0 || st.calls < n+st.failed {
			t.Errorf("receiver did not fail as planned: %+v", st)
		}
		t.Logf("receiver: %d calls, %d failed, %d repeats dropped by delivery ID", st.calls, st.failed, st.repeats)

		ds, _, err := f.d.List(ctx, f.dorsten.ID, delivery.StateDelivered, n, "")
		if err != nil || len(ds) != n {
			t.Fatalf("list: %d, %v", len(ds), err)
		}
		attempts := 0
		for _, d := range ds {
			p, ok := rcv.payload(d.ID)
			if !ok {
				t.Fatalf("delivery %s not received", d.ID)
			}
			s := subs[d.SubmissionID]
			if p.TrackingNumber != s.TrackingNumber || p.Tenant != "dorsten" || p.Service.Slug != "hundeanmeldung" ||
				p.Service.LeikaKey != f.service.LeiKa || p.Data["F01"] != "Erika Mustermann" || p.SubmissionID != s.ID ||
				p.SubmittedAt.Sub(s.SubmittedAt).Abs() >= time.Microsecond || p.FormID != s.FormID {
				t.Errorf("payload of %s: %+v", d.ID, p)
			}
			as, err := f.d.Attempts(ctx, f.dorsten.ID, d.ID)
			if err != nil || len(as) != d.Attempts || as[len(as)-1].Outcome != delivery.OutcomeDelivered || as[len(as)-1].HTTPStatus != 202 {
				t.Errorf("attempts of %s: %+v (delivery says %d), %v", d.ID, as, d.Attempts, err)
			}
			for _, a := range as[:len(as)-1] {
				if a.Outcome != delivery.OutcomeFailed || a.HTTPStatus < 500 || a.Error == "" {
					t.Errorf("failed attempt of %s: %+v", d.ID, a)
				}
			}
			attempts += len(as)
		}
		if attempts != st.calls {
			t.Errorf("attempt log has %d attempts, receiver saw %d calls", attempts, st.calls)
		}
	})
}

// TestDeliveredIsNotSentTwice: a job that runs again for a delivered
// delivery sends nothing.
func TestDeliveredIsNotSentTwice(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		secret := delivery.NewSecret()
		rcv, srv := newReceiver(t, secret, 0, 1)
		f := setup(t, db, delivery.Options{}, true)
		f.webhook(t, f.dorsten, f.service.ID, srv.URL, secret)
		ctx := context.Background()
		sub := f.submit(t, f.dorsten, f.service)
		waitFor(t, 20*time.Second, "delivered", func() bool { return f.states(t, f.dorsten.ID)[delivery.StateDelivered] == 1 })
		ds, _ := f.d.ForSubmission(ctx, f.dorsten.ID, sub.ID)
		for range 2 {
			if err := f.q.Enqueue(ctx, delivery.DeliverArgs{DeliveryID: ds[0].ID, TenantID: f.dorsten.ID}, nil); err != nil {
				t.Fatal(err)
			}
		}
		waitFor(t, 20*time.Second, "duplicate jobs done", func() bool {
			return f.count(t, `SELECT COUNT(*) FROM river_job WHERE kind = 'delivery' AND state = 'completed'`) == 3
		})
		if st := rcv.stats(); st.calls != 1 {
			t.Errorf("receiver called %d times, want 1", st.calls)
		}
		if as, _ := f.d.Attempts(ctx, f.dorsten.ID, ds[0].ID); len(as) != 1 {
			t.Errorf("attempts: %d, want 1", len(as))
		}
	})
}

// TestWebhookPayloadFiles: small files travel inline (base64) with their
// SHA-512; above the limit only their description does.
func TestWebhookPayloadFiles(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db, delivery.Options{}, false)
		ctx := context.Background()
		scan := strings.Repeat("Impfpass-Scan ", 3000)
		sub := f.submit(t, f.dorsten, f.service, file{"impfpass.pdf", "application/pdf", scan}, file{"foto.jpg", "image/jpeg", "JPEG"})
		d := delivery.Delivery{ID: "dlv1", TenantID: sub.TenantID, SubmissionID: sub.ID}
		describe := func(context.Context, submission.Submission) (delivery.Names, error) {
			return delivery.Names{Tenant: "dorsten", ServiceSlug: "hundeanmeldung", LeikaKey: "99000000000000"}, nil
		}
		tests := []struct {
			name   string
			limit  int64
			inline bool
		}{{"inline", 0, true}, {"metadata only", 1000, false}}
		for _, tt := range tests {
			w := delivery.NewWebhook(delivery.WebhookOptions{Files: f.subs, Describe: describe, InlineLimit: tt.limit,
				AttachmentURL: func(d delivery.Delivery, id string) string {
					return "https://portal.example/api/" + d.ID + "/files/" + id
				}})
			body, err := w.Payload(ctx, d, sub)
			if err != nil {
				t.Fatal(err)
			}
			p := decodePayload(t, body)
			if len(p.Attachments) != 2 {
				t.Fatalf("%s: %d attachments", tt.name, len(p.Attachments))
			}
			for _, a := range p.Attachments {
				if a.URL == "" || a.Size == 0 || a.SHA512 == "" || a.Field != "F10" {
					t.Errorf("%s: description %+v", tt.name, a)
				}
				if !tt.inline {
					if a.Content != nil {
						t.Errorf("%s: %s carries content", tt.name, a.Filename)
					}
					continue
				}
				sum := sha512.Sum512(a.Content)
				if hex.EncodeToString(sum[:]) != a.SHA512 || int64(len(a.Content)) != a.Size {
					t.Errorf("%s: content of %s does not match its hash", tt.name, a.Filename)
				}
			}
			if tt.inline && !bytes.Equal(p.Attachments[0].Content, []byte(scan)) {
				t.Errorf("inline content differs")
			}
		}
	})
}
