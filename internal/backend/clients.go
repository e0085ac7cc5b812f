package backend

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/identity"
	"github.com/serviceportal/serviceportal/internal/store"
)

// Client is a registered back-end system of one tenant.
type Client struct {
	// ID is the OAuth2 client_id; random, so it reveals nothing.
	ID       string
	TenantID string
	Name     string
	// AllServices lets the client see every service of the tenant, also
	// those added later; otherwise only Services (service IDs).
	AllServices bool
	Services    []string
	WebhookURL  string
	CreatedBy   string
	CreatedAt   time.Time
	RevokedAt   *time.Time
}

// Revoked reports whether the client was revoked.
func (c Client) Revoked() bool { return c.RevokedAt != nil }

// Sees reports whether the client may see applications of the service.
func (c Client) Sees(serviceID string) bool {
	return c.AllServices || slices.Contains(c.Services, serviceID)
}

// scope is the service list for submission.Since: nil for all services.
func (c Client) scope() []string {
	if c.AllServices {
		return nil
	}
	return append([]string{}, c.Services...)
}

// ClientInput registers a client.
type ClientInput struct {
	TenantID string
	Name     string
	// AllServices must be chosen explicitly; otherwise Services names at
	// least one of the tenant's services (ID or slug).
	AllServices bool
	Services    []string
	// WebhookURL is optional: https, or http to the same machine.
	WebhookURL string
}

// Credentials are what the admin hands to the back-end system; the portal
// keeps only the secret's hash and shows them once.
type Credentials struct {
	ClientID     string
	ClientSecret string
	// WebhookSecret is the HMAC-SHA512 key of the webhook signatures;
	// empty without a webhook.
	WebhookSecret string
}

// FieldError says in German what is wrong with one field of a ClientInput.
type FieldError struct {
	// Field is "name", "services" or "webhook".
	Field   string
	Message string
}

// Error names the field and says what is wrong.
func (e *FieldError) Error() string { return "backend: " + e.Field + ": " + e.Message }

// Unwrap makes every FieldError an ErrInvalidClientInput.
func (e *FieldError) Unwrap() error { return ErrInvalidClientInput }

// maxNameLength bounds a client's name (characters).
const maxNameLength = 120

// CreateClient registers a client for a tenant; p must be allowed to
// manage the tenant (its admins, its operator's admins, region admins).
func (s *Service) CreateClient(ctx context.Context, p identity.Principal, in ClientInput) (Client, Credentials, error) {
	if err := s.opts.Authorizer.Require(ctx, p, identity.ManageTenant, identity.Target{TenantID: in.TenantID}); err != nil {
		return Client{}, Credentials{}, err
	}
	c := Client{ID: store.NewID(), TenantID: in.TenantID, Name: strings.TrimSpace(in.Name), AllServices: in.AllServices,
		WebhookURL: strings.TrimSpace(in.WebhookURL), CreatedBy: p.AccountID, CreatedAt: s.clock()}
	if c.Name == "" || utf8.RuneCountInString(c.Name) > maxNameLength {
		return Client{}, Credentials{}, &FieldError{"name", fmt.Sprintf("Geben Sie einen Namen mit höchstens %d Zeichen an, z. B. „Fachverfahren Hundesteuer“.", maxNameLength)}
	}
	services, err := s.resolveServices(ctx, in)
	if err != nil {
		return Client{}, Credentials{}, err
	}
	c.Services = services
	if c.WebhookURL != "" {
		if msg := checkWebhookURL(c.WebhookURL); msg != "" {
			return Client{}, Credentials{}, &FieldError{"webhook", msg}
		}
	}
	secret, hash := newSecret()
	cred := Credentials{ClientID: c.ID, ClientSecret: secret}
	var sealed []byte
	if c.WebhookURL != "" {
		cred.WebhookSecret, _ = newSecret()
		if sealed, err = s.opts.Keys.Seal(ctx, c.TenantID, []byte(cred.WebhookSecret), webhookAAD(c.ID)); err != nil {
			return Client{}, Credentials{}, err
		}
	}
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if _, err := s.db.Exec(ctx, `INSERT INTO backend_clients (id, tenant_id, name, secret_hash, all_services, webhook_url,
			webhook_secret, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, c.TenantID, c.Name, hash, c.AllServices, c.WebhookURL, sealed, c.CreatedBy, c.CreatedAt); err != nil {
			return fmt.Errorf("backend: create client: %w", err)
		}
		for _, id := range c.Services {
			if _, err := s.db.Exec(ctx, `INSERT INTO backend_client_services (client_id, tenant_id, service_id) VALUES (?, ?, ?)`,
				c.ID, c.TenantID, id); err != nil {
				return fmt.Errorf("backend: create client: %w", err)
			}
		}
		scope := "all"
		if !c.AllServices {
			scope = strings.Join(c.Services, ",")
		}
		return s.record(ctx, c.TenantID, actorOf(p), "backend_client.created", "backend_client:"+c.ID,
			map[string]string{"name": c.Name, "services": scope, "webhook_url": c.WebhookURL})
	})
	if err != nil {
		return Client{}, Credentials{}, err
	}
	return c, cred, nil
}

// resolveServices turns the chosen IDs or slugs into the tenant's service
// IDs; a service the tenant does not offer is an input error, not ignored.
func (s *Service) resolveServices(ctx context.Context, in ClientInput) ([]string, error) {
	if in.AllServices {
		return nil, nil
	}
	if len(in.Services) == 0 {
		return nil, &FieldError{"services", "Wählen Sie die Leistungen, deren Anträge das Fachverfahren sehen darf, oder ausdrücklich alle Leistungen."}
	}
	offered, err := s.opts.Catalog.ForTenant(ctx, in.TenantID)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, want := range in.Services {
		i := slices.IndexFunc(offered, func(svc catalog.Service) bool { return svc.ID == want || svc.Slug == want })
		if i < 0 {
			return nil, &FieldError{"services", fmt.Sprintf("Die Leistung „%s“ gehört nicht zu dieser Behörde.", want)}
		}
		ids = append(ids, offered[i].ID)
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// checkWebhookURL requires https, or http to a receiver on the same
// machine (tests, local bridges); it returns a German message or "".
func checkWebhookURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || u.User != nil {
		return fmt.Sprintf("„%s“ ist keine Web-Adresse; erwartet wird z. B. https://fachverfahren.stadt.de/neue-antraege.", raw)
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return fmt.Sprintf("„%s“ ist unverschlüsselt; Benachrichtigungen gehen nur an https://-Adressen.", raw)
	}
	return ""
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func webhookAAD(clientID string) string { return "backend-webhook-secret:" + clientID }

func actorOf(p identity.Principal) string {
	if p.IsSystem() {
		return "system"
	}
	return "account:" + p.AccountID
}

const clientColumns = `id, tenant_id, name, all_services, webhook_url, created_by, created_at, revoked_at`

func (s *Service) clients(ctx context.Context, where string, args ...any) ([]Client, error) {
	rows, err := s.db.Query(ctx, `SELECT `+clientColumns+` FROM backend_clients WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("backend: clients: %w", err)
	}
	defer rows.Close()
	var out []Client
	for rows.Next() {
		var c Client
		if err := rows.Scan(&c.ID, &c.TenantID, &c.Name, &c.AllServices, &c.WebhookURL, &c.CreatedBy, &c.CreatedAt, &c.RevokedAt); err != nil {
			return nil, fmt.Errorf("backend: clients: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].AllServices {
			continue
		}
		if out[i].Services, err = s.clientServices(ctx, out[i].TenantID, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Service) clientServices(ctx context.Context, tenantID, clientID string) ([]string, error) {
	ids, err := s.db.Strings(ctx, `SELECT service_id FROM backend_client_services WHERE tenant_id = ? AND client_id = ? ORDER BY service_id`,
		tenantID, clientID)
	if err != nil {
		return nil, fmt.Errorf("backend: client services: %w", err)
	}
	return ids, nil
}

// client returns one client of a tenant, revoked or not.
func (s *Service) client(ctx context.Context, tenantID, id string) (Client, error) {
	cs, err := s.clients(ctx, `tenant_id = ? AND id = ?`, tenantID, id)
	if err != nil {
		return Client{}, err
	}
	if len(cs) == 0 {
		return Client{}, store.ErrNotFound
	}
	return cs[0], nil
}

// Clients lists a tenant's clients, newest first, revoked ones included
// (staff should see what was once allowed).
func (s *Service) Clients(ctx context.Context, p identity.Principal, tenantID string) ([]Client, error) {
	if err := s.opts.Authorizer.Require(ctx, p, identity.ManageTenant, identity.Target{TenantID: tenantID}); err != nil {
		return nil, err
	}
	return s.clients(ctx, `tenant_id = ? ORDER BY created_at DESC, id`, tenantID)
}

// RevokeClient ends a client's access at once: its tokens are deleted, its
// webhook falls silent, and its secret no longer gets a token. The row
// stays for the record.
func (s *Service) RevokeClient(ctx context.Context, p identity.Principal, tenantID, id string) error {
	if err := s.opts.Authorizer.Require(ctx, p, identity.ManageTenant, identity.Target{TenantID: tenantID}); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(ctx context.Context) error {
		res, err := s.db.Exec(ctx, `UPDATE backend_clients SET revoked_at = ? WHERE tenant_id = ? AND id = ? AND revoked_at IS NULL`,
			s.clock(), tenantID, id)
		if err != nil {
			return fmt.Errorf("backend: revoke: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			// Unknown here, or revoked before: either way nothing to do, but
			// another tenant's client must look the same as a missing one.
			if _, err := s.client(ctx, tenantID, id); err != nil {
				return err
			}
			return nil
		}
		if _, err := s.db.Exec(ctx, `DELETE FROM backend_tokens WHERE tenant_id = ? AND client_id = ?`, tenantID, id); err != nil {
			return fmt.Errorf("backend: revoke: %w", err)
		}
		return s.record(ctx, tenantID, actorOf(p), "backend_client.revoked", "backend_client:"+id, nil)
	})
}

var sqlNoRows = sql.ErrNoRows

func notFound(err error) error {
	if errors.Is(err, sqlNoRows) {
		return store.ErrNotFound
	}
	return err
}
