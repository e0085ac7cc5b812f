package delivery_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/serviceportal/serviceportal/internal/delivery"
	"github.com/serviceportal/serviceportal/internal/fitconnect"
	"github.com/serviceportal/serviceportal/internal/fitconnect/fitconnecttest"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/submission"
)

// dorstenARS is the Amtlicher Regionalschlüssel of Dorsten.
const dorstenARS = "055620012012"

// fitConnectTarget registers the FIT-Connect adapter for svc and
// configures Dorsten's Hundeanmeldung to go to it. It returns the adapter
// and the target with its secret, as the worker sees it.
func fitConnectTarget(t *testing.T, f *fixture, svc *fitconnecttest.Service, enrich ...func(context.Context, submission.Submission, *fitconnect.Submission) error) (*delivery.FitConnect, delivery.Target) {
	t.Helper()
	cfg := svc.SenderConfig()
	describe := func(context.Context, submission.Submission) (delivery.Names, error) {
		return delivery.Names{Tenant: "dorsten", ServiceSlug: f.service.Slug, ServiceName: f.service.Name, LeikaKey: f.service.LeiKa}, nil
	}
	a, err := delivery.NewFitConnect(delivery.FitConnectOptions{Files: f.subs, Describe: describe, Issuer: svc.Issuer(),
		IssuerKeysURL: svc.IssuerKeysURL(), TrustAnchors: svc.TrustAnchors(), HTTPClient: svc.HTTPClient(), RenderForm: fakePDF,
		Enrich: firstOrNil(enrich)})
	if err != nil {
		t.Fatal(err)
	}
	f.d.AddAdapter(a)
	tg, err := f.d.SetTarget(context.Background(), delivery.TargetInput{TenantID: f.dorsten.ID, ServiceID: f.service.ID,
		Kind: delivery.KindFitConnect, Label: "Steueramt über FIT-Connect", Secret: cfg.ClientSecret, Actor: "staff:test",
		Settings: map[string]string{delivery.FitConnectTokenURL: cfg.TokenURL, delivery.FitConnectClientID: cfg.ClientID,
			delivery.FitConnectRoutingURL: cfg.RoutingURL, delivery.FitConnectSubmissionAPI: cfg.SubmissionURL,
			delivery.FitConnectARS: dorstenARS}})
	if err != nil {
		t.Fatal(err)
	}
	tg.Secret = cfg.ClientSecret
	return a, tg
}

func firstOrNil[T any](xs []T) T {
	var zero T
	if len(xs) == 0 {
		return zero
	}
	return xs[0]
}

// TestFitConnectDeliversAndPolls walks the first promise: a
// citizen's Hundeanmeldung with two files leaves the portal encrypted,
// the destination decrypts it, the hashes match, it accepts, and Poll
// reports "angenommen".
func TestFitConnectDeliversAndPolls(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db, delivery.Options{}, false)
		svc := fitconnecttest.New(t)
		dest := svc.AddDestination(fitconnecttest.DestinationOptions{LeikaKey: f.service.LeiKa, ARS: dorstenARS, Name: "Stadt Dorsten"})
		a, tg := fitConnectTarget(t, f, svc)
		sub := f.submit(t, f.dorsten, f.service, file{"impfpass.pdf", "application/pdf", "%PDF-1.4 Impfpass"},
			file{"foto.jpg", "image/jpeg; name=foto.jpg", "JPEG"})

		ds, err := f.d.ForSubmission(ctx, f.dorsten.ID, sub.ID)
		if err != nil || len(ds) != 1 || ds[0].Kind != delivery.KindFitConnect {
			t.Fatalf("deliveries: %+v, %v", ds, err)
		}
		if err := f.work(ctx, ds[0].ID); err != nil {
			t.Fatal(err)
		}
		d, err := f.d.Get(ctx, f.dorsten.ID, ds[0].ID)
		if err != nil || d.State != delivery.StateDelivered {
			as, _ := f.d.Attempts(ctx, f.dorsten.ID, ds[0].ID)
			t.Fatalf("delivery %+v, attempts %+v, %v", d, as, err)
		}
		ref, err := fitconnect.ParseReference(d.Reference)
		if err != nil || ref.DestinationID != dest.ID {
			t.Fatalf("reference %q: %v", d.Reference, err)
		}

		got, err := dest.Subscriber().Process(ctx)
		if err != nil || len(got) != 1 || len(got[0].Problems) > 0 {
			t.Fatalf("subscriber: %+v, %v", got, err)
		}
		r := got[0]
		var values map[string]any
		if err := json.Unmarshal(r.Data, &values); err != nil || values["F01"] != "Erika Mustermann" {
			t.Errorf("data %s, %v", r.Data, err)
		}
		m := r.Metadata
		if m.AdditionalReferenceInfo == nil || m.AdditionalReferenceInfo.SenderReference != sub.TrackingNumber ||
			m.ReplyChannel == nil || m.ReplyChannel.EMail.Address != "erika@example.org" ||
			m.PublicServiceType.Identifier != fitconnect.LeikaURNPrefix+f.service.LeiKa {
			t.Errorf("metadata %+v", m)
		}
		kinds := map[string]string{}
		for _, att := range m.ContentStructure.Attachments {
			kinds[att.Filename] = att.Purpose + " " + att.MimeType + " " + string(r.Attachments[att.AttachmentID])
		}
		want := map[string]string{"impfpass.pdf": "attachment application/pdf %PDF-1.4 Impfpass", "foto.jpg": "attachment image/jpeg JPEG"}
		for name, w := range want {
			if kinds[name] != w {
				t.Errorf("%s arrived as %q", name, kinds[name])
			}
		}
		if len(kinds) != 3 || !strings.HasPrefix(kinds["Antrag-"+sub.TrackingNumber+".pdf"], "form application/pdf %PDF") {
			t.Errorf("attachments: %v", kinds)
		}

		state, err := a.Poll(ctx, tg, d.Reference)
		if err != nil {
			t.Fatal(err)
		}
		if state.Status != fitconnect.StatusAccepted || state.Status.Label() != "angenommen" || len(state.Events) != 2 {
			t.Errorf("state %+v", state)
		}
	})
}

// TestFitConnectRefusedKeyIsDead: a destination key that fails the checks
// ends the delivery at once (retrying cannot fix it), with a German reason
// in the attempt log, and nothing reaches the Zustelldienst.
func TestFitConnectRefusedKeyIsDead(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db, delivery.Options{}, false)
		svc := fitconnecttest.New(t)
		svc.AddDestination(fitconnecttest.DestinationOptions{LeikaKey: f.service.LeiKa, ARS: dorstenARS, UntrustedKey: true})
		fitConnectTarget(t, f, svc)
		sub := f.submit(t, f.dorsten, f.service)
		ds, err := f.d.ForSubmission(ctx, f.dorsten.ID, sub.ID)
		if err != nil || len(ds) != 1 {
			t.Fatalf("deliveries: %+v, %v", ds, err)
		}
		f.work(ctx, ds[0].ID)
		d, err := f.d.Get(ctx, f.dorsten.ID, ds[0].ID)
		if err != nil || d.State != delivery.StateDead || !strings.Contains(d.LastError, "Schlüssel des Zustellpunkts wurde abgelehnt") {
			t.Fatalf("delivery %+v, %v", d, err)
		}
		if n := svc.SubmissionCount(); n != 0 {
			t.Errorf("%d submissions reached the Zustelldienst", n)
		}
	})
}

func TestValidateFitConnectSettings(t *testing.T) {
	t.Parallel()
	good := map[string]string{delivery.FitConnectTokenURL: "https://auth-testing.fit-connect.fitko.dev/token",
		delivery.FitConnectClientID: "c1", delivery.FitConnectSubmissionAPI: "https://submission-api-testing.fit-connect.fitko.dev",
		delivery.FitConnectRoutingURL: "https://routing-api-testing.fit-connect.fitko.dev/v1", delivery.FitConnectARS: dorstenARS}
	tests := []struct {
		name, key, value, says string
	}{
		{"complete", "", "", ""},
		{"plain http", delivery.FitConnectTokenURL, "http://auth.example/token", "https"},
		{"no client", delivery.FitConnectClientID, "", "Client-ID"},
		{"bad ARS", delivery.FitConnectARS, "0556", "Regionalschlüssel"},
		{"no routing, no destination", delivery.FitConnectRoutingURL, "", "Destination-ID"},
	}
	for _, tt := range tests {
		s := map[string]string{}
		for k, v := range good {
			s[k] = v
		}
		if tt.key != "" {
			s[tt.key] = tt.value
		}
		err := delivery.ValidateFitConnectSettings(s)
		if tt.says == "" && err != nil || tt.says != "" && (err == nil || !strings.Contains(err.Error(), tt.says)) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}
