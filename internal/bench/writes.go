package bench

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/serviceportal/serviceportal/internal/store"
)

const (
	rawSQLiteName = "raw SQLite commits (WAL, synchronous=FULL, 2 INSERTs/tx, 2 KB, 1 connection)"
)

// runWrites measures the raw commit rate of a bare SQLite file, right
// after it durable submissions through the portal's use case on SQLite,
// and then, when they carry a file, the raw rate of durable appends to
// a pack, as the portal stores attachments.
func runWrites(ctx context.Context, r *Report, c Config, dir string, p *portal) error {
	raw, err := rawSQLiteCommits(ctx, filepath.Join(dir, "raw-writes.db"), c.WriteDuration)
	if err != nil {
		return err
	}
	r.add(Row{Section: "writes", Name: rawSQLiteName, Ceiling: true, Load: "closed 1", Stats: raw.Summary(0)})
	var lines []int
	for _, fl := range flows {
		i, err := portalSubmissions(ctx, r, c, p, fl, subsName("SQLite", c, fl))
		if err != nil {
			return err
		}
		r.compare(i, rawSQLiteName, true, true)
		lines = append(lines, i)
	}
	// The file ceiling runs after the submissions, so that it writes below
	// the tenant's folder as the submissions left it.
	if _, err := rawPackAppends(ctx, r, c, p); err != nil {
		return err
	}
	for _, i := range lines {
		r.compare(i, rawPackName(c), true, true)
	}
	return nil
}

// A flow is one way an application reaches the database.
type flow struct {
	pages  bool // the pages' way: draft, upload, submit; else the API's
	http   bool // the API's way over HTTP, not by calling the use cases
	submit func(p *portal, ctx context.Context, file []byte) (int, error)
}

// flows are measured in this order, each on both databases.
var flows = []flow{{pages: true, submit: (*portal).submitPages}, {submit: (*portal).submitAPI},
	{http: true, submit: (*portal).submitHTTP}}

// subsName names the submissions line of a database and flow.
func subsName(db string, c Config, fl flow) string {
	switch {
	case fl.http && c.AttachmentSize == 0:
		return "durable submissions, " + db + " (HTTP: JSON in a multipart POST to the API)"
	case fl.http:
		return "durable submissions, " + db + " (HTTP: JSON and file in a multipart POST to the API)"
	case !fl.pages && c.AttachmentSize == 0:
		return "durable submissions, " + db + " (API: application in one transaction)"
	case !fl.pages:
		return "durable submissions, " + db + " (API: file and application in one transaction)"
	case c.AttachmentSize == 0:
		return "durable submissions, " + db + " (pages: draft, submit)"
	}
	return "durable submissions, " + db + " (pages: draft, file, submit)"
}

// portalSubmissions submits Hundeanmeldungen the flow's way with
// WriteWorkers in parallel for WriteDuration and adds the row.
func portalSubmissions(ctx context.Context, r *Report, c Config, p *portal, fl flow, name string) (int, error) {
	file := newProof(c.AttachmentSize)
	// One submission first: it proves the application valid and warms the
	// tenant's data key, which the first seal creates.
	fields, err := fl.submit(p, ctx, file)
	if err != nil {
		return -1, err
	}
	if err := p.warmUp(ctx, fl, file); err != nil {
		return -1, err
	}
	txs0, commits0 := p.db.GroupCommits()
	io0 := readProcIO()
	s := Loop(ctx, c.WriteWorkers, c.WriteDuration, func(ctx context.Context, _, _ int) error {
		_, err := fl.submit(p, ctx, file)
		return err
	})
	io1 := readProcIO()
	st := s.Summary(0)
	note := fmt.Sprintf("%d form values, one %d KB attachment per submission", fields, c.AttachmentSize>>10)
	if c.AttachmentSize == 0 {
		note = fmt.Sprintf("%d form values, no attachment", fields)
	}
	if w := io0.perOp(io1, st.OK, "submission"); w != "" {
		note += "; " + w
	}
	if txs, commits := p.db.GroupCommits(); commits > commits0 {
		note += fmt.Sprintf("; group commit: %d write transactions in %d commits (%.1f per fsync)",
			txs-txs0, commits-commits0, float64(txs-txs0)/float64(commits-commits0))
	}
	audited, err := p.auditNote(ctx)
	if err != nil {
		return -1, err
	}
	note += "; " + audited
	return r.add(Row{Section: "writes", Name: name, Load: fmt.Sprintf("closed %d", c.WriteWorkers), Stats: st, Note: note}), nil
}

// warmUp submits a hundred applications and then refreshes the planner's
// statistics, as a database that has been taking submissions for a minute
// has them: PostgreSQL's autovacuum analyses a table after 50 rows plus a
// tenth of its size, at most a minute later, and the hourly housekeeping
// runs SQLite's optimize. Measured on tables the planner still believes
// empty, PostgreSQL looked idempotency keys up through the tenant's date
// index and filtered every row of the tenant, so each submission cost more
// than the one before it.
func (p *portal) warmUp(ctx context.Context, fl flow, file []byte) error {
	for range 100 {
		if _, err := fl.submit(p, ctx, file); err != nil {
			return err
		}
	}
	if p.db.Dialect() == store.Postgres {
		_, err := p.db.Exec(ctx, `ANALYZE submissions, drafts, attachments, cases, deliveries, mail_outbox, audit_pending`)
		return err
	}
	return p.db.Optimize(ctx)
}

// auditNote tells how far the audit sealer lagged when the load stopped,
// then seals the rest and verifies Dorsten's whole chain: a run whose
// audit trail does not verify has measured nothing worth reporting.
func (p *portal) auditNote(ctx context.Context) (string, error) {
	var pending int
	if err := p.db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_pending`).Scan(&pending); err != nil {
		return "", err
	}
	n, err := p.uc.Audit.Verify(ctx, p.dorsten.ID)
	if err != nil {
		return "", fmt.Errorf("bench: audit chain after the run: %w", err)
	}
	return fmt.Sprintf("audit: %d events waited for the sealer when the load stopped, chain of %d verified", pending, n), nil
}

// rawSQLiteCommits is the write ceiling: one connection committing
// transactions of two INSERTs (one with a 2 KB payload) back to back,
// with the durability the portal promises (WAL, synchronous=FULL).
func rawSQLiteCommits(ctx context.Context, path string, d time.Duration) (*Sample, error) {
	db, err := openSQLite(path, true)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	for _, q := range []string{
		`CREATE TABLE application (id INTEGER PRIMARY KEY, tenant TEXT NOT NULL, payload BLOB NOT NULL, created_at TEXT NOT NULL)`,
		`CREATE TABLE audit (id INTEGER PRIMARY KEY, application_id INTEGER NOT NULL, action TEXT NOT NULL, at TEXT NOT NULL)`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return nil, err
		}
	}
	payload := newProof(2048)
	return Loop(ctx, 1, d, func(ctx context.Context, _, _ int) error {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		now := time.Now().UTC().Format(time.RFC3339Nano)
		res, err := tx.ExecContext(ctx, `INSERT INTO application (tenant, payload, created_at) VALUES (?, ?, ?)`, "dorsten", payload, now)
		if err != nil {
			return err
		}
		id, _ := res.LastInsertId()
		if _, err := tx.ExecContext(ctx, `INSERT INTO audit (application_id, action, at) VALUES (?, ?, ?)`, id, "created", now); err != nil {
			return err
		}
		return tx.Commit()
	}), nil
}
