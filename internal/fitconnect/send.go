package fitconnect

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/google/uuid"
)

// Submission is one application to send.
type Submission struct {
	// LeikaKey and ARS find the destination through the Routing API
	// (GET /routes?leikaKey=&ars=).
	LeikaKey string
	ARS      string
	// DestinationID picks one of several routes; without a RoutingURL it
	// names the destination directly (no signed routing information then).
	DestinationID string
	// ServiceName names the service in serviceType and publicServiceType.
	ServiceName string
	// ServiceIdentifier overrides the LeiKa URN (LeikaURNPrefix+LeikaKey),
	// for services without a LeiKa key.
	ServiceIdentifier string
	// Data are the Fachdaten, described by DataSchema (MimeType defaults
	// to application/json). Nil sends no data.
	Data       []byte
	DataSchema SubmissionSchema
	// Attachments are sent encrypted, one upload each.
	Attachments []Attachment
	// Optional metadata; nil or empty members are left out.
	AdditionalReferenceInfo   *AdditionalReferenceInfo
	AuthenticationInformation []AuthenticationInformation
	PaymentInformation        *PaymentInformation
	// ReplyChannel is left out if the destination lists its reply
	// channels and this one is not among them.
	ReplyChannel *ReplyChannel
}

// Attachment is one file of a submission.
type Attachment struct {
	// ID is a UUID; empty gets a random one.
	ID       string
	Filename string
	// MimeType is the file's media type, e.g. application/pdf.
	MimeType string
	// Purpose is PurposeForm, PurposeAttachment (default) or PurposeReport.
	Purpose     string
	Description string
	Content     []byte
}

// Sent is a submission the Zustelldienst took.
type Sent struct {
	DestinationID string
	SubmissionID  string
	CaseID        string
	// Metadata is what was sent (encrypted), with the hashes.
	Metadata Metadata
	// Tags are the JWE authentication tags of what was uploaded; the
	// submit-submission event of the Zustelldienst repeats them.
	Tags AuthenticationTags
}

// Reference identifies the sent submission for the event log.
func (s Sent) Reference() Reference {
	return Reference{SubmissionID: s.SubmissionID, CaseID: s.CaseID, DestinationID: s.DestinationID}
}

func (s Submission) serviceIdentifier() string {
	if s.ServiceIdentifier != "" {
		return s.ServiceIdentifier
	}
	if s.LeikaKey == "" {
		return ""
	}
	return LeikaURNPrefix + s.LeikaKey
}

// Send routes, checks, encrypts and hands over s: create the submission
// (POST /v1/submissions), upload every attachment (PUT
// /v1/submissions/{id}/attachments/{attachmentId}), submit metadata and
// data (PUT /v1/submissions/{id}). Everything is checked and encrypted
// before the first request that creates anything. A failure after the
// create leaves an incomplete submission that the Zustelldienst discards;
// a retry sends anew.
func (c *Client) Send(ctx context.Context, s Submission) (Sent, error) {
	serviceID := s.serviceIdentifier()
	if serviceID == "" {
		return Sent{}, fmt.Errorf("%w: no LeikaKey or ServiceIdentifier", ErrInvalid)
	}
	destID, err := c.resolve(ctx, s)
	if err != nil {
		return Sent{}, err
	}
	dest, err := c.Destination(ctx, destID)
	if err != nil {
		return Sent{}, err
	}
	if s.Data != nil && s.DataSchema.MimeType == "" {
		s.DataSchema.MimeType = "application/json"
	}
	var schema *SubmissionSchema
	if s.Data != nil {
		schema = &s.DataSchema
	}
	if err := dest.accepts(serviceID, schema); err != nil {
		return Sent{}, err
	}
	key, err := c.EncryptionKey(ctx, dest)
	if err != nil {
		return Sent{}, err
	}
	atts, err := withIDs(s.Attachments)
	if err != nil {
		return Sent{}, err
	}
	meta := s.metadata(serviceID, dest, atts)
	env, err := seal(meta, s.Data, s.DataSchema.MimeType, atts, key)
	if err != nil {
		return Sent{}, err
	}
	sent := Sent{DestinationID: destID, Metadata: meta, Tags: env.tags}
	if err := c.create(ctx, &sent, serviceID, s.ServiceName, atts); err != nil {
		return Sent{}, err
	}
	base := c.submissionPath("/v1/submissions/" + url.PathEscape(sent.SubmissionID))
	for _, a := range atts {
		if _, err := request(ctx, c.authed, http.MethodPut, base+"/attachments/"+url.PathEscape(a.ID), "application/jose",
			[]byte(env.attachments[a.ID]), nil); err != nil {
			return Sent{}, fmt.Errorf("fitconnect: upload attachment %s: %w", a.ID, err)
		}
	}
	body, err := json.Marshal(struct {
		EncryptedMetadata string `json:"encryptedMetadata"`
		EncryptedData     string `json:"encryptedData,omitempty"`
	}{env.metadata, env.data})
	if err != nil {
		return Sent{}, fmt.Errorf("fitconnect: encode submit: %w", err)
	}
	if _, err := request(ctx, c.authed, http.MethodPut, base, "application/json", body, nil); err != nil {
		return Sent{}, fmt.Errorf("fitconnect: submit %s: %w", sent.SubmissionID, err)
	}
	return sent, nil
}

// resolve returns the destination id: from a verified route when routing
// is configured, else as given.
func (c *Client) resolve(ctx context.Context, s Submission) (string, error) {
	if c.cfg.RoutingURL != "" && (s.LeikaKey != "" || s.DestinationID == "") {
		r, err := c.Route(ctx, s.LeikaKey, s.ARS, s.DestinationID)
		if err != nil {
			return "", err
		}
		return r.DestinationID, nil
	}
	if !isUUID(s.DestinationID) {
		return "", fmt.Errorf("%w: without routing a DestinationID (UUID) is required", ErrConfig)
	}
	return s.DestinationID, nil
}

// withIDs copies atts, giving each a random UUID unless it has one, and
// refuses duplicate or malformed ids.
func withIDs(atts []Attachment) ([]Attachment, error) {
	out := slices.Clone(atts)
	seen := map[string]bool{}
	for i := range out {
		if out[i].ID == "" {
			out[i].ID = uuid.NewString()
		}
		if !isUUID(out[i].ID) || seen[out[i].ID] {
			return nil, fmt.Errorf("%w: attachment id %q is not a unique UUID", ErrInvalid, out[i].ID)
		}
		seen[out[i].ID] = true
		if out[i].Purpose == "" {
			out[i].Purpose = PurposeAttachment
		}
		if out[i].MimeType == "" {
			out[i].MimeType = "application/octet-stream"
		}
	}
	return out, nil
}

// metadata builds the metadata record with the hashes of the plain parts.
func (s Submission) metadata(serviceID string, dest Destination, atts []Attachment) Metadata {
	m := Metadata{Schema: MetadataSchemaURI, ContentStructure: ContentStructure{Attachments: []AttachmentMetadata{}},
		PublicServiceType:         &PublicServiceType{Identifier: serviceID, Name: s.ServiceName},
		AdditionalReferenceInfo:   s.AdditionalReferenceInfo,
		AuthenticationInformation: s.AuthenticationInformation,
		PaymentInformation:        s.PaymentInformation,
		ReplyChannel:              s.ReplyChannel,
	}
	if s.Data != nil {
		m.ContentStructure.Data = &DataStructure{Hash: SHA512(s.Data), SubmissionSchema: s.DataSchema}
	}
	for _, a := range atts {
		m.ContentStructure.Attachments = append(m.ContentStructure.Attachments, AttachmentMetadata{AttachmentID: a.ID,
			Hash: SHA512(a.Content), Purpose: a.Purpose, MimeType: a.MimeType, Filename: a.Filename, Description: a.Description})
	}
	if m.AdditionalReferenceInfo != nil && *m.AdditionalReferenceInfo == (AdditionalReferenceInfo{}) {
		m.AdditionalReferenceInfo = nil
	}
	if len(dest.ReplyChannels) > 0 {
		if _, ok := dest.ReplyChannels[m.ReplyChannel.name()]; !ok {
			m.ReplyChannel = nil
		}
	}
	if m.ReplyChannel.name() == "" {
		m.ReplyChannel = nil
	}
	return m
}

// envelope holds the encrypted parts of a submission.
type envelope struct {
	metadata, data string
	attachments    map[string]string
	tags           AuthenticationTags
}

// seal validates the metadata and encrypts metadata, data and attachments.
func seal(meta Metadata, data []byte, dataType string, atts []Attachment, key *jose.JSONWebKey) (envelope, error) {
	metaJSON, err := json.Marshal(meta)
	if err != nil {
		return envelope{}, fmt.Errorf("fitconnect: encode metadata: %w", err)
	}
	if err := ValidateMetadata(metaJSON); err != nil {
		return envelope{}, err
	}
	env := envelope{attachments: map[string]string{}, tags: AuthenticationTags{Attachments: map[string]string{}}}
	if env.metadata, err = Encrypt(metaJSON, key, "application/json"); err != nil {
		return envelope{}, err
	}
	env.tags.Metadata = AuthenticationTag(env.metadata)
	if data != nil {
		if env.data, err = Encrypt(data, key, dataType); err != nil {
			return envelope{}, err
		}
		env.tags.Data = AuthenticationTag(env.data)
	}
	for _, a := range atts {
		tok, err := Encrypt(a.Content, key, a.MimeType)
		if err != nil {
			return envelope{}, err
		}
		env.attachments[a.ID] = tok
		env.tags.Attachments[a.ID] = AuthenticationTag(tok)
	}
	return env, nil
}

// create announces the submission and fills sent's ids.
func (c *Client) create(ctx context.Context, sent *Sent, serviceID, serviceName string, atts []Attachment) error {
	if serviceName == "" {
		serviceName = serviceID
	}
	ids := make([]string, len(atts))
	for i, a := range atts {
		ids[i] = a.ID
	}
	type serviceType struct {
		Name       string `json:"name"`
		Identifier string `json:"identifier"`
	}
	body, err := json.Marshal(struct {
		DestinationID        string      `json:"destinationId"`
		AnnouncedAttachments []string    `json:"announcedAttachments"`
		ServiceType          serviceType `json:"serviceType"`
	}{sent.DestinationID, ids, serviceType{serviceName, serviceID}})
	if err != nil {
		return fmt.Errorf("fitconnect: encode create: %w", err)
	}
	var created struct {
		DestinationID string `json:"destinationId"`
		SubmissionID  string `json:"submissionId"`
		CaseID        string `json:"caseId"`
	}
	if _, err := request(ctx, c.authed, http.MethodPost, c.submissionPath("/v1/submissions"), "application/json", body, &created); err != nil {
		return fmt.Errorf("fitconnect: create submission: %w", err)
	}
	if !isUUID(created.SubmissionID) || !isUUID(created.CaseID) {
		return fmt.Errorf("fitconnect: create submission: answer without submissionId/caseId")
	}
	sent.SubmissionID, sent.CaseID = created.SubmissionID, created.CaseID
	return nil
}
