package payment

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

const feeRuleColumns = `tenant_id, service_id, kind, amount_cents, field, unit, haushaltsstelle, kassenzeichen_scheme, updated_by, updated_at`

// FeeRule returns the tenant's rule for a service; ok is false when the
// tenant set none and the catalogue's fee applies.
func (s *Service) FeeRule(ctx context.Context, tenantID, serviceID string) (FeeRule, bool, error) {
	var r FeeRule
	err := s.db.QueryRow(ctx, `SELECT `+feeRuleColumns+` FROM fee_rules WHERE tenant_id = ? AND service_id = ?`, tenantID, serviceID).
		Scan(&r.TenantID, &r.ServiceID, &r.Kind, &r.AmountCents, &r.Field, &r.Unit, &r.Haushaltsstelle, &r.KassenzeichenScheme, &r.UpdatedBy, &r.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return FeeRule{}, false, nil
	}
	if err != nil {
		return FeeRule{}, false, fmt.Errorf("payment: fee rule: %w", err)
	}
	r.UpdatedAt = r.UpdatedAt.UTC()
	return r, true, nil
}

// SaveFeeRule validates and stores the tenant's rule for a service. A
// payment already started keeps its amount, Kassenzeichen and
// Haushaltsstelle; the rule applies to payments started afterwards.
func (s *Service) SaveFeeRule(ctx context.Context, r FeeRule) (FeeRule, error) {
	r.Field, r.Unit = strings.TrimSpace(r.Field), strings.TrimSpace(r.Unit)
	r.Haushaltsstelle, r.KassenzeichenScheme = strings.TrimSpace(r.Haushaltsstelle), strings.TrimSpace(r.KassenzeichenScheme)
	if r.TenantID == "" || r.ServiceID == "" {
		return r, errors.New("payment: fee rule needs tenant and service")
	}
	if err := r.Validate(); err != nil {
		return r, err
	}
	if r.Kind != FeePerQuantity && r.Kind != FeeCalculated {
		r.Field, r.Unit = "", ""
	}
	if r.Kind == FeeFree || r.Kind == FeeOnDecision || r.Kind == FeeCalculated {
		r.AmountCents = 0
	}
	r.UpdatedAt = s.now()
	_, err := s.db.Exec(ctx, `INSERT INTO fee_rules (`+feeRuleColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (tenant_id, service_id) DO UPDATE SET kind = excluded.kind, amount_cents = excluded.amount_cents,
		field = excluded.field, unit = excluded.unit, haushaltsstelle = excluded.haushaltsstelle,
		kassenzeichen_scheme = excluded.kassenzeichen_scheme, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		r.TenantID, r.ServiceID, string(r.Kind), r.AmountCents, r.Field, r.Unit, r.Haushaltsstelle, r.KassenzeichenScheme, r.UpdatedBy, r.UpdatedAt)
	if err != nil {
		return r, fmt.Errorf("payment: save fee rule: %w", err)
	}
	return r, nil
}

// KassenzeichenFor shapes a Kassenzeichen from a scheme, the year and the
// tenant's yearly counter: 5.1000.{JJJJ}.{NNNNNN} gives 5.1000.2026.000042.
// Without a scheme it is CODE-2026-Z000042; the Z keeps it apart from the
// tracking numbers (REC-2026-000042) that the same tenant code prefixes.
// A counter wider than the scheme's run of N is written in full, so
// numbers stay unique when a tenant outgrows its scheme.
func KassenzeichenFor(scheme, code string, year int, n int64) string {
	if scheme == "" {
		if code == "" {
			code = "SP"
		}
		return fmt.Sprintf("%s-%d-Z%06d", code, year, n)
	}
	out := kzYearRe.ReplaceAllString(scheme, strconv.Itoa(year))
	return kzCounterRe.ReplaceAllStringFunc(out, func(m string) string {
		return fmt.Sprintf("%0*d", len(m)-2, n)
	})
}
