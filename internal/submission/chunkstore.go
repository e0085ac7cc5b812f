package submission

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"github.com/serviceportal/serviceportal/internal/filestore"
	"github.com/serviceportal/serviceportal/internal/store"
)

// chunkStore keeps the sealed chunks of attachment content. On PostgreSQL
// without a files folder they are rows of attachment_chunks: several
// portal instances share the database and need no shared disk. With a
// files folder (always on SQLite) they are in packs or files there,
// written in parallel outside the database, whose transaction then only
// records the attachment's row; databases from before keep their rows,
// which reads fall back to.
type chunkStore interface {
	// inDB reports that chunks are database rows: they join ctx's
	// transaction and need the attachment's row to exist first. Other
	// chunks must be durable (finish) before the row that makes the
	// attachment visible commits.
	inDB() bool
	create(ctx context.Context, tenantID, id string) (chunkWriter, error)
	// pack stores the one sealed chunk of a small file durably outside
	// the database and returns where; only stores that are not inDB do.
	pack(tenantID string, sealed []byte) (filestore.Loc, error)
	// open reads the chunks in order; next returns io.EOF after the last.
	open(ctx context.Context, tenantID, id string) (chunkReader, error)
	// remove drops the content of attachments whose rows are deleted and
	// committed. Failures are left to sweep.
	remove(refs []attachmentRef)
	// sweep removes content without a row, older than olderThan.
	sweep(ctx context.Context, olderThan time.Duration) (int, error)
}

type chunkWriter interface {
	write(ctx context.Context, seq int, sealed []byte) error
	finish() error
	abort()
}

type chunkReader interface {
	next(ctx context.Context) ([]byte, error)
	close()
}

// attachmentRef names an attachment's content; loc is set for content
// in a pack.
type attachmentRef struct {
	tenantID, id string
	loc          filestore.Loc
}

// chunks returns the chunk store that fits the database.
func (s *Service) chunks() chunkStore {
	if s.files != nil {
		return *s.files
	}
	return tableChunks{db: s.db}
}

// tableChunks keeps chunks in attachment_chunks; deleting the attachment's
// row deletes them (ON DELETE CASCADE).
type tableChunks struct{ db *store.DB }

func (tableChunks) inDB() bool { return true }

func (t tableChunks) create(_ context.Context, _, id string) (chunkWriter, error) {
	return tableWriter{db: t.db, id: id}, nil
}

func (t tableChunks) open(_ context.Context, _, id string) (chunkReader, error) {
	return &tableReader{db: t.db, id: id}, nil
}

func (tableChunks) pack(string, []byte) (filestore.Loc, error) {
	return filestore.Loc{}, errors.New("submission: the table's chunks join the transaction")
}

func (tableChunks) remove([]attachmentRef) {}

func (tableChunks) sweep(context.Context, time.Duration) (int, error) { return 0, nil }

const insertChunk = `INSERT INTO attachment_chunks (attachment_id, seq, data) VALUES (?, ?, ?)`

type tableWriter struct {
	db *store.DB
	id string
}

// write stores one chunk in a short write of its own (or in ctx's
// transaction), so a slow upload never holds the writer.
func (w tableWriter) write(ctx context.Context, seq int, sealed []byte) error {
	if _, err := w.db.Exec(ctx, insertChunk, w.id, seq, sealed); err != nil {
		return fmt.Errorf("submission: attachment chunk: %w", err)
	}
	return nil
}

func (tableWriter) finish() error { return nil }
func (tableWriter) abort()        {}

type tableReader struct {
	db  *store.DB
	id  string
	seq int
}

func (r *tableReader) next(ctx context.Context) ([]byte, error) {
	var sealed []byte
	err := r.db.QueryRow(ctx, `SELECT data FROM attachment_chunks WHERE attachment_id = ? AND seq = ?`, r.id, r.seq).Scan(&sealed)
	if errors.Is(err, sqlNoRows) {
		return nil, io.EOF
	}
	if err != nil {
		return nil, fmt.Errorf("submission: read attachment: %w", err)
	}
	r.seq++
	return sealed, nil
}

func (*tableReader) close() {}

// fileChunks keeps an attachment's chunks as frames, each a 4-byte
// big-endian length and the sealed bytes: a file that fits in one chunk
// in a range of a pack (most uploads), a larger one in a file of its own.
type fileChunks struct {
	files *filestore.Store
	packs *filestore.Packs
	db    *store.DB
}

// newFileChunks returns the chunk store of the database's files folder.
// Its packs belong to the Service, which lives as long as the process: a
// process appends only to packs it started, and the packs' locks keep
// other instances sharing the folder from sweeping them meanwhile.
func newFileChunks(db *store.DB) *fileChunks {
	files := filestore.New(db.FilesDir())
	return &fileChunks{files: files, packs: filestore.NewPacks(files, store.NewID), db: db}
}

// pack appends a file's one sealed chunk, framed, to the tenant's pack.
func (c fileChunks) pack(tenantID string, sealed []byte) (filestore.Loc, error) {
	var frame [4]byte
	binary.BigEndian.PutUint32(frame[:], uint32(len(sealed))) // #nosec G115 -- a sealed chunk is below maxFrame
	loc, err := c.packs.Append(tenantID, frame[:], sealed)
	if err != nil {
		return loc, fmt.Errorf("submission: attachment file: %w", err)
	}
	return loc, nil
}

// maxFrame bounds a stored chunk (the plaintext chunk plus nonce and tag),
// so a damaged length never makes a reader allocate gigabytes.
const maxFrame = ChunkSize + 1024

func (fileChunks) inDB() bool { return false }

func (c fileChunks) create(_ context.Context, tenantID, id string) (chunkWriter, error) {
	w, err := c.files.Create(tenantID, id)
	if err != nil {
		return nil, fmt.Errorf("submission: attachment file: %w", err)
	}
	return fileWriter{w: w}, nil
}

// open reads the attachment's range of a pack, or else its file; an
// attachment without either is from before files (or empty) and is read
// from the table.
func (c fileChunks) open(ctx context.Context, tenantID, id string) (chunkReader, error) {
	var pack sql.NullString
	var off, n sql.NullInt64
	err := c.db.QueryRow(ctx, `SELECT pack, pack_offset, pack_length FROM attachments WHERE tenant_id = ? AND id = ?`,
		tenantID, id).Scan(&pack, &off, &n)
	if err != nil && !errors.Is(err, sqlNoRows) {
		return nil, fmt.Errorf("submission: read attachment: %w", err)
	}
	if pack.Valid {
		r, err := c.packs.Open(tenantID, filestore.Loc{Pack: pack.String, Offset: off.Int64, Length: n.Int64})
		if err != nil {
			return nil, fmt.Errorf("submission: read attachment: %w", err)
		}
		return &fileReader{r: r, name: pack.String + "@" + strconv.FormatInt(off.Int64, 10)}, nil
	}
	f, err := c.files.Open(tenantID, id)
	if errors.Is(err, fs.ErrNotExist) {
		return tableChunks{db: c.db}.open(ctx, tenantID, id)
	}
	if err != nil {
		return nil, fmt.Errorf("submission: read attachment: %w", err)
	}
	return &fileReader{r: f, name: f.Name()}, nil
}

func (c fileChunks) remove(refs []attachmentRef) {
	for _, r := range refs {
		if r.loc.Pack != "" {
			c.packs.Punch(r.tenantID, r.loc)
			continue
		}
		c.files.Remove(r.tenantID, r.id)
	}
}

func (c fileChunks) sweep(ctx context.Context, olderThan time.Duration) (int, error) {
	packs, perr := c.packs.Sweep(ctx, olderThan, c.liveRanges)
	files, ferr := c.sweepFiles(ctx, olderThan)
	return packs + files, errors.Join(perr, ferr)
}

// liveRanges lists the ranges that attachment rows of any state name in
// a pack.
func (c fileChunks) liveRanges(ctx context.Context, tenantID, pack string) ([]filestore.Loc, error) {
	rows, err := c.db.Query(ctx, `SELECT pack_offset, pack_length FROM attachments WHERE tenant_id = ? AND pack = ? ORDER BY pack_offset`,
		tenantID, pack)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []filestore.Loc
	for rows.Next() {
		l := filestore.Loc{Pack: pack}
		if err := rows.Scan(&l.Offset, &l.Length); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

func (c fileChunks) sweepFiles(ctx context.Context, olderThan time.Duration) (int, error) {
	return c.files.Sweep(ctx, olderThan, func(ctx context.Context, _ string, ids []string) (map[string]bool, error) {
		args := make([]any, len(ids))
		for i, id := range ids {
			args[i] = id
		}
		// Any row keeps its file, whatever its tenant or state.
		rows, err := c.db.Query(ctx, `SELECT id FROM attachments WHERE id IN (?`+strings.Repeat(`, ?`, len(ids)-1)+`)`, args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		keep := make(map[string]bool, len(ids))
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return nil, err
			}
			keep[id] = true
		}
		return keep, rows.Err()
	})
}

type fileWriter struct{ w *filestore.Writer }

func (f fileWriter) write(_ context.Context, _ int, sealed []byte) error {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(sealed))) // #nosec G115 -- a sealed chunk is below maxFrame
	if _, err := f.w.Write(n[:]); err != nil {
		return fmt.Errorf("submission: attachment file: %w", err)
	}
	if _, err := f.w.Write(sealed); err != nil {
		return fmt.Errorf("submission: attachment file: %w", err)
	}
	return nil
}

func (f fileWriter) finish() error {
	if err := f.w.Commit(); err != nil {
		return fmt.Errorf("submission: attachment file: %w", err)
	}
	return nil
}

func (f fileWriter) abort() { f.w.Abort() }

// fileReader reads the frames of a file or of a pack's range.
type fileReader struct {
	r    io.ReadCloser
	name string // for errors
	buf  []byte
}

func (r *fileReader) next(context.Context) ([]byte, error) {
	var n [4]byte
	if _, err := io.ReadFull(r.r, n[:]); err == io.EOF {
		return nil, io.EOF
	} else if err != nil {
		return nil, fmt.Errorf("submission: attachment file %s is truncated: %w", r.name, err)
	}
	size := int(binary.BigEndian.Uint32(n[:]))
	if size > maxFrame {
		return nil, fmt.Errorf("submission: attachment file %s is damaged (chunk of %d bytes)", r.name, size)
	}
	if cap(r.buf) < size {
		r.buf = make([]byte, size)
	}
	r.buf = r.buf[:size]
	if _, err := io.ReadFull(r.r, r.buf); err != nil {
		return nil, fmt.Errorf("submission: attachment file %s is truncated: %w", r.name, err)
	}
	return r.buf, nil
}

func (r *fileReader) close() { r.r.Close() }
