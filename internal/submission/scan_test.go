package submission_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/serviceportal/serviceportal/internal/clamd"
	"github.com/serviceportal/serviceportal/internal/clamd/clamdtest"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/submission"
)

// TestAttachmentsAreScanned: with clamd configured, a clean file is
// stored, malware and files without a verdict are refused and leave
// nothing behind.
func TestAttachmentsAreScanned(t *testing.T) {
	t.Parallel()
	f := setup(t, storetest.Open(t, store.SQLite))
	scanner, err := clamd.New(clamdtest.Start(t, 2<<20))
	if err != nil {
		t.Fatal(err)
	}
	f.svc.SetScanner(scanner)
	ctx := context.Background()
	d, _, _ := f.svc.CreateDraft(ctx, submission.NewDraft{TenantID: f.dorsten.ID, ServiceID: f.service.ID, FormID: "hundeanmeldung", FormVersion: "1"})
	put := func(content []byte) (submission.Attachment, error) {
		return f.svc.PutAttachment(ctx, submission.NewAttachment{TenantID: f.dorsten.ID, DraftID: d.ID, FieldPath: "F10",
			Filename: "datei.pdf", ContentType: "application/pdf", MaxSize: 4 << 20}, bytes.NewReader(content))
	}
	clean := bytes.Repeat([]byte("Impfpass-Seite "), 50000)
	a, err := put(clean)
	if err != nil {
		t.Fatalf("clean file refused: %v", err)
	}
	var out bytes.Buffer
	if err := f.svc.WriteAttachment(ctx, &out, a); err != nil || !bytes.Equal(out.Bytes(), clean) {
		t.Fatalf("clean file read back %d bytes, %v", out.Len(), err)
	}
	var infected *clamd.Infected
	if _, err := put(append(bytes.Repeat([]byte("x"), 300<<10), clamdtest.EICAR...)); !errors.As(err, &infected) {
		t.Fatalf("malware: %v", err)
	}
	if _, err := put(bytes.Repeat([]byte("y"), 3<<20)); !errors.Is(err, clamd.ErrUnavailable) {
		t.Fatalf("no verdict: %v", err)
	}
	// Files within one chunk are stored in one commit, after the verdict.
	if _, err := put([]byte(clamdtest.EICAR)); !errors.As(err, &infected) {
		t.Fatalf("small malware: %v", err)
	}
	small := []byte("%PDF-1.4\nImpfpass\n%%EOF\n")
	b, err := put(small)
	out.Reset()
	if err != nil || f.svc.WriteAttachment(ctx, &out, b) != nil || !bytes.Equal(out.Bytes(), small) || b.Size != int64(len(small)) || len(b.SHA512) != 128 {
		t.Fatalf("small clean file: %+v, %q, %v", b, out.Bytes(), err)
	}
	as, _ := f.svc.DraftAttachments(ctx, f.dorsten.ID, d.ID)
	if len(as) != 2 || as[0].ID == as[1].ID || (as[0].ID != a.ID && as[1].ID != a.ID) {
		t.Fatalf("%d attachments stored, want the two clean ones", len(as))
	}
	var chunks int
	f.db.QueryRow(ctx, `SELECT COUNT(*) FROM attachment_chunks WHERE attachment_id NOT IN (?, ?)`, a.ID, b.ID).Scan(&chunks)
	if chunks != 0 {
		t.Fatalf("%d chunks of refused files left", chunks)
	}
}
