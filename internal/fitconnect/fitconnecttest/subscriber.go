package fitconnecttest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/serviceportal/serviceportal/internal/fitconnect"
)

// Problem types the test subscriber reports in reject-submission events.
// They follow the pattern of docs.fitko.de receiving/verification
// (https://schema.fitko.de/fit-connect/events/problems/…); the exact names
// there were not verified, which matters to no sender.
const (
	problemPrefix       = "https://schema.fitko.de/fit-connect/events/problems/"
	ProblemEncryption   = problemPrefix + "encryption-issue"
	ProblemSchema       = problemPrefix + "metadata-schema-violation"
	ProblemHash         = problemPrefix + "hash-mismatch"
	ProblemAttachments  = problemPrefix + "attachment-mismatch"
	ProblemServiceType  = problemPrefix + "service-type-mismatch"
	ProblemMissingParts = problemPrefix + "missing-data"
)

// Subscriber is the authority's side of a destination: it logs in with
// the destination's subscriber client and uses the Submission API as a
// Fachverfahren would.
type Subscriber struct {
	d      *Destination
	client *http.Client
}

// Subscriber returns a subscriber of d.
func (d *Destination) Subscriber() *Subscriber {
	cc := &clientcredentials.Config{ClientID: d.subscriberID, ClientSecret: d.subscriberSecret, TokenURL: d.svc.TokenURL()}
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, d.svc.HTTPClient())
	return &Subscriber{d: d, client: cc.Client(ctx)}
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
	tags     fitconnect.AuthenticationTags
}

func (r *Received) problem(typ, title, detail, instance string) {
	r.Problems = append(r.Problems, fitconnect.Problem{Type: typ, Title: title, Detail: detail, Instance: instance})
}

func (s *Subscriber) get(ctx context.Context, path string, out any) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.d.svc.URL()+path, nil)
	if err != nil {
		return nil, err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fitconnecttest: GET %s: %s: %s", path, resp.Status, b)
	}
	if out != nil {
		return b, json.Unmarshal(b, out)
	}
	return b, nil
}

// Pending lists the ids of submitted submissions not yet decided.
func (s *Subscriber) Pending(ctx context.Context) ([]string, error) {
	var list struct {
		Submissions []struct {
			SubmissionID string `json:"submissionId"`
		} `json:"submissions"`
	}
	if _, err := s.get(ctx, "/v1/submissions?destinationId="+s.d.ID, &list); err != nil {
		return nil, err
	}
	var ids []string
	for _, x := range list.Submissions {
		ids = append(ids, x.SubmissionID)
	}
	slices.Sort(ids)
	return ids, nil
}

// Fetch downloads a submission and checks it the way
// docs.fitko.de receiving/verification describes: decrypt the metadata,
// validate it against the schema, compare the service type, decrypt the
// data and every attachment and compare their SHA-512 with the metadata.
// Content problems end up in Received.Problems; the error is for
// transport failures only.
func (s *Subscriber) Fetch(ctx context.Context, submissionID string) (*Received, error) {
	var sub struct {
		SubmissionID      string   `json:"submissionId"`
		CaseID            string   `json:"caseId"`
		Attachments       []string `json:"attachments"`
		EncryptedMetadata string   `json:"encryptedMetadata"`
		EncryptedData     string   `json:"encryptedData"`
		ServiceType       struct {
			Identifier string `json:"identifier"`
		} `json:"serviceType"`
	}
	if _, err := s.get(ctx, "/v1/submissions/"+submissionID, &sub); err != nil {
		return nil, err
	}
	r := &Received{SubmissionID: sub.SubmissionID, CaseID: sub.CaseID, Attachments: map[string][]byte{},
		tags: fitconnect.AuthenticationTags{Metadata: fitconnect.AuthenticationTag(sub.EncryptedMetadata), Attachments: map[string]string{}}}
	metaJSON, err := s.open(sub.EncryptedMetadata)
	if err != nil {
		r.problem(ProblemEncryption, "Entschlüsselung fehlgeschlagen", err.Error(), "metadata")
		return r, nil
	}
	if err := fitconnect.ValidateMetadata(metaJSON); err != nil {
		r.problem(ProblemSchema, "Metadaten ungültig", err.Error(), "metadata")
		return r, nil
	}
	var meta fitconnect.Metadata
	if err := json.Unmarshal(metaJSON, &meta); err != nil {
		r.problem(ProblemSchema, "Metadaten ungültig", err.Error(), "metadata")
		return r, nil
	}
	r.Metadata = &meta
	if meta.PublicServiceType != nil && meta.PublicServiceType.Identifier != sub.ServiceType.Identifier {
		r.problem(ProblemServiceType, "Verwaltungsleistung abweichend", meta.PublicServiceType.Identifier+" ≠ "+sub.ServiceType.Identifier, "metadata")
	}
	s.checkData(r, &meta, sub.EncryptedData)
	announced := slices.Clone(sub.Attachments)
	described := []string{}
	for _, a := range meta.ContentStructure.Attachments {
		described = append(described, a.AttachmentID)
	}
	slices.Sort(announced)
	slices.Sort(described)
	if !slices.Equal(announced, described) {
		r.problem(ProblemAttachments, "Anlagen abweichend", fmt.Sprintf("announced %v, metadata %v", announced, described), "metadata")
	}
	for _, a := range meta.ContentStructure.Attachments {
		if !slices.Contains(announced, a.AttachmentID) {
			continue
		}
		tok, err := s.get(ctx, "/v1/submissions/"+submissionID+"/attachments/"+a.AttachmentID, nil)
		if err != nil {
			return nil, err
		}
		r.tags.Attachments[a.AttachmentID] = fitconnect.AuthenticationTag(string(tok))
		plain, err := s.open(string(tok))
		if err != nil {
			r.problem(ProblemEncryption, "Entschlüsselung fehlgeschlagen", err.Error(), "attachment:"+a.AttachmentID)
			continue
		}
		if !a.Hash.Matches(plain) {
			r.problem(ProblemHash, "Hashwert stimmt nicht", "SHA-512 of the attachment differs from the metadata", "attachment:"+a.AttachmentID)
			continue
		}
		r.Attachments[a.AttachmentID] = plain
	}
	return r, nil
}

func (s *Subscriber) checkData(r *Received, meta *fitconnect.Metadata, encrypted string) {
	described := meta.ContentStructure.Data != nil
	switch {
	case encrypted == "" && !described:
		return
	case encrypted == "" || !described:
		r.problem(ProblemMissingParts, "Fachdaten fehlen", "data and metadata disagree about the data", "data")
		return
	}
	r.tags.Data = fitconnect.AuthenticationTag(encrypted)
	plain, err := s.open(encrypted)
	if err != nil {
		r.problem(ProblemEncryption, "Entschlüsselung fehlgeschlagen", err.Error(), "data")
		return
	}
	if !meta.ContentStructure.Data.Hash.Matches(plain) {
		r.problem(ProblemHash, "Hashwert stimmt nicht", "SHA-512 of the data differs from the metadata", "data")
		return
	}
	r.Data = plain
}

// open decrypts with the destination key and insists on its kid.
func (s *Subscriber) open(token string) ([]byte, error) {
	plain, h, err := fitconnect.Decrypt(token, s.d.encKey)
	if err != nil {
		return nil, err
	}
	if h.KeyID != s.d.encKid {
		return nil, fmt.Errorf("encrypted for key %q, not %q", h.KeyID, s.d.encKid)
	}
	return plain, nil
}

// Accept posts a signed accept-submission event with the authentication
// tags of what was received.
func (s *Subscriber) Accept(ctx context.Context, r *Received) error {
	return s.post(ctx, r.CaseID, s.d.SignEvent(r.SubmissionID, r.CaseID, fitconnect.EventAccept,
		map[string]any{"authenticationTags": r.tags}))
}

// Reject posts a signed reject-submission event with the problems.
func (s *Subscriber) Reject(ctx context.Context, r *Received, problems ...fitconnect.Problem) error {
	return s.post(ctx, r.CaseID, s.d.SignEvent(r.SubmissionID, r.CaseID, fitconnect.EventReject,
		map[string]any{"problems": problems}))
}

func (s *Subscriber) post(ctx context.Context, caseID, token string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.d.svc.URL()+"/v1/cases/"+caseID+"/events", bytes.NewBufferString(token))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/jose")
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		b, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("fitconnecttest: post event: %s: %s", resp.Status, strings.TrimSpace(string(b)))
	}
	return nil
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
