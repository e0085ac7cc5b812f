package payment

import (
	"sync"
	"time"

	"github.com/serviceportal/serviceportal/internal/store"
)

// Service is the payment use case.
type Service struct {
	db  *store.DB
	now func() time.Time

	mu sync.RWMutex
	// byTenant holds each tenant's provider; "" is the default for
	// tenants without their own.
	byTenant map[string]Provider
	// all finds a payment's provider again by tenant and name, also after
	// the tenant switched providers.
	all  map[[2]string]Provider
	test *TestProvider
}

// ReuseWindow is how long an open payment is offered again instead of a
// new one when the citizen clicks "bezahlen" twice.
const ReuseWindow = 15 * time.Minute

// New returns the service on db. Register at least one provider.
func New(db *store.DB) *Service {
	return &Service{db: db, now: func() time.Time { return time.Now().UTC() },
		byTenant: map[string]Provider{}, all: map[[2]string]Provider{}}
}

// SetClock replaces the clock, for tests of expiry.
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// Register makes p the provider of tenantID's new payments; tenantID ""
// makes it the default for every tenant without its own. Register during
// start-up.
func (s *Service) Register(tenantID string, p Provider) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byTenant[tenantID] = p
	s.all[[2]string{tenantID, p.Name()}] = p
	if tp, ok := p.(*TestProvider); ok {
		s.test = tp
	}
}

// ProviderFor is the provider new payments of the tenant use.
func (s *Service) ProviderFor(tenantID string) (Provider, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if p, ok := s.byTenant[tenantID]; ok {
		return p, true
	}
	p, ok := s.byTenant[""]
	return p, ok
}

// provider finds the adapter a stored payment was made with.
func (s *Service) provider(tenantID, name string) (Provider, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if p, ok := s.all[[2]string{tenantID, name}]; ok {
		return p, true
	}
	p, ok := s.all[[2]string{"", name}]
	return p, ok
}

// Test is the registered test provider, nil when there is none (the
// portal then serves no /testzahlung pages).
func (s *Service) Test() *TestProvider {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.test
}
