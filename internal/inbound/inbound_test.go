package inbound_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/serviceportal/serviceportal/internal/audit"
	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/fitconnect"
	"github.com/serviceportal/serviceportal/internal/fitconnect/fitconnecttest"
	"github.com/serviceportal/serviceportal/internal/inbound"
	"github.com/serviceportal/serviceportal/internal/keyring"
	"github.com/serviceportal/serviceportal/internal/seed"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/submission"
	"github.com/serviceportal/serviceportal/internal/tenant"
)

// gewerbeLeika is the catalogue's "Gewerbe anmelden".
const gewerbeLeika = "99050012104000"

type fixture struct {
	db       *store.DB
	subs     *submission.Service
	in       *inbound.Service
	svc      *fitconnecttest.Service
	dest     *fitconnecttest.Destination
	gladbeck tenant.Tenant
	receiver inbound.Receiver
	clock    *time.Time
}

// setup seeds the region, starts the test Zustelldienst with a destination
// for Gladbeck's Gewerbeanmeldung and configures it as the operator would.
func setup(t *testing.T, db *store.DB, leika string) *fixture {
	t.Helper()
	ctx := context.Background()
	if _, err := seed.All(ctx, db); err != nil {
		t.Fatal(err)
	}
	dir := tenant.NewDirectory(db)
	keys, err := keyring.New(db, bytes.Repeat([]byte{9}, keyring.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db, svc: fitconnecttest.New(t)}
	if f.gladbeck, err = dir.BySlug(ctx, "gladbeck"); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	f.clock = &now
	f.subs = submission.New(db, keys, audit.New(db))
	f.in = inbound.New(db, keys, audit.New(db), f.subs, catalog.New(db, dir), dir)
	f.in.Enable(inbound.Options{TrustAnchors: f.svc.TrustAnchors(), HTTPClient: f.svc.HTTPClient(), Now: func() time.Time { return *f.clock }})
	f.dest = f.svc.AddDestination(fitconnecttest.DestinationOptions{LeikaKey: leika, ARS: f.gladbeck.ARS, Name: "Stadt Gladbeck, Gewerbeamt"})
	in := f.input()
	in.Label, in.CallbackSecret = "Gewerbeamt", strings.Repeat("c", 40)
	if f.receiver, err = f.in.Configure(ctx, f.gladbeck.ID, "account:test", in); err != nil {
		t.Fatal(err)
	}
	return f
}

// input is the destination as the operator enters it, without callback.
func (f *fixture) input() inbound.ReceiverInput {
	dec, sig := f.dest.PrivateJWKs()
	id, secret := f.dest.SubscriberClient()
	return inbound.ReceiverInput{DestinationID: f.dest.ID, TokenURL: f.svc.TokenURL(), SubmissionURL: f.svc.URL(),
		ClientID: id, ClientSecret: secret, DecryptionKeys: dec, SigningKey: sig}
}

func kosit(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("../xgewerbe/testdata/kosit/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// send is what the Gewerbe-Service-Portal.NRW does: an XGewerbeanzeige
// with the form's PDF, to Gladbeck's destination.
func (f *fixture) send(t *testing.T, data []byte) fitconnect.Sent {
	t.Helper()
	c, err := fitconnect.New(f.svc.SenderConfig())
	if err != nil {
		t.Fatal(err)
	}
	sent, err := c.Send(context.Background(), fitconnect.Submission{LeikaKey: gewerbeLeika, ARS: f.gladbeck.ARS,
		ServiceName: "Gewerbe anmelden", Data: data,
		DataSchema: fitconnect.SubmissionSchema{SchemaURI: "urn:xoev-de:bmwi:standard:xgewerbeanzeige_2.2", MimeType: "application/xml"},
		Attachments: []fitconnect.Attachment{{Filename: "Gewerbeanmeldung.pdf", MimeType: "application/pdf", Purpose: fitconnect.PurposeForm,
			Content: []byte("%PDF-1.4\n% GewA 1\n%%EOF\n")}},
		AdditionalReferenceInfo: &fitconnect.AdditionalReferenceInfo{SenderReference: "GSP-2026-77", ApplicationDate: "2026-11-27"}})
	if err != nil {
		t.Fatal(err)
	}
	return sent
}

func (f *fixture) entry(t *testing.T, submissionID string) inbound.Entry {
	t.Helper()
	list, err := f.in.Entries(context.Background(), f.gladbeck.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range list {
		if e.SubmissionID == submissionID {
			return e
		}
	}
	t.Fatalf("no entry for %s in %+v", submissionID, list)
	return inbound.Entry{}
}

// callback delivers the Zustelldienst's callback as it would arrive.
func (f *fixture) callback(t *testing.T, sent fitconnect.Sent, at time.Time) error {
	t.Helper()
	body := []byte(`{"type":"` + fitconnecttest.CallbackType + `","submissions":[{"destinationId":"` + sent.DestinationID +
		`","submissionId":"` + sent.SubmissionID + `","caseId":"` + sent.CaseID + `"}]}`)
	ts := strconv.FormatInt(at.Unix(), 10)
	return f.in.Callback(context.Background(), f.receiver.ID, ts, fitconnect.SignCallback([]byte(strings.Repeat("c", 40)), ts, body), body)
}

// TestGewerbeanzeigeArrives: a valid XGewerbeanzeige sent to Gladbeck's
// destination is stored in Gladbeck's inbox with its PDF, confirmed with
// a signed accept, and shown to the caseworker section by section.
func TestGewerbeanzeigeArrives(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db, gewerbeLeika)
		data := kosit(t, "xgwa2.2-valid.xml")
		sent := f.send(t, data)
		if err := f.callback(t, sent, time.Now()); err != nil {
			t.Fatal(err)
		}
		if got := f.svc.State(sent.SubmissionID); got != "accepted" {
			t.Fatalf("Zustelldienst state %q", got)
		}
		e := f.entry(t, sent.SubmissionID)
		if e.State != inbound.StateAccepted || e.LocalSubmissionID == "" || e.SubmittedAt.IsZero() || e.Attempts != 1 {
			t.Fatalf("entry %+v", e)
		}
		sub, err := f.subs.Submission(ctx, f.gladbeck.ID, e.LocalSubmissionID)
		if err != nil {
			t.Fatal(err)
		}
		if sub.FormID != inbound.FormID || !strings.HasPrefix(sub.TrackingNumber, f.gladbeck.Code+"-") ||
			!bytes.Equal(inbound.Data(sub.Values), data) || len(sub.Attachments) != 1 || sub.Attachments[0].Filename != "Gewerbeanmeldung.pdf" {
			t.Fatalf("stored %+v", sub)
		}
		secs, ok := inbound.Sections(sub.Values)
		rows := map[string]string{}
		var titles []string
		for _, s := range secs {
			titles = append(titles, s.Title)
			for _, r := range s.Rows {
				rows[r.Label] = r.Value
			}
		}
		if !ok || rows["Aktenzeichen des Absenders"] != "GSP-2026-77" || !strings.Contains(strings.Join(titles, "|"), "Betrieb") {
			t.Fatalf("sections %v / %v", titles, rows)
		}
		// A second callback or poll changes nothing.
		rep, err := f.in.SyncAll(ctx)
		if err != nil || rep != (inbound.Report{}) {
			t.Fatalf("second sync %+v, %v", rep, err)
		}
	})
}

// TestRefusedSubmissions: what the caseworker could not use is rejected
// with the reason, and nothing reaches the inbox.
func TestRefusedSubmissions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		leika   string
		data    func(t *testing.T) []byte
		tamper  bool
		problem string
		detail  string
	}{
		{"invalid XGewerbeanzeige", gewerbeLeika, func(t *testing.T) []byte { return kosit(t, "xgwa2.2-invalid.xml") }, false,
			fitconnect.ProblemDataSchema, "XGewerbeanzeige"},
		{"tampered ciphertext", gewerbeLeika, func(t *testing.T) []byte { return kosit(t, "xgwa2.2-valid.xml") }, true,
			fitconnect.ProblemEncryption, ""},
		{"service the catalogue does not know", "99999999999999", func(t *testing.T) []byte { return kosit(t, "xgwa2.2-valid.xml") }, false,
			fitconnect.ProblemServiceType, "99999999999999"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				ctx := context.Background()
				f := setup(t, db, tt.leika)
				c, err := fitconnect.New(f.svc.SenderConfig())
				if err != nil {
					t.Fatal(err)
				}
				sent, err := c.Send(ctx, fitconnect.Submission{LeikaKey: tt.leika, ARS: f.gladbeck.ARS, ServiceName: "Gewerbe anmelden",
					Data: tt.data(t), DataSchema: fitconnect.SubmissionSchema{SchemaURI: "urn:xoev-de:bmwi:standard:xgewerbeanzeige_2.2", MimeType: "application/xml"}})
				if err != nil {
					t.Fatal(err)
				}
				if tt.tamper {
					if err := f.svc.Tamper(sent.SubmissionID, fitconnecttest.PartData); err != nil {
						t.Fatal(err)
					}
				}
				rep, err := f.in.Sync(ctx, f.gladbeck.ID, f.receiver.ID)
				if err != nil || rep.Rejected != 1 || rep.Stored != 0 {
					t.Fatalf("report %+v, %v", rep, err)
				}
				if got := f.svc.State(sent.SubmissionID); got != "rejected" {
					t.Fatalf("Zustelldienst state %q", got)
				}
				e := f.entry(t, sent.SubmissionID)
				if e.State != inbound.StateRejected || e.LocalSubmissionID != "" || len(e.Problems) == 0 ||
					e.Problems[0].Type != tt.problem || !strings.Contains(e.Problems[0].Detail, tt.detail) {
					t.Fatalf("entry %+v", e)
				}
				events, err := c.Poll(ctx, sent.CaseID)
				if err != nil {
					t.Fatal(err)
				}
				if st, problems := fitconnect.StatusOf(events, sent.Reference()); st != fitconnect.StatusRejected || len(problems) == 0 {
					t.Fatalf("sender sees %q %+v", st, problems)
				}
			})
		})
	}
}

// TestMissingKeyWaits: a submission for a key the portal lacks is not
// rejected; it waits with both clocks visible, and once the Zustelldienst
// rejected it after 14 days the entry says so.
func TestMissingKeyWaits(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db, gewerbeLeika)
		// The operator entered another decryption key (a new one, say,
		// before the senders learned it).
		other := f.svc.AddDestination(fitconnecttest.DestinationOptions{LeikaKey: "99050012104001", ARS: f.gladbeck.ARS})
		in := f.input()
		in.DecryptionKeys, _ = other.PrivateJWKs()
		if _, err := f.in.Configure(ctx, f.gladbeck.ID, "account:test", in); err != nil {
			t.Fatal(err)
		}
		sent := f.send(t, kosit(t, "xgwa2.2-valid.xml"))
		rep, err := f.in.Sync(ctx, f.gladbeck.ID, f.receiver.ID)
		if err != nil || rep.Waiting != 1 {
			t.Fatalf("report %+v, %v", rep, err)
		}
		e := f.entry(t, sent.SubmissionID)
		if e.State != inbound.StateWaiting || !strings.Contains(e.LastError, "Schlüssel") || f.svc.State(sent.SubmissionID) != "submitted" {
			t.Fatalf("entry %+v", e)
		}
		if e.Overdue(time.Now()) || !e.Overdue(e.SubmittedAt.Add(inbound.NoticeAfter)) ||
			!e.RejectAt().Equal(e.SubmittedAt.Add(14*24*time.Hour)) {
			t.Fatalf("clocks: notice %v, reject %v", e.NoticeAt(), e.RejectAt())
		}
		f.svc.Expire(sent.SubmissionID)
		*f.clock = time.Now().Add(15 * 24 * time.Hour)
		if rep, err := f.in.Sync(ctx, f.gladbeck.ID, f.receiver.ID); err != nil || rep.Expired != 1 {
			t.Fatalf("after 15 days: %+v, %v", rep, err)
		}
		if e := f.entry(t, sent.SubmissionID); e.State != inbound.StateExpired || e.Open() {
			t.Fatalf("entry %+v", e)
		}
	})
}

type fakeQueue struct{ args []river.JobArgs }

func (q *fakeQueue) Enqueue(_ context.Context, args river.JobArgs, _ *river.InsertOpts) error {
	q.args = append(q.args, args)
	return nil
}

// TestCallbackVerification: only a fresh callback with the destination's
// secret makes the portal look; with a queue it only queues the look.
func TestCallbackVerification(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db, gewerbeLeika)
		sent := f.send(t, kosit(t, "xgwa2.2-valid.xml"))
		if err := f.callback(t, sent, time.Now().Add(-6*time.Minute)); !errors.Is(err, fitconnect.ErrCallback) {
			t.Fatalf("expired callback: %v", err)
		}
		body := []byte(`{"submissions":[]}`)
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		if err := f.in.Callback(ctx, f.receiver.ID, ts, fitconnect.SignCallback([]byte("falsches-secret-falsches-secret-xx"), ts, body), body); !errors.Is(err, fitconnect.ErrCallback) {
			t.Fatalf("wrong secret: %v", err)
		}
		if err := f.in.Callback(ctx, "unbekannt", ts, "", body); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown receiver: %v", err)
		}
		if f.svc.State(sent.SubmissionID) != "submitted" {
			t.Fatal("a refused callback made the portal fetch")
		}
		q := &fakeQueue{}
		f.in.SetQueue(q)
		if err := f.callback(t, sent, time.Now()); err != nil {
			t.Fatal(err)
		}
		want := inbound.SyncArgs{TenantID: f.gladbeck.ID, ReceiverID: f.receiver.ID}
		if len(q.args) != 1 || q.args[0] != want || f.svc.State(sent.SubmissionID) != "submitted" {
			t.Fatalf("queued %+v", q.args)
		}
	})
}

// TestConfigureRefuses names the field of each mistake in German.
func TestConfigureRefuses(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db, gewerbeLeika)
		good := f.input()
		weak := f.svc.AddDestination(fitconnecttest.DestinationOptions{LeikaKey: gewerbeLeika, ARS: "055620004004", WeakKey: true})
		weakDec, _ := weak.PrivateJWKs()
		dorsten, err := tenant.NewDirectory(db).BySlug(ctx, "dorsten")
		if err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name, tenantID string
			change         func(*inbound.ReceiverInput)
			field          string
		}{
			{"destination not a UUID", f.gladbeck.ID, func(in *inbound.ReceiverInput) { in.DestinationID = "gladbeck" }, "destination"},
			{"plain http", f.gladbeck.ID, func(in *inbound.ReceiverInput) { in.TokenURL = "http://auth.example/token" }, "token_url"},
			{"no secret", f.gladbeck.ID, func(in *inbound.ReceiverInput) { in.ClientSecret = " " }, "client"},
			{"public key only", f.gladbeck.ID, func(in *inbound.ReceiverInput) {
				in.DecryptionKeys = `{"kty":"RSA","kid":"x","n":"AQAB","e":"AQAB"}`
			}, "decryption_keys"},
			{"2048-bit key", f.gladbeck.ID, func(in *inbound.ReceiverInput) { in.DecryptionKeys = weakDec }, "decryption_keys"},
			{"signing key given as encryption key", f.gladbeck.ID, func(in *inbound.ReceiverInput) { in.SigningKey = good.DecryptionKeys }, "signing_key"},
			{"short callback secret", f.gladbeck.ID, func(in *inbound.ReceiverInput) { in.CallbackSecret = "kurz" }, "callback_secret"},
			{"another tenant's destination", dorsten.ID, func(*inbound.ReceiverInput) {}, "destination"},
		}
		for _, tt := range tests {
			in := good
			tt.change(&in)
			_, err := f.in.Configure(ctx, tt.tenantID, "account:test", in)
			var fe *inbound.FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field || fe.Message == "" {
				t.Errorf("%s: err = %v, want field %s", tt.name, err, tt.field)
			}
		}
		list, err := f.in.Receivers(ctx, dorsten.ID)
		if err != nil || len(list) != 0 {
			t.Fatalf("Dorsten has %+v, %v", list, err)
		}
	})
}

// TestConfirmationCatchesUp: when the accept does not get through (here:
// the operator entered a wrong signing key), the application is in the
// inbox once and the entry says the confirmation is outstanding; the next
// run confirms it without storing it again. When the accept arrived by
// other means, the event log settles the entry.
func TestConfirmationCatchesUp(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db, gewerbeLeika)
		in := f.input()
		wrong := in
		// The decryption key posing as signing key: a valid private key,
		// but not the one the Zustelldienst knows for this destination.
		wrong.SigningKey = strings.NewReplacer(`"alg":"RSA-OAEP-256"`, `"alg":"PS512"`, `"use":"enc"`, `"use":"sig"`).Replace(in.DecryptionKeys)
		if _, err := f.in.Configure(ctx, f.gladbeck.ID, "account:test", wrong); err != nil {
			t.Fatal(err)
		}
		first := f.send(t, kosit(t, "xgwa2.2-valid.xml"))
		second := f.send(t, kosit(t, "xgwa2.2-valid.xml"))
		if _, err := f.in.Sync(ctx, f.gladbeck.ID, f.receiver.ID); err == nil {
			t.Fatal("sync with a wrong signing key reported no error")
		}
		for _, sent := range []fitconnect.Sent{first, second} {
			e := f.entry(t, sent.SubmissionID)
			if e.State != inbound.StateStored || e.LocalSubmissionID == "" || !strings.Contains(e.LastError, "Bestätigung") {
				t.Fatalf("entry %+v", e)
			}
		}
		// The authority's other system confirmed the second one meanwhile.
		sub := f.dest.Subscriber()
		r, err := sub.Fetch(ctx, second.SubmissionID)
		if err != nil {
			t.Fatal(err)
		}
		if err := sub.Accept(ctx, r); err != nil {
			t.Fatal(err)
		}
		if _, err := f.in.Configure(ctx, f.gladbeck.ID, "account:test", in); err != nil {
			t.Fatal(err)
		}
		rep, err := f.in.Sync(ctx, f.gladbeck.ID, f.receiver.ID)
		if err != nil || rep.Stored != 0 {
			t.Fatalf("second sync %+v, %v", rep, err)
		}
		for _, sent := range []fitconnect.Sent{first, second} {
			if e := f.entry(t, sent.SubmissionID); e.State != inbound.StateAccepted || e.LastError != "" {
				t.Errorf("entry %+v", e)
			}
			if got := f.svc.State(sent.SubmissionID); got != "accepted" {
				t.Errorf("Zustelldienst state %q", got)
			}
		}
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM submissions WHERE tenant_id = ? AND form_id = ?`, f.gladbeck.ID, inbound.FormID).Scan(&n); err != nil || n != 2 {
			t.Fatalf("%d submissions stored (%v)", n, err)
		}
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM drafts WHERE tenant_id = ?`, f.gladbeck.ID).Scan(&n); err != nil || n != 0 {
			t.Fatalf("%d drafts left (%v)", n, err)
		}
	})
}
