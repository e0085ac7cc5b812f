package ui

import (
	"net/http"
	"time"

	"github.com/serviceportal/serviceportal/internal/identity"
	"github.com/serviceportal/serviceportal/internal/submission"
	"github.com/serviceportal/serviceportal/internal/web/page"
	"github.com/serviceportal/serviceportal/internal/web/request"
)

// accountView is "Mein Konto": applications, drafts, sessions, security.
type accountView struct {
	Account      identity.Account
	Applications []applicationLine
	Sessions     []identity.Session
	CurrentID    string
	RecoveryLeft int
	Notice       string
}

// applicationLine is one row of "Meine Anträge".
type applicationLine struct {
	Summary     submission.Summary
	ServiceName string
	TenantName  string
	StatusLabel string
	Link        string
}

// requireLogin sends anonymous visitors to the login page and back.
func (h *Handler) requireLogin(w http.ResponseWriter, r *http.Request) (*request.Info, bool) {
	info := request.From(r)
	if !info.LoggedIn() {
		http.Redirect(w, r, info.Base+"/konto/anmelden?weiter="+urlQuery(info.Base+r.URL.RequestURI()), http.StatusSeeOther)
		return info, false
	}
	return info, true
}

func (h *Handler) accountShow(w http.ResponseWriter, r *http.Request) {
	info, ok := h.requireLogin(w, r)
	if !ok {
		return
	}
	if info.IsStaff() {
		http.Redirect(w, r, info.Base+"/verwaltung", http.StatusSeeOther)
		return
	}
	v := accountView{Account: *info.Account, CurrentID: info.Session.ID, Notice: r.URL.Query().Get("hinweis")}
	sessions, err := h.ident.ListSessions(r.Context(), info.Account.ID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	v.Sessions = sessions
	if v.Account.TOTPEnabled {
		v.RecoveryLeft, _ = h.ident.RecoveryCodesLeft(r.Context(), info.Account.ID)
	}
	if h.subs != nil {
		subs, err := h.subs.ForAccount(r.Context(), info.Account.ID)
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		for _, s := range subs {
			v.Applications = append(v.Applications, h.applicationLine(r, s))
		}
	}
	h.pages.Render(w, r, http.StatusOK, "account", page.Data{Title: "Mein Konto", View: v})
}

func (h *Handler) applicationLine(r *http.Request, s submission.Summary) applicationLine {
	line := applicationLine{Summary: s, StatusLabel: StatusLabel(s.Status), Link: "/konto/antraege/" + s.ID}
	if svc, err := h.catalog.BySlug(r.Context(), s.ServiceID); err == nil {
		line.ServiceName = svc.Name
	}
	if ts, err := h.dir.List(r.Context()); err == nil {
		for _, t := range ts {
			if t.ID == s.TenantID {
				line.TenantName = t.Name
				line.Link = request.From(r).RegionURL + t.Slug + "/konto/antraege/" + s.ID
			}
		}
	}
	return line
}

// StatusLabel is the German name of a citizen-facing status.
func StatusLabel(s string) string {
	switch s {
	case "eingegangen":
		return "Eingegangen"
	case "in_pruefung":
		return "In Bearbeitung"
	case "nachforderung":
		return "Unterlagen nachreichen"
	case "bewilligt":
		return "Bewilligt"
	case "abgelehnt":
		return "Abgelehnt"
	case "abgeschlossen":
		return "Abgeschlossen"
	case "zurueckgewiesen":
		return "Von der Behörde zurückgewiesen"
	case "angenommen":
		return "Angenommen"
	case "entschieden":
		return "Entschieden"
	}
	return s
}

func (h *Handler) sessionsRevoke(w http.ResponseWriter, r *http.Request) {
	info, ok := h.requireLogin(w, r)
	if !ok {
		return
	}
	if err := h.ident.RevokeSessions(r.Context(), info.Account.ID, info.Session.ID); err != nil {
		h.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, info.Base+"/konto?hinweis=abgemeldet", http.StatusSeeOther)
}

func (h *Handler) accountExport(w http.ResponseWriter, r *http.Request) {
	info, ok := h.requireLogin(w, r)
	if !ok {
		return
	}
	data, err := h.ident.ExportCitizen(r.Context(), info.Account.ID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="serviceportal-konto-`+time.Now().Format("2006-01-02")+`.json"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(data)
}
