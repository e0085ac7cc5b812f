package api

import (
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/submission"
)

// FuzzParseSince: whatever a client sends as since, parsing does not
// panic, and every position it accepts survives a round trip through the
// cursor the next page hands out.
func FuzzParseSince(f *testing.F) {
	for _, s := range []string{"", "2026-11-28T09:00:00Z", "2026-11-28T10:00:00.123456789+01:00", "gestern",
		encodeCursor(submission.After{SubmittedAt: time.Date(2026, 11, 28, 9, 0, 0, 1234, time.UTC), ID: "abc"}),
		encodeCursor(submission.After{Seq: 4711, ID: "abc"}), encodeCursor(submission.After{Seq: 1 << 40}), "cy0x", "czEyIA",
		"MjAyNi0xMS0yOFQwOTowMDowMFog", "MjAyNi0xMS0yOFQwOTowMDowMFo", "%%%", "0001-01-01T00:00:00Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		pos, ok := parseSince(s)
		if !ok {
			return
		}
		if pos.SubmittedAt.Location() != time.UTC {
			t.Fatalf("parseSince(%q) kept a zone: %v", s, pos.SubmittedAt)
		}
		if pos.Seq != 0 {
			again, ok := parseSince(encodeCursor(pos))
			if !ok || again != pos {
				t.Fatalf("cursor of %+v reads back as %+v (%v)", pos, again, ok)
			}
			return
		}
		if pos.SubmittedAt.IsZero() || pos.ID == "" {
			return
		}
		again, ok := parseSince(encodeCursor(pos))
		if !ok || !again.SubmittedAt.Equal(pos.SubmittedAt) || again.ID != pos.ID {
			t.Fatalf("cursor of %+v reads back as %+v (%v)", pos, again, ok)
		}
	})
}
