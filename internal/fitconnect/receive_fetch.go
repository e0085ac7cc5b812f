package fitconnect

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"time"
)

// Problem types of reject-submission events. They follow the pattern of
// docs.fitko.de receiving/verification
// (https://schema.fitko.de/fit-connect/events/problems/…).
const (
	problemPrefix = "https://schema.fitko.de/fit-connect/events/problems/"
	// ProblemEncryption: a part could not be decrypted.
	ProblemEncryption = problemPrefix + "encryption-issue"
	// ProblemSchema: the metadata violate the metadata schema.
	ProblemSchema = problemPrefix + "metadata-schema-violation"
	// ProblemDataSchema: the data violate their submission schema.
	ProblemDataSchema = problemPrefix + "data-schema-violation"
	// ProblemHash: a part's SHA-512 differs from the metadata.
	ProblemHash = problemPrefix + "hash-mismatch"
	// ProblemAttachments: announced and described attachments differ.
	ProblemAttachments = problemPrefix + "attachment-mismatch"
	// ProblemServiceType: the metadata name another service than the
	// submission, or the destination does not handle it.
	ProblemServiceType = problemPrefix + "service-type-mismatch"
	// ProblemMissingParts: data and metadata disagree about the data.
	ProblemMissingParts = problemPrefix + "missing-data"
	// ProblemAuthenticationTags: a ciphertext is not the one the
	// Zustelldienst recorded at submission.
	ProblemAuthenticationTags = problemPrefix + "invalid-authentication-tag"
)

// Bounds on what one received submission may hold, so a hostile sender
// cannot make the receiver hold unbounded content in memory: the number
// of attachments and their encrypted size together.
const (
	MaxAttachments     = 100
	MaxSubmissionBytes = 300 << 20
)

// ErrUnknownKey means a part was encrypted for a key this receiver does
// not hold. That is usually the receiver's configuration, not the
// sender's fault, so the submission is left for later, not rejected.
var ErrUnknownKey = errors.New("fitconnect: encrypted for an unknown key")

// Incoming is a fetched submission after decryption and checks.
type Incoming struct {
	SubmissionRef
	// ServiceIdentifier and ServiceName are the submission's serviceType.
	ServiceIdentifier, ServiceName string
	// SubmittedAt is when the Zustelldienst recorded the submission
	// (its verified submit-submission event); zero if the log lacks it.
	SubmittedAt time.Time
	// Metadata is nil when it could not be decrypted or parsed.
	Metadata *Metadata
	// Data are the decrypted Fachdaten (nil without data).
	Data        []byte
	Attachments []IncomingAttachment
	// Problems found; none means the submission is sound.
	Problems []Problem
	tags     AuthenticationTags
}

// IncomingAttachment is one decrypted attachment with its description.
type IncomingAttachment struct {
	AttachmentMetadata
	Content []byte
}

func (in *Incoming) problem(typ, title, detail, instance string) {
	in.Problems = append(in.Problems, Problem{Type: typ, Title: title, Detail: detail, Instance: instance})
}

// submissionDoc is GET /v1/submissions/{id}.
type submissionDoc struct {
	SubmissionID      string   `json:"submissionId"`
	CaseID            string   `json:"caseId"`
	DestinationID     string   `json:"destinationId"`
	Attachments       []string `json:"attachments"`
	EncryptedMetadata string   `json:"encryptedMetadata"`
	EncryptedData     string   `json:"encryptedData"`
	ServiceType       struct {
		Identifier string `json:"identifier"`
		Name       string `json:"name"`
	} `json:"serviceType"`
}

// Fetch downloads a submission and checks it as docs.fitko.de
// receiving/verification describes: the ciphertexts against the
// authentication tags of the Zustelldienst's signed submit-submission
// event, the metadata against the schema and the service type, data and
// every attachment against their SHA-512 in the metadata. Content problems
// end up in Incoming.Problems; the error is for transport failures, a
// broken event log, and ErrUnknownKey.
func (r *Receiver) Fetch(ctx context.Context, ref SubmissionRef) (*Incoming, error) {
	var doc submissionDoc
	if err := r.c.getJSON(ctx, true, r.c.submissionPath("/v1/submissions/"+url.PathEscape(ref.SubmissionID)), &doc); err != nil {
		return nil, err
	}
	if doc.SubmissionID != ref.SubmissionID || doc.CaseID != ref.CaseID {
		return nil, fmt.Errorf("%w: Zustelldienst answered submission %s of case %s for %s", ErrInvalid, doc.SubmissionID, doc.CaseID, ref.SubmissionID)
	}
	in := &Incoming{SubmissionRef: ref, ServiceIdentifier: doc.ServiceType.Identifier, ServiceName: doc.ServiceType.Name,
		tags: AuthenticationTags{Metadata: AuthenticationTag(doc.EncryptedMetadata), Attachments: map[string]string{}}}
	recorded, err := r.submitEvent(ctx, ref)
	if err != nil {
		return nil, err
	}
	if recorded != nil {
		in.SubmittedAt = recorded.IssuedAt
	}
	metaJSON, err := r.open(doc.EncryptedMetadata)
	if errors.Is(err, ErrUnknownKey) {
		return in, err
	}
	if err != nil {
		in.problem(ProblemEncryption, "Entschlüsselung fehlgeschlagen", err.Error(), "metadata")
		return in, nil
	}
	if err := ValidateReceivedMetadata(metaJSON); err != nil {
		in.problem(ProblemSchema, "Metadaten ungültig", err.Error(), "metadata")
		return in, nil
	}
	var meta Metadata
	if err := json.Unmarshal(metaJSON, &meta); err != nil {
		in.problem(ProblemSchema, "Metadaten ungültig", err.Error(), "metadata")
		return in, nil
	}
	in.Metadata = &meta
	if meta.PublicServiceType != nil && meta.PublicServiceType.Identifier != doc.ServiceType.Identifier {
		in.problem(ProblemServiceType, "Verwaltungsleistung abweichend", meta.PublicServiceType.Identifier+" ≠ "+doc.ServiceType.Identifier, "metadata")
	}
	if err := r.fetchData(in, &meta, doc.EncryptedData); err != nil {
		return in, err
	}
	if err := r.fetchAttachments(ctx, in, &meta, doc.Attachments); err != nil {
		return in, err
	}
	r.checkTags(in, recorded)
	return in, nil
}

// submitEvent returns the verified submit-submission event of ref, or nil
// if the log has none (a Zustelldienst that does not write it).
func (r *Receiver) submitEvent(ctx context.Context, ref SubmissionRef) (*Event, error) {
	events, err := r.c.Poll(ctx, ref.CaseID)
	if err != nil {
		return nil, err
	}
	for i := range events {
		if events[i].Type == EventSubmit && events[i].SubmissionID == ref.SubmissionID {
			return &events[i], nil
		}
	}
	return nil, nil
}

func (r *Receiver) fetchData(in *Incoming, meta *Metadata, encrypted string) error {
	described := meta.ContentStructure.Data != nil
	switch {
	case encrypted == "" && !described:
		return nil
	case encrypted == "" || !described:
		in.problem(ProblemMissingParts, "Fachdaten fehlen", "Fachdaten und Metadaten passen nicht zusammen", "data")
		return nil
	}
	in.tags.Data = AuthenticationTag(encrypted)
	plain, err := r.open(encrypted)
	if errors.Is(err, ErrUnknownKey) {
		return err
	}
	if err != nil {
		in.problem(ProblemEncryption, "Entschlüsselung fehlgeschlagen", err.Error(), "data")
		return nil
	}
	if !meta.ContentStructure.Data.Hash.Matches(plain) {
		in.problem(ProblemHash, "Hashwert stimmt nicht", "SHA-512 der Fachdaten weicht von den Metadaten ab", "data")
		return nil
	}
	in.Data = plain
	return nil
}

func (r *Receiver) fetchAttachments(ctx context.Context, in *Incoming, meta *Metadata, announced []string) error {
	announced = slices.Clone(announced)
	var described []string
	for _, a := range meta.ContentStructure.Attachments {
		described = append(described, a.AttachmentID)
	}
	slices.Sort(announced)
	slices.Sort(described)
	if !slices.Equal(announced, described) {
		in.problem(ProblemAttachments, "Anlagen abweichend", fmt.Sprintf("angekündigt %v, in den Metadaten %v", announced, described), "metadata")
	}
	if len(meta.ContentStructure.Attachments) > MaxAttachments {
		in.problem(ProblemAttachments, "Zu viele Anlagen", fmt.Sprintf("%d Anlagen, höchstens %d", len(meta.ContentStructure.Attachments), MaxAttachments), "metadata")
		return nil
	}
	total := 0
	for _, a := range meta.ContentStructure.Attachments {
		if !slices.Contains(announced, a.AttachmentID) || !isUUID(a.AttachmentID) {
			continue
		}
		tok, err := r.c.getText(ctx, r.c.submissionPath("/v1/submissions/"+url.PathEscape(in.SubmissionID)+"/attachments/"+url.PathEscape(a.AttachmentID)))
		if errors.Is(err, ErrInvalid) {
			in.problem(ProblemAttachments, "Anlage zu groß", err.Error(), "attachment:"+a.AttachmentID)
			return nil
		}
		if err != nil {
			return err
		}
		if total += len(tok); total > MaxSubmissionBytes {
			in.problem(ProblemAttachments, "Einreichung zu groß", fmt.Sprintf("Anlagen über %d MB", MaxSubmissionBytes>>20), "attachment:"+a.AttachmentID)
			return nil
		}
		in.tags.Attachments[a.AttachmentID] = AuthenticationTag(tok)
		plain, err := r.open(tok)
		if errors.Is(err, ErrUnknownKey) {
			return err
		}
		if err != nil {
			in.problem(ProblemEncryption, "Entschlüsselung fehlgeschlagen", err.Error(), "attachment:"+a.AttachmentID)
			continue
		}
		if !a.Hash.Matches(plain) {
			in.problem(ProblemHash, "Hashwert stimmt nicht", "SHA-512 der Anlage weicht von den Metadaten ab", "attachment:"+a.AttachmentID)
			continue
		}
		in.Attachments = append(in.Attachments, IncomingAttachment{AttachmentMetadata: a, Content: plain})
	}
	return nil
}

// checkTags compares the ciphertexts received with those the Zustelldienst
// recorded: a difference means someone changed them after submission.
func (r *Receiver) checkTags(in *Incoming, recorded *Event) {
	if recorded == nil || recorded.Tags == nil {
		return
	}
	want := recorded.Tags
	if want.Metadata != in.tags.Metadata {
		in.problem(ProblemAuthenticationTags, "Authentication-Tag abweichend", "Metadaten", "metadata")
	}
	if want.Data != in.tags.Data {
		in.problem(ProblemAuthenticationTags, "Authentication-Tag abweichend", "Fachdaten", "data")
	}
	for id, tag := range in.tags.Attachments {
		if want.Attachments[id] != tag {
			in.problem(ProblemAuthenticationTags, "Authentication-Tag abweichend", "Anlage", "attachment:"+id)
		}
	}
}

// open decrypts with the key the JWE names.
func (r *Receiver) open(token string) ([]byte, error) {
	kid := jweKid(token)
	key := r.cfg.DecryptionKeys[kid]
	if key == nil {
		return nil, fmt.Errorf("%w: kid %q", ErrUnknownKey, kid)
	}
	plain, _, err := Decrypt(token, key)
	return plain, err
}
