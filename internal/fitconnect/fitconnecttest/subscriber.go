package fitconnecttest

import (
	"context"
	"errors"
	"slices"

	"github.com/serviceportal/serviceportal/internal/fitconnect"
)

// Problem types the test subscriber reports, those of the portal's own
// receiver.
const (
	ProblemEncryption   = fitconnect.ProblemEncryption
	ProblemSchema       = fitconnect.ProblemSchema
	ProblemHash         = fitconnect.ProblemHash
	ProblemAttachments  = fitconnect.ProblemAttachments
	ProblemServiceType  = fitconnect.ProblemServiceType
	ProblemMissingParts = fitconnect.ProblemMissingParts
)

// Subscriber is the authority's side of a destination: the portal's own
// fitconnect.Receiver, logged in with the destination's subscriber client
// and holding its private keys, as a Fachverfahren would.
type Subscriber struct {
	r *fitconnect.Receiver
}

// Subscriber returns a subscriber of d.
func (d *Destination) Subscriber() *Subscriber {
	r, err := fitconnect.NewReceiver(d.ReceiverConfig())
	if err != nil {
		panic("fitconnecttest: receiver: " + err.Error())
	}
	return &Subscriber{r: r}
}

// Received is a fetched submission after decryption and checks.
type Received struct {
	SubmissionID string
	CaseID       string
	// Metadata is nil when it could not be decrypted or parsed.
	Metadata    *fitconnect.Metadata
	Data        []byte
	Attachments map[string][]byte
	// Problems found; none means the submission is sound.
	Problems []fitconnect.Problem
	in       *fitconnect.Incoming
}

// Pending lists the ids of submitted submissions not yet decided.
func (s *Subscriber) Pending(ctx context.Context) ([]string, error) {
	refs, err := s.r.Pending(ctx)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, ref := range refs {
		ids = append(ids, ref.SubmissionID)
	}
	slices.Sort(ids)
	return ids, nil
}

// Fetch downloads a submission and checks it. Content problems end up in
// Received.Problems; a part encrypted for another key is one of them,
// since this subscriber has no other keys to wait for.
func (s *Subscriber) Fetch(ctx context.Context, submissionID string) (*Received, error) {
	refs, err := s.r.Pending(ctx)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(refs, func(r fitconnect.SubmissionRef) bool { return r.SubmissionID == submissionID })
	if i < 0 {
		return nil, errors.New("fitconnecttest: submission " + submissionID + " is not pending")
	}
	in, err := s.r.Fetch(ctx, refs[i])
	if errors.Is(err, fitconnect.ErrUnknownKey) {
		in.Problems = append(in.Problems, fitconnect.Problem{Type: ProblemEncryption, Title: "Entschlüsselung fehlgeschlagen", Detail: err.Error()})
	} else if err != nil {
		return nil, err
	}
	r := &Received{SubmissionID: in.SubmissionID, CaseID: in.CaseID, Metadata: in.Metadata, Data: in.Data,
		Attachments: map[string][]byte{}, Problems: in.Problems, in: in}
	for _, a := range in.Attachments {
		r.Attachments[a.AttachmentID] = a.Content
	}
	return r, nil
}

// Accept posts a signed accept-submission event with the authentication
// tags of what was received.
func (s *Subscriber) Accept(ctx context.Context, r *Received) error {
	return s.r.Accept(ctx, r.in)
}

// Reject posts a signed reject-submission event with the problems.
func (s *Subscriber) Reject(ctx context.Context, r *Received, problems ...fitconnect.Problem) error {
	return s.r.Reject(ctx, r.in.SubmissionRef, problems...)
}

// Process fetches every pending submission, accepts the sound ones and
// rejects the others with their problems, and returns what it received.
func (s *Subscriber) Process(ctx context.Context) ([]*Received, error) {
	ids, err := s.Pending(ctx)
	if err != nil {
		return nil, err
	}
	var out []*Received
	for _, id := range ids {
		r, err := s.Fetch(ctx, id)
		if err != nil {
			return out, err
		}
		if len(r.Problems) == 0 {
			err = s.Accept(ctx, r)
		} else {
			err = s.Reject(ctx, r, r.Problems...)
		}
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}
