package submission

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/serviceportal/serviceportal/internal/store"
)

// ErrNoFilesFolder says that the database has no files folder to move
// attachment content into (PostgreSQL without SERVICEPORTAL_FILES).
var ErrNoFilesFolder = errors.New("submission: the database has no files folder")

// Moved counts what MoveToFilesFolder moved.
type Moved struct {
	Files int
	Bytes int64 // sealed bytes, as stored
}

// MoveToFilesFolder moves attachment content that is still kept in the
// database (attachment_chunks: PostgreSQL before its files folder was set,
// or SQLite from before files) into the files folder, one attachment at a
// time, while the portal runs. Each attachment's file is durable before
// its rows are deleted, and reads prefer the file as soon as it exists,
// so an interruption leaves every attachment readable, and running it
// again goes on where it stopped. A download reading the rows in the very
// moment they are deleted fails once and succeeds when repeated.
func MoveToFilesFolder(ctx context.Context, db *store.DB) (Moved, error) {
	var moved Moved
	if db.FilesDir() == "" {
		return moved, ErrNoFilesFolder
	}
	files := newFileChunks(db)
	defer files.packs.Close()
	tenants, err := tenantIDs(ctx, db)
	if err != nil {
		return moved, err
	}
	for _, tenantID := range tenants {
		after := ""
		for {
			ids, err := idsInTable(ctx, db, tenantID, after)
			if err != nil || len(ids) == 0 {
				if err != nil {
					return moved, err
				}
				break
			}
			for _, id := range ids {
				n, err := moveOne(ctx, db, files, tenantID, id)
				if err != nil {
					return moved, fmt.Errorf("submission: move attachment %s: %w", id, err)
				}
				moved.Files++
				moved.Bytes += n
			}
			after = ids[len(ids)-1]
		}
	}
	return moved, nil
}

func tenantIDs(ctx context.Context, db *store.DB) ([]string, error) {
	ids, err := db.Strings(ctx, `SELECT id FROM tenants ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("submission: tenants: %w", err)
	}
	return ids, nil
}

// idsInTable lists the next hundred of the tenant's attachments whose
// content is rows of attachment_chunks.
func idsInTable(ctx context.Context, db *store.DB, tenantID, after string) ([]string, error) {
	ids, err := db.Strings(ctx, `SELECT a.id FROM attachments a WHERE a.tenant_id = ? AND a.id > ? AND a.pack IS NULL
		AND EXISTS (SELECT 1 FROM attachment_chunks c WHERE c.attachment_id = a.id) ORDER BY a.id LIMIT 100`, tenantID, after)
	if err != nil {
		return nil, fmt.Errorf("submission: attachments in the database: %w", err)
	}
	return ids, nil
}

// moveOne copies an attachment's sealed chunks, as they are, into a file
// of its own (the chunks are bound to the attachment and their position,
// not to where they are kept) and then deletes the rows.
func moveOne(ctx context.Context, db *store.DB, files *fileChunks, tenantID, id string) (int64, error) {
	r, err := tableChunks{db: db}.open(ctx, tenantID, id)
	if err != nil {
		return 0, err
	}
	defer r.close()
	w, err := files.create(ctx, tenantID, id)
	if err != nil {
		return 0, err
	}
	var n int64
	for seq := 0; ; seq++ {
		sealed, err := r.next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err == nil {
			err = w.write(ctx, seq, sealed)
		}
		if err != nil {
			w.abort()
			return n, err
		}
		n += int64(len(sealed))
	}
	if err := w.finish(); err != nil {
		return n, err
	}
	_, err = db.Exec(ctx, `DELETE FROM attachment_chunks WHERE attachment_id = (SELECT id FROM attachments WHERE tenant_id = ? AND id = ?)`, tenantID, id)
	return n, err
}
