package delivery_test

import (
	"context"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/delivery"
	"github.com/serviceportal/serviceportal/internal/fitconnect"
	"github.com/serviceportal/serviceportal/internal/fitconnect/fitconnecttest"
	"github.com/serviceportal/serviceportal/internal/payment"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
)

// TestFitConnectCarriesPayment: an application whose fee was paid reaches
// the destination with paymentInformation (BOOKED, the Kassenzeichen as
// reference, the amount in euros); one without a verified payment goes
// without.
func TestFitConnectCarriesPayment(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db, delivery.Options{}, false)
		svc := fitconnecttest.New(t)
		dest := svc.AddDestination(fitconnecttest.DestinationOptions{LeikaKey: f.service.LeiKa, ARS: dorstenARS, Name: "Stadt Dorsten"})
		payments := payment.New(db)
		fitConnectTarget(t, f, svc, payments.EnrichFITConnect)

		paid := f.submit(t, f.dorsten, f.service)
		unpaid := f.submit(t, f.dorsten, f.service)
		now := time.Date(2026, 11, 28, 9, 30, 0, 0, time.UTC)
		for _, p := range []struct {
			id, sub, status, kz string
			paidAt              *time.Time
		}{
			{"pay-ok", paid.ID, "PAYED", "DOR-2026-Z000007", &now},
			{"pay-open", unpaid.ID, "INITIAL", "DOR-2026-Z000008", nil},
		} {
			if _, err := db.Exec(ctx, `INSERT INTO payments (id, tenant_id, submission_id, service_id, provider, amount_cents, kassenzeichen,
				provider_ref, method, status, created_at, updated_at, paid_at) VALUES (?, ?, ?, ?, 'test', 2400, ?, 'TX-42', 'CREDITCARD', ?, ?, ?, ?)`,
				p.id, f.dorsten.ID, p.sub, f.service.ID, p.kz, p.status, now, now, p.paidAt); err != nil {
				t.Fatal(err)
			}
		}
		deliverAll(t, f, paid, unpaid)
		got, err := dest.Subscriber().Process(ctx)
		if err != nil || len(got) != 2 {
			t.Fatalf("subscriber: %+v, %v", got, err)
		}
		byRef := map[string]*fitconnect.PaymentInformation{}
		for _, r := range got {
			if len(r.Problems) > 0 {
				t.Fatalf("problems at the destination: %+v", r.Problems)
			}
			byRef[r.Metadata.AdditionalReferenceInfo.SenderReference] = r.Metadata.PaymentInformation
		}
		want := fitconnect.PaymentInformation{TransactionID: "TX-42", TransactionReference: "DOR-2026-Z000007",
			TransactionTimestamp: "2026-11-28T09:30:00Z", PaymentMethod: "CREDITCARD", Status: fitconnect.PaymentBooked, GrossAmount: "24.00"}
		if pi := byRef[paid.TrackingNumber]; pi == nil || *pi != want {
			t.Errorf("paid application: paymentInformation %+v, want %+v", pi, want)
		}
		if pi := byRef[unpaid.TrackingNumber]; pi != nil {
			t.Errorf("unpaid application carries paymentInformation %+v", pi)
		}
	})
}
