package inbound

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/fitconnect"
	"github.com/serviceportal/serviceportal/internal/xgewerbe"
)

// serviceOf finds the catalogue service the submission is for by its
// LeiKa URN; a destination receives only services the catalogue knows.
func (s *Service) serviceOf(ctx context.Context, in *fitconnect.Incoming) (string, []fitconnect.Problem) {
	key, ok := strings.CutPrefix(in.ServiceIdentifier, fitconnect.LeikaURNPrefix)
	if ok && catalog.ValidLeiKa(key) {
		if svc, err := s.catalog.ByLeiKa(ctx, key); err == nil {
			return svc.ID, nil
		}
	}
	return "", []fitconnect.Problem{{Type: fitconnect.ProblemServiceType, Title: "Verwaltungsleistung unbekannt",
		Detail: "Die Behörde bearbeitet die Leistung " + in.ServiceIdentifier + " nicht.", Instance: "submission"}}
}

// isXGewerbeanzeige tells XGewerbeanzeige data by its schema URI or, for
// senders that name no standard URN, by its namespace.
func isXGewerbeanzeige(schemaURI string, data []byte) bool {
	return strings.Contains(strings.ToLower(schemaURI), "xgewerbeanzeige") ||
		bytes.Contains(data[:min(len(data), 4096)], []byte("xgewerbeanzeige.de/spezifikation"))
}

// checkData checks the Fachdaten against their format: an XGewerbeanzeige
// must pass the xgewerbe checks, JSON must be JSON and XML well-formed.
// The caseworker must never get a case that cannot be read.
func checkData(in *fitconnect.Incoming) []fitconnect.Problem {
	if in.Data == nil || in.Metadata == nil || in.Metadata.ContentStructure.Data == nil {
		return nil
	}
	schema := in.Metadata.ContentStructure.Data.SubmissionSchema
	bad := func(detail string) []fitconnect.Problem {
		return []fitconnect.Problem{{Type: fitconnect.ProblemDataSchema, Title: "Fachdaten ungültig", Detail: detail, Instance: "data"}}
	}
	switch {
	case isXGewerbeanzeige(schema.SchemaURI, in.Data):
		if _, err := xgewerbe.Parse(bytes.NewReader(in.Data)); err != nil {
			var inv *xgewerbe.InvalidError
			if errors.As(err, &inv) {
				return bad("XGewerbeanzeige: " + inv.Reason())
			}
			return bad("XGewerbeanzeige: " + err.Error())
		}
	case schema.MimeType == "application/json":
		if !json.Valid(in.Data) {
			return bad("Die Fachdaten sind kein gültiges JSON.")
		}
	case schema.MimeType == "application/xml":
		if err := wellFormed(in.Data); err != nil {
			return bad("Die Fachdaten sind kein wohlgeformtes XML: " + err.Error())
		}
	}
	return nil
}

func wellFormed(b []byte) error {
	d := xml.NewDecoder(bytes.NewReader(b))
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	for {
		_, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// values is what is stored as the submission's answers: the transfer's
// facts and the data as received.
func values(in *fitconnect.Incoming) map[string]any {
	meta := map[string]any{"submissionId": in.SubmissionID, "caseId": in.CaseID, "destinationId": in.DestinationID,
		"serviceIdentifier": in.ServiceIdentifier, "serviceName": in.ServiceName}
	if !in.SubmittedAt.IsZero() {
		meta["submittedAt"] = in.SubmittedAt.UTC().Format(time.RFC3339)
	}
	if m := in.Metadata; m != nil {
		if ref := m.AdditionalReferenceInfo; ref != nil {
			meta["senderReference"], meta["applicationDate"] = ref.SenderReference, ref.ApplicationDate
		}
		if d := m.ContentStructure.Data; d != nil {
			meta["schemaUri"], meta["mimeType"] = d.SubmissionSchema.SchemaURI, d.SubmissionSchema.MimeType
		}
		if m.ReplyChannel != nil && m.ReplyChannel.EMail != nil {
			meta["replyEmail"] = m.ReplyChannel.EMail.Address
		}
		if p := m.PaymentInformation; p != nil {
			meta["payment"] = p.Status + " " + string(p.GrossAmount) + " EUR (" + p.PaymentMethod + ", " + p.TransactionReference + ")"
		}
	}
	v := map[string]any{"fitconnect": meta}
	switch {
	case in.Data == nil:
	case utf8.Valid(in.Data):
		v["data"] = string(in.Data)
	default:
		// JSON strings must be UTF-8; other bytes (an ISO-8859-15 XML,
		// say) are kept exactly.
		v["dataBase64"] = base64.StdEncoding.EncodeToString(in.Data)
	}
	return v
}
