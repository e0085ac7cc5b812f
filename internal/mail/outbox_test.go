package mail

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
)

func TestEnqueueJoinsTransaction(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		o := newOutbox(t, db, newClock().Now)
		abort := errors.New("business change failed")

		var rolledBack string
		err := db.InTx(ctx, func(ctx context.Context) error {
			rolledBack = mustEnqueue(t, ctx, o, sample("a"))
			// Inside the transaction the mail is visible to the transaction.
			if _, err := o.Get(ctx, "a", rolledBack); err != nil {
				t.Errorf("get inside tx: %v", err)
			}
			return abort
		})
		if !errors.Is(err, abort) {
			t.Fatalf("InTx = %v", err)
		}
		if _, err := o.Get(ctx, "a", rolledBack); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("rolled-back mail: err = %v, want ErrNotFound", err)
		}
		if got, _, err := o.List(ctx, nil, 10, ""); err != nil || len(got) != 0 {
			t.Errorf("after rollback List = %d mails, %v", len(got), err)
		}

		var committed string
		if err := db.InTx(ctx, func(ctx context.Context) error {
			committed = mustEnqueue(t, ctx, o, sample("a"))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		m := mustGet(t, o, "a", committed)
		want := sample("a")
		if m.State != StatePending || m.Attempts != 0 || m.Subject != want.Subject || m.Text != want.Text ||
			m.ToName != want.ToName || m.FromName != want.FromName || m.ReplyTo != want.ReplyTo || m.Kind != KindReceipt {
			t.Errorf("committed mail = %+v", m)
		}
		if !m.CreatedAt.Equal(newClock().Now()) || !m.NextAttemptAt.Equal(m.CreatedAt) {
			t.Errorf("times: created %v, next %v", m.CreatedAt, m.NextAttemptAt)
		}
	})
}

func TestEnqueueRejectsInvalid(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		o := newOutbox(t, db, newClock().Now)
		m := sample("a")
		m.To = "kein-empfaenger"
		if _, err := o.Enqueue(context.Background(), m); !errors.Is(err, ErrInvalidAddress) {
			t.Errorf("err = %v, want ErrInvalidAddress", err)
		}
		m = sample("unknown-tenant")
		if _, err := o.Enqueue(context.Background(), m); err == nil {
			t.Error("mail for an unknown tenant was stored")
		}
	})
}

func TestListIsolatesTenantsAndPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := newClock()
		o := newOutbox(t, db, c.Now)
		var aIDs, bIDs, all []string // oldest first
		for i := range 7 {
			// Two mails share a timestamp so the id breaks the tie.
			if i != 3 {
				c.Advance(time.Second + 1500*time.Nanosecond)
			}
			tenant := "a"
			if i%3 == 2 {
				tenant = "b"
			}
			id := mustEnqueue(t, ctx, o, sample(tenant))
			all = append(all, id)
			if tenant == "a" {
				aIDs = append(aIDs, id)
			} else {
				bIDs = append(bIDs, id)
			}
		}
		// Newest first; within one timestamp, by id descending.
		newestFirst := func(ids []string) []string {
			got, _, err := o.List(ctx, nil, 100, "")
			if err != nil {
				t.Fatal(err)
			}
			in := map[string]bool{}
			for _, id := range ids {
				in[id] = true
			}
			var out []string
			for _, m := range got {
				if in[m.ID] {
					out = append(out, m.ID)
				}
			}
			return out
		}
		tests := []struct {
			name    string
			tenants []string
			want    []string
		}{
			{"all tenants", nil, newestFirst(all)},
			{"tenant a", []string{"a"}, newestFirst(aIDs)},
			{"tenant b", []string{"b"}, newestFirst(bIDs)},
			{"both", []string{"a", "b"}, newestFirst(all)},
			{"no tenant allowed", []string{}, nil},
			{"unknown tenant", []string{"c"}, nil},
		}
		for _, tt := range tests {
			for _, size := range []int{1, 2, 3, 100} {
				var got []string
				var cur Cursor
				for page := 0; ; page++ {
					ms, next, err := o.List(ctx, tt.tenants, size, cur)
					if err != nil {
						t.Fatalf("%s: %v", tt.name, err)
					}
					if len(ms) > size {
						t.Fatalf("%s: page of %d for size %d", tt.name, len(ms), size)
					}
					for _, m := range ms {
						got = append(got, m.ID)
					}
					if next == "" {
						break
					}
					if page > 10 {
						t.Fatalf("%s: endless paging", tt.name)
					}
					cur = next
				}
				if !equal(got, tt.want) {
					t.Errorf("%s, page size %d: got %v, want %v", tt.name, size, got, tt.want)
				}
			}
		}
		if len(newestFirst(all)) != 7 || newestFirst(all)[0] != all[6] {
			t.Errorf("newest first: %v (inserted %v)", newestFirst(all), all)
		}

		if _, err := o.Get(ctx, "b", aIDs[0]); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("tenant b reading a's mail: err = %v, want ErrNotFound", err)
		}
		if _, _, err := o.List(ctx, nil, 10, "nonsense"); !errors.Is(err, ErrBadCursor) {
			t.Errorf("bad cursor: err = %v", err)
		}
	})
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
