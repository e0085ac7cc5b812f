package bench

import (
	"context"
	"database/sql"
	"errors"
	"html/template"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

// fortunes is the page ceiling: the TechEmpower "Fortunes" method with
// nothing else around it. net/http, one SQLite query of every row, one
// row added at request time, sorted, escaped and rendered by html/template.
// The database is its own file in WAL mode, read through a pool sized like
// the portal's.
type fortunes struct {
	db   *sql.DB
	srv  *http.Server
	base string
}

// The messages contain markup and quotes so that escaping does real work.
var fortuneMessages = []string{
	"Wer nicht fragt, bleibt dumm.",
	"<script>alert(\"Formular gesendet\")</script>",
	"Ordnung ist das halbe Leben – die andere Hälfte ist Papierkram.",
	"Ein Amt, zwei Formulare & drei Stempel.",
	"Der Antrag ist eingegangen.",
	"Öffnungszeiten: Mo–Fr 8–12 Uhr",
	"Bitte ziehen Sie eine Wartemarke.",
	"'Vorläufig' heißt hier: bis auf Weiteres.",
	"Gut Ding will Weile haben.",
	"Die Hundesteuer ist fällig am 15. Februar.",
	"Ohne Aktenzeichen keine Auskunft.",
	"Zuständig ist die Stadt, in der Sie wohnen.",
}

var fortuneTemplate = template.Must(template.New("fortunes").Parse(`<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8"><title>Fortunes</title></head><body>
<table><tr><th>id</th><th>message</th></tr>
{{range .}}<tr><td>{{.ID}}</td><td>{{.Message}}</td></tr>
{{end}}</table></body></html>`))

type fortune struct {
	ID      int
	Message string
}

// startFortunes creates the database in dir and serves the page.
func startFortunes(ctx context.Context, dir string) (*fortunes, error) {
	path := filepath.Join(dir, "fortunes.db")
	w, err := openSQLite(path, true)
	if err != nil {
		return nil, err
	}
	defer w.Close()
	if _, err := w.ExecContext(ctx, `CREATE TABLE fortune (id INTEGER PRIMARY KEY, message TEXT NOT NULL)`); err != nil {
		return nil, err
	}
	for i, m := range fortuneMessages {
		if _, err := w.ExecContext(ctx, `INSERT INTO fortune (id, message) VALUES (?, ?)`, i+1, m); err != nil {
			return nil, err
		}
	}
	f := &fortunes{}
	if f.db, err = openSQLite(path, false); err != nil {
		return nil, err
	}
	n := max(4, 2*runtime.GOMAXPROCS(0))
	f.db.SetMaxOpenConns(n)
	f.db.SetMaxIdleConns(n)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		f.db.Close()
		return nil, err
	}
	f.base = "http://" + ln.Addr().String()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /fortunes", f.serve)
	f.srv = newServer(mux, slog.New(slog.NewTextHandler(io.Discard, nil)))
	go f.srv.Serve(ln)
	return f, nil
}

func (f *fortunes) serve(w http.ResponseWriter, r *http.Request) {
	rows, err := f.db.QueryContext(r.Context(), `SELECT id, message FROM fortune`)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	list := make([]fortune, 0, 16)
	for rows.Next() {
		var ft fortune
		if err := rows.Scan(&ft.ID, &ft.Message); err != nil {
			rows.Close()
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		list = append(list, ft)
	}
	rows.Close()
	list = append(list, fortune{0, "Zusätzliche Nachricht, zur Anfragezeit hinzugefügt."})
	slices.SortFunc(list, func(a, b fortune) int { return strings.Compare(a.Message, b.Message) })
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fortuneTemplate.Execute(w, list)
}

// Close stops the server and closes the database.
func (f *fortunes) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return errors.Join(f.srv.Shutdown(ctx), f.db.Close())
}

// openSQLite opens a bare SQLite file as the portal's store does: WAL,
// synchronous=FULL, busy timeout; the writer takes its lock at BEGIN and
// is the only connection.
func openSQLite(path string, writer bool) (*sql.DB, error) {
	dsn := "file:" + path + "?_journal_mode=WAL&_synchronous=FULL&_busy_timeout=10000"
	if writer {
		dsn += "&_txlock=immediate"
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	if writer {
		db.SetMaxOpenConns(1)
	}
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}
