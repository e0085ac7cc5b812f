package web

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"slices"
	"time"

	"github.com/serviceportal/serviceportal/internal/audit"
	"github.com/serviceportal/serviceportal/internal/backend"
	"github.com/serviceportal/serviceportal/internal/casework"
	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/delivery"
	"github.com/serviceportal/serviceportal/internal/identity"
	"github.com/serviceportal/serviceportal/internal/inbound"
	"github.com/serviceportal/serviceportal/internal/keyring"
	"github.com/serviceportal/serviceportal/internal/mail"
	"github.com/serviceportal/serviceportal/internal/mailbox"
	"github.com/serviceportal/serviceportal/internal/payment"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/submission"
	"github.com/serviceportal/serviceportal/internal/tenant"
	"github.com/serviceportal/serviceportal/internal/web/ui"
)

// UseCases are the portal's use-case services, built once per process and
// shared by the pages, the API and the background jobs.
type UseCases struct {
	DB          *store.DB
	Tenants     *tenant.Directory
	Catalog     *catalog.Catalog
	Search      *catalog.Index
	Keys        *keyring.Keyring
	Identity    *identity.Service
	Audit       *audit.Log
	Submissions *submission.Service
	Cases       *casework.Cases
	Outbox      *mail.Outbox
	Mailbox     *mailbox.Mailbox
	Delivery    *delivery.Service
	Payments    *payment.Service
	// Inbound receives applications over FIT-Connect once the operator
	// enabled it.
	Inbound *inbound.Service
	// Backend serves the authorities' back-end systems (API clients,
	// tokens, webhooks).
	Backend *backend.Service
	// BaseURL makes the links in e-mails absolute.
	BaseURL string

	forms *offeringForms
	// tenantRefs and processing cache what every submission reads.
	tenantRefs refCache[tenant.Tenant]
	processing refCache[catalog.Duration]
	// onlinePayment is true when a payment provider is configured.
	onlinePayment bool
}

// UseCaseOptions tune the use cases; the zero value suits tests and the demo.
type UseCaseOptions struct {
	// Mail configures the e-mail delivery to offices (keep mode if empty).
	Mail mail.Config
	// PaymentProviders are the payment providers by tenant ID ("" for all
	// tenants without their own). Empty means the test provider
	// ("Testzahlung", no money moves): for the demo and tests only.
	PaymentProviders map[string]payment.Provider
}

// NewUseCases wires the use cases on db with the master key.
func NewUseCases(ctx context.Context, db *store.DB, master []byte) (*UseCases, error) {
	return NewUseCasesWith(ctx, db, master, UseCaseOptions{})
}

// NewUseCasesWith is NewUseCases with options.
func NewUseCasesWith(ctx context.Context, db *store.DB, master []byte, opts UseCaseOptions) (*UseCases, error) {
	u := &UseCases{DB: db, Tenants: tenant.NewDirectory(db), Audit: audit.New(db), Outbox: mail.NewOutbox(db, nil)}
	u.Catalog = catalog.New(db, u.Tenants)
	u.forms = newOfferingForms(u.Catalog)
	syn, err := catalog.DefaultSynonyms()
	if err != nil {
		return nil, err
	}
	if u.Search, err = catalog.NewIndex(ctx, u.Catalog, syn); err != nil {
		return nil, err
	}
	if u.Keys, err = keyring.New(db, master); err != nil {
		return nil, err
	}
	if u.Identity, err = identity.New(db, identity.Config{Key: master, Issuer: "Serviceportal Emscher-Lippe"}); err != nil {
		return nil, fmt.Errorf("identity: %w", err)
	}
	u.Cases = casework.New(db, u.Audit, caseRoles{u})
	u.Submissions = submission.New(db, u.Keys, u.Audit)
	u.Submissions.AddPreparer(u.openCase)
	u.Submissions.AddPreparer(u.confirmByMail)
	u.Mailbox = mailbox.New(db, u.Keys)
	u.Mailbox.Notify = u.announceMessage
	u.Cases.AddHook(u.reportToCitizen)
	u.Delivery, err = delivery.New(db, delivery.Options{Keys: u.Keys, Submissions: u.Submissions, Audit: u.Audit,
		Describe: delivery.CatalogNames(u.Tenants, u.Catalog), Mail: opts.Mail, Outbox: u.Outbox,
		RenderReceipt: func(ctx context.Context, s submission.Submission) ([]byte, error) {
			link, _, err := u.statusLink(ctx, s.TenantID, s.ID)
			if err != nil {
				return nil, err
			}
			return u.ReceiptPDF(ctx, s, link)
		}})
	if err != nil {
		return nil, err
	}
	if u.Backend, err = backend.New(db, backend.Options{Keys: u.Keys, Submissions: u.Submissions, Catalog: u.Catalog,
		Audit: u.Audit, Authorizer: u.Identity.Authorizer()}); err != nil {
		return nil, err
	}
	u.Payments = payment.New(db)
	u.Inbound = inbound.New(db, u.Keys, u.Audit, u.Submissions, u.Catalog, u.Tenants)
	for tenantID, p := range opts.PaymentProviders {
		u.Payments.Register(tenantID, p)
	}
	if len(opts.PaymentProviders) == 0 {
		u.Payments.Register("", payment.NewTestProvider(db, testPaymentKey(master)))
	}
	u.onlinePayment = true
	// A paid draft's payment moves to the application in the submit
	// transaction, so receipt and case show it from the first moment.
	u.Submissions.AddHook(func(ctx context.Context, s submission.Submission) error {
		return u.Payments.LinkFromContext(ctx, s.TenantID, s.ID)
	})
	return u, nil
}

// testPaymentKey derives the test provider's signing key from the master
// key, so every instance of the portal verifies the same notifications.
func testPaymentKey(master []byte) []byte {
	m := hmac.New(sha256.New, master)
	m.Write([]byte("serviceportal payment test provider"))
	return m.Sum(nil)
}

// openCase gives every application its case, with a deadline from the
// service's processing time, which it looks up before the transaction.
func (u *UseCases) openCase(ctx context.Context, in submission.Input) (submission.Prepared, error) {
	processing, _ := u.processing.get(ctx, in.ServiceID, u.processingTime)
	return func(ctx context.Context, r submission.Result) error {
		s := r.Submission
		_, err := u.Cases.Open(ctx, casework.OpenInput{TenantID: s.TenantID, SubmissionID: s.ID, ServiceID: s.ServiceID,
			TrackingNumber: s.TrackingNumber, ReceivedAt: s.SubmittedAt, Deadline: deadline(s.SubmittedAt, processing)})
		return err
	}, nil
}

// processingTime is the service's processing time (Bearbeitungsdauer).
func (u *UseCases) processingTime(ctx context.Context, serviceID string) (catalog.Duration, error) {
	svc, err := u.Catalog.BySlug(ctx, serviceID)
	return svc.Modules.Bearbeitungsdauer, err
}

func deadline(from time.Time, d catalog.Duration) time.Time {
	if d.Max <= 0 {
		return time.Time{}
	}
	switch d.Unit {
	case "day", "workday":
		return from.AddDate(0, 0, d.Max)
	case "week":
		return from.AddDate(0, 0, 7*d.Max)
	case "month":
		return from.AddDate(0, d.Max, 0)
	case "year":
		return from.AddDate(d.Max, 0, 0)
	case "hour":
		return from.Add(time.Duration(d.Max) * time.Hour)
	}
	return time.Time{}
}

// reportToCitizen mirrors every workflow step on the citizen's timeline.
func (u *UseCases) reportToCitizen(ctx context.Context, c casework.Case, t casework.Transition, to casework.State, in casework.Input) error {
	if in.DocumentID != "" && slices.Contains(t.Effects, "issue_decision") {
		if err := u.Submissions.LinkAttachment(ctx, c.TenantID, in.DocumentID, c.SubmissionID, "decision"); err != nil {
			return err
		}
	}
	note := to.CitizenText
	if t.Action == "request_documents" && in.Note != "" {
		note += " " + in.Note
	}
	if err := u.Submissions.AddEvent(ctx, c.TenantID, c.SubmissionID, to.ID, note); err != nil {
		return err
	}
	msg := mailbox.Message{TenantID: c.TenantID, SubmissionID: c.SubmissionID, Direction: mailbox.ToCitizen, Author: u.tenantName(ctx, c.TenantID)}
	switch {
	case t.Action == "request_documents":
		msg.Subject = "Bitte reichen Sie Unterlagen nach"
		msg.Body = in.Note + "\n\nBitte laden Sie die Unterlagen bis zum " + in.Deadline.In(berlin).Format("02.01.2006") + " hier hoch."
	case slices.Contains(t.Effects, "issue_decision"):
		msg.Subject = "Ihr Bescheid liegt bereit"
		msg.Body = to.CitizenText + " Den Bescheid können Sie hier herunterladen."
		if in.Note != "" {
			msg.Body += "\n\n" + in.Note
		}
		if in.DocumentID != "" {
			msg.AttachmentIDs = []string{in.DocumentID}
		}
	default:
		return nil
	}
	_, err := u.Mailbox.Post(ctx, msg)
	return err
}

func (u *UseCases) tenantName(ctx context.Context, id string) string {
	t, err := u.tenantByID(ctx, id)
	if err != nil {
		return ""
	}
	return t.Name
}

// tenantByID reads the tenant through the submit path's cache: receipts
// and workflow notices need its names, which change rarely.
func (u *UseCases) tenantByID(ctx context.Context, id string) (tenant.Tenant, error) {
	return u.tenantRefs.get(ctx, id, u.Tenants.ByID)
}

// statusLink is the citizen's secret link to an application.
func (u *UseCases) statusLink(ctx context.Context, tenantID, submissionID string) (string, tenant.Tenant, error) {
	var ten tenant.Tenant
	token, err := u.Submissions.StatusToken(ctx, tenantID, submissionID)
	if err != nil {
		return "", ten, err
	}
	if ten, err = u.Tenants.ByID(ctx, tenantID); err != nil {
		return "", ten, err
	}
	return u.statusURL(ten, token), ten, nil
}

func (u *UseCases) statusURL(ten tenant.Tenant, token string) string {
	return u.BaseURL + "/" + ten.Slug + "/status/" + token
}

// confirmByMail tells the applicant (if they gave an address) that the
// application arrived, with the status link and never the answers. The
// tenant's names are read before the transaction.
func (u *UseCases) confirmByMail(ctx context.Context, in submission.Input) (submission.Prepared, error) {
	if in.ContactEmail == "" {
		return nil, nil
	}
	ten, err := u.tenantByID(ctx, in.TenantID)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, r submission.Result) error {
		s := r.Submission
		_, err := u.Outbox.Enqueue(ctx, mail.Message{TenantID: s.TenantID, Kind: mail.KindReceipt, To: s.ContactEmail,
			Subject: "Ihr Antrag ist eingegangen (" + s.TrackingNumber + ")",
			Text: "Guten Tag,\n\nIhr Antrag ist bei der " + ten.Name + " eingegangen. Ihre Vorgangsnummer ist " + s.TrackingNumber +
				".\n\nDen Stand Ihres Antrags, Nachrichten der Behörde und Ihre Eingangsbestätigung finden Sie hier:\n" + u.statusURL(ten, r.StatusToken) +
				"\n\nBewahren Sie diesen Link auf; er ist nur für Sie bestimmt.\n\nIhr Serviceportal " + ten.ShortName,
			// The status link opens the application without a login.
			Secret: true})
		return err
	}, nil
}

// announceMessage sends the e-mail notice of a new postbox message.
func (u *UseCases) announceMessage(ctx context.Context, m mailbox.Message) error {
	sub, err := u.Submissions.Submission(ctx, m.TenantID, m.SubmissionID)
	if err != nil || sub.ContactEmail == "" {
		return err
	}
	link, ten, err := u.statusLink(ctx, m.TenantID, m.SubmissionID)
	if err != nil {
		return err
	}
	_, err = u.Outbox.Enqueue(ctx, mail.Message{TenantID: m.TenantID, Kind: mail.KindMailboxNotice, To: sub.ContactEmail,
		Subject: "Neue Nachricht zu Ihrem Antrag " + sub.TrackingNumber,
		Text: "Guten Tag,\n\nzu Ihrem Antrag " + sub.TrackingNumber + " gibt es eine neue Nachricht der " + ten.Name +
			": „" + m.Subject + "“.\n\nSie lesen sie hier:\n" + link + "\n\nIhr Serviceportal " + ten.ShortName,
		Secret: true})
	return err
}

var berlin = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return time.FixedZone("MEZ", 3600)
	}
	return loc
}()

// caseRoles answers the case engine's role question through the identity
// authorizer, so the permission rules live in one place.
type caseRoles struct{ u *UseCases }

func (r caseRoles) RolesFor(ctx context.Context, accountID, tenantID, serviceID string) ([]string, error) {
	acc, err := r.u.Identity.Account(ctx, accountID)
	if err != nil || acc.Kind != identity.Staff || acc.Disabled {
		return nil, nil
	}
	grants, err := r.u.Identity.Grants(ctx, accountID)
	if err != nil {
		return nil, err
	}
	slug := ""
	if svc, err := r.u.Catalog.BySlug(ctx, serviceID); err == nil {
		slug = svc.Slug
	}
	p := identity.Principal{AccountID: accountID, Kind: identity.Staff, MFAPassed: true, Grants: grants}
	ok, err := r.u.Identity.Authorizer().Can(ctx, p, identity.ProcessCase, identity.Target{TenantID: tenantID, ServiceSlug: slug})
	if err != nil || !ok {
		return nil, err
	}
	return []string{casework.RoleCaseworker}, nil
}

// outboxMailer queues the pages' e-mails in the outbox, inside the
// request's transaction when there is one.
type outboxMailer struct{ o *mail.Outbox }

func (m outboxMailer) Send(ctx context.Context, msg ui.Mail) error {
	secret := msg.Kind == string(mail.KindVerifyEmail) || msg.Kind == string(mail.KindPasswordReset)
	_, err := m.o.Enqueue(ctx, mail.Message{TenantID: msg.TenantID, Kind: mail.Kind(msg.Kind), To: msg.To,
		Subject: msg.Subject, Text: msg.Body, Secret: secret})
	return err
}
