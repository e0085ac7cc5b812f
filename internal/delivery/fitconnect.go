package delivery

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/serviceportal/serviceportal/internal/fitconnect"
	"github.com/serviceportal/serviceportal/internal/mail"
	"github.com/serviceportal/serviceportal/internal/submission"
)

// KindFitConnect delivers through FIT-Connect (package fitconnect).
const KindFitConnect = "fitconnect"

// Keys of Target.Settings for FIT-Connect targets. The client secret is
// the target's sealed Secret.
const (
	// FitConnectTokenURL is the OAuth token endpoint (required).
	FitConnectTokenURL = "tokenURL"
	// FitConnectClientID is the sender client of the Self-Service-Portal (required).
	FitConnectClientID = "clientId"
	// FitConnectSubmissionAPI is the Zustelldienst, e.g.
	// https://submission-api-testing.fit-connect.fitko.dev (required).
	FitConnectSubmissionAPI = "submissionAPI"
	// FitConnectRoutingURL is the Routing API including /v1; without it
	// FitConnectDestinationID is required.
	FitConnectRoutingURL = "routingURL"
	// FitConnectLeikaKey overrides the service's LeiKa key.
	FitConnectLeikaKey = "leikaKey"
	// FitConnectARS is the area the application is for, usually the
	// tenant's ARS (required with routing).
	FitConnectARS = "ars"
	// FitConnectDestinationID picks a destination among several routes,
	// or names it when there is no routing.
	FitConnectDestinationID = "destinationId"
	// FitConnectSchemaURI is the schema of the data the destination
	// expects (submissionSchema.schemaUri); default
	// urn:serviceportal:form:<form>:<version>.
	FitConnectSchemaURI = "schemaUri"
)

// FitConnectOptions configure the FIT-Connect adapter. The trust settings
// belong to the operator, not to tenants, so they are options rather than
// target settings.
type FitConnectOptions struct {
	// Files streams the citizen's files. Required when submissions have files.
	Files AttachmentWriter
	// Describe names service and tenant (LeiKa key, service name).
	Describe DescribeFunc
	// Issuer and IssuerKeysURL verify destinationSignature: the
	// Self-Service-Portal's "iss" and JWKS. Required for routed targets.
	Issuer        string
	IssuerKeysURL string
	// TrustAnchors are the Verwaltungs-PKI roots. Required.
	TrustAnchors *x509.CertPool
	// HTTPClient makes the requests; nil uses net/http's default transport.
	HTTPClient *http.Client
	// RenderForm, if set, makes the PDF of the filled form, sent as the
	// attachment with purpose "form" (the receipt renderer fits).
	RenderForm func(ctx context.Context, sub submission.Submission) ([]byte, error)
	// Enrich, if set, adds what the portal knows beyond the submission,
	// e.g. paymentInformation or an eID identificationReport.
	Enrich func(ctx context.Context, sub submission.Submission, s *fitconnect.Submission) error
}

// FitConnect delivers to a FIT-Connect destination: routed by LeiKa key
// and ARS, encrypted end to end, handed to the Zustelldienst. A delivered
// attempt means the Zustelldienst took the submission; the authority's
// accept or reject arrives later in the case's event log (Poll).
type FitConnect struct {
	o FitConnectOptions

	mu sync.Mutex
	// clients are kept per target configuration, so access tokens and key
	// sets are cached across deliveries.
	clients map[string]*fitconnect.Client
}

// NewFitConnect returns the adapter; register it with Service.AddAdapter.
func NewFitConnect(o FitConnectOptions) (*FitConnect, error) {
	if o.TrustAnchors == nil {
		return nil, errors.New("delivery: FitConnectOptions.TrustAnchors is required")
	}
	if o.Describe == nil {
		o.Describe = idNames
	}
	return &FitConnect{o: o, clients: map[string]*fitconnect.Client{}}, nil
}

// Kind returns KindFitConnect.
func (*FitConnect) Kind() string { return KindFitConnect }

// client returns the cached client of t's configuration.
func (a *FitConnect) client(t Target) (*fitconnect.Client, error) {
	s := t.Settings
	cfg := fitconnect.Config{TokenURL: s[FitConnectTokenURL], ClientID: s[FitConnectClientID], ClientSecret: t.Secret,
		RoutingURL: s[FitConnectRoutingURL], SubmissionURL: s[FitConnectSubmissionAPI], Issuer: a.o.Issuer,
		IssuerKeysURL: a.o.IssuerKeysURL, TrustAnchors: a.o.TrustAnchors, HTTPClient: a.o.HTTPClient}
	h := sha256.New()
	for _, v := range []string{cfg.TokenURL, cfg.ClientID, cfg.ClientSecret, cfg.RoutingURL, cfg.SubmissionURL} {
		h.Write([]byte(v))
		h.Write([]byte{0})
	}
	key := hex.EncodeToString(h.Sum(nil))
	a.mu.Lock()
	defer a.mu.Unlock()
	if c, ok := a.clients[key]; ok {
		return c, nil
	}
	c, err := fitconnect.New(cfg)
	if err != nil {
		return nil, err
	}
	a.clients[key] = c
	return c, nil
}

// Deliver sends the submission; the Outcome's Reference names submission,
// case and destination (fitconnect.Reference) for Poll.
func (a *FitConnect) Deliver(ctx context.Context, d Delivery, sub submission.Submission) (Outcome, error) {
	if d.Target.Secret == "" {
		return Outcome{}, Permanent(errors.New("für das FIT-Connect-Ziel ist kein Client-Secret hinterlegt"))
	}
	c, err := a.client(d.Target)
	if err != nil {
		return Outcome{}, fitConnectFailure(err)
	}
	fs, err := a.submission(ctx, d.Target, sub)
	if err != nil {
		return Outcome{}, err
	}
	sent, err := c.Send(ctx, fs)
	if err != nil {
		return fitConnectOutcome(err), fitConnectFailure(err)
	}
	return Outcome{Reference: sent.Reference().String(),
		Detail: fmt.Sprintf("FIT-Connect: Einreichung %s, Vorgang %s", sent.SubmissionID, sent.CaseID)}, nil
}

// submission builds the FIT-Connect submission: the answers as JSON data,
// the citizen's files (and the form PDF) as attachments, and the
// metadata the portal knows.
func (a *FitConnect) submission(ctx context.Context, t Target, sub submission.Submission) (fitconnect.Submission, error) {
	names, err := a.o.Describe(ctx, sub)
	if err != nil {
		return fitconnect.Submission{}, err
	}
	leika := t.Settings[FitConnectLeikaKey]
	if leika == "" {
		leika = names.LeikaKey
	}
	if leika == "" {
		return fitconnect.Submission{}, Permanent(errors.New("die Leistung hat keinen Leistungsschlüssel; tragen Sie ihn beim FIT-Connect-Ziel ein"))
	}
	data, err := json.Marshal(sub.Values)
	if err != nil {
		return fitconnect.Submission{}, Permanent(fmt.Errorf("delivery: encode answers: %w", err))
	}
	schemaURI := t.Settings[FitConnectSchemaURI]
	if schemaURI == "" {
		schemaURI = "urn:serviceportal:form:" + url.PathEscape(sub.FormID) + ":" + url.PathEscape(sub.FormVersion)
	}
	fs := fitconnect.Submission{LeikaKey: leika, ARS: t.Settings[FitConnectARS], DestinationID: t.Settings[FitConnectDestinationID],
		ServiceName: names.ServiceName, Data: data,
		DataSchema: fitconnect.SubmissionSchema{SchemaURI: schemaURI, MimeType: "application/json"},
		AdditionalReferenceInfo: &fitconnect.AdditionalReferenceInfo{SenderReference: sub.TrackingNumber,
			ApplicationDate: sub.SubmittedAt.In(berlin).Format("2006-01-02")}}
	if mail.CheckAddress(sub.ContactEmail) == nil {
		fs.ReplyChannel = &fitconnect.ReplyChannel{EMail: &fitconnect.EMailChannel{Address: sub.ContactEmail}}
	}
	if a.o.RenderForm != nil {
		pdf, err := a.o.RenderForm(ctx, sub)
		if err != nil {
			return fitconnect.Submission{}, fmt.Errorf("delivery: form PDF: %w", err)
		}
		fs.Attachments = append(fs.Attachments, fitconnect.Attachment{Filename: "Antrag-" + sub.TrackingNumber + ".pdf",
			MimeType: "application/pdf", Purpose: fitconnect.PurposeForm, Description: "Antragsformular", Content: pdf})
	}
	for _, f := range citizenFiles(sub) {
		content, err := readFile(ctx, a.o.Files, f)
		if err != nil {
			return fitconnect.Submission{}, err
		}
		fs.Attachments = append(fs.Attachments, fitconnect.Attachment{Filename: f.Filename, MimeType: mediaType(f.ContentType),
			Purpose: fitconnect.PurposeAttachment, Content: content})
	}
	if a.o.Enrich != nil {
		if err := a.o.Enrich(ctx, sub, &fs); err != nil {
			return fitconnect.Submission{}, err
		}
	}
	return fs, nil
}

// mediaType strips parameters ("; charset=…"), which the metadata's
// mimeType pattern does not allow.
func mediaType(ct string) string {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || !strings.Contains(mt, "/") {
		return "application/octet-stream"
	}
	return mt
}

// fitConnectOutcome keeps the HTTP status of a refused request for the
// attempt log.
func fitConnectOutcome(err error) Outcome {
	var apiErr *fitconnect.APIError
	if errors.As(err, &apiErr) {
		return Outcome{HTTPStatus: apiErr.StatusCode}
	}
	return Outcome{}
}

// fitConnectFailure says in German what went wrong, for staff, and marks
// failures that retrying cannot fix as permanent.
func fitConnectFailure(err error) error {
	reason := "Übermittlung fehlgeschlagen"
	var apiErr *fitconnect.APIError
	switch {
	case errors.Is(err, fitconnect.ErrKeyRejected):
		reason = "der Schlüssel des Zustellpunkts wurde abgelehnt"
	case errors.Is(err, fitconnect.ErrSignature):
		reason = "eine Signatur ist ungültig"
	case errors.Is(err, fitconnect.ErrNoRoute):
		reason = "kein eindeutiger zuständiger Zustellpunkt"
	case errors.Is(err, fitconnect.ErrDestination):
		reason = "der Zustellpunkt nimmt den Antrag nicht an"
	case errors.Is(err, fitconnect.ErrInvalid):
		reason = "Antrag oder Metadaten ungültig"
	case errors.Is(err, fitconnect.ErrConfig):
		reason = "das FIT-Connect-Ziel ist unvollständig eingerichtet"
	case errors.As(err, &apiErr):
		reason = fmt.Sprintf("FIT-Connect antwortete %d", apiErr.StatusCode)
	}
	wrapped := fmt.Errorf("FIT-Connect: %s: %w", reason, err)
	if fitconnect.Permanent(err) {
		return Permanent(wrapped)
	}
	return wrapped
}

// FitConnectState is what a case's event log says about one delivery.
type FitConnectState struct {
	Status fitconnect.Status
	// Problems are the reasons of a rejection.
	Problems []fitconnect.Problem
	// Events are the case's verified Security Event Tokens, to keep as
	// evidence.
	Events []fitconnect.Event
}

// Poll reads the event log of a delivered submission: t is its target
// with the secret opened, reference the delivery's Reference. An event
// whose signature does not verify fails the poll.
func (a *FitConnect) Poll(ctx context.Context, t Target, reference string) (FitConnectState, error) {
	ref, err := fitconnect.ParseReference(reference)
	if err != nil {
		return FitConnectState{}, fmt.Errorf("delivery: %w", err)
	}
	c, err := a.client(t)
	if err != nil {
		return FitConnectState{}, fitConnectFailure(err)
	}
	events, err := c.Poll(ctx, ref.CaseID)
	if err != nil {
		return FitConnectState{}, fitConnectFailure(err)
	}
	status, problems := fitconnect.StatusOf(events, ref)
	return FitConnectState{Status: status, Problems: problems, Events: events}, nil
}

// ValidateFitConnectSettings checks a FIT-Connect target's settings when
// staff save it (Service.validate may call it for KindFitConnect); the
// messages are German and say what to fix. Failures wrap ErrInvalidTarget.
func ValidateFitConnectSettings(s map[string]string) error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrInvalidTarget}, args...)...))
	}
	for _, f := range []struct{ key, label string }{{FitConnectTokenURL, "Token-Adresse"},
		{FitConnectSubmissionAPI, "Adresse des Zustelldienstes"}, {FitConnectRoutingURL, "Adresse des Routingdienstes"}} {
		v := s[f.key]
		if v == "" && f.key == FitConnectRoutingURL {
			continue // routing is optional
		}
		u, err := url.Parse(v)
		if err != nil || u.Host == "" || (u.Scheme != "https" && !(u.Scheme == "http" && loopback(u.Hostname()))) {
			bad("die %s %q ist keine https-Adresse", f.label, v)
		}
	}
	if strings.TrimSpace(s[FitConnectClientID]) == "" {
		bad("die Client-ID aus dem Self-Service-Portal fehlt")
	}
	if s[FitConnectRoutingURL] != "" && !arsPattern(s[FitConnectARS]) {
		bad("der Regionalschlüssel (ARS) %q muss 2, 3, 5, 9 oder 12 Ziffern haben, z. B. 055620012012 für Dorsten", s[FitConnectARS])
	}
	if s[FitConnectRoutingURL] == "" && s[FitConnectDestinationID] == "" {
		bad("ohne Routingdienst ist die Destination-ID des Zustellpunkts nötig")
	}
	return errors.Join(errs...)
}

func arsPattern(s string) bool {
	switch len(s) {
	case 2, 3, 5, 9, 12:
	default:
		return false
	}
	return strings.Trim(s, "0123456789") == ""
}
