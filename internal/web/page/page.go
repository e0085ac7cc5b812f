// Package page renders the portal's server-side HTML pages from embedded
// templates: one layout, one file per view, checked when the program starts
// so that a broken template never reaches a citizen.
package page

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/serviceportal/serviceportal/internal/catalog"
	"github.com/serviceportal/serviceportal/internal/identity"
	"github.com/serviceportal/serviceportal/internal/tenant"
	"github.com/serviceportal/serviceportal/internal/web/request"
	"github.com/serviceportal/serviceportal/internal/web/static"
)

//go:embed templates/*.html
var templateFiles embed.FS

// views lists every page; each is parsed with the layout.
var views = []string{
	"region_home", "tenant_home", "places", "impressum", "datenschutz", "barrierefreiheit", "leichte_sprache", "error",
	"services", "topic", "service", "search",
	"account_register", "account_login", "account_mfa", "account_totp", "account_recovery", "account_notice",
	"account_forgot", "account_reset", "account_delete", "account", "account_oidc",
	"staff_home", "inbox", "case", "outbox", "staff_list", "status",
	"form_start", "form_step", "form_summary", "form_gone", "deliveries", "maturity", "compare", "library", "template", "template_preview",
	"payment_pay", "payment_return", "payment_testpage", "fees", "fee_edit", "inbound", "backend_clients",
}

// Renderer renders views. It is safe for concurrent use.
type Renderer struct {
	views map[string]*template.Template
	log   *slog.Logger
}

// Data is what every view gets. View-specific values go in View.
type Data struct {
	Title  string
	Tenant tenant.Tenant
	// Region is the regional portal, for the way back from a city.
	Region tenant.Tenant
	// Base prefixes links inside the tenant's portal ("" or "/dorsten").
	Base string
	// RegionURL is the regional portal's root ("/" or an absolute URL);
	// RegionURL+slug+"/" reaches any tenant's portal.
	RegionURL string
	RequestID string
	Year      int
	View      any
	// Account is the logged-in account, nil when anonymous.
	Account *identity.Account
	// CSRF is the form token of the logged-in session.
	CSRF string
}

// OfferCard is what the "offercard" template needs: a service and the
// base path its link starts from.
type OfferCard struct {
	Base  string
	Offer catalog.Offer
}

// New parses all templates and fails if any is broken.
func New(log *slog.Logger) (*Renderer, error) {
	funcs := template.FuncMap{
		"static": static.URL,
		"join":   strings.Join,
		"thousands": func(n int) string {
			s := fmt.Sprint(n)
			var b strings.Builder
			for i, c := range s {
				if i > 0 && (len(s)-i)%3 == 0 {
					b.WriteByte('.')
				}
				b.WriteRune(c)
			}
			return b.String()
		},
		"offer": func(d Data, o catalog.Offer) OfferCard { return OfferCard{Base: d.Base, Offer: o} },
		"hit": func(d Data, h catalog.Hit) OfferCard {
			return OfferCard{Base: d.Base, Offer: catalog.Offer{Service: h.Service, Own: true}}
		},
		"field": func(d Data, name, label, typ, autocomplete, hint string) Input {
			return newInput(d, name, label, typ, autocomplete, hint, "")
		},
		"fieldMode": func(d Data, name, label, typ, autocomplete, hint, mode string) Input {
			return newInput(d, name, label, typ, autocomplete, hint, mode)
		},
		"staffField": func(d Data, name, label, typ, autocomplete string) Input {
			in := Input{Name: name, Label: label, Type: typ, Autocomplete: autocomplete}
			if v, ok := d.View.(interface{ FormView() FormView }); ok {
				in.Value, in.Error = v.FormView().Value(name), v.FormView().Err(name)
			}
			return in
		},
		"roleLabel": roleLabel,
		"add":       func(a, b int) int { return a + b },
		"hasPrefix": strings.HasPrefix,
		"mul":       func(a, b int) int { return a * b },
		"lvl":       levelLabel,
		"shorten":   shorten,
		"hasFile":   hasFileField,
		"formItems": formItems,
		"width":     widthClass,
		"date":      func(t time.Time) string { return t.In(berlin).Format("02.01.2006") },
		"datetime":  func(t time.Time) string { return t.In(berlin).Format("02.01.2006, 15:04 Uhr") },
		"telHref": func(s string) string {
			return "tel:" + strings.NewReplacer(" ", "", "-", "", "/", "").Replace(s)
		},
	}
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/form_fields.html")
	if err != nil {
		return nil, fmt.Errorf("page: layout: %w", err)
	}
	r := &Renderer{views: map[string]*template.Template{}, log: log}
	for _, v := range views {
		t, err := template.Must(layout.Clone()).ParseFS(templateFiles, "templates/"+v+".html")
		if err != nil {
			return nil, fmt.Errorf("page: view %s: %w", v, err)
		}
		r.views[v] = t
	}
	return r, nil
}

// Render writes view with status. The page is rendered into a buffer first,
// so a template error becomes a clean error page instead of half a page.
func (r *Renderer) Render(w http.ResponseWriter, req *http.Request, status int, view string, d Data) {
	t, ok := r.views[view]
	if !ok {
		panic("page: unknown view " + view)
	}
	info := request.From(req)
	d.Tenant = info.Tenant
	d.Region = info.Region
	d.Base = info.Base
	d.RegionURL = info.RegionURL
	d.Account = info.Account
	d.CSRF = info.CSRF
	d.RequestID = info.ID
	d.Year = time.Now().Year()
	buf := buffers.Get().(*bytes.Buffer)
	defer putBuffer(buf)
	if err := t.ExecuteTemplate(buf, "layout.html", d); err != nil {
		r.log.ErrorContext(req.Context(), "render", "view", view, "err", err, "request_id", info.ID)
		if view != "error" {
			r.Error(w, req, http.StatusInternalServerError)
			return
		}
		http.Error(w, "Interner Fehler", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// buffers keeps page buffers between requests: a large form page is 30 KB
// or more, and growing a fresh buffer to that size for every request
// allocated about 50 KB of garbage per 60-field step (BenchmarkStepPage60:
// 175 KB a page before, 125 KB after).
var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// putBuffer returns buf to the pool unless an unusually large page grew
// it, so that one such page does not pin its memory.
func putBuffer(buf *bytes.Buffer) {
	if buf.Cap() > 1<<20 {
		return
	}
	buf.Reset()
	buffers.Put(buf)
}

// ErrorView explains an error page in German.
type ErrorView struct {
	Status  int
	Heading string
	Text    string
}

var errorTexts = map[int]ErrorView{
	http.StatusNotFound: {Heading: "Seite nicht gefunden",
		Text: "Die Adresse ist nicht (mehr) vorhanden. Prüfen Sie die Schreibweise oder beginnen Sie auf der Startseite."},
	http.StatusForbidden: {Heading: "Zugriff nicht möglich",
		Text: "Für diese Seite fehlt Ihnen die Berechtigung, oder Ihr Formular war veraltet. Laden Sie die Seite neu und versuchen Sie es noch einmal."},
	http.StatusMethodNotAllowed: {Heading: "Aktion nicht möglich",
		Text: "Diese Seite kann so nicht aufgerufen werden. Beginnen Sie bitte auf der Startseite."},
	http.StatusInternalServerError: {Heading: "Ein Fehler ist aufgetreten",
		Text: "Das Serviceportal konnte Ihre Anfrage gerade nicht bearbeiten. Ihre bisherigen Angaben bleiben erhalten. Bitte versuchen Sie es in einigen Minuten erneut."},
	http.StatusServiceUnavailable: {Heading: "Vorübergehend nicht erreichbar",
		Text: "Das Serviceportal ist gerade ausgelastet oder wird gewartet. Bitte versuchen Sie es in einigen Minuten erneut."},
}

// Error renders the German error page for status.
func (r *Renderer) Error(w http.ResponseWriter, req *http.Request, status int) {
	v, ok := errorTexts[status]
	if !ok {
		v = errorTexts[http.StatusInternalServerError]
	}
	v.Status = status
	r.Render(w, req, status, "error", Data{Title: v.Heading, View: v})
}
