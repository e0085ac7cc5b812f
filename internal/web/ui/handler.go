// Package ui holds the server-rendered pages, one file per action. Handlers
// find the tenant in the request (resolved by the web package) and render
// German pages through the page package.
package ui

import (
	"log/slog"
	"net/http"

	"github.com/serviceportal/serviceportal/internal/backend"
	"github.com/serviceportal/serviceportal/internal/casework"
	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/delivery"
	"github.com/serviceportal/serviceportal/internal/identity"
	"github.com/serviceportal/serviceportal/internal/identity/oidc"
	"github.com/serviceportal/serviceportal/internal/inbound"
	"github.com/serviceportal/serviceportal/internal/mail"
	"github.com/serviceportal/serviceportal/internal/mailbox"
	"github.com/serviceportal/serviceportal/internal/payment"
	"github.com/serviceportal/serviceportal/internal/submission"
	"github.com/serviceportal/serviceportal/internal/tenant"
	"github.com/serviceportal/serviceportal/internal/web/page"
)

// Deps are the use cases the pages call.
type Deps struct {
	Tenants *tenant.Directory
	Catalog *catalog.Catalog
	Search  *catalog.Index
	Pages   *page.Renderer
	Log     *slog.Logger
	// Forms are the online forms; nil means no online application.
	Forms       Forms
	Identity    *identity.Service
	Submissions *submission.Service
	Cases       *casework.Cases
	Mail        Mailer
	// BaseURL makes links in e-mails absolute.
	BaseURL string
	Cookies Cookies
	// FormatAnswers shows answers by their form labels.
	FormatAnswers AnswerFormatter
	Outbox        *mail.Outbox
	Mailbox       *mailbox.Mailbox
	// OIDC is the citizens' eID login (BundID); nil when not configured.
	OIDC *oidc.Provider
	// StaffOIDC is the staff login through the data centre's identity
	// provider; nil when not configured.
	StaffOIDC *oidc.Provider
	// Receipts renders the Antragsbestätigung.
	Receipts ReceiptRenderer
	// Deliveries shows staff where applications went.
	Deliveries *delivery.Service
	// Maturity computes Reifegrad and comparisons.
	Maturity MaturitySource
	// Payments collects fees online; nil means no online payment.
	Payments *payment.Service
	// Inbound receives over FIT-Connect; its pages answer 404 until the
	// operator enabled it.
	Inbound *inbound.Service
	// Backend registers the back-end systems' API clients; nil hides
	// the page.
	Backend *backend.Service
}

// Handler serves the pages of one tenant's portal; paths are relative to
// the tenant's base.
type Handler struct {
	dir     *tenant.Directory
	catalog *catalog.Catalog
	search  *catalog.Index
	pages   *page.Renderer
	log     *slog.Logger
	forms   Forms
	ident   *identity.Service
	subs    *submission.Service
	cases   *casework.Cases
	mail    Mailer
	baseURL string
	cookies Cookies

	formatAnswers AnswerFormatter
	outbox        *mail.Outbox
	mailbox       *mailbox.Mailbox
	receipts      ReceiptRenderer
	deliveries    *delivery.Service
	maturity      MaturitySource
	oidc          *oidc.Provider
	staffOIDC     *oidc.Provider
	payments      *payment.Service
	inbound       *inbound.Service
	backend       *backend.Service
}

// New returns the UI handler.
func New(d Deps) *Handler {
	return &Handler{dir: d.Tenants, catalog: d.Catalog, search: d.Search, pages: d.Pages, log: d.Log, forms: d.Forms,
		ident: d.Identity, subs: d.Submissions, cases: d.Cases, mail: d.Mail, baseURL: d.BaseURL, cookies: d.Cookies,
		formatAnswers: d.FormatAnswers, outbox: d.Outbox, mailbox: d.Mailbox, receipts: d.Receipts, deliveries: d.Deliveries, maturity: d.Maturity, oidc: d.OIDC, staffOIDC: d.StaffOIDC,
		payments: d.Payments, inbound: d.Inbound, backend: d.Backend}
}

// Routes registers the tenant-relative page routes on a new mux.
func (h *Handler) Routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", h.homeShow)
	mux.HandleFunc("GET /orte", h.placesSearch)
	mux.HandleFunc("GET /impressum", h.legalShow("impressum", "Impressum"))
	mux.HandleFunc("GET /datenschutz", h.legalShow("datenschutz", "Datenschutz"))
	mux.HandleFunc("GET /barrierefreiheit", h.legalShow("barrierefreiheit", "Erklärung zur Barrierefreiheit"))
	mux.HandleFunc("GET /leichte-sprache", h.legalShow("leichte_sprache", "Leichte Sprache"))
	mux.HandleFunc("GET /brand.css", h.brandCSS)
	mux.HandleFunc("GET /leistungen", h.servicesList)
	mux.HandleFunc("GET /leistungen/{slug}", h.serviceShow)
	mux.HandleFunc("GET /leistungen/{slug}/zustaendigkeit", h.serviceResponsible)
	mux.HandleFunc("GET /themen/{topic}", h.topicShow)
	mux.HandleFunc("GET /suche", h.searchShow)
	h.accountRoutes(mux)
	h.oidcRoutes(mux)
	h.staffOIDCRoutes(mux)
	h.staffRoutes(mux)
	h.statusRoutes(mux)
	h.formRoutes(mux)
	h.paymentRoutes(mux)
	h.deliveryRoutes(mux)
	h.inboundRoutes(mux)
	h.backendClientRoutes(mux)
	h.maturityRoutes(mux)
	h.templateRoutes(mux)
	mux.HandleFunc("/", h.notFound)
	return mux
}

func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) {
	h.pages.Error(w, r, http.StatusNotFound)
}

func (h *Handler) serverError(w http.ResponseWriter, r *http.Request, err error) {
	h.log.ErrorContext(r.Context(), "page failed", "path", r.URL.Path, "err", err)
	h.pages.Error(w, r, http.StatusInternalServerError)
}
