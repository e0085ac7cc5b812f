package submission_test

import (
	"context"
	"strings"
	"testing"

	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/submission"
)

// TestPlansAfterOptimize: once the planner's statistics have seen a table
// of submitted attachments (draft_id NULL) and anonymous submissions
// (account_id NULL), the statements that look up a draft's files or an
// account's submissions must still search an index, not read every row
// of every tenant on each submit or each "Meine Anträge".
func TestPlansAfterOptimize(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite)
	f := setup(t, db)
	ctx := context.Background()
	for i := range 30 {
		draftID := f.draft(t)
		f.put(t, f.svc.PutAttachment, draftID, randomBytes(100+i))
		in := f.input("plan:" + draftID)
		in.DraftID = draftID
		if _, err := f.svc.Submit(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Optimize(ctx); err != nil {
		t.Fatal(err)
	}
	var analysed int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'attachments'`).Scan(&analysed); err != nil || analysed == 0 {
		t.Fatalf("attachments not analysed (%d rows of statistics, %v): the test would prove nothing", analysed, err)
	}
	for _, c := range []struct{ query, table, index string }{
		{submission.MoveDraftFiles, "attachments", "attachments_draft"},
		{`SELECT id FROM attachments WHERE tenant_id = ? AND draft_id = ?`, "attachments", "attachments_draft"},
		{`DELETE FROM drafts WHERE id = ?`, "attachments", "attachments_draft"}, // the cascade to the draft's files
		{submission.ForAccount, "submissions", "submissions_account"},           // "Meine Anträge", across tenants
	} {
		q := c.query
		args := make([]any, strings.Count(q, "?"))
		for i := range args {
			args[i] = "x"
		}
		rows, err := db.Query(ctx, `EXPLAIN QUERY PLAN `+q, args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		all := strings.Join(plan, "; ")
		if !strings.Contains(all, "SEARCH "+c.table+" USING ") || !strings.Contains(all, c.index) {
			t.Errorf("%s\nplan: %s\nwant a search of %s through %s", q, all, c.table, c.index)
		}
	}
}
