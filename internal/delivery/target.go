package delivery

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/serviceportal/serviceportal/internal/mail"
	"github.com/serviceportal/serviceportal/internal/store"
)

// MinSecretLen is the shortest webhook secret SetTarget accepts (256 bits
// as hex from NewSecret is 64 characters; 32 is the floor).
const MinSecretLen = 32

// ErrInvalidTarget wraps every validation failure of SetTarget; the rest
// of the message is German and says what to fix.
var ErrInvalidTarget = errors.New("delivery: invalid target")

// Target is a configured destination.
type Target struct {
	ID       string
	TenantID string
	// ServiceID is empty for a target that applies to all the tenant's
	// services.
	ServiceID string
	Kind      string
	// Label names the target for staff, e.g. "Fachverfahren Hundesteuer".
	Label string
	// URL is the webhook's address.
	URL string
	// Email is the office's address for e-mail targets.
	Email string
	// Settings hold further adapter options (FIT-Connect destination etc.).
	Settings map[string]string
	// HasSecret reports that a secret is stored; it is never listed.
	HasSecret bool
	// Secret is the opened secret, filled only for the adapter.
	Secret    string `json:"-"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Default reports whether t is the implicit back-office target that
// applies when nothing is configured.
func (t Target) Default() bool { return t.ID == "" && t.Kind == KindPortal }

// DefaultTarget is the portal's own back office, used when a tenant has
// configured nothing.
func DefaultTarget(tenantID string) Target {
	return Target{TenantID: tenantID, Kind: KindPortal, Label: "Posteingang des Portals"}
}

// TargetInput creates (ID empty) or changes a target.
type TargetInput struct {
	ID        string
	TenantID  string
	ServiceID string
	Kind      string
	Label     string
	URL       string
	Email     string
	// Secret is the webhook's HMAC key: required when a webhook is
	// created; empty on a change keeps the stored one.
	Secret   string
	Settings map[string]string
	// Actor is who made the change, for the audit log.
	Actor string
}

// NewSecret returns a random 256-bit webhook secret as 64 hex characters.
func NewSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// secretAAD binds a sealed secret to its target: "webhook-secret:<id>".
func secretAAD(kind, id string) string { return kind + "-secret:" + id }

func (s *Service) validate(in TargetInput, creating bool) error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrInvalidTarget}, args...)...))
	}
	if strings.TrimSpace(in.TenantID) == "" {
		bad("die Behörde fehlt")
	}
	if _, ok := s.adapters.Get(in.Kind); !ok {
		bad("die Art %q gibt es nicht; möglich sind %s", in.Kind, strings.Join(s.adapters.Kinds(), ", "))
	}
	if len(in.Label) > 200 || strings.ContainsAny(in.Label, "\r\n") {
		bad("die Bezeichnung muss eine Zeile mit höchstens 200 Zeichen sein")
	}
	switch in.Kind {
	case KindWebhook:
		if err := checkWebhookURL(in.URL); err != nil {
			bad("%s", err.Error())
		}
		if (creating || in.Secret != "") && len(in.Secret) < MinSecretLen {
			bad("das Geheimnis für die Signatur muss mindestens %d Zeichen lang sein; lassen Sie eines erzeugen", MinSecretLen)
		}
	case KindEmail:
		if mail.CheckAddress(in.Email) != nil {
			bad("%q ist keine gültige E-Mail-Adresse; tragen Sie das Funktionspostfach des Amtes ein, z. B. buergerbuero@stadt.de", in.Email)
		}
	case KindFitConnect:
		if err := ValidateFitConnectSettings(in.Settings); err != nil {
			errs = append(errs, err)
		}
		if creating && in.Secret == "" {
			bad("das Client-Secret aus dem Self-Service-Portal fehlt")
		}
	}
	return errors.Join(errs...)
}

// checkWebhookURL requires https, except for a receiver on the same
// machine (loopback), which tests and local bridges use.
func checkWebhookURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("%q ist keine Web-Adresse; erwartet wird z. B. https://fachverfahren.stadt.de/eingang", raw)
	}
	if u.User != nil {
		return errors.New("die Adresse darf keine Zugangsdaten enthalten; die Signatur weist das Portal aus")
	}
	if u.Scheme == "http" && !loopback(u.Hostname()) {
		return fmt.Errorf("%q ist unverschlüsselt; Anträge werden nur über https:// zugestellt", raw)
	}
	return nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// SetTarget creates or changes a target and returns it. The webhook
// secret is stored sealed with the tenant's data key. The change is
// audited, since a target decides where citizen data goes.
func (s *Service) SetTarget(ctx context.Context, in TargetInput) (Target, error) {
	creating := in.ID == ""
	if err := s.validate(in, creating); err != nil {
		return Target{}, err
	}
	settings, err := json.Marshal(nonNilMap(in.Settings))
	if err != nil {
		return Target{}, fmt.Errorf("delivery: settings: %w", err)
	}
	now := s.clock()
	id := in.ID
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if creating {
			id = store.NewID()
			if _, err := s.db.Exec(ctx, `INSERT INTO delivery_targets (id, tenant_id, service_id, kind, label, url, email, settings, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, in.TenantID, nullString(in.ServiceID), in.Kind, in.Label, in.URL, in.Email,
				string(settings), now, now); err != nil {
				return fmt.Errorf("delivery: create target: %w", err)
			}
		} else {
			old, err := s.target(ctx, in.TenantID, id)
			if err != nil {
				return err
			}
			if old.Kind != in.Kind {
				return fmt.Errorf("%w: die Art eines Ziels lässt sich nicht ändern; legen Sie ein neues Ziel an und löschen Sie dieses", ErrInvalidTarget)
			}
			if _, err := s.db.Exec(ctx, `UPDATE delivery_targets SET service_id = ?, label = ?, url = ?, email = ?, settings = ?, updated_at = ?
				WHERE id = ? AND tenant_id = ?`, nullString(in.ServiceID), in.Label, in.URL, in.Email, string(settings), now, id, in.TenantID); err != nil {
				return fmt.Errorf("delivery: change target: %w", err)
			}
		}
		if in.Secret != "" {
			sealed, err := s.opts.Keys.Seal(ctx, in.TenantID, []byte(in.Secret), secretAAD(in.Kind, id))
			if err != nil {
				return fmt.Errorf("delivery: seal secret: %w", err)
			}
			if _, err := s.db.Exec(ctx, `UPDATE delivery_targets SET secret = ? WHERE id = ?`, sealed, id); err != nil {
				return fmt.Errorf("delivery: store secret: %w", err)
			}
		}
		return s.record(ctx, in.TenantID, in.Actor, "delivery.target_set", "delivery_target:"+id, map[string]string{
			"kind": in.Kind, "service_id": in.ServiceID, "url": in.URL, "email": in.Email, "secret_changed": fmt.Sprint(in.Secret != "")})
	})
	if err != nil {
		return Target{}, err
	}
	return s.target(ctx, in.TenantID, id)
}

// DeleteTarget removes a target. Its past deliveries stay, with their
// kind; a dead one of them can no longer be retried successfully.
func (s *Service) DeleteTarget(ctx context.Context, tenantID, id, actor string) error {
	return s.db.InTx(ctx, func(ctx context.Context) error {
		res, err := s.db.Exec(ctx, `DELETE FROM delivery_targets WHERE id = ? AND tenant_id = ?`, id, tenantID)
		if err != nil {
			return fmt.Errorf("delivery: delete target: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("delivery: target %s: %w", id, store.ErrNotFound)
		}
		return s.record(ctx, tenantID, actor, "delivery.target_deleted", "delivery_target:"+id, nil)
	})
}

const targetColumns = `id, tenant_id, COALESCE(service_id, ''), kind, label, url, email, settings, secret IS NOT NULL,
	created_at, updated_at FROM delivery_targets`

func scanTarget(row interface{ Scan(...any) error }) (Target, error) {
	var t Target
	var settings string
	if err := row.Scan(&t.ID, &t.TenantID, &t.ServiceID, &t.Kind, &t.Label, &t.URL, &t.Email, &settings, &t.HasSecret,
		&t.CreatedAt, &t.UpdatedAt); err != nil {
		return t, err
	}
	t.CreatedAt, t.UpdatedAt = t.CreatedAt.UTC(), t.UpdatedAt.UTC()
	if err := json.Unmarshal([]byte(settings), &t.Settings); err != nil {
		return t, fmt.Errorf("settings of target %s: %w", t.ID, err)
	}
	return t, nil
}

func (s *Service) targets(ctx context.Context, where string, args ...any) ([]Target, error) {
	rows, err := s.db.Query(ctx, `SELECT `+targetColumns+` WHERE `+where+` ORDER BY created_at, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("delivery: targets: %w", err)
	}
	defer rows.Close()
	var out []Target
	for rows.Next() {
		t, err := scanTarget(rows)
		if err != nil {
			return nil, fmt.Errorf("delivery: targets: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

func (s *Service) target(ctx context.Context, tenantID, id string) (Target, error) {
	ts, err := s.targets(ctx, `id = ? AND tenant_id = ?`, id, tenantID)
	if err != nil {
		return Target{}, err
	}
	if len(ts) == 0 {
		return Target{}, fmt.Errorf("delivery: target %s: %w", id, store.ErrNotFound)
	}
	return ts[0], nil
}

// ListTargets returns all targets the tenant configured, for its admin page.
func (s *Service) ListTargets(ctx context.Context, tenantID string) ([]Target, error) {
	return s.targets(ctx, `tenant_id = ?`, tenantID)
}

// Targets resolves where a submission of the service goes: the service's
// own targets if it has any, else the tenant-wide ones, else the portal's
// back office (DefaultTarget). It never returns an empty list.
func (s *Service) Targets(ctx context.Context, tenantID, serviceID string) ([]Target, error) {
	all, err := s.targets(ctx, `tenant_id = ? AND (service_id = ? OR service_id IS NULL)`, tenantID, serviceID)
	if err != nil {
		return nil, err
	}
	var own, wide []Target
	for _, t := range all {
		if t.ServiceID != "" {
			own = append(own, t)
		} else {
			wide = append(wide, t)
		}
	}
	switch {
	case len(own) > 0:
		return own, nil
	case len(wide) > 0:
		return wide, nil
	}
	return []Target{DefaultTarget(tenantID)}, nil
}

// openTarget loads a target with its secret opened, for the adapter.
func (s *Service) openTarget(ctx context.Context, tenantID, id string) (Target, error) {
	t, err := s.target(ctx, tenantID, id)
	if err != nil {
		return t, err
	}
	if !t.HasSecret {
		return t, nil
	}
	var sealed []byte
	if err := s.db.QueryRow(ctx, `SELECT secret FROM delivery_targets WHERE id = ?`, id).Scan(&sealed); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return t, fmt.Errorf("delivery: target %s: %w", id, store.ErrNotFound)
		}
		return t, fmt.Errorf("delivery: secret of %s: %w", id, err)
	}
	plain, err := s.opts.Keys.Open(ctx, tenantID, sealed, secretAAD(t.Kind, id))
	if err != nil {
		return t, fmt.Errorf("delivery: open secret of %s: %w", id, err)
	}
	t.Secret = string(plain)
	return t, nil
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
