package payment_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/audit"
	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/keyring"
	"github.com/serviceportal/serviceportal/internal/payment"
	"github.com/serviceportal/serviceportal/internal/seed"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/submission"
	"github.com/serviceportal/serviceportal/internal/tenant"
)

// stubProvider is a provider whose answers the test sets.
type stubProvider struct {
	ref    string
	status payment.Result
}

func (s *stubProvider) Name() string  { return "stub" }
func (s *stubProvider) Label() string { return "Stub" }
func (s *stubProvider) Start(context.Context, payment.Payment, payment.StartRequest) (string, string, error) {
	return "https://pay.example/x", s.ref, nil
}
func (s *stubProvider) VerifyNotification(ctx context.Context, p payment.Payment, _ payment.Notification) (payment.Result, error) {
	return s.Status(ctx, p)
}
func (s *stubProvider) Status(context.Context, payment.Payment) (payment.Result, error) {
	return s.status, nil
}

// paidWithStub starts a payment for draft and lets the stub report it paid.
func paidWithStub(t *testing.T, e *env, stub *stubProvider, draft, ref string, cents int64) payment.Payment {
	t.Helper()
	stub.ref, stub.status = ref, payment.Result{Status: payment.StatusInitial}
	p, _ := e.start(draft, cents)
	stub.status = payment.Result{ProviderRef: ref, Status: payment.StatusPayed, AmountCents: cents, Currency: "EUR"}
	p, err := e.svc.Reconcile(e.ctx, e.tenant.ID, p.ID)
	if err != nil || p.Status != payment.StatusPayed {
		t.Fatalf("paid: %+v %v", p, err)
	}
	return p
}

// TestRefundsAndExport books payments and a refund and exports the day
// for the cash office.
func TestRefundsAndExport(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		stub := &stubProvider{}
		e.svc.Register("", stub)
		a := paidWithStub(t, e, stub, "d1", "TX-1", 3070)
		b := paidWithStub(t, e, stub, "d2", "=HYPERLINK(\"http://evil\")", 123456)

		for _, tc := range []struct {
			cents int64
			want  error
		}{{4000, payment.ErrRefundTooLarge}, {1070, nil}, {2001, payment.ErrRefundTooLarge}, {2000, nil}, {1, payment.ErrRefundTooLarge}} {
			_, err := e.svc.RecordRefund(e.ctx, payment.RefundInput{TenantID: e.tenant.ID, PaymentID: a.ID, AmountCents: tc.cents,
				ProviderRef: "R-" + a.Kassenzeichen, Reason: "Antrag zurückgenommen", Actor: "account:kasse"})
			if !errors.Is(err, tc.want) {
				t.Fatalf("refund %d: %v, want %v", tc.cents, err, tc.want)
			}
		}
		if got := e.load(a.ID); got.RefundedCents != 3070 || got.Status != payment.StatusPayed {
			t.Fatalf("after refunds: %+v", got)
		}
		open, _ := e.start("d3", 500)
		if _, err := e.svc.RecordRefund(e.ctx, payment.RefundInput{TenantID: e.tenant.ID, PaymentID: open.ID, AmountCents: 1}); !errors.Is(err, payment.ErrNotPaid) {
			t.Fatalf("refund of an open payment: %v", err)
		}

		var buf bytes.Buffer
		if err := e.svc.ExportCSV(e.ctx, e.tenant.ID, e.clock.now(), &buf); err != nil {
			t.Fatal(err)
		}
		day := e.clock.now().In(berlinTZ).Format("02.01.2006")
		want := "Kassenzeichen;Betrag;Datum;Anbieter-Referenz;Haushaltsstelle\n" +
			a.Kassenzeichen + ";30,70;" + day + ";TX-1;\n" +
			b.Kassenzeichen + ";1.234,56;" + day + ";\"'=HYPERLINK(\"\"http://evil\"\")\";\n" +
			a.Kassenzeichen + ";-10,70;" + day + ";R-" + a.Kassenzeichen + ";\n" +
			a.Kassenzeichen + ";-20,00;" + day + ";R-" + a.Kassenzeichen + ";\n"
		if buf.String() != want {
			t.Fatalf("export:\n%s\nwant:\n%s", buf.String(), want)
		}
		buf.Reset()
		if err := e.svc.ExportCSV(e.ctx, e.tenant.ID, e.clock.now().AddDate(0, 0, -1), &buf); err != nil || strings.Count(buf.String(), "\n") != 1 {
			t.Fatalf("the day before: %q %v", buf.String(), err)
		}
	})
}

// TestLinkInSubmitTransaction links the paid payment as a submit hook, in
// the submit transaction, and finds it from the submission.
func TestLinkInSubmitTransaction(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := seed.All(ctx, db); err != nil {
			t.Fatal(err)
		}
		e := newEnv(t, db)
		stub := &stubProvider{}
		e.svc.Register("", stub)
		keys, err := keyring.New(db, bytes.Repeat([]byte{3}, keyring.KeySize))
		if err != nil {
			t.Fatal(err)
		}
		subs := submission.New(db, keys, audit.New(db), func(ctx context.Context, s submission.Submission) error {
			return e.svc.LinkFromContext(ctx, s.TenantID, s.ID)
		})
		svc, err := catalog.New(db, tenant.NewDirectory(db)).BySlug(ctx, "bewohnerparkausweis")
		if err != nil {
			t.Fatal(err)
		}
		d, _, err := subs.CreateDraft(ctx, submission.NewDraft{TenantID: e.tenant.ID, ServiceID: svc.ID, FormID: "bewohnerparkausweis", FormVersion: "1.0.0"})
		if err != nil {
			t.Fatal(err)
		}
		p := paidWithStub(t, e, stub, d.ID, "TX-9", 3070)
		res, err := subs.Submit(payment.WithDraft(ctx, d.ID), submission.Input{TenantID: e.tenant.ID, TenantCode: e.tenant.Code,
			ServiceID: svc.ID, FormID: "bewohnerparkausweis", FormVersion: "1.0.0", Values: map[string]any{"a": "b"},
			DraftID: d.ID, IdempotencyKey: "k1"})
		if err != nil {
			t.Fatal(err)
		}
		ps, err := e.svc.ForSubmission(ctx, e.tenant.ID, res.Submission.ID)
		if paid, ok := payment.Paid(ps); err != nil || !ok || paid.ID != p.ID {
			t.Fatalf("ForSubmission: %+v %v", ps, err)
		}
		if err := e.svc.LinkSubmission(ctx, e.tenant.ID, p.ID, res.Submission.ID); err != nil {
			t.Fatalf("linking again: %v", err)
		}
		other := submitOther(t, subs, e, svc.ID)
		if err := e.svc.LinkSubmission(ctx, e.tenant.ID, p.ID, other); !errors.Is(err, payment.ErrLinked) {
			t.Fatalf("linking to another submission: %v", err)
		}
	})
}

func submitOther(t *testing.T, subs *submission.Service, e *env, serviceID string) string {
	t.Helper()
	res, err := subs.Submit(context.Background(), submission.Input{TenantID: e.tenant.ID, TenantCode: e.tenant.Code, ServiceID: serviceID,
		FormID: "bewohnerparkausweis", FormVersion: "1.0.0", Values: map[string]any{}, IdempotencyKey: "k2"})
	if err != nil {
		t.Fatal(err)
	}
	return res.Submission.ID
}

var berlinTZ, _ = time.LoadLocation("Europe/Berlin")
