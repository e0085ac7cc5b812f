package submission_test

import (
	"bytes"
	"context"
	"crypto/sha512"
	"database/sql"
	"encoding/hex"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/audit"
	"github.com/serviceportal/serviceportal/internal/filestore"
	"github.com/serviceportal/serviceportal/internal/keyring"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/submission"
)

// fileOf is where SQLite mode keeps the content of an attachment too
// large for a pack, and kept that of every attachment before packs.
func fileOf(db *store.DB, a submission.Attachment) string {
	return filepath.Join(db.FilesDir(), a.TenantID, a.ID)
}

// packLocs remembers where put found each attachment's content in a
// pack, so tests can look there after the row is gone.
var packLocs sync.Map // attachment ID → filestore.Loc

func rememberLoc(t *testing.T, db *store.DB, a submission.Attachment) {
	t.Helper()
	var pack sql.NullString
	var off, n sql.NullInt64
	if err := db.QueryRow(context.Background(), `SELECT pack, pack_offset, pack_length FROM attachments WHERE id = ?`, a.ID).Scan(&pack, &off, &n); err != nil {
		t.Fatal(err)
	}
	if pack.Valid {
		packLocs.Store(a.ID, filestore.Loc{Pack: pack.String, Offset: off.Int64, Length: n.Int64})
	}
}

// packRange returns the pack file and range of an attachment in a pack.
func packRange(db *store.DB, a submission.Attachment) (string, filestore.Loc, bool) {
	v, ok := packLocs.Load(a.ID)
	if !ok {
		return "", filestore.Loc{}, false
	}
	loc := v.(filestore.Loc)
	return filepath.Join(db.FilesDir(), a.TenantID, filestore.PackFolder, loc.Pack), loc, true
}

// inPack reports whether the attachment's range of its pack still holds
// content (not zeros, not a missing pack).
func inPack(t *testing.T, db *store.DB, a submission.Attachment) bool {
	t.Helper()
	path, loc, ok := packRange(db, a)
	if !ok {
		return false
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return false
	}
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(b)) < loc.Offset+loc.Length {
		t.Fatalf("pack %s has %d bytes, the range ends at %d", path, len(b), loc.Offset+loc.Length)
	}
	r := b[loc.Offset : loc.Offset+loc.Length]
	return !bytes.Equal(r, make([]byte, len(r)))
}

// storedIn says where an attachment's content is: "pack", "file", "table"
// or "none".
func storedIn(t *testing.T, db *store.DB, a submission.Attachment) string {
	t.Helper()
	var rows int
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM attachment_chunks WHERE attachment_id = ?`, a.ID).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	_, err := os.Stat(fileOf(db, a))
	file := db.FilesDir() != "" && err == nil
	pack := db.FilesDir() != "" && inPack(t, db, a)
	switch {
	case pack && !file && rows == 0:
		return "pack"
	case file && !pack && rows == 0:
		return "file"
	case !file && !pack && rows > 0:
		return "table"
	case !file && !pack && rows == 0:
		return "none"
	}
	t.Fatalf("attachment %s in a pack (%v), a file (%v) and %d table rows", a.ID, pack, file, rows)
	return ""
}

// tamper changes one byte of an attachment's stored content.
func tamper(t *testing.T, db *store.DB, a submission.Attachment) {
	t.Helper()
	switch storedIn(t, db, a) {
	case "table":
		if _, err := db.Exec(context.Background(), `UPDATE attachment_chunks SET data = ? WHERE attachment_id = ? AND seq = 0`,
			[]byte("garbage-garbage-garbage-garbage"), a.ID); err != nil {
			t.Fatal(err)
		}
	case "pack":
		path, loc, _ := packRange(db, a)
		flipByte(t, path, loc.Offset+loc.Length/2)
	default:
		flipByte(t, fileOf(db, a), -1)
	}
}

// flipByte changes the byte at off (-1: the middle) of a file.
func flipByte(t *testing.T, path string, off int64) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if off < 0 {
		off = int64(len(b) / 2)
	}
	b[off] ^= 0x01
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func randomBytes(n int) []byte {
	r := rand.NewChaCha8([32]byte{byte(n)})
	b := make([]byte, n)
	r.Read(b)
	return b
}

type putFunc func(context.Context, submission.NewAttachment, io.Reader) (submission.Attachment, error)

func (f fixture) put(t *testing.T, put putFunc, draftID string, content []byte) submission.Attachment {
	t.Helper()
	a, err := put(context.Background(), submission.NewAttachment{TenantID: f.dorsten.ID, DraftID: draftID, FieldPath: "F10",
		Filename: "nachweis.pdf", ContentType: "application/pdf"}, bytes.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	rememberLoc(t, f.db, a)
	return a
}

func (f fixture) draft(t *testing.T) string {
	t.Helper()
	d, _, err := f.svc.CreateDraft(context.Background(), submission.NewDraft{TenantID: f.dorsten.ID, ServiceID: f.service.ID,
		FormID: "hundeanmeldung", FormVersion: "1"})
	if err != nil {
		t.Fatal(err)
	}
	return d.ID
}

func TestAttachmentStoresRoundtrip(t *testing.T) {
	t.Parallel()
	storetest.EachStorage(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := context.Background()
		draftID := f.draft(t)
		// Where content goes by default: with a files folder (always on
		// SQLite) a file below one chunk into a pack, a larger one into a
		// file of its own.
		small, large := "table", "table"
		if db.FilesDir() != "" {
			small, large = "pack", "file"
		}
		type storeCase struct {
			name         string
			put          putFunc
			small, large string
		}
		stores := []storeCase{
			{"default", f.svc.PutAttachment, small, large},
			// Databases from before files: read from the table, on SQLite too.
			{"table", f.svc.PutAttachmentInTable, "table", "table"},
		}
		if db.FilesDir() != "" {
			// Databases from before packs: a file for every attachment.
			stores = append(stores, storeCase{"file", f.svc.PutAttachmentAsFile, "file", "file"})
		}
		sizes := []int{0, 1000, submission.ChunkSize - 1, submission.ChunkSize, 2*submission.ChunkSize + 12345}
		for _, st := range stores {
			for _, size := range sizes {
				content := randomBytes(size)
				a := f.put(t, st.put, draftID, content)
				sum := sha512.Sum512(content)
				if a.Size != int64(size) || a.SHA512 != hex.EncodeToString(sum[:]) {
					t.Fatalf("%s, %d bytes: size %d, sha %s", st.name, size, a.Size, a.SHA512)
				}
				want := st.small
				switch {
				case size == 0:
					want = "none"
				case size >= submission.ChunkSize:
					want = st.large
				}
				if got := storedIn(t, db, a); got != want {
					t.Errorf("%s, %d bytes: content in %s, want %s", st.name, size, got, want)
				}
				var out bytes.Buffer
				if err := f.svc.WriteAttachment(ctx, &out, a); err != nil || !bytes.Equal(out.Bytes(), content) {
					t.Fatalf("%s, %d bytes: read back %d bytes, %v", st.name, size, out.Len(), err)
				}
				if err := f.svc.DeleteAttachment(ctx, a.TenantID, a.ID); err != nil {
					t.Fatal(err)
				}
				if got := storedIn(t, db, a); got != "none" {
					t.Errorf("%s, %d bytes: content in %s after delete", st.name, size, got)
				}
			}
		}
	})
}

func TestAttachmentFileWriteFails(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite)
	f := setup(t, db)
	ctx := context.Background()
	draftID := f.draft(t)
	// A file where the tenant's folder belongs: no write succeeds, not even
	// as root.
	if err := os.MkdirAll(db.FilesDir(), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(db.FilesDir(), f.dorsten.ID), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, size := range []int{1000, 3 * submission.ChunkSize} {
		_, err := f.svc.PutAttachment(ctx, submission.NewAttachment{TenantID: f.dorsten.ID, DraftID: draftID, FieldPath: "F10",
			Filename: "a.pdf", ContentType: "application/pdf"}, bytes.NewReader(randomBytes(size)))
		if err == nil || !strings.Contains(err.Error(), "attachment file") {
			t.Errorf("%d bytes: %v, want an attachment file error", size, err)
		}
	}
	var rows int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM attachments`).Scan(&rows); err != nil || rows != 0 {
		t.Errorf("%d attachment rows after failed writes (err %v), want none", rows, err)
	}
}

func TestDeletingAttachmentsRemovesFiles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	small, large := randomBytes(5000), randomBytes(2*submission.ChunkSize+1)
	tests := []struct {
		name string
		del  func(t *testing.T, f fixture, draftID string, a submission.Attachment) error
		// stays: the call must not delete the attachments; one: it
		// deletes only the first (small) one, not the large one.
		stays, one bool
	}{
		{"draft attachment", func(_ *testing.T, f fixture, draftID string, a submission.Attachment) error {
			return f.svc.DeleteDraftAttachment(ctx, a.TenantID, draftID, a.ID)
		}, false, true},
		{"another draft's attachment", func(t *testing.T, f fixture, _ string, a submission.Attachment) error {
			return f.svc.DeleteDraftAttachment(ctx, a.TenantID, f.draft(t), a.ID)
		}, true, false},
		{"attachment", func(_ *testing.T, f fixture, _ string, a submission.Attachment) error {
			return f.svc.DeleteAttachment(ctx, a.TenantID, a.ID)
		}, false, true},
		{"another tenant's attachment", func(_ *testing.T, f fixture, _ string, a submission.Attachment) error {
			return f.svc.DeleteAttachment(ctx, f.gladbeck.ID, a.ID)
		}, true, false},
		{"draft", func(_ *testing.T, f fixture, draftID string, a submission.Attachment) error {
			return f.svc.DeleteDraft(ctx, a.TenantID, draftID)
		}, false, false},
		{"expired drafts", func(_ *testing.T, f fixture, draftID string, _ submission.Attachment) error {
			if _, err := f.db.Exec(ctx, `UPDATE drafts SET expires_at = ? WHERE id = ?`, time.Now().Add(-time.Hour), draftID); err != nil {
				return err
			}
			_, err := f.svc.DeleteExpiredDrafts(ctx)
			return err
		}, false, false},
		{"payload after retention", func(t *testing.T, f fixture, draftID string, a submission.Attachment) error {
			in := f.input("retention:" + draftID)
			in.DraftID = draftID
			res, err := f.svc.Submit(ctx, in)
			if err != nil {
				return err
			}
			return f.svc.DeletePayload(ctx, a.TenantID, res.Submission.ID)
		}, false, false},
		{"broken upload", func(_ *testing.T, f fixture, draftID string, _ submission.Attachment) error {
			if _, err := f.db.Exec(ctx, `UPDATE attachments SET sha512 = '', created_at = ? WHERE draft_id = ?`, time.Now().Add(-2*time.Hour), draftID); err != nil {
				return err
			}
			_, err := f.svc.DeleteBrokenUploads(ctx, time.Hour)
			return err
		}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, store.SQLite)
			f := setup(t, db)
			draftID := f.draft(t)
			as := []submission.Attachment{f.put(t, f.svc.PutAttachment, draftID, small), f.put(t, f.svc.PutAttachment, draftID, large)}
			if err := tt.del(t, f, draftID, as[0]); err != nil {
				t.Fatal(err)
			}
			wants := []string{"none", "none"}
			switch {
			case tt.stays:
				wants = []string{"pack", "file"}
			case tt.one:
				wants[1] = "file"
			}
			for i, want := range wants {
				if got := storedIn(t, db, as[i]); got != want {
					t.Errorf("file %d: content in %s after the deletion, want %s", i, got, want)
				}
			}
		})
	}
}

func TestSweepFiles(t *testing.T) {
	t.Parallel()
	storetest.EachStorage(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := context.Background()
		if db.FilesDir() == "" {
			if n, err := f.svc.SweepFiles(ctx, time.Hour); n != 0 || err != nil {
				t.Errorf("sweep without files: %d, %v", n, err)
			}
			return
		}
		draftID := f.draft(t)
		small, large := randomBytes(3000), randomBytes(submission.ChunkSize+3000)
		// In files of their own: one kept, one orphan, one orphan within
		// the grace period.
		kept, orphan, fresh := f.put(t, f.svc.PutAttachment, draftID, large), f.put(t, f.svc.PutAttachment, draftID, large),
			f.put(t, f.svc.PutAttachment, draftID, large)
		// In a pack: the same, but the grace period is the pack's.
		packKept, packOrphan := f.put(t, f.svc.PutAttachment, draftID, small), f.put(t, f.svc.PutAttachment, draftID, small)
		// Rows gone without their content: a crash between commit and removal.
		if _, err := db.Exec(ctx, `DELETE FROM attachments WHERE id IN (?, ?, ?)`, orphan.ID, fresh.ID, packOrphan.ID); err != nil {
			t.Fatal(err)
		}
		old := time.Now().Add(-2 * time.Hour)
		for _, a := range []submission.Attachment{kept, orphan} {
			if err := os.Chtimes(fileOf(db, a), old, old); err != nil {
				t.Fatal(err)
			}
		}
		// The pack this process appends to is never swept, however old.
		pack, _, _ := packRange(db, packKept)
		if err := os.Chtimes(pack, old, old); err != nil {
			t.Fatal(err)
		}
		if n, err := f.svc.SweepFiles(ctx, time.Hour); n != 1 || err != nil {
			t.Fatalf("swept %d (err %v), want the one old orphan file", n, err)
		}
		if got := storedIn(t, db, packOrphan); got != "pack" {
			t.Fatalf("orphan in the active pack: content in %s", got)
		}
		// After a restart the pack is left, and its orphan range freed.
		f.svc.LeavePacks()
		if err := os.Chtimes(pack, old, old); err != nil {
			t.Fatal(err)
		}
		if n, err := f.svc.SweepFiles(ctx, time.Hour); n != 1 || err != nil {
			t.Fatalf("swept %d (err %v), want the orphan range of the pack", n, err)
		}
		for _, c := range []struct {
			a    submission.Attachment
			want string
		}{{kept, "file"}, {orphan, "none"}, {fresh, "file"}, {packKept, "pack"}, {packOrphan, "none"}} {
			if got := storedIn(t, db, c.a); got != c.want {
				t.Errorf("%s: content in %s after the sweep, want %s", c.a.ID, got, c.want)
			}
		}
		for _, a := range []submission.Attachment{kept, packKept} {
			if err := f.svc.WriteAttachment(ctx, io.Discard, a); err != nil {
				t.Errorf("referenced content after the sweep: %v", err)
			}
		}
		// New uploads go to a new pack.
		next := f.put(t, f.svc.PutAttachment, draftID, small)
		if p, _, _ := packRange(db, next); p == pack {
			t.Errorf("upload after leaving the pack went to the left pack")
		}
	})
}

func TestAttachmentIDsNeverNamePaths(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite)
	f := setup(t, db)
	for _, a := range []submission.Attachment{
		{TenantID: f.dorsten.ID, ID: "../../" + store.SQLiteFile, Size: 10},
		{TenantID: "..", ID: "x", Size: 10},
		{TenantID: f.dorsten.ID, ID: "a/b", Size: 10},
	} {
		if err := f.svc.WriteAttachment(context.Background(), io.Discard, a); !errors.Is(err, filestore.ErrBadName) {
			t.Errorf("%q/%q: %v, want ErrBadName", a.TenantID, a.ID, err)
		}
	}
}

func TestTamperedAttachmentFileRefused(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite)
	f := setup(t, db)
	draftID := f.draft(t)
	content := randomBytes(2*submission.ChunkSize + 100)
	tests := []struct {
		name   string
		change func(b, other []byte) []byte
	}{
		{"byte flipped", func(b, _ []byte) []byte { b[len(b)/2] ^= 0x80; return b }},
		{"cut short", func(b, _ []byte) []byte { return b[:len(b)-10] }},
		{"last chunk gone", func(b, _ []byte) []byte { return b[:2*(4+12+submission.ChunkSize+16)] }},
		{"another attachment's file", func(_, other []byte) []byte { return other }},
		{"emptied", func([]byte, []byte) []byte { return nil }},
	}
	for _, tt := range tests {
		a, other := f.put(t, f.svc.PutAttachment, draftID, content), f.put(t, f.svc.PutAttachment, draftID, content)
		b, err := os.ReadFile(fileOf(db, a))
		if err != nil {
			t.Fatal(err)
		}
		ob, _ := os.ReadFile(fileOf(db, other))
		if err := os.WriteFile(fileOf(db, a), tt.change(b, ob), 0o600); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := f.svc.WriteAttachment(context.Background(), &out, a); err == nil {
			t.Errorf("%s: read without error", tt.name)
		}
	}
}

// TestTamperedPackRangeRefused: content in a pack is checked as a file's
// is, and a row cannot be pointed at another attachment's range.
func TestTamperedPackRangeRefused(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite)
	f := setup(t, db)
	ctx := context.Background()
	draftID := f.draft(t)
	content := randomBytes(50000)
	tests := []struct {
		name   string
		change func(t *testing.T, a, other submission.Attachment)
	}{
		{"byte flipped", func(t *testing.T, a, _ submission.Attachment) { tamper(t, db, a) }},
		{"another attachment's range", func(t *testing.T, a, other submission.Attachment) {
			_, loc, _ := packRange(db, other)
			if _, err := db.Exec(ctx, `UPDATE attachments SET pack_offset = ? WHERE id = ?`, loc.Offset, a.ID); err != nil {
				t.Fatal(err)
			}
		}},
		{"range cut short", func(t *testing.T, a, _ submission.Attachment) {
			if _, err := db.Exec(ctx, `UPDATE attachments SET pack_length = pack_length - 100 WHERE id = ?`, a.ID); err != nil {
				t.Fatal(err)
			}
		}},
		{"punched", func(t *testing.T, a, _ submission.Attachment) {
			_, loc, _ := packRange(db, a)
			if err := filestore.NewPacks(filestore.New(db.FilesDir()), store.NewID).Punch(a.TenantID, loc); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		a, other := f.put(t, f.svc.PutAttachment, draftID, content), f.put(t, f.svc.PutAttachment, draftID, content)
		if got := storedIn(t, db, a); got != "pack" {
			t.Fatalf("%s: content in %s, want pack", tt.name, got)
		}
		tt.change(t, a, other)
		if err := f.svc.WriteAttachment(ctx, io.Discard, a); err == nil {
			t.Errorf("%s: read without error", tt.name)
		}
		if err := f.svc.WriteAttachment(ctx, io.Discard, other); err != nil {
			t.Errorf("%s: the other attachment: %v", tt.name, err)
		}
	}
}

// TestSubmitHandsOverTheDraftsFiles: the submission lists the draft's
// finished files in upload order; an upload still in progress goes along
// but is not listed.
func TestSubmitHandsOverTheDraftsFiles(t *testing.T) {
	t.Parallel()
	storetest.EachStorage(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := context.Background()
		draftID := f.draft(t)
		var want []string
		for _, size := range []int{3000, 2*submission.ChunkSize + 5, 10} {
			want = append(want, f.put(t, f.svc.PutAttachment, draftID, randomBytes(size)).ID)
		}
		busy := f.put(t, f.svc.PutAttachment, draftID, randomBytes(20))
		if _, err := db.Exec(ctx, `UPDATE attachments SET sha512 = '' WHERE id = ?`, busy.ID); err != nil {
			t.Fatal(err)
		}
		in := f.input("hand-over:" + draftID)
		in.DraftID = draftID
		res, err := f.svc.Submit(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, a := range res.Submission.Attachments {
			got = append(got, a.ID)
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("submission lists %v, want the finished files in upload order %v", got, want)
		}
		listed, err := f.svc.SubmissionAttachments(ctx, f.dorsten.ID, res.Submission.ID)
		if err != nil || len(listed) != len(want) {
			t.Errorf("SubmissionAttachments: %d files, %v", len(listed), err)
		}
		var owner sql.NullString
		if err := db.QueryRow(ctx, `SELECT submission_id FROM attachments WHERE id = ?`, busy.ID).Scan(&owner); err != nil || owner.String != res.Submission.ID {
			t.Errorf("the unfinished upload belongs to %q (%v), want the submission", owner.String, err)
		}
	})
}

func TestBackupHoldsAttachmentFiles(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite)
	f := setup(t, db)
	ctx := context.Background()
	draftID := f.draft(t)
	contents := [][]byte{randomBytes(7000), randomBytes(3*submission.ChunkSize + 7)}
	var as []submission.Attachment
	for _, c := range contents {
		as = append(as, f.put(t, f.svc.PutAttachment, draftID, c))
	}
	dest := filepath.Join(t.TempDir(), "sicherung")
	if n, err := db.Backup(ctx, dest); err != nil || n != len(as) {
		t.Fatalf("backup copied %d files (err %v), want %d", n, err, len(as))
	}
	// Restore: the backup folder is a data folder.
	restored, err := store.Open(ctx, store.Options{DataDir: dest})
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	keys, err := keyring.New(restored, bytes.Repeat([]byte{1}, keyring.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	svc := submission.New(restored, keys, audit.New(restored))
	for i, a := range as {
		got, err := svc.Attachment(ctx, a.TenantID, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		h := sha512.New()
		if err := svc.WriteAttachment(ctx, h, got); err != nil {
			t.Fatal(err)
		}
		if sum := sha512.Sum512(contents[i]); hex.EncodeToString(h.Sum(nil)) != hex.EncodeToString(sum[:]) {
			t.Errorf("attachment %d differs after restore", i)
		}
	}
}
