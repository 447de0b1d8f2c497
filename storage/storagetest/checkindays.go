package storagetest

import (
	"fmt"
	"math/bits"
	"reflect"
	"testing"
	"time"

	"gridbot"
)

// CheckinCount is the number of check-ins in f: its check-ins and the days
// of its CheckinDays.
func CheckinCount(f *gridbot.Facts) int {
	n := len(f.Checkins)
	for _, c := range f.CheckinDays {
		n += bits.OnesCount32(c.Days)
	}
	return n
}

// testPeriodFactsCheckinDays: PeriodFacts gives the check-ins of [from, to)
// as days by person and month — day 1 is bit 0 and day 31 bit 30, in months
// of 28 to 31 days — those recorded at or after to apart (Late), and those
// of the town only.
func testPeriodFactsCheckinDays(t *testing.T, s gridbot.Store) {
	a := seedStore(t, s, "滨海镇")
	b := seedStore(t, s, "松门镇")
	chat := func(tw town, user string, when time.Time) gridbot.Checkin {
		return gridbot.Checkin{TownID: tw.ID, UserID: user, At: when, Source: gridbot.SourceChat,
			Record: rec(user, fmt.Sprintf("%s-%s", user, when.Format("20060102150405.000")), when)}
	}
	imported := at("2026-11-02 09:00:00.000")
	update(t, s, func(tx gridbot.Tx) error {
		for _, tw := range []town{a, b} {
			// U001: the first and the last millisecond of October, and the
			// milliseconds just outside it.
			for _, when := range []string{"2026-09-30 23:59:59.999", "2026-10-01 00:00:00.000",
				"2026-10-31 23:59:59.999", "2026-11-01 00:00:00.000"} {
				must(t, tx.AddCheckin(ptr(chat(tw, "U001", at(when)))))
			}
			// U002: every day of February 2026 (28), February 2028 (29),
			// September 2026 (30) and October 2026 (31).
			for _, month := range []string{"2026-02", "2028-02", "2026-09", "2026-10"} {
				first := at(month + "-01 08:00:00.000")
				for d := first; gridbot.Month(d) == month; d = d.AddDate(0, 0, 1) {
					must(t, tx.AddCheckin(ptr(chat(tw, "U002", d))))
				}
			}
			// U003: a chat check-in on the 7th, the 5th and 6th imported in
			// November, and the 8th imported with no time of recording.
			must(t, tx.AddCheckin(ptr(chat(tw, "U003", at("2026-10-07 07:30:00.000")))))
			n, err := tx.AddCheckins(tw.ID, []gridbot.Checkin{
				{UserID: "U003", Day: "2026-10-05", Source: gridbot.SourceWeCom, Record: gridbot.Record{RecordedBy: "O001", RecordedAt: imported, Platform: "import"}},
				{UserID: "U003", Day: "2026-10-06", Source: gridbot.SourceWeCom, Record: gridbot.Record{RecordedBy: "O001", RecordedAt: imported, Platform: "import"}},
				{UserID: "U003", At: at("2026-10-08 09:00:00.000"), Source: gridbot.SourceImport, Record: gridbot.Record{RecordedBy: "O001", Platform: "import"}},
			})
			must(t, err)
			if n != 3 {
				t.Fatalf("AddCheckins added %d of 3", n)
			}
		}
		return nil
	})

	read := func(from, to string) *gridbot.Facts {
		t.Helper()
		var f *gridbot.Facts
		view(t, s, func(tx gridbot.Tx) (err error) {
			f, err = tx.PeriodFacts(a.ID, at(from), at(to), lookback)
			return err
		})
		if len(f.Checkins) != 0 {
			t.Errorf("PeriodFacts gave %d check-ins; want them as CheckinDays only", len(f.Checkins))
		}
		return f
	}
	month := func(user, m string, days uint32, late bool) gridbot.CheckinMonth {
		return gridbot.CheckinMonth{UserID: user, Month: m, Days: days, Late: late}
	}
	const all31 = 1<<31 - 1

	got := read("2026-10-01 00:00:00.000", "2026-11-01 00:00:00.000").CheckinDays
	want := []gridbot.CheckinMonth{
		month("U001", "2026-10", 1|1<<30, false),
		month("U002", "2026-10", all31, false),
		month("U003", "2026-10", 1<<6|1<<7, false),
		month("U003", "2026-10", 1<<4|1<<5, true), // imported after the period
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("October:\n got %+v\nwant %+v", got, want)
	}

	// A period of several months gives rows month by month; February has 28
	// or 29 days.
	got = read("2026-09-01 00:00:00.000", "2026-11-01 00:00:00.000").CheckinDays
	want = append([]gridbot.CheckinMonth{month("U001", "2026-09", 1<<29, false), month("U002", "2026-09", 1<<30-1, false)}, want...)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("September and October:\n got %+v\nwant %+v", got, want)
	}
	for _, tc := range []struct {
		from, to string
		days     uint32
	}{{"2026-02-01", "2026-03-01", 1<<28 - 1}, {"2028-02-01", "2028-03-01", 1<<29 - 1}} {
		got = read(tc.from+" 00:00:00.000", tc.to+" 00:00:00.000").CheckinDays
		if len(got) != 1 || got[0] != month("U002", tc.from[:7], tc.days, false) {
			t.Errorf("[%s, %s): %+v, want U002 with days %b", tc.from, tc.to, got, tc.days)
		}
	}

	// Read up to an instant inside the month (as at 2026-10-07 07:30): what
	// happened later is left out, and what was recorded later is Late.
	got = read("2026-10-01 00:00:00.000", "2026-10-07 07:30:00.001").CheckinDays
	want = []gridbot.CheckinMonth{
		month("U001", "2026-10", 1, false),
		month("U002", "2026-10", 1<<6-1, false), // days 1-6
		month("U003", "2026-10", 1<<6, false),
		month("U003", "2026-10", 1<<4|1<<5, true),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("as at 2026-10-07 07:30:\n got %+v\nwant %+v", got, want)
	}
	// A period starting inside a month.
	got = read("2026-10-07 07:30:00.000", "2026-10-07 07:30:00.001").CheckinDays
	if !reflect.DeepEqual(got, []gridbot.CheckinMonth{month("U003", "2026-10", 1<<6, false)}) {
		t.Errorf("at 2026-10-07 07:30: %+v", got)
	}
	if got := read("2026-10-01 00:00:00.000", "2026-10-01 00:00:00.000").CheckinDays; len(got) != 0 {
		t.Errorf("empty period: %+v", got)
	}
}

func ptr[T any](v T) *T { return &v }
