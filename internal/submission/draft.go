package submission

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/serviceportal/serviceportal/internal/store"
)

// Draft is a partly filled application.
type Draft struct {
	ID          string
	TenantID    string
	ServiceID   string
	FormID      string
	FormVersion string
	// AccountID is the citizen's account; empty for drafts reached only by
	// their resume link.
	AccountID string
	Step      string
	Values    map[string]any
	UpdatedAt time.Time
	ExpiresAt time.Time
}

// NewDraft starts a draft.
type NewDraft struct {
	TenantID, ServiceID, FormID, FormVersion, AccountID string
}

// CreateDraft stores an empty draft and returns it with its secret resume
// token (shown to the citizen once, stored only as a hash).
func (s *Service) CreateDraft(ctx context.Context, in NewDraft) (Draft, string, error) {
	token, hash := newSecret()
	now := s.now()
	d := Draft{ID: store.NewID(), TenantID: in.TenantID, ServiceID: in.ServiceID, FormID: in.FormID,
		FormVersion: in.FormVersion, AccountID: in.AccountID, Values: map[string]any{}, UpdatedAt: now, ExpiresAt: now.Add(DraftLifetime)}
	payload, err := s.sealValues(ctx, d.TenantID, "draft:"+d.ID, d.Values)
	if err != nil {
		return d, "", err
	}
	_, err = s.db.Exec(ctx, `INSERT INTO drafts (id, tenant_id, service_id, form_id, form_version, account_id, resume_hash, step, payload, created_at, updated_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?)`, d.ID, d.TenantID, d.ServiceID, d.FormID, d.FormVersion, nullString(d.AccountID), hash, payload, now, now, d.ExpiresAt)
	if err != nil {
		return d, "", fmt.Errorf("submission: create draft: %w", err)
	}
	return d, token, nil
}

const draftColumns = `id, tenant_id, service_id, form_id, form_version, COALESCE(account_id, ''), step, payload, updated_at, expires_at`

func (s *Service) loadDraft(ctx context.Context, where string, args ...any) (Draft, error) {
	var d Draft
	var payload []byte
	err := s.db.QueryRow(ctx, `SELECT `+draftColumns+` FROM drafts WHERE `+where, args...).Scan(
		&d.ID, &d.TenantID, &d.ServiceID, &d.FormID, &d.FormVersion, &d.AccountID, &d.Step, &payload, &d.UpdatedAt, &d.ExpiresAt)
	if err != nil {
		return d, notFound(err)
	}
	if !d.ExpiresAt.After(s.now()) {
		return d, store.ErrNotFound
	}
	d.Values, err = s.openValues(ctx, d.TenantID, "draft:"+d.ID, payload)
	return d, err
}

// Draft returns a tenant's draft by id.
func (s *Service) Draft(ctx context.Context, tenantID, id string) (Draft, error) {
	return s.loadDraft(ctx, `tenant_id = ? AND id = ?`, tenantID, id)
}

// DraftByResumeToken finds a draft by the secret of its resume link.
func (s *Service) DraftByResumeToken(ctx context.Context, tenantID, token string) (Draft, error) {
	return s.loadDraft(ctx, `tenant_id = ? AND resume_hash = ?`, tenantID, hashSecret(token))
}

// AccountDrafts lists a citizen's unexpired drafts at a tenant.
func (s *Service) AccountDrafts(ctx context.Context, tenantID, accountID string) ([]Draft, error) {
	rows, err := s.db.Query(ctx, `SELECT id FROM drafts WHERE tenant_id = ? AND account_id = ? AND expires_at > ? ORDER BY updated_at DESC`,
		tenantID, accountID, s.now())
	if err != nil {
		return nil, fmt.Errorf("submission: drafts: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	var out []Draft
	for _, id := range ids {
		d, err := s.Draft(ctx, tenantID, id)
		if err == nil {
			out = append(out, d)
		}
	}
	return out, nil
}

// SaveDraft stores new values and the current step; every save extends the
// draft's life to 30 days from now.
func (s *Service) SaveDraft(ctx context.Context, d Draft) (Draft, error) {
	payload, err := s.sealValues(ctx, d.TenantID, "draft:"+d.ID, d.Values)
	if err != nil {
		return d, err
	}
	now := s.now()
	d.UpdatedAt, d.ExpiresAt = now, now.Add(DraftLifetime)
	r, err := s.db.Exec(ctx, `UPDATE drafts SET payload = ?, step = ?, updated_at = ?, expires_at = ? WHERE tenant_id = ? AND id = ?`,
		payload, d.Step, now, d.ExpiresAt, d.TenantID, d.ID)
	if err != nil {
		return d, fmt.Errorf("submission: save draft: %w", err)
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return d, store.ErrNotFound
	}
	return d, nil
}

// ClaimDraft binds a link-only draft to the account of a citizen who logs
// in while filling it.
func (s *Service) ClaimDraft(ctx context.Context, tenantID, id, accountID string) error {
	_, err := s.db.Exec(ctx, `UPDATE drafts SET account_id = ? WHERE tenant_id = ? AND id = ? AND account_id IS NULL`, accountID, tenantID, id)
	return err
}

// DeleteDraft removes a draft and its attachments (ON DELETE CASCADE).
func (s *Service) DeleteDraft(ctx context.Context, tenantID, id string) error {
	_, err := s.deleteAttachments(ctx, `tenant_id = ? AND draft_id = ?`, []any{tenantID, id}, func(ctx context.Context) (int64, error) {
		return affected(s.db.Exec(ctx, `DELETE FROM drafts WHERE tenant_id = ? AND id = ?`, tenantID, id))
	})
	return err
}

// DeleteExpiredDrafts removes drafts whose last edit is more than 30 days
// ago, with their attachments. The scheduled retention job calls it.
func (s *Service) DeleteExpiredDrafts(ctx context.Context) (int64, error) {
	now := s.now()
	n, err := s.deleteAttachments(ctx, `draft_id IN (SELECT id FROM drafts WHERE expires_at <= ?)`, []any{now}, func(ctx context.Context) (int64, error) {
		return affected(s.db.Exec(ctx, `DELETE FROM drafts WHERE expires_at <= ?`, now))
	})
	if err != nil {
		return 0, fmt.Errorf("submission: delete expired drafts: %w", err)
	}
	return n, nil
}

func (s *Service) sealValues(ctx context.Context, tenantID, aad string, v map[string]any) ([]byte, error) {
	plain, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("submission: encode values: %w", err)
	}
	return s.keys.Seal(ctx, tenantID, plain, aad)
}

func (s *Service) openValues(ctx context.Context, tenantID, aad string, sealed []byte) (map[string]any, error) {
	plain, err := s.keys.Open(ctx, tenantID, sealed, aad)
	if err != nil {
		return nil, fmt.Errorf("submission: open values: %w", err)
	}
	v := map[string]any{}
	if err := json.Unmarshal(plain, &v); err != nil {
		return nil, fmt.Errorf("submission: decode values: %w", err)
	}
	return v, nil
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func notFound(err error) error {
	if errors.Is(err, sqlNoRows) {
		return store.ErrNotFound
	}
	return err
}
