package api

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/serviceportal/serviceportal/internal/backend"
	"github.com/serviceportal/serviceportal/internal/submission"
)

// backendSubmissionItem is one line of the list.
type backendSubmissionItem struct {
	ID             string             `json:"id"`
	TrackingNumber string             `json:"trackingNumber"`
	Service        backend.ServiceRef `json:"service"`
	SubmittedAt    time.Time          `json:"submittedAt"`
	Status         string             `json:"status"`
	URL            string             `json:"url"`
}

// backendSubmissionList is a page of applications.
type backendSubmissionList struct {
	Submissions []backendSubmissionItem `json:"submissions"`
	// Next continues after the last application listed, or after
	// everything committed so far when the page is not full: pass it as
	// since.
	Next    string `json:"next"`
	HasMore bool   `json:"hasMore"`
}

// backendSubmissionsList answers GET /api/v1/backend/submissions: the
// client's applications in the order they committed, from since (an RFC 3339 time or the
// cursor of the previous page) on.
func (h *Handler) backendSubmissionsList(w http.ResponseWriter, r *http.Request) {
	c, ok := h.backendClient(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	pos, ok := parseSince(q.Get("since"))
	if !ok {
		writeInvalidParams(w, r, http.StatusBadRequest, "Ungültige Position",
			invalidParam{Name: "since", Reason: "Erwartet wird eine Zeit nach RFC 3339 (z. B. 2026-11-28T09:00:00Z) oder der Wert „next“ der vorigen Seite."})
		return
	}
	limit := backend.DefaultPageSize
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > backend.MaxPageSize {
			writeInvalidParams(w, r, http.StatusBadRequest, "Ungültige Seitengröße",
				invalidParam{Name: "limit", Reason: "Erwartet wird eine Zahl von 1 bis " + strconv.Itoa(backend.MaxPageSize) + "."})
			return
		}
		limit = n
	}
	list, next, err := h.backend.List(r.Context(), c, pos, limit)
	if err != nil {
		h.internalError(w, r, err)
		return
	}
	out := backendSubmissionList{Submissions: []backendSubmissionItem{}, Next: encodeCursor(next), HasMore: len(list) == limit}
	names := map[string]backend.ServiceRef{}
	for _, s := range list {
		ref, seen := names[s.ServiceID]
		if !seen {
			ref = h.backend.ServiceRef(r.Context(), s.ServiceID)
			names[s.ServiceID] = ref
		}
		out.Submissions = append(out.Submissions, backendSubmissionItem{ID: s.ID, TrackingNumber: s.TrackingNumber, Service: ref,
			SubmittedAt: s.SubmittedAt.UTC(), Status: s.Status, URL: h.backend.SubmissionURL(s.ID)})
	}
	writeJSON(w, http.StatusOK, out)
}

// The cursor is opaque to clients: Base64 of "s", the position in commit
// order and, within one transaction, the last application's ID (see
// submission.After). Cursors of earlier releases, the last application's
// time and ID, are still read.
func encodeCursor(pos submission.After) string {
	switch {
	case pos.Seq > 0:
		return base64.RawURLEncoding.EncodeToString([]byte("s" + strconv.FormatInt(pos.Seq, 10) + " " + pos.ID))
	case !pos.SubmittedAt.IsZero():
		return base64.RawURLEncoding.EncodeToString([]byte(pos.SubmittedAt.UTC().Format(time.RFC3339Nano) + " " + pos.ID))
	}
	return ""
}

// parseSince reads since: empty (from the beginning), an RFC 3339 time
// (applications submitted at or after it) or a cursor.
func parseSince(s string) (submission.After, bool) {
	if s == "" {
		return submission.After{}, true
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return submission.After{SubmittedAt: t.UTC()}, true
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return submission.After{}, false
	}
	if rest, ok := strings.CutPrefix(string(raw), "s"); ok {
		seq, id, _ := strings.Cut(rest, " ")
		n, err := strconv.ParseInt(seq, 10, 64)
		if err != nil || n <= 0 {
			return submission.After{}, false
		}
		return submission.After{Seq: n, ID: id}, true
	}
	at, id, ok := strings.Cut(string(raw), " ")
	t, err := time.Parse(time.RFC3339Nano, at)
	if !ok || err != nil || id == "" {
		return submission.After{}, false
	}
	return submission.After{SubmittedAt: t.UTC(), ID: id}, true
}
