package api

import (
	"context"
	"time"

	"github.com/serviceportal/serviceportal/internal/catalog"
)

// offeringJSON is a tenant's offering as the API shows it: the template
// version it runs and its local details.
type offeringJSON struct {
	ID           string `json:"id"`
	Service      string `json:"service"`
	TemplateID   string `json:"template_id"`
	Version      int    `json:"version"`
	Office       string `json:"office,omitempty"`
	FeeCents     *int64 `json:"fee_cents,omitempty"`
	Phone        string `json:"phone,omitempty"`
	Email        string `json:"email,omitempty"`
	OpeningHours string `json:"opening_hours,omitempty"`
	ExtraText    string `json:"extra_text,omitempty"`
	AdoptedAt    string `json:"adopted_at"`
}

func (h *Handler) toOfferingJSON(ctx context.Context, o catalog.Offering) offeringJSON {
	svc, _ := h.service(ctx, o.ServiceID)
	return offeringJSON{ID: o.ID, Service: svc.Slug, TemplateID: o.TemplateID, Version: o.Version, Office: o.Office,
		FeeCents: o.FeeCents, Phone: o.Phone, Email: o.Email, OpeningHours: o.OpeningHours, ExtraText: o.ExtraText,
		AdoptedAt: o.AdoptedAt.Format(time.RFC3339)}
}
