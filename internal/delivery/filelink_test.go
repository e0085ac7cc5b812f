package delivery_test

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/delivery"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
)

// TestFileLinks: a file link opens its file of its delivery until it
// expires, and nothing else: not another file, not another tenant's view,
// not after its time, not altered.
func TestFileLinks(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var now atomic.Int64
		now.Store(time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC).Unix())
		f := setup(t, db, delivery.Options{Now: func() time.Time { return time.Unix(now.Load(), 0) }}, false)
		ctx := context.Background()
		f.webhook(t, f.dorsten, f.service.ID, "https://fachverfahren.example/eingang", delivery.NewSecret())
		sub := f.submit(t, f.dorsten, f.service, file{"impfpass.pdf", "application/pdf", "%PDF Impfpass"}, file{"foto.jpg", "image/jpeg", "JPEG Foto"})
		other := f.submit(t, f.dorsten, f.service, file{"anderer.pdf", "application/pdf", "%PDF anderer Antrag"})
		ds, err := f.d.ForSubmission(ctx, f.dorsten.ID, sub.ID)
		if err != nil || len(ds) != 1 {
			t.Fatalf("deliveries: %d, %v", len(ds), err)
		}
		d := ds[0]
		if u := f.d.FileURL(d, sub.Attachments[0].ID); u != "" {
			t.Fatalf("a link without the portal's address: %s", u)
		}
		f.d.SetBaseURL("https://portal.example")
		parts := func(attachmentID string) url.Values {
			u, err := url.Parse(f.d.FileURL(d, attachmentID))
			if err != nil || u.Host != "portal.example" {
				t.Fatalf("link %v: %v", u, err)
			}
			return u.Query()
		}
		open := func(tenantID, attachmentID string, q url.Values) error {
			a, err := f.d.LinkedFile(ctx, tenantID, d.ID, attachmentID, q.Get("expires"), q.Get("signature"))
			if err != nil {
				return err
			}
			var b bytes.Buffer
			if err := f.d.WriteFile(ctx, &b, a); err != nil {
				return err
			}
			if a.ID != attachmentID || !strings.HasPrefix(b.String(), "%PDF Impfpass") && !strings.HasPrefix(b.String(), "JPEG") {
				t.Errorf("link for %s opened %s: %q", attachmentID, a.ID, b.String())
			}
			return nil
		}
		first, second := sub.Attachments[0].ID, sub.Attachments[1].ID
		q1 := parts(first)
		if exp, _ := strconv.ParseInt(q1.Get("expires"), 10, 64); exp != now.Load()+int64(delivery.DefaultFileLinkTTL/time.Second) {
			t.Errorf("expires %d, want 72 h from now", exp)
		}
		tampered := url.Values{"expires": {q1.Get("expires")}, "signature": {alter(q1.Get("signature"))}}
		later := url.Values{"expires": {strconv.FormatInt(now.Load()+1e6, 10)}, "signature": {q1.Get("signature")}}
		tests := []struct {
			name       string
			tenant, id string
			q          url.Values
			want       error
		}{
			{"its file", f.dorsten.ID, first, q1, nil},
			{"the other file by its own link", f.dorsten.ID, second, parts(second), nil},
			{"another file by this link", f.dorsten.ID, second, q1, delivery.ErrFileLink},
			{"another application's file", f.dorsten.ID, other.Attachments[0].ID, q1, delivery.ErrFileLink},
			{"another tenant", f.gladbeck.ID, first, q1, delivery.ErrFileLink},
			{"altered signature", f.dorsten.ID, first, tampered, delivery.ErrFileLink},
			{"extended expiry", f.dorsten.ID, first, later, delivery.ErrFileLink},
			{"no expiry", f.dorsten.ID, first, url.Values{"signature": {q1.Get("signature")}}, delivery.ErrFileLink},
		}
		for _, tt := range tests {
			if err := open(tt.tenant, tt.id, tt.q); !errors.Is(err, tt.want) {
				t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
			}
		}
		// A link made for another application's file names this delivery
		// but not its application: the file is not served.
		forged := parts(other.Attachments[0].ID)
		if err := open(f.dorsten.ID, other.Attachments[0].ID, forged); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another application's file through this delivery: %v", err)
		}
		now.Add(int64(delivery.DefaultFileLinkTTL/time.Second) - 1)
		if err := open(f.dorsten.ID, first, q1); err != nil {
			t.Errorf("a second before expiry: %v", err)
		}
		now.Add(2)
		if err := open(f.dorsten.ID, first, q1); !errors.Is(err, delivery.ErrFileLink) {
			t.Errorf("after expiry: %v", err)
		}
	})
}

// alter changes a signature's first character, whatever it was.
func alter(sig string) string {
	if sig[0] == 'A' {
		return "B" + sig[1:]
	}
	return "A" + sig[1:]
}
