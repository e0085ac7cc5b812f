package fitconnect

import (
	"encoding/json"
	"fmt"
)

// MetadataVersion is the version of FITKO's metadata schema the sender
// writes and checks against (schema/metadata.schema.v1.0.0.json).
const MetadataVersion = "1.0.0"

// MetadataSchemaURI is the $id of that schema; the metadata names it in
// "$schema" (1.0.0 allows the member, later 1.x versions require it).
const MetadataSchemaURI = "https://schema.fitko.de/fit-connect/metadata/1.0.0/metadata.schema.json"

// Attachment purposes (metadata schema 1.0.0, contentStructure.attachments).
const (
	// PurposeForm is the generated PDF of the whole application form.
	PurposeForm = "form"
	// PurposeAttachment is a file the citizen uploaded.
	PurposeAttachment = "attachment"
	// PurposeReport is a document the online service made afterwards.
	PurposeReport = "report"
)

// Metadata is the metadata record of a submission (metadata schema 1.0.0).
// It travels encrypted, like the data.
type Metadata struct {
	Schema                    string                      `json:"$schema,omitempty"`
	ContentStructure          ContentStructure            `json:"contentStructure"`
	PublicServiceType         *PublicServiceType          `json:"publicServiceType,omitempty"`
	AdditionalReferenceInfo   *AdditionalReferenceInfo    `json:"additionalReferenceInfo,omitempty"`
	AuthenticationInformation []AuthenticationInformation `json:"authenticationInformation,omitempty"`
	PaymentInformation        *PaymentInformation         `json:"paymentInformation,omitempty"`
	ReplyChannel              *ReplyChannel               `json:"replyChannel,omitempty"`
}

// ContentStructure describes data and attachments with their hashes.
type ContentStructure struct {
	Data *DataStructure `json:"data,omitempty"`
	// Attachments is required by the schema, also when empty.
	Attachments []AttachmentMetadata `json:"attachments"`
}

// DataStructure describes the Fachdaten.
type DataStructure struct {
	Hash             Hash             `json:"hash"`
	SubmissionSchema SubmissionSchema `json:"submissionSchema"`
}

// SubmissionSchema names the schema of the Fachdaten.
type SubmissionSchema struct {
	SchemaURI string `json:"schemaUri"`
	// MimeType is application/json or application/xml.
	MimeType string `json:"mimeType"`
}

// AttachmentMetadata describes one attachment.
type AttachmentMetadata struct {
	AttachmentID string `json:"attachmentId"`
	Hash         Hash   `json:"hash"`
	// Purpose is PurposeForm, PurposeAttachment or PurposeReport.
	Purpose     string `json:"purpose"`
	MimeType    string `json:"mimeType"`
	Filename    string `json:"filename,omitempty"`
	Description string `json:"description,omitempty"`
}

// PublicServiceType names the service: Identifier is the LeiKa URN
// (LeikaURNPrefix + key) or, where there is none, another URN.
type PublicServiceType struct {
	Identifier  string `json:"identifier"`
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
}

// AdditionalReferenceInfo carries the sender's reference.
type AdditionalReferenceInfo struct {
	// SenderReference identifies the application at the sender, e.g. the
	// portal's tracking number.
	SenderReference string `json:"senderReference,omitempty"`
	// ApplicationDate is the day of the application, YYYY-MM-DD.
	ApplicationDate string `json:"applicationDate,omitempty"`
}

// AuthenticationInformation is one proof of identification, e.g. an
// eID identificationReport (Base64url in Content).
type AuthenticationInformation struct {
	Type    string `json:"type"`
	Version string `json:"version"`
	Content string `json:"content"`
}

// Payment methods and states of PaymentInformation (schema 1.0.0).
const (
	PaymentInitial  = "INITIAL"
	PaymentBooked   = "BOOKED"
	PaymentFailed   = "FAILED"
	PaymentCanceled = "CANCELED"
)

// PaymentInformation is what the payment provider reported.
type PaymentInformation struct {
	TransactionURL       string `json:"transactionUrl,omitempty"`
	TransactionID        string `json:"transactionId"`
	TransactionReference string `json:"transactionReference"`
	// TransactionTimestamp is RFC 3339, when the payment succeeded.
	TransactionTimestamp string `json:"transactionTimestamp,omitempty"`
	// PaymentMethod is GIROPAY, PAYDIRECT, CREDITCARD, PAYPAL, INVOICE or OTHER.
	PaymentMethod       string `json:"paymentMethod"`
	PaymentMethodDetail string `json:"paymentMethodDetail,omitempty"`
	// Status is one of PaymentInitial, PaymentBooked, PaymentFailed, PaymentCanceled.
	Status string `json:"status"`
	// GrossAmount in euros with two decimals; see Euros.
	GrossAmount json.Number `json:"grossAmount,omitempty"`
}

// Euros formats an amount in cents as GrossAmount ("12.50").
func Euros(cents int64) json.Number {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return json.Number(fmt.Sprintf("%s%d.%02d", sign, cents/100, cents%100))
}

// ReplyChannel is how the authority may answer; exactly one member is set.
type ReplyChannel struct {
	EMail  *EMailChannel  `json:"eMail,omitempty"`
	DeMail *DeMailChannel `json:"deMail,omitempty"`
	Fink   *FinkChannel   `json:"fink,omitempty"`
	Elster *ElsterChannel `json:"elster,omitempty"`
}

// name is the channel's member name, as destinations list them.
func (r *ReplyChannel) name() string {
	switch {
	case r == nil:
		return ""
	case r.EMail != nil:
		return "eMail"
	case r.DeMail != nil:
		return "deMail"
	case r.Fink != nil:
		return "fink"
	case r.Elster != nil:
		return "elster"
	}
	return ""
}

// EMailChannel answers by e-mail, optionally PGP encrypted.
type EMailChannel struct {
	Address      string `json:"address"`
	PGPPublicKey string `json:"pgpPublicKey,omitempty"`
}

// DeMailChannel answers by De-Mail.
type DeMailChannel struct {
	Address string `json:"address"`
}

// FinkChannel answers to a FINK.PFISK mailbox.
type FinkChannel struct {
	FinkPostfachRef string `json:"finkPostfachRef"`
	Host            string `json:"host,omitempty"`
}

// ElsterChannel answers through ELSTER.
type ElsterChannel struct {
	AccountID         string `json:"accountId"`
	LieferTicket      string `json:"lieferTicket,omitempty"`
	Geschaeftszeichen string `json:"geschaeftszeichen,omitempty"`
}
