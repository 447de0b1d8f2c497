package notices_test

import (
	"testing"
	"time"

	"gridbot/internal/testkit"
	"gridbot/notices"
	"gridbot/scoring"
)

func TestQuiet(t *testing.T) {
	n := scoring.DefaultNotices()
	at := testkit.At
	for _, c := range []struct {
		planned, deadline string
		warning           bool
		want              string
	}{
		{"2026-10-03 21:59", "2026-10-05 00:00", true, "2026-10-03 21:59"},
		{"2026-10-03 22:00", "2026-10-05 00:00", true, "2026-10-03 22:00"}, // at the start: not moved
		{"2026-10-04 07:00", "2026-10-05 00:00", true, "2026-10-04 07:00"}, // at the end: not moved
		{"2026-10-03 22:00:01", "2026-10-05 00:00", true, "2026-10-04 07:00"},
		{"2026-10-04 02:12", "2026-10-04 08:12", true, "2026-10-04 07:00"},
		// 07:00 would not be before the deadline: back to 22:00 the evening before.
		{"2026-10-03 22:30", "2026-10-04 04:30", true, "2026-10-03 22:00"},
		{"2026-10-04 03:00", "2026-10-04 07:00", true, "2026-10-03 22:00"},
		// Alerts always go to 07:00.
		{"2026-10-04 04:30", "2026-10-04 04:30", false, "2026-10-04 07:00"},
	} {
		got := notices.Quiet(n, at(c.planned), at(c.deadline), c.warning)
		if !got.Equal(at(c.want)) {
			t.Errorf("Quiet(%s, deadline %s, warning %v) = %s, want %s", c.planned, c.deadline, c.warning,
				got.Format(time.DateTime), c.want)
		}
	}
}
