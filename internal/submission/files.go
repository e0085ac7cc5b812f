package submission

import (
	"bytes"
	"context"
	"fmt"
	"io"
)

// Files are the files of one application that arrive in the same request
// as the application, as the API's multipart submissions send them.
//
// With a files folder (SQLite's, or PostgreSQL's store.Options.FilesDir),
// each file's content is stored at once, durably, outside the database,
// and Submit writes the files' rows in the submission's own transaction:
// the application and its files commit together, in one commit instead
// of one for a draft, one per file and one for the submission. Should the
// portal stop in between, no row names the content and the sweeper frees
// it.
//
// On PostgreSQL without a folder, content is rows of attachment_chunks,
// which need their attachment's row first. There a file of one chunk
// (most uploads) waits in memory, sealed, and Submit writes row and chunk
// in its transaction; larger files, or files beyond maxHeld, go into a
// draft, as the pages' uploads do, and Submit hands the draft over.
//
// Files belong to one request: Put is not safe for concurrent use.
type Files struct {
	s       *Service
	draft   NewDraft
	draftID string
	staged  []Attachment
	held    int // bytes of sealed content waiting in memory
}

// maxHeld bounds the content one application keeps in memory until it is
// submitted.
const maxHeld = 4 << 20

// NewFiles starts collecting the files of an application to d's form.
func (s *Service) NewFiles(d NewDraft) *Files { return &Files{s: s, draft: d} }

// Put stores one file like PutAttachment; the tenant and the draft come
// from f.
func (f *Files) Put(ctx context.Context, in NewAttachment, r io.Reader) (Attachment, error) {
	in.TenantID, in.DraftID, in.SubmissionID = f.draft.TenantID, "", ""
	if f.s.files != nil {
		return f.stage(ctx, in, r, *f.s.files)
	}
	bp := getChunkBuf()
	defer putChunkBuf(bp)
	buf := (*bp)[:ChunkSize]
	n, err := io.ReadFull(r, buf)
	switch {
	case (err == io.EOF || err == io.ErrUnexpectedEOF) && f.held+n <= maxHeld:
		return f.stage(ctx, in, bytes.NewReader(buf[:n]), tableChunks{db: f.s.db})
	case err != nil && err != io.EOF && err != io.ErrUnexpectedEOF:
		return Attachment{}, fmt.Errorf("submission: read upload: %w", err)
	}
	r = io.MultiReader(bytes.NewReader(buf[:n]), r)
	if f.draftID == "" {
		d, _, err := f.s.CreateDraft(ctx, f.draft)
		if err != nil {
			return Attachment{}, err
		}
		f.draftID = d.ID
	}
	in.DraftID = f.draftID
	return f.s.PutAttachment(ctx, in, r)
}

// stage stores a file without its row.
func (f *Files) stage(ctx context.Context, in NewAttachment, r io.Reader, cs chunkStore) (Attachment, error) {
	a, err := f.s.putAttachment(ctx, in, r, cs, true)
	if err != nil {
		return Attachment{}, err
	}
	f.staged = append(f.staged, a)
	f.held += len(a.sealed)
	a.sealed = nil
	return a, nil
}

// Discard removes what Put stored, for an application that certainly was
// not stored with them: it failed validation, or Submit answered with an
// earlier submission (Result.Created false). After an error from Submit
// the caller must not discard: whether the transaction committed is not
// certain after every error. The draft then expires, and staged content
// that no row names is swept.
func (f *Files) Discard(ctx context.Context) {
	if f == nil {
		return
	}
	if f.draftID != "" {
		f.s.DeleteDraft(context.WithoutCancel(ctx), f.draft.TenantID, f.draftID)
		f.draftID = ""
	}
	if len(f.staged) > 0 {
		refs := make([]attachmentRef, 0, len(f.staged))
		for _, a := range f.staged {
			refs = append(refs, attachmentRef{tenantID: a.TenantID, id: a.ID, loc: a.loc})
		}
		f.s.chunks().remove(refs)
		f.staged, f.held = nil, 0
	}
}

// insertStaged writes the rows of the staged files, finished and owned by
// the submission, and the chunks that waited in memory, inside its
// transaction. Both are deferred writes (store.DB.Defer): the chunks are
// the files' own copies, which nothing changes before the commit.
func (f *Files) insertStaged(ctx context.Context, submissionID string) ([]Attachment, error) {
	out := make([]Attachment, 0, len(f.staged))
	for _, a := range f.staged {
		if err := f.s.insertAttachment(ctx, a, NewAttachment{SubmissionID: submissionID, Owner: a.Owner}, f.s.db.Defer); err != nil {
			return nil, err
		}
		if a.sealed != nil {
			if err := f.s.db.Defer(ctx, insertChunk, a.ID, 0, a.sealed); err != nil {
				return nil, fmt.Errorf("submission: attachment chunk: %w", err)
			}
		}
		a.sealed = nil
		out = append(out, a)
	}
	return out, nil
}
