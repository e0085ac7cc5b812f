package inbound

import (
	"context"
	"crypto/x509"
	"database/sql"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/serviceportal/serviceportal/internal/audit"
	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/keyring"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/submission"
	"github.com/serviceportal/serviceportal/internal/tenant"
)

// Service receives FIT-Connect submissions for the tenants' destinations.
// It exists from the start so the pages can be wired; it works once the
// operator enabled FIT-Connect (Enable).
type Service struct {
	db      *store.DB
	keys    *keyring.Keyring
	audit   *audit.Log
	subs    *submission.Service
	catalog *catalog.Catalog
	tenants *tenant.Directory
	opts    atomic.Pointer[Options]
	queue   Enqueuer
	// syncing serialises the syncs of one destination in this process:
	// the poll, a callback's job and the page's button may meet.
	syncing sync.Map // receiver id → *sync.Mutex
}

// Options are the operator's FIT-Connect settings.
type Options struct {
	// TrustAnchors are the Verwaltungs-PKI roots (required).
	TrustAnchors *x509.CertPool
	// HTTPClient is for tests against a stand-in; nil uses the default.
	HTTPClient *http.Client
	// Now is the clock (nil: time.Now).
	Now func() time.Time
}

// ErrDisabled means the operator has not enabled FIT-Connect.
var ErrDisabled = errors.New("inbound: FIT-Connect is not enabled")

// New returns the receiving service, not yet enabled.
func New(db *store.DB, keys *keyring.Keyring, log *audit.Log, subs *submission.Service, cat *catalog.Catalog, tenants *tenant.Directory) *Service {
	return &Service{db: db, keys: keys, audit: log, subs: subs, catalog: cat, tenants: tenants}
}

// Enable turns receiving on with the operator's settings.
func (s *Service) Enable(o Options) {
	if o.Now == nil {
		o.Now = time.Now
	}
	s.opts.Store(&o)
}

// Enabled reports whether the operator enabled FIT-Connect.
func (s *Service) Enabled() bool { return s != nil && s.opts.Load() != nil }

// options returns the settings; before Enable, the clock only.
func (s *Service) options() Options {
	if o := s.opts.Load(); o != nil {
		return *o
	}
	return Options{Now: time.Now}
}

func (s *Service) now() time.Time { return s.options().Now().UTC() }

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// Receiver returns one destination of the tenant, or store.ErrNotFound.
func (s *Service) Receiver(ctx context.Context, tenantID, id string) (Receiver, error) {
	r, err := scanReceiver(s.db.QueryRow(ctx, `SELECT `+receiverColumns+` FROM fitconnect_receivers WHERE tenant_id = ? AND id = ?`, tenantID, id))
	if isNoRows(err) {
		return r, store.ErrNotFound
	}
	return r, err
}
