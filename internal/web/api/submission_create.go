package api

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/form"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/submission"
	"github.com/serviceportal/serviceportal/internal/tenant"
)

// maxSubmissionJSON bounds the JSON body of an application.
const maxSubmissionJSON = 2 << 20

// invalidParam names one field that failed validation (RFC 9457
// "invalid-params" extension).
type invalidParam struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

type submissionCreated struct {
	ID             string `json:"id"`
	TrackingNumber string `json:"trackingNumber"`
	Status         string `json:"status"`
	StatusURL      string `json:"statusUrl"`
	SubmittedAt    string `json:"submittedAt"`
}

// submissionCreate answers POST /api/v1/tenants/{slug}/offerings/{id}/submissions:
// the answers as JSON keyed by field ID, validated by the same form
// engine as the pages. The Idempotency-Key header makes retries safe: a
// repeated key returns the first application (200 instead of 201).
func (h *Handler) submissionCreate(w http.ResponseWriter, r *http.Request) {
	t, svc, f, ok := h.offering(w, r)
	if !ok {
		return
	}
	key := strings.TrimSpace(r.Header.Get("Idempotency-Key"))
	if key == "" || len(key) > 200 {
		writeProblem(w, r, http.StatusBadRequest, "Idempotency-Key fehlt", "Jede Einreichung braucht einen eindeutigen Idempotency-Key-Header (z. B. eine UUID), damit Wiederholungen keinen zweiten Antrag erzeugen.")
		return
	}
	if prev, err := h.subs.ByIdempotencyKey(r.Context(), t.ID, "api:"+key); err == nil {
		// A retry: answer with the first application, store nothing again.
		h.writeCreated(w, t, prev, http.StatusOK)
		return
	}
	var body submissionBody
	var raw map[string][]string
	var files *submission.Files
	switch ct := r.Header.Get("Content-Type"); {
	case strings.HasPrefix(ct, "application/json"):
		dec := json.NewDecoder(io.LimitReader(r.Body, maxSubmissionJSON))
		if err := dec.Decode(&body); err != nil || body.Data == nil {
			writeProblem(w, r, http.StatusBadRequest, "Ungültiges JSON", "Erwartet wird {\"data\": {\"F…\": …}} mit den Angaben nach Feldkennung.")
			return
		}
		var err error
		if raw, err = f.RawFromJSON(body.Data); err != nil {
			writeProblem(w, r, http.StatusUnprocessableEntity, "Angaben passen nicht zum Formular", err.Error())
			return
		}
	case strings.HasPrefix(ct, "multipart/form-data"):
		var ok bool
		if body, raw, files, ok = h.readMultipart(w, r, t, svc, f); !ok {
			return
		}
	default:
		writeProblem(w, r, http.StatusUnsupportedMediaType, "Nur JSON oder multipart/form-data",
			"Senden Sie die Angaben als application/json, oder als multipart/form-data mit einem Teil \"data\" (JSON) zuerst und danach je Datei einem Teil, der wie das Dateifeld heißt.")
		return
	}
	res := f.Evaluate(raw, time.Now()).ValidateAll()
	if !res.OK() {
		files.Discard(r.Context())
		params := make([]invalidParam, 0, len(res.Problems))
		for _, p := range res.Problems {
			params = append(params, invalidParam{Name: p.FieldPath, Reason: p.Message})
		}
		w.Header().Set("Content-Type", "application/problem+json; charset=utf-8")
		w.WriteHeader(http.StatusUnprocessableEntity)
		json.NewEncoder(w).Encode(map[string]any{"type": "about:blank", "title": "Angaben unvollständig oder fehlerhaft",
			"status": 422, "detail": "Bitte korrigieren Sie die genannten Felder.", "invalid-params": params})
		return
	}
	out, err := h.subs.Submit(r.Context(), submission.Input{TenantID: t.ID, TenantCode: t.Code, ServiceID: svc.ID, FormID: f.ID,
		FormVersion: f.Version, Values: f.Export(res.Values), Files: files, IdempotencyKey: "api:" + key,
		ContactEmail: body.ContactEmail, Actor: "api"})
	if err != nil {
		h.internalError(w, r, err)
		return
	}
	status := http.StatusCreated
	if !out.Created {
		status = http.StatusOK
		files.Discard(r.Context())
	}
	h.writeCreated(w, t, out, status)
}

func (h *Handler) writeCreated(w http.ResponseWriter, t tenant.Tenant, out submission.Result, status int) {
	w.Header().Set("Location", h.baseURL+"/api/v1/tenants/"+t.Slug+"/submissions/"+out.StatusToken)
	writeJSON(w, status, submissionCreated{ID: out.Submission.ID, TrackingNumber: out.Submission.TrackingNumber,
		Status: out.Submission.Status, StatusURL: h.baseURL + "/" + t.Slug + "/status/" + out.StatusToken,
		SubmittedAt: out.Submission.SubmittedAt.Format(time.RFC3339)})
}

// offering finds tenant, service and current form of the URL; the tenant
// must handle the service itself.
func (h *Handler) offering(w http.ResponseWriter, r *http.Request) (tenant.Tenant, catalog.Service, *form.Form, bool) {
	t, err := h.tenant(r.Context(), r.PathValue("slug"))
	if err != nil {
		writeProblem(w, r, http.StatusNotFound, "Gebietskörperschaft nicht gefunden", "GET /api/v1/tenants listet alle.")
		return t, catalog.Service{}, nil, false
	}
	svc, err := h.service(r.Context(), r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) || svc.OnlineForm == "" {
		writeProblem(w, r, http.StatusNotFound, "Angebot nicht gefunden", "Diese Leistung hat hier keinen Online-Antrag. GET /api/v1/tenants/"+t.Slug+"/services listet die Leistungen.")
		return t, svc, nil, false
	}
	if err != nil {
		h.internalError(w, r, err)
		return t, svc, nil, false
	}
	if own, err := h.catalog.Handles(r.Context(), t.ID, svc.ID); err != nil || !own {
		writeProblem(w, r, http.StatusNotFound, "Angebot nicht gefunden", "Diese Behörde bearbeitet die Leistung nicht selbst.")
		return t, svc, nil, false
	}
	f, ok := h.forms.Current(r.Context(), t.ID, svc.OnlineForm)
	if !ok {
		writeProblem(w, r, http.StatusNotFound, "Angebot nicht gefunden", "Für diese Leistung ist kein Formular hinterlegt.")
		return t, svc, nil, false
	}
	return t, svc, f, true
}

// submissionStatus answers GET /api/v1/tenants/{slug}/submissions/{token}:
// the state and timeline of an application, for whoever holds its status
// secret.
func (h *Handler) submissionStatus(w http.ResponseWriter, r *http.Request) {
	t, err := h.tenant(r.Context(), r.PathValue("slug"))
	if err != nil {
		writeProblem(w, r, http.StatusNotFound, "Gebietskörperschaft nicht gefunden", "")
		return
	}
	sub, err := h.subs.ByStatusToken(r.Context(), t.ID, r.PathValue("token"))
	if err != nil {
		writeProblem(w, r, http.StatusNotFound, "Antrag nicht gefunden", "Zu diesem Status-Schlüssel gibt es keinen Antrag.")
		return
	}
	events, err := h.subs.Events(r.Context(), t.ID, sub.ID)
	if err != nil {
		h.internalError(w, r, err)
		return
	}
	type eventJSON struct {
		Status string `json:"status"`
		Note   string `json:"note"`
		At     string `json:"at"`
	}
	out := struct {
		ID             string      `json:"id"`
		TrackingNumber string      `json:"trackingNumber"`
		Status         string      `json:"status"`
		Events         []eventJSON `json:"events"`
	}{ID: sub.ID, TrackingNumber: sub.TrackingNumber, Status: sub.Status, Events: []eventJSON{}}
	for _, e := range events {
		out.Events = append(out.Events, eventJSON{Status: e.Status, Note: e.Note, At: e.At.Format(time.RFC3339)})
	}
	writeJSON(w, http.StatusOK, out)
}
