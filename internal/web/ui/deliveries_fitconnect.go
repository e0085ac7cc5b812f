package ui

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/serviceportal/serviceportal/internal/delivery"
	"github.com/serviceportal/serviceportal/internal/identity"
)

// fitConnectFields are the form's inputs and the target settings they
// fill; the client secret is the target's sealed secret.
var fitConnectFields = []struct{ input, setting string }{
	{"fc-token", delivery.FitConnectTokenURL},
	{"fc-client", delivery.FitConnectClientID},
	{"fc-zustelldienst", delivery.FitConnectSubmissionAPI},
	{"fc-routing", delivery.FitConnectRoutingURL},
	{"fc-ars", delivery.FitConnectARS},
	{"fc-destination", delivery.FitConnectDestinationID},
}

// fitConnectAvailable: the operator turned FIT-Connect on.
func (h *Handler) fitConnectAvailable() bool {
	return h.deliveries != nil && slices.Contains(h.deliveries.Kinds(), delivery.KindFitConnect)
}

// targetCreateFitConnect adds a FIT-Connect target with the tenant's
// client credentials from the Self-Service-Portal. The secret is sealed
// at once and never shown again.
func (h *Handler) targetCreateFitConnect(w http.ResponseWriter, r *http.Request) {
	s, ok := h.requireStaff(w, r)
	if !ok {
		return
	}
	if !h.can(r, s, identity.ManageTenant, "") || !h.fitConnectAvailable() {
		h.pages.Error(w, r, http.StatusForbidden)
		return
	}
	inputs := []string{"bezeichnung", "leistung"}
	for _, f := range fitConnectFields {
		inputs = append(inputs, f.input)
	}
	f := newForm(r, inputs...)
	in := delivery.TargetInput{TenantID: s.info.Tenant.ID, Kind: delivery.KindFitConnect, Label: f.Value("bezeichnung"),
		Secret: strings.TrimSpace(r.PostFormValue("fc-secret")), Settings: map[string]string{}, Actor: "account:" + s.info.Account.ID}
	if in.Label == "" {
		in.Label = "FIT-Connect"
	}
	for _, fc := range fitConnectFields {
		if v := f.Value(fc.input); v != "" {
			in.Settings[fc.setting] = v
		}
	}
	if slug := f.Value("leistung"); slug != "" {
		if svc, err := h.catalog.BySlug(r.Context(), slug); err == nil {
			in.ServiceID = svc.ID
			in.Settings[delivery.FitConnectLeikaKey] = svc.LeiKa
		}
	}
	if _, err := h.deliveries.SetTarget(r.Context(), in); err != nil {
		if !errors.Is(err, delivery.ErrInvalidTarget) {
			h.serverError(w, r, err)
			return
		}
		for _, line := range strings.Split(err.Error(), "\n") {
			if i := strings.LastIndex(line, ": "); i >= 0 {
				line = line[i+2:]
			}
			f.add(fitConnectErrorField(line), strings.ToUpper(line[:1])+line[1:]+".")
		}
		h.renderDeliveries(w, r, s, http.StatusUnprocessableEntity, f, "")
		return
	}
	h.renderDeliveries(w, r, s, http.StatusOK, accountForm{Values: map[string]string{}, Notice: "angelegt"}, "")
}

// fitConnectErrorField finds the input a validation message is about.
func fitConnectErrorField(msg string) string {
	switch {
	case strings.Contains(msg, "Token"):
		return "fc-token"
	case strings.Contains(msg, "Client-ID"):
		return "fc-client"
	case strings.Contains(msg, "Client-Secret"):
		return "fc-secret"
	case strings.Contains(msg, "Zustelldienst"):
		return "fc-zustelldienst"
	case strings.Contains(msg, "Routingdienst"):
		return "fc-routing"
	case strings.Contains(msg, "ARS"):
		return "fc-ars"
	case strings.Contains(msg, "Destination"):
		return "fc-destination"
	}
	return "fc-bezeichnung"
}
