package submission

import (
	"bytes"
	"context"
	"crypto/sha512"
	"encoding/hex"
	"io"
	"time"

	"github.com/serviceportal/serviceportal/internal/filestore"
	"github.com/serviceportal/serviceportal/internal/store"
)

// PutAttachmentInTable stores a file as databases from before attachment
// files did: its chunks in attachment_chunks, whatever the database.
func (s *Service) PutAttachmentInTable(ctx context.Context, in NewAttachment, r io.Reader) (Attachment, error) {
	return s.putAttachment(ctx, in, r, tableChunks{db: s.db}, false)
}

// LeavePacks ends appending to the packs this service started, as a
// restart does, so a sweep may look at them.
func (s *Service) LeavePacks() { s.files.packs.Close() }

// PutAttachmentAsFile stores a file as releases before packs did: a small
// one in a file of its own, with a row that names no pack.
func (s *Service) PutAttachmentAsFile(ctx context.Context, in NewAttachment, r io.Reader) (Attachment, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return Attachment{}, err
	}
	if len(data) == 0 || len(data) >= ChunkSize {
		// Empty and large files are stored as they were then.
		return s.PutAttachment(ctx, in, bytes.NewReader(data))
	}
	sum := sha512.Sum512(data)
	a := Attachment{ID: store.NewID(), TenantID: in.TenantID, Owner: in.Owner, FieldPath: in.FieldPath, Filename: in.Filename,
		ContentType: in.ContentType, Size: int64(len(data)), SHA512: hex.EncodeToString(sum[:]), CreatedAt: s.now()}
	sealed, err := s.keys.SealAppend(ctx, nil, a.TenantID, data, chunkAAD(a.ID, 0))
	if err != nil {
		return Attachment{}, err
	}
	w, err := s.files.create(ctx, a.TenantID, a.ID)
	if err != nil {
		return Attachment{}, err
	}
	if err := w.write(ctx, 0, sealed); err != nil {
		w.abort()
		return Attachment{}, err
	}
	if err := w.finish(); err != nil {
		return Attachment{}, err
	}
	return a, s.insertAttachment(ctx, a, in, s.exec)
}

// Statements whose query plans are checked.
const (
	MoveDraftFiles = moveDraftFiles
	ForAccount     = forAccount
)

// PackLoc is where a staged file's content lies in a pack, if it does.
func PackLoc(a Attachment) filestore.Loc { return a.loc }

// SetClock replaces the service's clock, so that a test can submit with
// a time earlier than an application already committed.
func (s *Service) SetClock(now func() time.Time) { s.now = now }
