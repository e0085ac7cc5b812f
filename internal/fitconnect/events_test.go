package fitconnect_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/serviceportal/serviceportal/internal/fitconnect"
	"github.com/serviceportal/serviceportal/internal/fitconnect/fitconnecttest"
)

// TestSubscriberRejects: what an attacker between sender and subscriber
// changes is caught by the subscriber, which rejects with problems that
// the sender's Poll surfaces.
func TestSubscriberRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		tamper   func(svc *fitconnecttest.Service, dest *fitconnecttest.Destination, sent fitconnect.Sent) error
		problem  string
		instance string
	}{
		{"tampered data ciphertext", func(svc *fitconnecttest.Service, _ *fitconnecttest.Destination, sent fitconnect.Sent) error {
			return svc.Tamper(sent.SubmissionID, fitconnecttest.PartData)
		}, fitconnecttest.ProblemEncryption, "data"},
		{"tampered attachment ciphertext", func(svc *fitconnecttest.Service, _ *fitconnecttest.Destination, sent fitconnect.Sent) error {
			return svc.Tamper(sent.SubmissionID, sent.Metadata.ContentStructure.Attachments[1].AttachmentID)
		}, fitconnecttest.ProblemEncryption, "attachment:"},
		{"tampered metadata ciphertext", func(svc *fitconnecttest.Service, _ *fitconnecttest.Destination, sent fitconnect.Sent) error {
			return svc.Tamper(sent.SubmissionID, fitconnecttest.PartMetadata)
		}, fitconnecttest.ProblemEncryption, "metadata"},
		{"attachment swapped for other content", func(svc *fitconnecttest.Service, dest *fitconnecttest.Destination, sent fitconnect.Sent) error {
			forged, err := fitconnect.Encrypt([]byte("%PDF-1.4 anderer Inhalt"), dest.EncryptionKey(), "application/pdf")
			if err != nil {
				return err
			}
			return svc.Replace(sent.SubmissionID, sent.Metadata.ContentStructure.Attachments[0].AttachmentID, forged)
		}, fitconnecttest.ProblemHash, "attachment:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			svc := fitconnecttest.New(t)
			dest := svc.AddDestination(fitconnecttest.DestinationOptions{LeikaKey: leikaKey, ARS: ars})
			client := newClient(t, svc)
			sent, err := client.Send(ctx, application())
			if err != nil {
				t.Fatal(err)
			}
			if err := tt.tamper(svc, dest, sent); err != nil {
				t.Fatal(err)
			}
			if _, err := dest.Subscriber().Process(ctx); err != nil {
				t.Fatal(err)
			}
			events, err := client.Poll(ctx, sent.CaseID)
			if err != nil {
				t.Fatal(err)
			}
			status, problems := fitconnect.StatusOf(events, sent.Reference())
			if status != fitconnect.StatusRejected || len(problems) == 0 {
				t.Fatalf("status %q, problems %v", status, problems)
			}
			if problems[0].Type != tt.problem || !strings.HasPrefix(problems[0].Instance, tt.instance) {
				t.Errorf("problem %+v, want %s at %s", problems[0], tt.problem, tt.instance)
			}
		})
	}
}

// TestRejectionSurfacesProblems: the authority's own reasons arrive
// unchanged, with the German label for the citizen.
func TestRejectionSurfacesProblems(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := fitconnecttest.New(t)
	dest := svc.AddDestination(fitconnecttest.DestinationOptions{LeikaKey: leikaKey, ARS: ars})
	client := newClient(t, svc)
	sent, err := client.Send(ctx, application())
	if err != nil {
		t.Fatal(err)
	}
	sub := dest.Subscriber()
	r, err := sub.Fetch(ctx, sent.SubmissionID)
	if err != nil || len(r.Problems) > 0 {
		t.Fatalf("fetch: %v %v", err, r.Problems)
	}
	reason := fitconnect.Problem{Type: "https://schema.fitko.de/fit-connect/events/problems/missing-schema",
		Title: "Fachdatenschema unbekannt", Detail: "Das Fachverfahren kennt das Schema nicht.", Instance: "data"}
	if err := sub.Reject(ctx, r, reason); err != nil {
		t.Fatal(err)
	}
	events, err := client.Poll(ctx, sent.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	status, problems := fitconnect.StatusOf(events, sent.Reference())
	if status != fitconnect.StatusRejected || status.Label() != "zurückgewiesen" || len(problems) != 1 || problems[0] != reason {
		t.Errorf("status %q, problems %+v", status, problems)
	}
}

// TestForgedEventsAreRefused: Poll refuses the whole log when one token
// does not verify or does not belong to the case.
func TestForgedEventsAreRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		forge func(dest *fitconnecttest.Destination, sent fitconnect.Sent) string
		says  string
	}{
		{"signed with a foreign key", func(dest *fitconnecttest.Destination, sent fitconnect.Sent) string {
			return dest.ForgedEvent(sent.SubmissionID, sent.CaseID, fitconnect.EventAccept, nil)
		}, "signature"},
		{"signature bytes changed", func(dest *fitconnecttest.Destination, sent fitconnect.Sent) string {
			tok := dest.SignEvent(sent.SubmissionID, sent.CaseID, fitconnect.EventAccept, nil)
			i := strings.LastIndexByte(tok, '.') + 1
			c := byte('A')
			if tok[i] == 'A' {
				c = 'B'
			}
			return tok[:i] + string(c) + tok[i+1:]
		}, "signature"},
		{"event of another case", func(dest *fitconnecttest.Destination, sent fitconnect.Sent) string {
			return dest.SignEvent(sent.SubmissionID, "7d1d5c1e-1f0b-4c52-9d55-4b9f1d0e6a01", fitconnect.EventAccept, nil)
		}, "another case"},
		{"not a SET", func(dest *fitconnecttest.Destination, sent fitconnect.Sent) string {
			return "eyJhbGciOiJub25lIn0.e30."
		}, "signature rejected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			svc := fitconnecttest.New(t)
			dest := svc.AddDestination(fitconnecttest.DestinationOptions{LeikaKey: leikaKey, ARS: ars})
			client := newClient(t, svc)
			sent, err := client.Send(ctx, application())
			if err != nil {
				t.Fatal(err)
			}
			svc.AppendEvent(sent.CaseID, tt.forge(dest, sent))
			events, err := client.Poll(ctx, sent.CaseID)
			if !errors.Is(err, fitconnect.ErrSignature) || !strings.Contains(err.Error(), tt.says) || events != nil {
				t.Fatalf("events %d, err = %v", len(events), err)
			}
		})
	}
}

// TestDecisionOnlyFromTheDestination: an accept signed by another
// destination (valid signature, wrong issuer) does not count.
func TestDecisionOnlyFromTheDestination(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := fitconnecttest.New(t)
	svc.AddDestination(fitconnecttest.DestinationOptions{LeikaKey: leikaKey, ARS: ars})
	stranger := svc.AddDestination(fitconnecttest.DestinationOptions{LeikaKey: "99110009070000", ARS: ars})
	client := newClient(t, svc)
	sent, err := client.Send(ctx, application())
	if err != nil {
		t.Fatal(err)
	}
	svc.AppendEvent(sent.CaseID, stranger.SignEvent(sent.SubmissionID, sent.CaseID, fitconnect.EventAccept, nil))
	events, err := client.Poll(ctx, sent.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	if status, _ := fitconnect.StatusOf(events, sent.Reference()); status != fitconnect.StatusSubmitted {
		t.Errorf("status %q, want submitted", status)
	}
}
