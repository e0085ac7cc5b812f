// Package gewerbeanzeige makes the XGewerbeanzeige 2.2 of a
// Gewerbe-Anmeldung filed with the portal's own form: the submission's
// answers (package xgewerbe converts them), the tenant from the directory
// as the Gewerbeamt, and its offering's office and contacts from the
// catalogue. The back office offers the message for download, and a
// FIT-Connect delivery sends it as the submission's data.
package gewerbeanzeige

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/fitconnect"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/submission"
	"github.com/serviceportal/serviceportal/internal/tenant"
	"github.com/serviceportal/serviceportal/internal/xgewerbe"
)

// SchemaURI names XGewerbeanzeige 2.2 data in FIT-Connect's
// submissionSchema: the namespace of the message.
const SchemaURI = xgewerbe.Namespace22

// Maker makes the messages; it keeps no state of its own.
type Maker struct {
	dir *tenant.Directory
	cat *catalog.Catalog
}

// New returns a Maker reading tenants from dir and offerings from cat.
func New(dir *tenant.Directory, cat *catalog.Catalog) *Maker {
	return &Maker{dir: dir, cat: cat}
}

// Applies reports whether sub was filed with the form the message is made
// from.
func Applies(sub submission.Submission) bool { return sub.FormID == xgewerbe.FormID }

// Unconvertible says why a submission gives no message, in German, for
// the caseworker: its answers were deleted or cannot be converted.
type Unconvertible struct{ Reason string }

func (e *Unconvertible) Error() string { return "gewerbeanzeige: " + e.Reason }

// Message makes the XGewerbeanzeige of sub. The same submission always
// gives the same message. It returns an *Unconvertible for a submission
// of another form, without answers, or with answers xgewerbe cannot take;
// other errors come from reading tenant and offering.
func (m *Maker) Message(ctx context.Context, sub submission.Submission) ([]byte, error) {
	if !Applies(sub) {
		return nil, &Unconvertible{"Der Antrag ist keine Gewerbe-Anmeldung mit dem Formular des Portals."}
	}
	if sub.Values == nil {
		return nil, &Unconvertible{"Die Angaben dieses Antrags wurden nach Ablauf der Aufbewahrungsfrist gelöscht; eine XGewerbeanzeige lässt sich daraus nicht mehr erzeugen."}
	}
	amt, err := m.gewerbeamt(ctx, sub)
	if err != nil {
		return nil, err
	}
	in, err := xgewerbe.FromAnswers(xgewerbe.Antrag{ID: sub.ID, Vorgangsnummer: sub.TrackingNumber, Eingang: sub.SubmittedAt,
		Answers: sub.Values}, amt)
	var out []byte
	if err == nil {
		out, err = xgewerbe.Produce(in)
	}
	if err != nil {
		return nil, &Unconvertible{"Die XGewerbeanzeige lässt sich nicht erzeugen. " + strings.TrimPrefix(err.Error(), "xgewerbe: ") + "."}
	}
	return out, nil
}

// gewerbeamt describes the tenant's Gewerbeamt as the author of the
// message: the tenant's name and address, the office and contacts of its
// offering, else the tenant's own contacts.
func (m *Maker) gewerbeamt(ctx context.Context, sub submission.Submission) (xgewerbe.Gewerbeamt, error) {
	t, err := m.tenant(ctx, sub.TenantID)
	if err != nil {
		return xgewerbe.Gewerbeamt{}, err
	}
	svc, err := m.cat.BySlug(ctx, sub.ServiceID)
	if err != nil {
		return xgewerbe.Gewerbeamt{}, err
	}
	o, _, err := m.cat.OfferingFor(ctx, t.ID, svc.ID)
	if err != nil {
		return xgewerbe.Gewerbeamt{}, err
	}
	strasse, hausNr := xgewerbe.SplitStrasse(t.Address.Street)
	amt := xgewerbe.Amt{
		Name:      t.Name + ", " + cmp.Or(o.Office, svc.Office, "Gewerbeamt"),
		Anschrift: xgewerbe.Anschrift{Strasse: strasse, HausNr: hausNr, PLZ: t.Address.Postcode, Ort: t.Address.City},
	}
	if email := cmp.Or(o.Email, t.Email); email != "" {
		amt.Kontakte = append(amt.Kontakte, xgewerbe.Kontakt{Kanal: "01", Wert: email})
	}
	if phone := cmp.Or(o.Phone, t.Phone); phone != "" {
		amt.Kontakte = append(amt.Kontakte, xgewerbe.Kontakt{Kanal: "02", Wert: phone})
	}
	return xgewerbe.Gewerbeamt{AGS: t.AGS, Amt: amt}, nil
}

// tenant finds the submission's tenant. The directory has no lookup by id
// (yet); a region has a few dozen tenants, and this runs once per download
// or delivery attempt.
func (m *Maker) tenant(ctx context.Context, id string) (tenant.Tenant, error) {
	ts, err := m.dir.List(ctx)
	if err != nil {
		return tenant.Tenant{}, err
	}
	for _, t := range ts {
		if t.ID == id {
			return t, nil
		}
	}
	return tenant.Tenant{}, fmt.Errorf("gewerbeanzeige: tenant %s: %w", id, store.ErrNotFound)
}

// EnrichFITConnect sends a Gewerbe-Anmeldung's XGewerbeanzeige as the
// FIT-Connect data (application/xml, SchemaURI) instead of the answers as
// JSON. It leaves the submission as it is for other forms, when the target
// names a schema of its own, and when the answers cannot be converted:
// the destination's accepted schemas then decide, rather than a
// conversion gap blocking the delivery.
func (m *Maker) EnrichFITConnect(ctx context.Context, sub submission.Submission, fs *fitconnect.Submission) error {
	if !Applies(sub) || !strings.HasPrefix(fs.DataSchema.SchemaURI, "urn:serviceportal:form:") {
		return nil
	}
	out, err := m.Message(ctx, sub)
	var unconvertible *Unconvertible
	if errors.As(err, &unconvertible) {
		return nil
	}
	if err != nil {
		return err
	}
	fs.Data = out
	fs.DataSchema = fitconnect.SubmissionSchema{SchemaURI: SchemaURI, MimeType: "application/xml"}
	return nil
}
