package delivery_test

import (
	"context"
	"strings"
	"testing"

	"github.com/serviceportal/serviceportal/internal/delivery"
	"github.com/serviceportal/serviceportal/internal/fitconnect"
	"github.com/serviceportal/serviceportal/internal/fitconnect/fitconnecttest"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/submission"
)

// TestPollRemoteTellsTheCitizen: two applications go out through
// FIT-Connect; the authority accepts one and rejects the other. Before
// it decides, polling changes nothing; afterwards each citizen's timeline
// says so once, in German with the reason, and further polls add nothing.
func TestPollRemoteTellsTheCitizen(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db, delivery.Options{}, false)
		svc := fitconnecttest.New(t)
		dest := svc.AddDestination(fitconnecttest.DestinationOptions{LeikaKey: f.service.LeiKa, ARS: dorstenARS, Name: "Stadt Dorsten"})
		fitConnectTarget(t, f, svc)
		good := f.submit(t, f.dorsten, f.service)
		bad := f.submit(t, f.dorsten, f.service)
		deliverAll(t, f, good, bad)
		if n, err := f.d.PollRemote(ctx, f.dorsten.ID); err != nil || n != 0 {
			t.Fatalf("poll before any decision: %d changed, %v", n, err)
		}

		sub := dest.Subscriber()
		ids, err := sub.Pending(ctx)
		if err != nil || len(ids) != 2 {
			t.Fatalf("pending: %v %v", ids, err)
		}
		for _, id := range ids {
			r, err := sub.Fetch(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if r.Metadata.AdditionalReferenceInfo.SenderReference == bad.TrackingNumber {
				err = sub.Reject(ctx, r, fitconnect.Problem{Type: "https://schema.fitko.de/fit-connect/events/problems/incorrect-data",
					Title: "Angaben unvollständig", Detail: "Die Chipnummer fehlt"})
			} else {
				err = sub.Accept(ctx, r)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		// A second tenant's poll touches nothing of Dorsten's.
		if n, err := f.d.PollRemote(ctx, f.gladbeck.ID); err != nil || n != 0 {
			t.Fatalf("Gladbeck's poll: %d changed, %v", n, err)
		}
		for round := range 2 {
			n, err := f.d.PollRemote(ctx, f.dorsten.ID)
			want := map[int]int{0: 2, 1: 0}[round]
			if err != nil || n != want {
				t.Fatalf("poll round %d: %d changed, want %d (%v)", round, n, want, err)
			}
		}
		for _, tc := range []struct {
			id, status, note string
		}{
			{good.ID, "in_pruefung", "Die Behörde hat Ihren Antrag angenommen"},
			{bad.ID, "zurueckgewiesen", "Grund: Die Chipnummer fehlt."},
		} {
			evs, err := f.subs.Events(ctx, f.dorsten.ID, tc.id)
			if err != nil {
				t.Fatal(err)
			}
			found := 0
			for _, e := range evs {
				if e.Status == tc.status && strings.Contains(e.Note, tc.note) {
					found++
				}
			}
			s, err := f.subs.Submission(ctx, f.dorsten.ID, tc.id)
			if err != nil || found != 1 || s.Status != tc.status {
				t.Errorf("submission %s: status %q, %d matching events in %+v (%v)", tc.id, s.Status, found, evs, err)
			}
		}
	})
}

// deliverAll runs the one delivery of each submission now.
func deliverAll(t *testing.T, f *fixture, subs ...submission.Submission) {
	t.Helper()
	ctx := context.Background()
	for _, sub := range subs {
		ds, err := f.d.ForSubmission(ctx, f.dorsten.ID, sub.ID)
		if err != nil || len(ds) != 1 {
			t.Fatalf("deliveries: %+v, %v", ds, err)
		}
		if err := f.work(ctx, ds[0].ID); err != nil {
			t.Fatal(err)
		}
	}
}
