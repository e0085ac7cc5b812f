package submission_test

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/submission"
)

// stage puts content into fs and remembers where a pack holds it.
func (f fixture) stage(t *testing.T, fs *submission.Files, content []byte) submission.Attachment {
	t.Helper()
	a, err := fs.Put(context.Background(), submission.NewAttachment{FieldPath: "F10", Filename: "nachweis.pdf",
		ContentType: "application/pdf"}, bytes.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	if loc := submission.PackLoc(a); loc.Pack != "" {
		packLocs.Store(a.ID, loc)
	}
	return a
}

func (f fixture) newFiles() *submission.Files {
	return f.svc.NewFiles(submission.NewDraft{TenantID: f.dorsten.ID, ServiceID: f.service.ID, FormID: "hundeanmeldung", FormVersion: "1"})
}

func count(t *testing.T, db *store.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestFilesCommitWithTheSubmission: files sent with the application are
// stored with it; with a files folder (SQLite, or PostgreSQL with one) no
// row exists before the submission's transaction (no draft, no row per
// file); with content in PostgreSQL a large file's draft is handed over.
func TestFilesCommitWithTheSubmission(t *testing.T) {
	t.Parallel()
	storetest.EachStorage(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := context.Background()
		fs := f.newFiles()
		contents := [][]byte{randomBytes(3000), randomBytes(2*submission.ChunkSize + 5)}
		var staged []submission.Attachment
		for _, c := range contents {
			staged = append(staged, f.stage(t, fs, c))
		}
		rows := count(t, db, `SELECT COUNT(*) FROM attachments WHERE id IN (?, ?)`, staged[0].ID, staged[1].ID)
		drafts := count(t, db, `SELECT COUNT(*) FROM drafts`)
		// With a files folder, no row before the submission's transaction;
		// with content in PostgreSQL the small file waits in memory, the
		// large one in a draft.
		if folder := db.FilesDir() != ""; folder && (rows != 0 || drafts != 0) || !folder && (rows != 1 || drafts != 1) {
			t.Fatalf("before submitting: %d rows, %d drafts (files folder: %v)", rows, drafts, folder)
		}
		in := f.input("files:" + staged[0].ID)
		in.Files = fs
		res, err := f.svc.Submit(ctx, in)
		if err != nil || !res.Created {
			t.Fatalf("submit: %+v, %v", res, err)
		}
		listed, err := f.svc.SubmissionAttachments(ctx, f.dorsten.ID, res.Submission.ID)
		if err != nil || len(listed) != 2 || len(res.Submission.Attachments) != 2 {
			t.Fatalf("listed %d, in the result %d (%v), want 2", len(listed), len(res.Submission.Attachments), err)
		}
		for i, a := range listed {
			if a.ID != staged[i].ID || res.Submission.Attachments[i].ID != a.ID || a.SHA512 != staged[i].SHA512 || a.Size != int64(len(contents[i])) {
				t.Errorf("file %d: listed %+v, staged %+v", i, a, staged[i])
			}
			var got bytes.Buffer
			if err := f.svc.WriteAttachment(ctx, &got, a); err != nil || !bytes.Equal(got.Bytes(), contents[i]) {
				t.Errorf("file %d reads back %d bytes (%v), want %d", i, got.Len(), err, len(contents[i]))
			}
		}
		if n := count(t, db, `SELECT COUNT(*) FROM drafts`); n != 0 {
			t.Errorf("%d drafts left", n)
		}
	})
}

// TestFilesDiscarded: files of an application that was refused, or that
// repeated an earlier one, leave nothing behind, and the earlier
// application keeps its own.
func TestFilesDiscarded(t *testing.T) {
	t.Parallel()
	storetest.EachStorage(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := context.Background()
		first := f.newFiles()
		kept := f.stage(t, first, randomBytes(2000))
		in := f.input("discard")
		in.Files = first
		if _, err := f.svc.Submit(ctx, in); err != nil {
			t.Fatal(err)
		}
		repeat := f.newFiles()
		small, large := f.stage(t, repeat, randomBytes(2500)), f.stage(t, repeat, randomBytes(submission.ChunkSize+10))
		in.Files = repeat
		res, err := f.svc.Submit(ctx, in)
		if err != nil || res.Created {
			t.Fatalf("repeat: created %v, %v", res.Created, err)
		}
		repeat.Discard(ctx)
		refused := f.newFiles()
		gone := f.stage(t, refused, randomBytes(1500))
		refused.Discard(ctx)
		for _, a := range []submission.Attachment{small, large, gone} {
			if got := storedIn(t, db, a); got != "none" {
				t.Errorf("discarded %s: content in %s", a.ID, got)
			}
			if n := count(t, db, `SELECT COUNT(*) FROM attachments WHERE id = ?`, a.ID); n != 0 {
				t.Errorf("discarded %s: %d rows", a.ID, n)
			}
		}
		if n := count(t, db, `SELECT COUNT(*) FROM drafts`); n != 0 {
			t.Errorf("%d drafts left", n)
		}
		if err := f.svc.WriteAttachment(ctx, new(bytes.Buffer), kept); err != nil {
			t.Errorf("the first application's file: %v", err)
		}
	})
}

// TestStagedFilesWithoutSubmissionAreSwept: content stored for an
// application the portal never got to commit (it stopped in between) is
// freed by the sweeper once the grace period is over.
func TestStagedFilesWithoutSubmissionAreSwept(t *testing.T) {
	t.Parallel()
	storetest.EachStorage(t, func(t *testing.T, db *store.DB) {
		if db.FilesDir() == "" {
			return // staged content is in memory or a draft's rows
		}
		f := setup(t, db)
		ctx := context.Background()
		fs := f.newFiles()
		small, large := f.stage(t, fs, randomBytes(3000)), f.stage(t, fs, randomBytes(submission.ChunkSize+3000))
		f.svc.LeavePacks()
		pack, _, _ := packRange(db, small)
		old := time.Now().Add(-2 * time.Hour)
		for _, path := range []string{pack, fileOf(db, large)} {
			if err := os.Chtimes(path, old, old); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := f.svc.SweepFiles(ctx, time.Hour); n == 0 || err != nil {
			t.Fatalf("swept %d (%v), want the staged content", n, err)
		}
		for _, a := range []submission.Attachment{small, large} {
			if got := storedIn(t, db, a); got != "none" {
				t.Errorf("%s: content in %s after the sweep", a.ID, got)
			}
		}
	})
}
