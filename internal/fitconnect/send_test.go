package fitconnect_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/serviceportal/serviceportal/internal/fitconnect"
	"github.com/serviceportal/serviceportal/internal/fitconnect/fitconnecttest"
)

// Dorsten's Hundeanmeldung: the LeiKa key of the seeded catalogue and the
// city's ARS.
const (
	leikaKey = "99110009104000"
	ars      = "055620012012"
)

func newClient(t testing.TB, svc *fitconnecttest.Service) *fitconnect.Client {
	t.Helper()
	c, err := fitconnect.New(svc.SenderConfig())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// application is a Hundeanmeldung with two files, all optional metadata
// filled in.
func application() fitconnect.Submission {
	return fitconnect.Submission{LeikaKey: leikaKey, ARS: ars, ServiceName: "Hund anmelden",
		Data:       []byte(`{"F01":"Erika Mustermann","F02":"Dackel „Waldi“"}`),
		DataSchema: fitconnect.SubmissionSchema{SchemaURI: "urn:serviceportal:form:hundeanmeldung:1"},
		Attachments: []fitconnect.Attachment{
			{Filename: "antrag.pdf", MimeType: "application/pdf", Purpose: fitconnect.PurposeForm, Description: "Antragsformular",
				Content: []byte("%PDF-1.4\n% Antrag DOR-2026-000001\n%%EOF\n")},
			{Filename: "impfpass.jpg", MimeType: "image/jpeg", Content: bytes.Repeat([]byte("JPEG"), 5000)},
		},
		AdditionalReferenceInfo:   &fitconnect.AdditionalReferenceInfo{SenderReference: "DOR-2026-000001", ApplicationDate: "2026-03-02"},
		AuthenticationInformation: []fitconnect.AuthenticationInformation{{Type: "identificationReport", Version: "2.0.0", Content: "eyJhbGciOiJSUzI1NiJ9.e30.c2ln"}},
		PaymentInformation: &fitconnect.PaymentInformation{TransactionID: "tx-4711", TransactionReference: "KZ-2026-0815",
			PaymentMethod: "CREDITCARD", Status: fitconnect.PaymentBooked, GrossAmount: fitconnect.Euros(2500),
			TransactionTimestamp: "2026-03-02T10:15:00Z"},
		ReplyChannel: &fitconnect.ReplyChannel{EMail: &fitconnect.EMailChannel{Address: "erika@example.org"}},
	}
}

// TestSendAcceptPoll is the promise: the application leaves
// encrypted, the destination's subscriber decrypts it with its private
// key, the hashes match, it accepts, and the sender's Poll sees the
// decision.
func TestSendAcceptPoll(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := fitconnecttest.New(t)
	dest := svc.AddDestination(fitconnecttest.DestinationOptions{LeikaKey: leikaKey, ARS: ars, Name: "Stadt Dorsten, Steueramt"})
	client := newClient(t, svc)
	in := application()

	sent, err := client.Send(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if sent.DestinationID != dest.ID || sent.SubmissionID == "" || sent.CaseID == "" {
		t.Fatalf("sent: %+v", sent)
	}
	got, err := dest.Subscriber().Process(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("subscriber received %d submissions", len(got))
	}
	r := got[0]
	if len(r.Problems) > 0 {
		t.Fatalf("subscriber found problems: %v", r.Problems)
	}
	if !bytes.Equal(r.Data, in.Data) {
		t.Errorf("data arrived as %s", r.Data)
	}
	byName := map[string]fitconnect.AttachmentMetadata{}
	for _, a := range r.Metadata.ContentStructure.Attachments {
		byName[a.Filename] = a
	}
	for _, a := range in.Attachments {
		m := byName[a.Filename]
		if !bytes.Equal(r.Attachments[m.AttachmentID], a.Content) || m.MimeType != a.MimeType || !m.Hash.Matches(a.Content) {
			t.Errorf("attachment %s arrived as %+v", a.Filename, m)
		}
	}
	if p := r.Metadata.PublicServiceType; p == nil || p.Identifier != "urn:de:fim:leika:leistung:"+leikaKey || p.Name != "Hund anmelden" {
		t.Errorf("publicServiceType %+v", p)
	}
	if r.Metadata.ReplyChannel == nil || r.Metadata.PaymentInformation == nil || r.Metadata.AdditionalReferenceInfo.SenderReference != "DOR-2026-000001" ||
		len(r.Metadata.AuthenticationInformation) != 1 {
		t.Errorf("optional metadata lost: %+v", r.Metadata)
	}

	events, err := client.Poll(ctx, sent.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 2 || events[0].Type != fitconnect.EventSubmit || events[1].Type != fitconnect.EventAccept {
		t.Fatalf("events: %+v", events)
	}
	if submitTags := events[0].Tags; submitTags == nil || submitTags.Metadata != sent.Tags.Metadata || submitTags.Data != sent.Tags.Data ||
		len(submitTags.Attachments) != 2 {
		t.Errorf("submit-submission tags %+v, sent %+v", submitTags, sent.Tags)
	}
	if events[1].Issuer != dest.ID || events[1].SubmissionID != sent.SubmissionID {
		t.Errorf("accept event %+v", events[1])
	}
	status, problems := fitconnect.StatusOf(events, sent.Reference())
	if status != fitconnect.StatusAccepted || problems != nil || status.Label() != "angenommen" {
		t.Errorf("status %q (%s), problems %v", status, status.Label(), problems)
	}
}

// TestSendWireFormat checks what the Zustelldienst stores: compact JWEs
// with RSA-OAEP-256, A256GCM, the destination key's kid and the media
// type of the plaintext as cty; metadata valid against the schema.
func TestSendWireFormat(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := fitconnecttest.New(t)
	dest := svc.AddDestination(fitconnecttest.DestinationOptions{LeikaKey: leikaKey, ARS: ars})
	sent, err := newClient(t, svc).Send(ctx, application())
	if err != nil {
		t.Fatal(err)
	}
	sub := dest.Subscriber()
	r, err := sub.Fetch(ctx, sent.SubmissionID)
	if err != nil || len(r.Problems) > 0 {
		t.Fatalf("fetch: %v %v", err, r.Problems)
	}
	kid := dest.EncryptionKey().KeyID
	check := func(name, token, cty string) {
		t.Helper()
		obj, err := jose.ParseEncryptedCompact(token, []jose.KeyAlgorithm{jose.RSA_OAEP_256}, []jose.ContentEncryption{jose.A256GCM})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		h := obj.Header
		if h.KeyID != kid || h.Algorithm != "RSA-OAEP-256" || h.ExtraHeaders[jose.HeaderContentType] != cty || h.ExtraHeaders["enc"] != "A256GCM" {
			t.Errorf("%s header: kid %q alg %q extra %v", name, h.KeyID, h.Algorithm, h.ExtraHeaders)
		}
		if _, zipped := h.ExtraHeaders["zip"]; zipped {
			t.Errorf("%s is compressed", name)
		}
	}
	metaJSON, err := json.Marshal(r.Metadata)
	if err != nil {
		t.Fatal(err)
	}
	if err := fitconnect.ValidateMetadata(metaJSON); err != nil {
		t.Errorf("received metadata invalid: %v", err)
	}
	if !strings.Contains(string(metaJSON), `"$schema":"`+fitconnect.MetadataSchemaURI+`"`) {
		t.Errorf("metadata lacks $schema: %s", metaJSON)
	}
	stored := svc.StoredParts(sent.SubmissionID)
	check("metadata", stored[fitconnecttest.PartMetadata], "application/json")
	check("data", stored[fitconnecttest.PartData], "application/json")
	for _, a := range r.Metadata.ContentStructure.Attachments {
		check(a.Filename, stored[a.AttachmentID], a.MimeType)
	}
}

// TestTokenIsCached: one access token serves several submissions.
func TestTokenIsCached(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := fitconnecttest.New(t)
	svc.AddDestination(fitconnecttest.DestinationOptions{LeikaKey: leikaKey, ARS: ars})
	client := newClient(t, svc)
	for range 3 {
		if _, err := client.Send(ctx, application()); err != nil {
			t.Fatal(err)
		}
	}
	if n := svc.TokenRequests(); n != 1 {
		t.Errorf("%d token requests for three submissions, want 1", n)
	}
}

// TestBadCredentialsArePermanent: a refused token request is a permanent
// failure that names the token endpoint.
func TestBadCredentialsArePermanent(t *testing.T) {
	t.Parallel()
	svc := fitconnecttest.New(t)
	svc.AddDestination(fitconnecttest.DestinationOptions{LeikaKey: leikaKey, ARS: ars})
	cfg := svc.SenderConfig()
	cfg.ClientSecret = "wrong"
	client, err := fitconnect.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.Send(context.Background(), application())
	var apiErr *fitconnect.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 401 || !fitconnect.Permanent(err) {
		t.Fatalf("err = %v", err)
	}
	if svc.SubmissionCount() != 0 {
		t.Error("a submission was created")
	}
}

// TestInvalidMetadataIsRefusedLocally: metadata that violates FITKO's
// schema never leaves the portal.
func TestInvalidMetadataIsRefusedLocally(t *testing.T) {
	t.Parallel()
	svc := fitconnecttest.New(t)
	svc.AddDestination(fitconnecttest.DestinationOptions{LeikaKey: leikaKey, ARS: ars})
	client := newClient(t, svc)
	tests := []struct {
		name   string
		change func(*fitconnect.Submission)
	}{
		{"payment method", func(s *fitconnect.Submission) { s.PaymentInformation.PaymentMethod = "BITCOIN" }},
		{"application date", func(s *fitconnect.Submission) { s.AdditionalReferenceInfo.ApplicationDate = "02.03.2026" }},
		{"two reply channels", func(s *fitconnect.Submission) {
			s.ReplyChannel.DeMail = &fitconnect.DeMailChannel{Address: "erika@example.de-mail.de"}
		}},
		{"reply address", func(s *fitconnect.Submission) { s.ReplyChannel.EMail.Address = "keine Adresse" }},
		{"mime type", func(s *fitconnect.Submission) { s.Attachments[0].MimeType = "pdf" }},
		{"schema uri", func(s *fitconnect.Submission) { s.DataSchema.SchemaURI = "kein uri" }},
	}
	for _, tt := range tests {
		in := application()
		tt.change(&in)
		_, err := client.Send(context.Background(), in)
		if !errors.Is(err, fitconnect.ErrInvalid) || !fitconnect.Permanent(err) {
			t.Errorf("%s: err = %v", tt.name, err)
		}
	}
	if svc.SubmissionCount() != 0 {
		t.Error("a submission was created")
	}
}
