package submission

import (
	"bytes"
	"context"
	"crypto/sha512"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/serviceportal/serviceportal/internal/filestore"
	"github.com/serviceportal/serviceportal/internal/store"
)

// ChunkSize is the size of one stored attachment chunk. Files never sit in
// memory whole: at most one chunk per upload or download does.
const ChunkSize = 256 << 10

// ErrTooLarge means an upload exceeded its size limit; nothing was kept.
var ErrTooLarge = errors.New("submission: file too large")

// Attachment describes a stored file.
type Attachment struct {
	ID          string
	TenantID    string
	Owner       string
	FieldPath   string
	Filename    string
	ContentType string
	Size        int64
	SHA512      string
	CreatedAt   time.Time
	// loc is where the content lies in a pack, when it does.
	loc filestore.Loc
	// sealed is the one sealed chunk of a staged file whose content goes
	// into the database: it waits here for the submission's transaction.
	sealed []byte
}

// NewAttachment describes a file to store. Exactly one of DraftID and
// SubmissionID is set; Owner marks files from other sources (e.g. a
// mailbox reply).
type NewAttachment struct {
	TenantID, DraftID, SubmissionID, Owner string
	FieldPath, Filename, ContentType       string
	// MaxSize bounds the stored size in bytes.
	MaxSize int64
}

// PutAttachment streams r into sealed chunks and computes its SHA-512 on
// the way. The chunks go to the chunk store (files in the database's
// files folder, or rows of the database) one at a time, so a slow upload
// never holds the database's writer; the file becomes visible only when
// its hash is recorded at the end, after its content is durable. A file
// over MaxSize is rejected with ErrTooLarge and removed, as is a broken
// upload.
func (s *Service) PutAttachment(ctx context.Context, in NewAttachment, r io.Reader) (Attachment, error) {
	return s.putAttachment(ctx, in, r, s.chunks(), false)
}

// putAttachment stores a file. A staged file (stage) gets no row: its
// content is stored outside the database, durably, or, where content is
// rows, kept in memory (one chunk at most), and the caller writes it
// later, in its own transaction (Files).
func (s *Service) putAttachment(ctx context.Context, in NewAttachment, r io.Reader, cs chunkStore, stage bool) (Attachment, error) {
	a := Attachment{ID: store.NewID(), TenantID: in.TenantID, Owner: in.Owner, FieldPath: in.FieldPath, Filename: in.Filename,
		ContentType: in.ContentType, CreatedAt: s.now()}
	var scan *scanning
	if s.scanner != nil {
		scan = s.startScan(ctx, r)
		r = scan.tee
	}
	bp := getChunkBuf()
	defer putChunkBuf(bp)
	buf := (*bp)[:ChunkSize]
	n, rerr := io.ReadFull(r, buf)
	switch {
	case rerr == io.EOF || rerr == io.ErrUnexpectedEOF:
		return a, s.storeSmall(ctx, cs, &a, in, buf[:n], scan, stage)
	case rerr != nil:
		err := fmt.Errorf("submission: read upload: %w", rerr)
		scan.abort(err)
		return Attachment{}, err
	}
	if stage && cs.inDB() {
		err := errors.New("submission: only a file of one chunk can wait for its submission in memory")
		scan.abort(err)
		return Attachment{}, err
	}
	// The row without a hash marks the upload in progress (the table's
	// chunks need it); DeleteBrokenUploads removes it if the portal stops.
	// A staged file has no row yet: should the portal stop, the sweeper
	// finds its file without one.
	if !stage {
		if err := s.insertAttachment(ctx, a, in, s.exec); err != nil {
			scan.abort(err)
			return Attachment{}, err
		}
	}
	if err := s.writeLarge(ctx, cs, &a, in.MaxSize, io.MultiReader(bytes.NewReader(buf[:n]), r), scan); err != nil {
		if !stage {
			s.db.Exec(context.WithoutCancel(ctx), `DELETE FROM attachments WHERE id = ?`, a.ID)
		}
		return Attachment{}, err
	}
	if stage {
		return a, nil
	}
	if _, err := s.db.Exec(ctx, `UPDATE attachments SET size = ?, sha512 = ? WHERE id = ?`, a.Size, a.SHA512, a.ID); err != nil {
		return Attachment{}, fmt.Errorf("submission: attachment: %w", err)
	}
	return a, nil
}

// writeLarge writes a file's chunks and waits for the scanner's verdict;
// when either fails, none of the content stays.
func (s *Service) writeLarge(ctx context.Context, cs chunkStore, a *Attachment, maxSize int64, r io.Reader, scan *scanning) error {
	w, err := cs.create(ctx, a.TenantID, a.ID)
	if err != nil {
		scan.abort(err)
		return err
	}
	if err := s.storeChunks(ctx, w, a, maxSize, r); err != nil {
		scan.abort(err)
		w.abort()
		return err
	}
	err = scan.verdict()
	if err == nil {
		err = w.finish()
	}
	if err != nil {
		w.abort()
	}
	return err
}

// exec runs a statement at once, as the argument of functions that take
// either this or the database's Defer.
func (s *Service) exec(ctx context.Context, query string, args ...any) error {
	_, err := s.db.Exec(ctx, query, args...)
	return err
}

// insertAttachment writes a's row with write (the database's Exec or
// Defer); a hash marks it finished.
func (s *Service) insertAttachment(ctx context.Context, a Attachment, in NewAttachment, write func(context.Context, string, ...any) error) error {
	var off, n sql.NullInt64
	if a.loc.Pack != "" {
		off, n = sql.NullInt64{Int64: a.loc.Offset, Valid: true}, sql.NullInt64{Int64: a.loc.Length, Valid: true}
	}
	if err := write(ctx, `INSERT INTO attachments (id, tenant_id, draft_id, submission_id, owner, field_path, filename, content_type, size, sha512, created_at, pack, pack_offset, pack_length)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.ID, a.TenantID, nullString(in.DraftID), nullString(in.SubmissionID), in.Owner,
		a.FieldPath, a.Filename, a.ContentType, a.Size, a.SHA512, a.CreatedAt, nullString(a.loc.Pack), off, n); err != nil {
		return fmt.Errorf("submission: attachment: %w", err)
	}
	return nil
}

// storeSmall stores a file that fits in one chunk with a single commit:
// the row, complete with size and hash, and (in the table) its one chunk.
// With a files folder the chunk is appended to a pack and synced first,
// outside the writer, and the row names its range. Most uploads (scans,
// photos of documents) are this size, and each durable commit costs a
// disk flush. The scanner's verdict comes first, so an infected file never
// exists, not even for a moment.
func (s *Service) storeSmall(ctx context.Context, cs chunkStore, a *Attachment, in NewAttachment, data []byte, scan *scanning, stage bool) error {
	if in.MaxSize > 0 && int64(len(data)) > in.MaxSize {
		scan.abort(ErrTooLarge)
		return ErrTooLarge
	}
	if err := scan.verdict(); err != nil {
		return err
	}
	sum := sha512.Sum512(data)
	a.Size, a.SHA512 = int64(len(data)), hex.EncodeToString(sum[:])
	if len(data) == 0 {
		if stage {
			return nil
		}
		return s.insertAttachment(ctx, *a, in, s.exec)
	}
	sp := getChunkBuf()
	defer putChunkBuf(sp)
	sealed, err := s.keys.SealAppend(ctx, *sp, a.TenantID, data, chunkAAD(a.ID, 0))
	if err != nil {
		return err
	}
	if cs.inDB() && stage {
		a.sealed = bytes.Clone(sealed)
		return nil
	}
	if cs.inDB() {
		return s.db.InTx(ctx, func(ctx context.Context) error {
			if err := s.insertAttachment(ctx, *a, in, s.exec); err != nil {
				return err
			}
			w, err := cs.create(ctx, a.TenantID, a.ID)
			if err != nil {
				return err
			}
			return w.write(ctx, 0, sealed)
		})
	}
	if a.loc, err = cs.pack(a.TenantID, sealed); err != nil {
		return err
	}
	if stage {
		return nil
	}
	// Should this fail, the range stays for the sweeper: whether the row
	// committed is not certain after every error.
	return s.insertAttachment(ctx, *a, in, s.exec)
}

func (s *Service) storeChunks(ctx context.Context, w chunkWriter, a *Attachment, maxSize int64, r io.Reader) error {
	h := sha512.New()
	bp, sp := getChunkBuf(), getChunkBuf()
	defer putChunkBuf(bp)
	defer putChunkBuf(sp)
	buf := (*bp)[:ChunkSize]
	for seq := 0; ; seq++ {
		n, rerr := io.ReadFull(r, buf)
		if n > 0 {
			a.Size += int64(n)
			if maxSize > 0 && a.Size > maxSize {
				return ErrTooLarge
			}
			h.Write(buf[:n])
			// Each chunk is written (or copied by the driver) before the
			// next one reuses the buffer.
			sealed, err := s.keys.SealAppend(ctx, (*sp)[:0], a.TenantID, buf[:n], chunkAAD(a.ID, seq))
			if err != nil {
				return err
			}
			if err := w.write(ctx, seq, sealed); err != nil {
				return err
			}
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			return fmt.Errorf("submission: read upload: %w", rerr)
		}
	}
	a.SHA512 = hex.EncodeToString(h.Sum(nil))
	return nil
}

// LinkAttachment hands a finished file to a submission under an owner tag
// (e.g. "decision" for the Bescheid), inside the caller's transaction.
func (s *Service) LinkAttachment(ctx context.Context, tenantID, id, submissionID, owner string) error {
	r, err := s.db.Exec(ctx, `UPDATE attachments SET submission_id = ?, owner = ? WHERE tenant_id = ? AND id = ? AND sha512 <> ''`,
		submissionID, owner, tenantID, id)
	if err != nil {
		return fmt.Errorf("submission: link attachment: %w", err)
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return store.ErrNotFound
	}
	return nil
}

func chunkAAD(id string, seq int) string { return "attachment:" + id + ":" + strconv.Itoa(seq) }

const attachmentColumns = `id, tenant_id, owner, field_path, filename, content_type, size, sha512, created_at`

func (s *Service) attachments(ctx context.Context, where string, args ...any) ([]Attachment, error) {
	rows, err := s.db.Query(ctx, `SELECT `+attachmentColumns+` FROM attachments WHERE sha512 <> '' AND `+where+` ORDER BY created_at, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("submission: attachments: %w", err)
	}
	defer rows.Close()
	var out []Attachment
	for rows.Next() {
		var a Attachment
		if err := rows.Scan(&a.ID, &a.TenantID, &a.Owner, &a.FieldPath, &a.Filename, &a.ContentType, &a.Size, &a.SHA512, &a.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// DraftAttachments lists a draft's files.
func (s *Service) DraftAttachments(ctx context.Context, tenantID, draftID string) ([]Attachment, error) {
	return s.attachments(ctx, `tenant_id = ? AND draft_id = ?`, tenantID, draftID)
}

// SubmissionAttachments lists a submission's files.
func (s *Service) SubmissionAttachments(ctx context.Context, tenantID, submissionID string) ([]Attachment, error) {
	return s.attachments(ctx, `tenant_id = ? AND submission_id = ?`, tenantID, submissionID)
}

// Attachment returns one file's description.
func (s *Service) Attachment(ctx context.Context, tenantID, id string) (Attachment, error) {
	as, err := s.attachments(ctx, `tenant_id = ? AND id = ?`, tenantID, id)
	if err != nil {
		return Attachment{}, err
	}
	if len(as) == 0 {
		return Attachment{}, store.ErrNotFound
	}
	return as[0], nil
}

// WriteAttachment streams a file's content to w chunk by chunk and checks
// it against the stored SHA-512: a chunk that was changed, swapped or cut
// fails to open, a missing one fails the hash.
func (s *Service) WriteAttachment(ctx context.Context, w io.Writer, a Attachment) error {
	rd, err := s.chunks().open(ctx, a.TenantID, a.ID)
	if err != nil {
		return err
	}
	defer rd.close()
	h := sha512.New()
	seq := 0
	for ; ; seq++ {
		sealed, err := rd.next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		plain, err := s.keys.Open(ctx, a.TenantID, sealed, chunkAAD(a.ID, seq))
		if err != nil {
			return fmt.Errorf("submission: attachment %s chunk %d: %w", a.ID, seq, err)
		}
		h.Write(plain)
		if _, err := w.Write(plain); err != nil {
			return err
		}
	}
	if seq == 0 && a.Size > 0 {
		return fmt.Errorf("submission: attachment %s has no content", a.ID)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != a.SHA512 {
		return fmt.Errorf("submission: attachment %s does not match its SHA-512", a.ID)
	}
	return nil
}

// AttachmentOf reports whether a finished file belongs to the submission.
func (s *Service) AttachmentOf(ctx context.Context, tenantID, id, submissionID string) (bool, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM attachments WHERE tenant_id = ? AND id = ? AND submission_id = ? AND sha512 <> ''`,
		tenantID, id, submissionID).Scan(&n)
	return n > 0, err
}
