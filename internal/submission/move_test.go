package submission_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/submission"
)

// TestMoveToFilesFolder: content kept in the database from before a files
// folder moves into files of their own and reads back the same; a second
// run finds nothing; content already in the folder stays where it is;
// without a folder the move is refused.
func TestMoveToFilesFolder(t *testing.T) {
	t.Parallel()
	storetest.EachStorage(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := context.Background()
		if db.FilesDir() == "" {
			if _, err := submission.MoveToFilesFolder(ctx, db); !errors.Is(err, submission.ErrNoFilesFolder) {
				t.Fatalf("without a folder: %v", err)
			}
			return
		}
		draftID := f.draft(t)
		type stored struct {
			a       submission.Attachment
			content []byte
		}
		var inTable []stored
		for _, size := range []int{1, 1000, submission.ChunkSize + 1, 2*submission.ChunkSize + 12345} {
			content := randomBytes(size)
			inTable = append(inTable, stored{f.put(t, f.svc.PutAttachmentInTable, draftID, content), content})
		}
		empty := f.put(t, f.svc.PutAttachmentInTable, draftID, nil)
		inPack := randomBytes(500)
		packed := f.put(t, f.svc.PutAttachment, draftID, inPack)
		for _, s := range inTable {
			if got := storedIn(t, db, s.a); got != "table" {
				t.Fatalf("before: %d bytes in %s", len(s.content), got)
			}
		}

		moved, err := submission.MoveToFilesFolder(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if moved.Files != len(inTable) || moved.Bytes <= int64(len(inTable[3].content)) {
			t.Errorf("moved %+v, want %d files", moved, len(inTable))
		}
		check := func(a submission.Attachment, content []byte, where string) {
			t.Helper()
			if got := storedIn(t, db, a); got != where {
				t.Errorf("%d bytes in %s, want %s", len(content), got, where)
			}
			var out bytes.Buffer
			if err := f.svc.WriteAttachment(ctx, &out, a); err != nil || !bytes.Equal(out.Bytes(), content) {
				t.Errorf("%d bytes read back as %d, %v", len(content), out.Len(), err)
			}
		}
		for _, s := range inTable {
			check(s.a, s.content, "file")
		}
		check(empty, nil, "none")
		check(packed, inPack, "pack")
		if again, err := submission.MoveToFilesFolder(ctx, db); err != nil || again.Files != 0 {
			t.Errorf("second run: %+v, %v", again, err)
		}
	})
}
