package submission

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/serviceportal/serviceportal/internal/filestore"
	"github.com/serviceportal/serviceportal/internal/store"
)

// deleteAttachments runs del, which deletes the attachment rows matched by
// the condition where (directly, or through ON DELETE CASCADE from their
// draft), in one transaction, and then removes their content. Chunks in the table go with
// their rows. Files go after the commit: a file removed first would leave a
// visible attachment without content if the transaction failed. Inside a
// caller's transaction, whose outcome is not known here, files stay for
// SweepFiles, as do files whose removal fails.
func (s *Service) deleteAttachments(ctx context.Context, where string, args []any, del func(ctx context.Context) (int64, error)) (int64, error) {
	cs := s.chunks()
	_, outer := store.TxFromContext(ctx)
	var n int64
	var gone []attachmentRef
	err := s.db.InTx(ctx, func(ctx context.Context) error {
		if !cs.inDB() && !outer {
			var err error
			if gone, err = s.attachmentRefs(ctx, where, args); err != nil {
				return err
			}
		}
		var err error
		n, err = del(ctx)
		return err
	})
	if err != nil {
		return 0, err
	}
	cs.remove(gone)
	return n, nil
}

// deleteAttachmentsWhere deletes the attachments that where selects.
func (s *Service) deleteAttachmentsWhere(ctx context.Context, where string, args ...any) (int64, error) {
	return s.deleteAttachments(ctx, where, args, func(ctx context.Context) (int64, error) {
		return affected(s.db.Exec(ctx, `DELETE FROM attachments WHERE `+where, args...))
	})
}

func (s *Service) attachmentRefs(ctx context.Context, where string, args []any) ([]attachmentRef, error) {
	rows, err := s.db.Query(ctx, `SELECT tenant_id, id, pack, pack_offset, pack_length FROM attachments WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("submission: attachments to delete: %w", err)
	}
	defer rows.Close()
	var refs []attachmentRef
	for rows.Next() {
		var r attachmentRef
		var pack sql.NullString
		var off, n sql.NullInt64
		if err := rows.Scan(&r.tenantID, &r.id, &pack, &off, &n); err != nil {
			return nil, fmt.Errorf("submission: attachments to delete: %w", err)
		}
		if pack.Valid {
			r.loc = filestore.Loc{Pack: pack.String, Offset: off.Int64, Length: n.Int64}
		}
		refs = append(refs, r)
	}
	return refs, rows.Err()
}

func affected(r sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return r.RowsAffected()
}

// DeleteBrokenUploads removes files whose upload never finished (the
// portal stopped mid-upload); the retention job calls it.
func (s *Service) DeleteBrokenUploads(ctx context.Context, olderThan time.Duration) (int64, error) {
	n, err := s.deleteAttachmentsWhere(ctx, `sha512 = '' AND created_at < ?`, s.now().Add(-olderThan))
	if err != nil {
		return 0, fmt.Errorf("submission: delete broken uploads: %w", err)
	}
	return n, nil
}

// SweepFiles removes attachment files that no row points to, last written
// more than olderThan ago: those of uploads that never finished, and those
// whose row was deleted without removing the file (inside a caller's
// transaction, or a crash between commit and removal). The retention job
// calls it; the grace period keeps uploads in progress safe. Without files
// (PostgreSQL) it does nothing.
func (s *Service) SweepFiles(ctx context.Context, olderThan time.Duration) (int, error) {
	n, err := s.chunks().sweep(ctx, olderThan)
	if err != nil {
		return n, fmt.Errorf("submission: sweep files: %w", err)
	}
	return n, nil
}

// DeleteDraftAttachment removes one file from a draft.
func (s *Service) DeleteDraftAttachment(ctx context.Context, tenantID, draftID, id string) error {
	_, err := s.deleteAttachmentsWhere(ctx, `tenant_id = ? AND draft_id = ? AND id = ?`, tenantID, draftID, id)
	return err
}

// DeleteAttachment removes a file of a tenant.
func (s *Service) DeleteAttachment(ctx context.Context, tenantID, id string) error {
	_, err := s.deleteAttachmentsWhere(ctx, `tenant_id = ? AND id = ?`, tenantID, id)
	return err
}
