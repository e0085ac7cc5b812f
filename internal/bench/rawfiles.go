package bench

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/serviceportal/serviceportal/internal/filestore"
)

// rawFilesName names the file-system ceiling of the submissions line.
func rawFilesName(c Config) string {
	return fmt.Sprintf("raw durable files (%d KB: create, write, fsync, rename, folder fsync)", c.AttachmentSize>>10)
}

// rawFiles is the second ceiling of a submission with a file on SQLite:
// files of the attachment's size written the way the file store writes
// them (temporary name, fsync, rename, fsync of the folder), by as many
// writers as submit, into the very folder the portal's attachments of
// the tenant went to. What creating and syncing a file costs depends on
// the file system and, on ext4, even on the folder (a folder whose block
// group has few free inodes makes every create search the others); only
// the same folder in the same run makes the two lines comparable. The
// files are removed afterwards.
func rawFiles(ctx context.Context, r *Report, c Config, p *portal) (int, error) {
	dir := p.db.FilesDir()
	if dir == "" || c.AttachmentSize == 0 {
		return -1, nil
	}
	files := filestore.New(dir)
	content := newProof(c.AttachmentSize)
	var seq atomic.Int64
	var written []string
	var mu sync.Mutex
	io0 := readProcIO()
	s := Loop(ctx, c.WriteWorkers, c.WriteDuration, func(context.Context, int, int) error {
		id := fmt.Sprintf("bench-raw-%d", seq.Add(1))
		w, err := files.Create(p.dorsten.ID, id)
		if err != nil {
			return err
		}
		if _, err := w.Write(content); err != nil {
			w.Abort()
			return err
		}
		if err := w.Commit(); err != nil {
			return err
		}
		mu.Lock()
		written = append(written, id)
		mu.Unlock()
		return nil
	})
	io1 := readProcIO()
	var errs []error
	for _, id := range written {
		errs = append(errs, files.Remove(p.dorsten.ID, id))
	}
	if err := errors.Join(errs...); err != nil {
		return -1, err
	}
	st := s.Summary(0)
	note := "in the folder of the tenant's attachments"
	if w := io0.perOp(io1, st.OK, "file"); w != "" {
		note += "; " + w
	}
	return r.add(Row{Section: "writes", Name: rawFilesName(c), Ceiling: true,
		Load: fmt.Sprintf("closed %d", c.WriteWorkers), Stats: st, Note: note}), nil
}
