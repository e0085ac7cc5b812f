package ui

import (
	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/tenant"
)

// governmentService describes a service as schema.org GovernmentService, so
// search engines and assistants can point citizens to the right page.
func governmentService(s catalog.Service, provider *tenant.Tenant, url string) map[string]any {
	ld := map[string]any{
		"@context":    "https://schema.org",
		"@type":       "GovernmentService",
		"name":        s.Name,
		"description": s.Summary,
		"url":         url,
		"serviceType": s.LeiKaName,
		"inLanguage":  "de",
	}
	if s.LeiKa != "" {
		ld["identifier"] = map[string]any{"@type": "PropertyValue", "propertyID": "LeiKa-Leistungsschlüssel", "value": s.LeiKa}
	}
	if provider != nil {
		org := map[string]any{
			"@type": "GovernmentOrganization",
			"name":  provider.Name,
			"address": map[string]any{
				"@type":           "PostalAddress",
				"streetAddress":   provider.Address.Street,
				"postalCode":      provider.Address.Postcode,
				"addressLocality": provider.Address.City,
				"addressCountry":  "DE",
			},
		}
		if provider.Phone != "" {
			org["telephone"] = provider.Phone
		}
		ld["provider"] = org
		ld["areaServed"] = map[string]any{"@type": "AdministrativeArea", "name": provider.ShortName}
	}
	return ld
}
