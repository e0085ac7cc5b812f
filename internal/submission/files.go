package submission

import (
	"context"
	"io"
)

// Files are the files of one application that arrive in the same request
// as the application, as the API's multipart submissions send them.
//
// Beside SQLite, each file's content is stored at once, durably, outside
// the database, and Submit writes the files' rows in the submission's own
// transaction: the application and its files commit together, in one
// commit instead of one for a draft, one per file and one for the
// submission. Should the portal stop in between, no row names the content
// and the sweeper frees it.
//
// On PostgreSQL, content is rows of attachment_chunks, which need their
// attachment's row first; there the files go into a draft, as the pages'
// uploads do, and Submit hands the draft over.
type Files struct {
	s       *Service
	draft   NewDraft
	draftID string
	staged  []Attachment
}

// NewFiles starts collecting the files of an application to d's form.
func (s *Service) NewFiles(d NewDraft) *Files { return &Files{s: s, draft: d} }

// Put stores one file like PutAttachment; the tenant and the draft come
// from f.
func (f *Files) Put(ctx context.Context, in NewAttachment, r io.Reader) (Attachment, error) {
	in.TenantID, in.DraftID, in.SubmissionID = f.draft.TenantID, "", ""
	if f.s.files != nil {
		a, err := f.s.putAttachment(ctx, in, r, *f.s.files, true)
		if err == nil {
			f.staged = append(f.staged, a)
		}
		return a, err
	}
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
		f.staged = nil
	}
}

// insertStaged writes the rows of the staged files, finished and owned by
// the submission, inside its transaction.
func (f *Files) insertStaged(ctx context.Context, submissionID string) ([]Attachment, error) {
	for _, a := range f.staged {
		if err := f.s.insertAttachment(ctx, a, NewAttachment{SubmissionID: submissionID, Owner: a.Owner}); err != nil {
			return nil, err
		}
	}
	return append([]Attachment(nil), f.staged...), nil
}
