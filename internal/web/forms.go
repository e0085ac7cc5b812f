package web

import (
	"context"
	"sync"

	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/form"
)

// offeringForms finds forms through the tenants' offerings: a tenant's
// current form is the template version its offering pins; a draft or
// submission opens the exact version it was made with. Versions are
// immutable, so parsed forms are cached by version id.
type offeringForms struct {
	cat *catalog.Catalog

	mu     sync.Mutex
	parsed map[string]*form.Form
}

func newOfferingForms(cat *catalog.Catalog) *offeringForms {
	return &offeringForms{cat: cat, parsed: map[string]*form.Form{}}
}

func (o *offeringForms) Current(ctx context.Context, tenantID, formID string) (*form.Form, bool) {
	off, ok, err := o.cat.OfferingByForm(ctx, tenantID, formID)
	if err != nil || !ok {
		return nil, false
	}
	return o.Version(ctx, formID, off.VersionID)
}

func (o *offeringForms) Version(ctx context.Context, formID, versionID string) (*form.Form, bool) {
	o.mu.Lock()
	f, ok := o.parsed[versionID]
	o.mu.Unlock()
	if ok {
		return f, f.ID == formID
	}
	v, err := o.cat.Version(ctx, versionID)
	if err != nil {
		return nil, false
	}
	f, err = v.Form()
	if err != nil {
		return nil, false
	}
	o.mu.Lock()
	o.parsed[versionID] = f
	o.mu.Unlock()
	return f, f.ID == formID
}
