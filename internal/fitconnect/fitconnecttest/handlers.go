package fitconnecttest

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/google/uuid"

	"github.com/serviceportal/serviceportal/internal/fitconnect"
)

// submission is a submission as the Zustelldienst stores it: ciphertexts
// only.
type submission struct {
	ID, CaseID, DestinationID string
	ServiceType               struct{ Name, Identifier string }
	Announced                 []string
	Attachments               map[string]string
	Metadata, Data            string
	// State: incomplete, submitted, accepted, rejected.
	State string
}

var (
	leikaKeyRE = regexp.MustCompile(`^99\d{12}$`)
	arsRE      = regexp.MustCompile(`^(\d{2}|\d{3}|\d{5}|\d{9}|\d{12})$`)
)

func (s *Service) routesMux() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", s.token)
	mux.HandleFunc("GET /routing/v1/routes", s.findRoutes)
	mux.HandleFunc("GET /ssp/.well-known/jwks.json", s.jwks(s.sspKid))
	mux.HandleFunc("GET /.well-known/jwks.json", s.jwks(s.zdKid))
	mux.HandleFunc("GET /v1/destinations/{id}", s.auth(s.destination))
	mux.HandleFunc("GET /v1/destinations/{id}/keys/{kid}", s.auth(s.destinationKey))
	mux.HandleFunc("POST /v1/submissions", s.auth(s.createSubmission))
	mux.HandleFunc("PUT /v1/submissions/{id}/attachments/{att}", s.auth(s.uploadAttachment))
	mux.HandleFunc("PUT /v1/submissions/{id}", s.auth(s.submit))
	mux.HandleFunc("GET /v1/submissions", s.auth(s.listSubmissions))
	mux.HandleFunc("GET /v1/submissions/{id}", s.auth(s.getSubmission))
	mux.HandleFunc("GET /v1/submissions/{id}/attachments/{att}", s.auth(s.getAttachment))
	mux.HandleFunc("POST /v1/cases/{id}/events", s.auth(s.postEvent))
	mux.HandleFunc("GET /v1/cases/{id}/events", s.auth(s.eventLog))
	return mux
}

// problem answers RFC 7807 with the Submission API's type prefix.
func problem(w http.ResponseWriter, status int, typ, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(fitconnect.Problem{Type: "https://schema.fitko.de/fit-connect/submission-api/problems/" + typ,
		Title: http.StatusText(status), Status: status, Detail: detail})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// token is the OAuth 2.0 client credentials grant; the client
// authenticates by HTTP Basic or by form parameters.
func (s *Service) token(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostFormValue("client_id"), r.PostFormValue("client_secret")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokenRequests++
	if r.PostFormValue("grant_type") != "client_credentials" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type"})
		return
	}
	if acc, known := s.clients[id]; !known || acc.secret != secret {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
		return
	}
	tok := randomID()
	s.tokens[tok] = id
	writeJSON(w, http.StatusOK, map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": 1800})
}

// auth requires a bearer token and passes the client's account on.
func (s *Service) auth(h func(http.ResponseWriter, *http.Request, clientAccount)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		s.mu.Lock()
		id, known := s.tokens[tok]
		acc := s.clients[id]
		s.mu.Unlock()
		if !ok || !known {
			problem(w, http.StatusUnauthorized, "unauthorized", "bearer token missing or unknown")
			return
		}
		h(w, r, acc)
	}
}

func (s *Service) findRoutes(w http.ResponseWriter, r *http.Request) {
	leika, ars := r.URL.Query().Get("leikaKey"), r.URL.Query().Get("ars")
	if !leikaKeyRE.MatchString(leika) || !arsRE.MatchString(ars) {
		problem(w, http.StatusBadRequest, "bad-request", "leikaKey or ars malformed")
		return
	}
	s.mu.Lock()
	var routes []map[string]any
	for _, id := range s.routes[leika+"|"+ars] {
		d := s.destinations[id]
		routes = append(routes, map[string]any{"destinationId": d.ID, "destinationSignature": d.signature,
			"destinationName": d.opts.Name, "destinationShortName": d.opts.Name})
	}
	s.mu.Unlock()
	if routes == nil {
		routes = []map[string]any{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"count": len(routes), "offset": 0, "totalCount": len(routes), "routes": routes})
}

func (s *Service) jwks(kid string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		key := publicJWK(&s.infraKey.PublicKey, kid, fitconnect.AlgSignature, []string{fitconnect.OpVerify}, nil)
		writeJSON(w, http.StatusOK, map[string]any{"keys": []any{key}})
	}
}

func (s *Service) lookupDestination(w http.ResponseWriter, id string) (*Destination, bool) {
	s.mu.Lock()
	d, ok := s.destinations[id]
	s.mu.Unlock()
	if !ok {
		problem(w, http.StatusNotFound, "destination-not-found", "no destination "+id)
	}
	return d, ok
}

func (s *Service) destination(w http.ResponseWriter, r *http.Request, _ clientAccount) {
	if d, ok := s.lookupDestination(w, r.PathValue("id")); ok {
		writeJSON(w, http.StatusOK, d.publicInfo())
	}
}

func (s *Service) destinationKey(w http.ResponseWriter, r *http.Request, _ clientAccount) {
	d, ok := s.lookupDestination(w, r.PathValue("id"))
	if !ok {
		return
	}
	switch r.PathValue("kid") {
	case d.encKid:
		writeJSON(w, http.StatusOK, d.encJWK)
	case d.sigKid:
		writeJSON(w, http.StatusOK, d.sigJWK)
	default:
		problem(w, http.StatusNotFound, "key-not-found", "no key "+r.PathValue("kid"))
	}
}

func (s *Service) createSubmission(w http.ResponseWriter, r *http.Request, acc clientAccount) {
	var in struct {
		DestinationID        string   `json:"destinationId"`
		AnnouncedAttachments []string `json:"announcedAttachments"`
		ServiceType          struct {
			Name       string `json:"name"`
			Identifier string `json:"identifier"`
		} `json:"serviceType"`
	}
	if acc.destination != "" || json.NewDecoder(r.Body).Decode(&in) != nil {
		problem(w, http.StatusBadRequest, "bad-request", "not a sender or body malformed")
		return
	}
	d, ok := s.lookupDestination(w, in.DestinationID)
	if !ok {
		return
	}
	if d.opts.Status != "active" {
		problem(w, http.StatusUnprocessableEntity, "destination-state-invalid", "destination is "+d.opts.Status)
		return
	}
	if in.ServiceType.Identifier != fitconnect.LeikaURNPrefix+d.opts.LeikaKey || in.ServiceType.Name == "" {
		problem(w, http.StatusUnprocessableEntity, "service-type-invalid", "service not offered by the destination")
		return
	}
	for _, a := range in.AnnouncedAttachments {
		if uuid.Validate(a) != nil {
			problem(w, http.StatusBadRequest, "bad-request", "attachment id is not a UUID")
			return
		}
	}
	sub := &submission{ID: uuid.NewString(), CaseID: uuid.NewString(), DestinationID: d.ID, Announced: in.AnnouncedAttachments,
		Attachments: map[string]string{}, State: "incomplete"}
	sub.ServiceType.Name, sub.ServiceType.Identifier = in.ServiceType.Name, in.ServiceType.Identifier
	s.mu.Lock()
	s.submissions[sub.ID] = sub
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, map[string]string{"destinationId": d.ID, "submissionId": sub.ID, "caseId": sub.CaseID})
}

// lookupSubmission finds a submission for a sender (any) or for the
// subscriber of its destination.
func (s *Service) lookupSubmission(w http.ResponseWriter, id string, acc clientAccount) (*submission, bool) {
	s.mu.Lock()
	sub, ok := s.submissions[id]
	s.mu.Unlock()
	if !ok || (acc.destination != "" && acc.destination != sub.DestinationID) {
		problem(w, http.StatusNotFound, "submission-not-found", "no submission "+id)
		return nil, false
	}
	return sub, true
}

// compactJWE accepts a five-part JWE with FIT-Connect's algorithms.
func compactJWE(tok string) bool {
	_, err := jose.ParseEncryptedCompact(tok, []jose.KeyAlgorithm{jose.RSA_OAEP_256}, []jose.ContentEncryption{jose.A256GCM})
	return err == nil
}

func (s *Service) uploadAttachment(w http.ResponseWriter, r *http.Request, acc clientAccount) {
	sub, ok := s.lookupSubmission(w, r.PathValue("id"), acc)
	if !ok {
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 200<<20))
	att := r.PathValue("att")
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case r.Header.Get("Content-Type") != "application/jose":
		problem(w, http.StatusUnsupportedMediaType, "unsupported-media-type", "want application/jose")
	case sub.State != "incomplete" || !slices.Contains(sub.Announced, att):
		problem(w, http.StatusUnprocessableEntity, "attachment-not-announced", "attachment "+att+" not announced")
	case !compactJWE(string(body)):
		problem(w, http.StatusBadRequest, "bad-request", "not a compact JWE with RSA-OAEP-256/A256GCM")
	default:
		sub.Attachments[att] = string(body)
		w.WriteHeader(http.StatusNoContent)
	}
}

// submit completes the submission and writes the Zustelldienst's
// submit-submission event with the authentication tags of all parts.
func (s *Service) submit(w http.ResponseWriter, r *http.Request, acc clientAccount) {
	sub, ok := s.lookupSubmission(w, r.PathValue("id"), acc)
	if !ok {
		return
	}
	var in struct {
		EncryptedMetadata string `json:"encryptedMetadata"`
		EncryptedData     string `json:"encryptedData"`
	}
	if json.NewDecoder(r.Body).Decode(&in) != nil || !compactJWE(in.EncryptedMetadata) ||
		(in.EncryptedData != "" && !compactJWE(in.EncryptedData)) {
		problem(w, http.StatusBadRequest, "bad-request", "encryptedMetadata/encryptedData must be compact JWEs")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if sub.State != "incomplete" {
		problem(w, http.StatusConflict, "submission-state-invalid", "already submitted")
		return
	}
	for _, a := range sub.Announced {
		if _, ok := sub.Attachments[a]; !ok {
			problem(w, http.StatusUnprocessableEntity, "missing-attachments", "attachment "+a+" announced but not uploaded")
			return
		}
	}
	sub.Metadata, sub.Data, sub.State = in.EncryptedMetadata, in.EncryptedData, "submitted"
	tags := fitconnect.AuthenticationTags{Metadata: fitconnect.AuthenticationTag(sub.Metadata), Attachments: map[string]string{}}
	if sub.Data != "" {
		tags.Data = fitconnect.AuthenticationTag(sub.Data)
	}
	for id, tok := range sub.Attachments {
		tags.Attachments[id] = fitconnect.AuthenticationTag(tok)
	}
	ev := signEvent(s.infraKey, s.zdKid, s.URL(), sub.ID, sub.CaseID, fitconnect.EventSubmit, map[string]any{"authenticationTags": tags})
	s.events[sub.CaseID] = append(s.events[sub.CaseID], ev)
	if d := s.destinations[sub.DestinationID]; d.callbackURL != "" {
		s.callbacks.Add(1)
		go d.notify(refOf(sub))
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"destinationId": sub.DestinationID, "submissionId": sub.ID, "caseId": sub.CaseID})
}

func (s *Service) listSubmissions(w http.ResponseWriter, r *http.Request, acc clientAccount) {
	if acc.destination == "" {
		problem(w, http.StatusForbidden, "forbidden", "only subscribers list submissions")
		return
	}
	s.mu.Lock()
	list := []map[string]string{}
	for _, sub := range s.submissions {
		if sub.DestinationID == acc.destination && sub.State == "submitted" {
			list = append(list, map[string]string{"destinationId": sub.DestinationID, "submissionId": sub.ID, "caseId": sub.CaseID})
		}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"count": len(list), "offset": 0, "totalCount": len(list), "submissions": list})
}

func (s *Service) getSubmission(w http.ResponseWriter, r *http.Request, acc clientAccount) {
	sub, ok := s.lookupSubmission(w, r.PathValue("id"), acc)
	if !ok || acc.destination == "" {
		if ok {
			problem(w, http.StatusForbidden, "forbidden", "only the destination's subscriber fetches submissions")
		}
		return
	}
	s.mu.Lock()
	out := map[string]any{"destinationId": sub.DestinationID, "submissionId": sub.ID, "caseId": sub.CaseID,
		"serviceType": map[string]string{"name": sub.ServiceType.Name, "identifier": sub.ServiceType.Identifier},
		"attachments": sub.Announced, "encryptedMetadata": sub.Metadata, "encryptedData": sub.Data}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

func (s *Service) getAttachment(w http.ResponseWriter, r *http.Request, acc clientAccount) {
	sub, ok := s.lookupSubmission(w, r.PathValue("id"), acc)
	if !ok {
		return
	}
	s.mu.Lock()
	tok, ok := sub.Attachments[r.PathValue("att")]
	s.mu.Unlock()
	if !ok || acc.destination == "" {
		problem(w, http.StatusNotFound, "attachment-not-found", "no attachment "+r.PathValue("att"))
		return
	}
	w.Header().Set("Content-Type", "application/jose")
	io.WriteString(w, tok)
}

// postEvent takes a subscriber's accept or reject event; like the real
// Zustelldienst it checks the signature with the destination's key.
func (s *Service) postEvent(w http.ResponseWriter, r *http.Request, acc clientAccount) {
	caseID := r.PathValue("id")
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	s.mu.Lock()
	d := s.destinations[acc.destination]
	s.mu.Unlock()
	if d == nil {
		problem(w, http.StatusForbidden, "forbidden", "only subscribers post events")
		return
	}
	jws, err := jose.ParseSignedCompact(string(body), []jose.SignatureAlgorithm{jose.PS512})
	if err != nil {
		problem(w, http.StatusBadRequest, "bad-request", "not a PS512 JWS")
		return
	}
	payload, err := jws.Verify(&d.sigKey.PublicKey)
	if err != nil || jws.Signatures[0].Header.KeyID != d.sigKid {
		problem(w, http.StatusUnprocessableEntity, "invalid-event-signature", "signature does not verify with the destination's key")
		return
	}
	var p struct {
		Sub    string                     `json:"sub"`
		Txn    string                     `json:"txn"`
		Events map[string]json.RawMessage `json:"events"`
	}
	json.Unmarshal(payload, &p)
	subID := strings.TrimPrefix(p.Sub, "submission:")
	s.mu.Lock()
	defer s.mu.Unlock()
	sub := s.submissions[subID]
	if sub == nil || sub.CaseID != caseID || p.Txn != "case:"+caseID || sub.DestinationID != d.ID {
		problem(w, http.StatusUnprocessableEntity, "invalid-event", "event does not belong to this case")
		return
	}
	if _, ok := p.Events[fitconnect.EventAccept]; ok {
		sub.State = "accepted"
	}
	if _, ok := p.Events[fitconnect.EventReject]; ok {
		sub.State = "rejected"
	}
	s.events[caseID] = append(s.events[caseID], string(body))
	w.WriteHeader(http.StatusNoContent)
}

func (s *Service) eventLog(w http.ResponseWriter, r *http.Request, _ clientAccount) {
	s.mu.Lock()
	log := append([]string{}, s.events[r.PathValue("id")]...)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"offset": 0, "count": len(log), "totalCount": len(log), "eventLog": log})
}
