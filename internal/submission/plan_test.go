package submission_test

import (
	"context"
	"strings"
	"testing"

	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/submission"
)

// TestDraftFilesFoundByIndexAfterOptimize: once the planner's statistics
// have seen a table of submitted attachments (draft_id NULL), the
// statements that look a draft's files up must still use the index, not
// read every attachment of every tenant on each submit.
func TestDraftFilesFoundByIndexAfterOptimize(t *testing.T) {
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
	for _, q := range []string{
		submission.MoveDraftFiles,
		`SELECT id FROM attachments WHERE tenant_id = ? AND draft_id = ?`,
		`DELETE FROM drafts WHERE id = ?`, // the cascade to the draft's files
	} {
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
		if !strings.Contains(all, "attachments_draft") || strings.Contains(all, "SCAN attachments") {
			t.Errorf("%s\nplan: %s\nwant a search through attachments_draft", q, all)
		}
	}
}
