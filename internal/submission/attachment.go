package submission

import (
	"bytes"
	"context"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

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
// the way. Each chunk is its own short write, so a slow upload never holds
// the database's writer; the file becomes visible only when its hash is
// recorded at the end. A file over MaxSize is rejected with ErrTooLarge
// and removed, as is a broken upload.
func (s *Service) PutAttachment(ctx context.Context, in NewAttachment, r io.Reader) (Attachment, error) {
	a := Attachment{ID: store.NewID(), TenantID: in.TenantID, Owner: in.Owner, FieldPath: in.FieldPath, Filename: in.Filename,
		ContentType: in.ContentType, CreatedAt: s.now()}
	var scan *scanning
	if s.scanner != nil {
		scan = s.startScan(ctx, r)
		r = scan.tee
	}
	buf := make([]byte, ChunkSize)
	n, rerr := io.ReadFull(r, buf)
	switch {
	case rerr == io.EOF || rerr == io.ErrUnexpectedEOF:
		return a, s.storeSmall(ctx, &a, in, buf[:n], scan)
	case rerr != nil:
		err := fmt.Errorf("submission: read upload: %w", rerr)
		scan.abort(err)
		return Attachment{}, err
	}
	if _, err := s.db.Exec(ctx, `INSERT INTO attachments (id, tenant_id, draft_id, submission_id, owner, field_path, filename, content_type, size, sha512, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, '', ?)`, a.ID, a.TenantID, nullString(in.DraftID), nullString(in.SubmissionID), in.Owner,
		a.FieldPath, a.Filename, a.ContentType, a.CreatedAt); err != nil {
		scan.abort(err)
		return Attachment{}, fmt.Errorf("submission: attachment: %w", err)
	}
	err := s.storeChunks(ctx, &a, in.MaxSize, io.MultiReader(bytes.NewReader(buf[:n]), r))
	if err != nil {
		scan.abort(err)
	} else {
		err = scan.verdict()
	}
	if err != nil {
		s.db.Exec(context.WithoutCancel(ctx), `DELETE FROM attachments WHERE id = ?`, a.ID)
		return Attachment{}, err
	}
	if _, err := s.db.Exec(ctx, `UPDATE attachments SET size = ?, sha512 = ? WHERE id = ?`, a.Size, a.SHA512, a.ID); err != nil {
		return Attachment{}, fmt.Errorf("submission: attachment: %w", err)
	}
	return a, nil
}

// storeSmall stores a file that fits in one chunk with a single commit:
// the row, complete with size and hash, and its one chunk. Most uploads
// (scans, photos of documents) are this size, and each durable commit
// costs a disk flush. The scanner's verdict comes first, so an infected
// file never exists, not even for a moment.
func (s *Service) storeSmall(ctx context.Context, a *Attachment, in NewAttachment, data []byte, scan *scanning) error {
	if in.MaxSize > 0 && int64(len(data)) > in.MaxSize {
		scan.abort(ErrTooLarge)
		return ErrTooLarge
	}
	if err := scan.verdict(); err != nil {
		return err
	}
	sum := sha512.Sum512(data)
	a.Size, a.SHA512 = int64(len(data)), hex.EncodeToString(sum[:])
	var sealed []byte
	if len(data) > 0 {
		var err error
		if sealed, err = s.keys.Seal(ctx, a.TenantID, data, chunkAAD(a.ID, 0)); err != nil {
			return err
		}
	}
	return s.db.InTx(ctx, func(ctx context.Context) error {
		if _, err := s.db.Exec(ctx, `INSERT INTO attachments (id, tenant_id, draft_id, submission_id, owner, field_path, filename, content_type, size, sha512, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.ID, a.TenantID, nullString(in.DraftID), nullString(in.SubmissionID), in.Owner,
			a.FieldPath, a.Filename, a.ContentType, a.Size, a.SHA512, a.CreatedAt); err != nil {
			return fmt.Errorf("submission: attachment: %w", err)
		}
		if sealed == nil {
			return nil
		}
		if _, err := s.db.Exec(ctx, `INSERT INTO attachment_chunks (attachment_id, seq, data) VALUES (?, 0, ?)`, a.ID, sealed); err != nil {
			return fmt.Errorf("submission: attachment chunk: %w", err)
		}
		return nil
	})
}

// scanning streams an upload to the virus scanner while it is stored. A
// nil *scanning (no scanner configured) accepts everything.
type scanning struct {
	tee  *scanTee
	pw   *io.PipeWriter
	done chan error
}

func (s *Service) startScan(ctx context.Context, r io.Reader) *scanning {
	pr, pw := io.Pipe()
	sc := &scanning{tee: &scanTee{r: r, w: pw}, pw: pw, done: make(chan error, 1)}
	go func() {
		err := s.scanner.Scan(ctx, pr)
		pr.CloseWithError(io.ErrClosedPipe) // unblock the writer if the scanner quit early
		sc.done <- err
	}()
	return sc
}

// verdict ends the stream and waits for the scanner: nil means clean.
func (sc *scanning) verdict() error {
	if sc == nil {
		return nil
	}
	sc.pw.Close()
	return <-sc.done
}

// abort ends the stream after a failure of our own and lets the scanner
// finish.
func (sc *scanning) abort(err error) {
	if sc == nil {
		return
	}
	sc.pw.CloseWithError(err)
	<-sc.done
}

// scanTee hands what it reads to the scanner. A scanner that stopped
// reading (it found something, or gave up) no longer gets data, and its
// verdict decides.
type scanTee struct {
	r    io.Reader
	w    *io.PipeWriter
	gone bool
}

func (t *scanTee) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if n > 0 && !t.gone {
		if _, werr := t.w.Write(p[:n]); werr != nil {
			t.gone = true
		}
	}
	return n, err
}

func (s *Service) storeChunks(ctx context.Context, a *Attachment, maxSize int64, r io.Reader) error {
	h := sha512.New()
	buf := make([]byte, ChunkSize)
	for seq := 0; ; seq++ {
		n, rerr := io.ReadFull(r, buf)
		if n > 0 {
			a.Size += int64(n)
			if maxSize > 0 && a.Size > maxSize {
				return ErrTooLarge
			}
			h.Write(buf[:n])
			sealed, err := s.keys.Seal(ctx, a.TenantID, buf[:n], chunkAAD(a.ID, seq))
			if err != nil {
				return err
			}
			if _, err := s.db.Exec(ctx, `INSERT INTO attachment_chunks (attachment_id, seq, data) VALUES (?, ?, ?)`, a.ID, seq, sealed); err != nil {
				return fmt.Errorf("submission: attachment chunk: %w", err)
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

// DeleteBrokenUploads removes files whose upload never finished (the
// portal stopped mid-upload); the retention job calls it.
func (s *Service) DeleteBrokenUploads(ctx context.Context, olderThan time.Duration) (int64, error) {
	r, err := s.db.Exec(ctx, `DELETE FROM attachments WHERE sha512 = '' AND created_at < ?`, s.now().Add(-olderThan))
	if err != nil {
		return 0, fmt.Errorf("submission: delete broken uploads: %w", err)
	}
	return r.RowsAffected()
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

// DeleteDraftAttachment removes one file from a draft.
func (s *Service) DeleteDraftAttachment(ctx context.Context, tenantID, draftID, id string) error {
	_, err := s.db.Exec(ctx, `DELETE FROM attachments WHERE tenant_id = ? AND draft_id = ? AND id = ?`, tenantID, draftID, id)
	return err
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
// it against the stored SHA-512.
func (s *Service) WriteAttachment(ctx context.Context, w io.Writer, a Attachment) error {
	h := sha512.New()
	for seq := 0; ; seq++ {
		var sealed []byte
		err := s.db.QueryRow(ctx, `SELECT data FROM attachment_chunks WHERE attachment_id = ? AND seq = ?`, a.ID, seq).Scan(&sealed)
		if errors.Is(err, sqlNoRows) {
			break
		}
		if err != nil {
			return fmt.Errorf("submission: read attachment: %w", err)
		}
		plain, err := s.keys.Open(ctx, a.TenantID, sealed, chunkAAD(a.ID, seq))
		if err != nil {
			return err
		}
		h.Write(plain)
		if _, err := io.Copy(w, bytes.NewReader(plain)); err != nil {
			return err
		}
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

// DeleteAttachment removes a file of a tenant.
func (s *Service) DeleteAttachment(ctx context.Context, tenantID, id string) error {
	_, err := s.db.Exec(ctx, `DELETE FROM attachments WHERE tenant_id = ? AND id = ?`, tenantID, id)
	return err
}
