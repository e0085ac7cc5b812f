package ui

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/serviceportal/serviceportal/internal/casework"
	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/identity"
	"github.com/serviceportal/serviceportal/internal/store"
)

// inboxView is the caseworker's list of cases.
type inboxView struct {
	Rows     []inboxRow
	Counts   []stateCount
	Services []catalog.Service
	States   []casework.State
	Query    url.Values
	Next     string
	NextURL  string
	Total    int
	Error    string
}

type inboxRow struct {
	Case    casework.Case
	Service string
	State   string
	Overdue bool
	Mine    bool
}

type stateCount struct {
	State casework.State
	Count int
	URL   string
}

// inboxFilter reads the filter from the query string and narrows it to the
// services the caseworker may see. ok is false when they may see none.
func (h *Handler) inboxFilter(r *http.Request, s staff) (casework.Filter, bool, string) {
	q := r.URL.Query()
	f := casework.Filter{State: q.Get("status"), After: q.Get("nach"), Overdue: q.Get("ueberfaellig") == "1"}
	switch q.Get("bearbeitung") {
	case "meine":
		f.AssigneeID = s.info.Account.ID
	case "offen":
		f.Unassigned = true
	}
	var msg string
	if v := q.Get("von"); v != "" {
		if t, err := time.ParseInLocation("2006-01-02", v, time.Local); err == nil {
			f.From = t
		} else {
			msg = "Das Datum „von“ hat nicht die Form TT.MM.JJJJ."
		}
	}
	if v := q.Get("bis"); v != "" {
		if t, err := time.ParseInLocation("2006-01-02", v, time.Local); err == nil {
			f.To = t.AddDate(0, 0, 1)
		} else {
			msg = "Das Datum „bis“ hat nicht die Form TT.MM.JJJJ."
		}
	}
	if slug := q.Get("leistung"); slug != "" {
		if svc, err := h.catalog.BySlug(r.Context(), slug); err == nil {
			f.ServiceID = svc.ID
		}
	}
	all, slugs, ok, err := h.ident.Authorizer().ServiceScope(r.Context(), s.principal, identity.ViewCases, s.info.Tenant.ID)
	if err != nil || !ok {
		return f, false, msg
	}
	if !all {
		for _, slug := range slugs {
			if svc, err := h.catalog.BySlug(r.Context(), slug); err == nil {
				f.ServiceIDs = append(f.ServiceIDs, svc.ID)
			}
		}
	}
	return f, true, msg
}

func (h *Handler) inboxShow(w http.ResponseWriter, r *http.Request) {
	s, ok := h.requireStaff(w, r)
	if !ok {
		return
	}
	f, ok, msg := h.inboxFilter(r, s)
	if !ok {
		h.pages.Error(w, r, http.StatusForbidden)
		return
	}
	ctx := r.Context()
	p, err := h.cases.Inbox(ctx, s.info.Tenant.ID, f)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	counts, err := h.cases.Counts(ctx, s.info.Tenant.ID, f)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	v := inboxView{Query: r.URL.Query(), Next: p.Next, Error: msg, States: casework.DefaultWorkflow().States}
	services, _ := h.catalog.ForTenant(ctx, s.info.Tenant.ID)
	v.Services = services
	names := map[string]string{}
	for _, svc := range services {
		names[svc.ID] = svc.Name
	}
	now := time.Now()
	for _, cs := range p.Cases {
		st, _ := h.cases.WorkflowOf(cs).State(cs.State)
		v.Rows = append(v.Rows, inboxRow{Case: cs, Service: names[cs.ServiceID], State: st.Label, Overdue: cs.Overdue(now), Mine: cs.AssigneeID == s.info.Account.ID})
	}
	for _, st := range v.States {
		q := r.URL.Query()
		q.Set("status", st.ID)
		q.Del("nach")
		v.Counts = append(v.Counts, stateCount{State: st, Count: counts[st.ID], URL: "?" + q.Encode()})
		v.Total += counts[st.ID]
	}
	if p.Next != "" {
		q := r.URL.Query()
		q.Set("nach", p.Next)
		v.NextURL = "?" + q.Encode()
	}
	h.pages.Render(w, r, http.StatusOK, "inbox", pageData("Vorgänge", v))
}

func (h *Handler) inboxExport(w http.ResponseWriter, r *http.Request) {
	s, ok := h.requireStaff(w, r)
	if !ok {
		return
	}
	f, ok, _ := h.inboxFilter(r, s)
	if !ok {
		h.pages.Error(w, r, http.StatusForbidden)
		return
	}
	names := map[string]string{}
	if services, err := h.catalog.List(r.Context()); err == nil {
		for _, svc := range services {
			names[svc.ID] = svc.Name
		}
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="vorgaenge-`+s.info.Tenant.Slug+`.csv"`)
	w.Write([]byte("\uFEFF")) // lets spreadsheet programs recognise UTF-8
	if err := h.cases.ExportCSV(r.Context(), s.info.Tenant.ID, f, func(id string) string { return names[id] }, w); err != nil {
		h.log.ErrorContext(r.Context(), "csv export", "err", err)
	}
}

// inboxAssign gives the selected cases to the chosen caseworker (or to
// oneself).
func (h *Handler) inboxAssign(w http.ResponseWriter, r *http.Request) {
	s, ok := h.requireStaff(w, r)
	if !ok {
		return
	}
	assignee := r.PostFormValue("an")
	if assignee == "" || assignee == "mich" {
		assignee = s.info.Account.ID
	}
	for _, id := range r.PostForm["vorgang"] {
		if err := h.cases.Assign(r.Context(), s.info.Account.ID, s.info.Tenant.ID, id, assignee); err != nil {
			switch {
			case errors.Is(err, casework.ErrForbidden):
				h.pages.Error(w, r, http.StatusForbidden)
			case errors.Is(err, store.ErrNotFound):
				h.pages.Error(w, r, http.StatusNotFound)
			default:
				h.serverError(w, r, err)
			}
			return
		}
	}
	back := r.PostFormValue("zurueck")
	if safeNext(back) == "" {
		back = s.info.Base + "/verwaltung/vorgaenge"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}
