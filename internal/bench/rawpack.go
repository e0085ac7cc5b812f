package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"

	"github.com/serviceportal/serviceportal/internal/filestore"
)

// rawPackName names the file-system ceiling of the submissions line.
func rawPackName(c Config) string {
	return fmt.Sprintf("raw durable appends to a pack (%d KB: write, fdatasync)", c.AttachmentSize>>10)
}

// rawPackAppends is the second ceiling of a submission with a file on
// SQLite: contents of the attachment's size appended to a pack the way
// the portal appends them, by as many writers as submit, below the
// tenant's folder the portal's attachments went to. What writing and
// syncing costs depends on the file system and the folder's place on the
// disk; only the same folder in the same run makes the two lines
// comparable. The pack is removed afterwards.
func rawPackAppends(ctx context.Context, r *Report, c Config, p *portal) (int, error) {
	dir := p.db.FilesDir()
	if dir == "" || c.AttachmentSize == 0 {
		return -1, nil
	}
	var n atomic.Int64
	packs := filestore.NewPacks(filestore.New(dir), func() string { return fmt.Sprintf("bench-raw-%d", n.Add(1)) })
	content := newProof(c.AttachmentSize)
	io0 := readProcIO()
	s := Loop(ctx, c.WriteWorkers, c.WriteDuration, func(context.Context, int, int) error {
		_, err := packs.Append(p.dorsten.ID, content)
		return err
	})
	io1 := readProcIO()
	packs.Close()
	for i := range n.Load() {
		path := filepath.Join(dir, p.dorsten.ID, filestore.PackFolder, fmt.Sprintf("bench-raw-%d", i+1))
		if err := os.Remove(path); err != nil {
			return -1, fmt.Errorf("bench: remove the raw pack: %w", err)
		}
	}
	st := s.Summary(0)
	note := "below the tenant's attachment folder"
	if w := io0.perOp(io1, st.OK, "append"); w != "" {
		note += "; " + w
	}
	return r.add(Row{Section: "writes", Name: rawPackName(c), Ceiling: true,
		Load: fmt.Sprintf("closed %d", c.WriteWorkers), Stats: st, Note: note}), nil
}
