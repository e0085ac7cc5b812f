package fitconnect_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/fitconnect"
	"github.com/serviceportal/serviceportal/internal/fitconnect/fitconnecttest"
)

// TestReceiverChecks drives the portal's receiver against the test
// Zustelldienst: a sound submission arrives whole with its submission time,
// and each kind of interference is caught the way it must be.
func TestReceiverChecks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// interfere changes the submission or the receiver's keys.
		interfere func(t *testing.T, svc *fitconnecttest.Service, dest *fitconnecttest.Destination, sent fitconnect.Sent, cfg *fitconnect.ReceiverConfig)
		problem   string
		wantErr   error
	}{
		{name: "sound"},
		{name: "same content re-encrypted after submission", interfere: func(t *testing.T, svc *fitconnecttest.Service, dest *fitconnecttest.Destination, sent fitconnect.Sent, _ *fitconnect.ReceiverConfig) {
			again, err := fitconnect.Encrypt(application().Data, dest.EncryptionKey(), "application/json")
			if err != nil {
				t.Fatal(err)
			}
			if err := svc.Replace(sent.SubmissionID, fitconnecttest.PartData, again); err != nil {
				t.Fatal(err)
			}
		}, problem: fitconnect.ProblemAuthenticationTags},
		{name: "tampered ciphertext", interfere: func(t *testing.T, svc *fitconnecttest.Service, _ *fitconnecttest.Destination, sent fitconnect.Sent, _ *fitconnect.ReceiverConfig) {
			if err := svc.Tamper(sent.SubmissionID, fitconnecttest.PartData); err != nil {
				t.Fatal(err)
			}
		}, problem: fitconnect.ProblemEncryption},
		{name: "receiver lacks the key", interfere: func(t *testing.T, _ *fitconnecttest.Service, _ *fitconnecttest.Destination, _ fitconnect.Sent, cfg *fitconnect.ReceiverConfig) {
			other, err := rsa.GenerateKey(rand.Reader, 2048)
			if err != nil {
				t.Fatal(err)
			}
			cfg.DecryptionKeys = map[string]*rsa.PrivateKey{"alter-schluessel": other}
		}, wantErr: fitconnect.ErrUnknownKey},
		{name: "wrong key under the right kid", interfere: func(t *testing.T, _ *fitconnecttest.Service, _ *fitconnecttest.Destination, _ fitconnect.Sent, cfg *fitconnect.ReceiverConfig) {
			other, err := rsa.GenerateKey(rand.Reader, 2048)
			if err != nil {
				t.Fatal(err)
			}
			for kid := range cfg.DecryptionKeys {
				cfg.DecryptionKeys[kid] = other
			}
		}, problem: fitconnect.ProblemEncryption},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			svc := fitconnecttest.New(t)
			dest := svc.AddDestination(fitconnecttest.DestinationOptions{LeikaKey: leikaKey, ARS: ars})
			before := time.Now().Add(-time.Second)
			sent, err := newClient(t, svc).Send(ctx, application())
			if err != nil {
				t.Fatal(err)
			}
			cfg := dest.ReceiverConfig()
			if tt.interfere != nil {
				tt.interfere(t, svc, dest, sent, &cfg)
			}
			rcv, err := fitconnect.NewReceiver(cfg)
			if err != nil {
				t.Fatal(err)
			}
			refs, err := rcv.Pending(ctx)
			if err != nil || len(refs) != 1 || refs[0].SubmissionID != sent.SubmissionID || refs[0].CaseID != sent.CaseID {
				t.Fatalf("pending %+v, %v", refs, err)
			}
			in, err := rcv.Fetch(ctx, refs[0])
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("fetch err = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr != nil {
				return
			}
			if tt.problem == "" {
				if len(in.Problems) > 0 || string(in.Data) != string(application().Data) || len(in.Attachments) != 2 ||
					in.SubmittedAt.Before(before) || in.ServiceIdentifier != fitconnect.LeikaURNPrefix+leikaKey {
					t.Fatalf("received %+v", in)
				}
				if err := rcv.Accept(ctx, in); err != nil {
					t.Fatal(err)
				}
				if got := svc.State(sent.SubmissionID); got != "accepted" {
					t.Errorf("state %q after accept", got)
				}
				return
			}
			if len(in.Problems) == 0 || in.Problems[0].Type != tt.problem {
				t.Fatalf("problems %+v, want %s first", in.Problems, tt.problem)
			}
			if err := rcv.Reject(ctx, in.SubmissionRef, in.Problems...); err != nil {
				t.Fatal(err)
			}
			if got := svc.State(sent.SubmissionID); got != "rejected" {
				t.Errorf("state %q after reject", got)
			}
		})
	}
}

// TestReceiverEventNeedsTheDestinationKey: an accept signed with another
// key is refused by the Zustelldienst, and the submission stays open.
func TestReceiverEventNeedsTheDestinationKey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := fitconnecttest.New(t)
	dest := svc.AddDestination(fitconnecttest.DestinationOptions{LeikaKey: leikaKey, ARS: ars})
	sent, err := newClient(t, svc).Send(ctx, application())
	if err != nil {
		t.Fatal(err)
	}
	cfg := dest.ReceiverConfig()
	if cfg.SigningKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
		t.Fatal(err)
	}
	rcv, err := fitconnect.NewReceiver(cfg)
	if err != nil {
		t.Fatal(err)
	}
	in, err := rcv.Fetch(ctx, fitconnect.SubmissionRef{SubmissionID: sent.SubmissionID, CaseID: sent.CaseID})
	if err != nil || len(in.Problems) > 0 {
		t.Fatalf("fetch: %v %+v", err, in)
	}
	var apiErr *fitconnect.APIError
	if err := rcv.Accept(ctx, in); !errors.As(err, &apiErr) || apiErr.StatusCode != 422 {
		t.Fatalf("accept with a foreign key: %v", err)
	}
	if got := svc.State(sent.SubmissionID); got != "submitted" {
		t.Errorf("state %q", got)
	}
}

// TestReceiverConfig names what is missing.
func TestReceiverConfig(t *testing.T) {
	t.Parallel()
	_, err := fitconnect.NewReceiver(fitconnect.ReceiverConfig{DestinationID: "nicht-uuid"})
	if !errors.Is(err, fitconnect.ErrConfig) {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{"DestinationID", "DecryptionKeys", "SigningKey"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not name %s", err, want)
		}
	}
}

// TestVerifyCallback: only a fresh callback with the right HMAC over
// timestamp and body is believed.
func TestVerifyCallback(t *testing.T) {
	t.Parallel()
	secret := []byte("geheimes-callback-secret")
	now := time.Unix(1_790_000_000, 0)
	body := []byte(`{"type":"x","submissions":[{"destinationId":"d","submissionId":"s1","caseId":"c1"}],"submissionIds":["s2"]}`)
	ts := strconv.FormatInt(now.Unix(), 10)
	tests := []struct {
		name       string
		secret     []byte
		ts, auth   string
		body       []byte
		wantN      int
		wantReject bool
	}{
		{"valid", secret, ts, fitconnect.SignCallback(secret, ts, body), body, 2, false},
		{"4 minutes old", secret, strconv.FormatInt(now.Add(-4*time.Minute).Unix(), 10),
			fitconnect.SignCallback(secret, strconv.FormatInt(now.Add(-4*time.Minute).Unix(), 10), body), body, 2, false},
		{"6 minutes old", secret, strconv.FormatInt(now.Add(-6*time.Minute).Unix(), 10),
			fitconnect.SignCallback(secret, strconv.FormatInt(now.Add(-6*time.Minute).Unix(), 10), body), body, 0, true},
		{"from the future", secret, strconv.FormatInt(now.Add(10*time.Minute).Unix(), 10),
			fitconnect.SignCallback(secret, strconv.FormatInt(now.Add(10*time.Minute).Unix(), 10), body), body, 0, true},
		{"body changed", secret, ts, fitconnect.SignCallback(secret, ts, body), append([]byte(" "), body...), 0, true},
		{"timestamp changed", secret, strconv.FormatInt(now.Unix()-1, 10), fitconnect.SignCallback(secret, ts, body), body, 0, true},
		{"other secret", []byte("anderes"), ts, fitconnect.SignCallback(secret, ts, body), body, 0, true},
		{"no secret configured", nil, ts, fitconnect.SignCallback(nil, ts, body), body, 0, true},
		{"not hex", secret, ts, "zz", body, 0, true},
		{"timestamp not a number", secret, "gestern", fitconnect.SignCallback(secret, "gestern", body), body, 0, true},
		{"valid but not JSON", secret, ts, fitconnect.SignCallback(secret, ts, []byte("<xml/>")), []byte("<xml/>"), 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			refs, err := fitconnect.VerifyCallback(tt.secret, tt.ts, tt.auth, tt.body, now)
			if tt.wantReject {
				if !errors.Is(err, fitconnect.ErrCallback) {
					t.Fatalf("err = %v, want ErrCallback", err)
				}
				return
			}
			if err != nil || len(refs) != tt.wantN {
				t.Fatalf("refs %+v, err %v", refs, err)
			}
		})
	}
}
