package submission

import (
	"context"
	"io"
)

// PutAttachmentInTable stores a file as databases from before attachment
// files did: its chunks in attachment_chunks, whatever the database.
func (s *Service) PutAttachmentInTable(ctx context.Context, in NewAttachment, r io.Reader) (Attachment, error) {
	return s.putAttachment(ctx, in, r, tableChunks{db: s.db})
}
