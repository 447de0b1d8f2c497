package calendar

import (
	"slices"
	"testing"
	"time"

	lunar "github.com/6tail/lunar-go/calendar"

	"gridbot"
)

func day(s string) time.Time {
	t, err := time.ParseInLocation(gridbot.DayLayout, s, gridbot.Zone)
	if err != nil {
		panic(err)
	}
	return t
}

func days(ts []time.Time) []string {
	out := []string{}
	for _, t := range ts {
		out = append(out, gridbot.Day(t))
	}
	return out
}

func TestLunar16ths(t *testing.T) {
	got := days(Lunar16ths(day("2026-10-01"), day("2027-01-01")))
	if want := []string{"2026-10-25", "2026-11-24", "2026-12-24"}; !slices.Equal(got, want) {
		t.Fatalf("Lunar16ths(2026 Q4) = %v, want %v", got, want)
	}
	for _, d := range Lunar16ths(day("2026-10-01"), day("2027-01-01")) {
		if d.Location() != gridbot.Zone || d.Hour() != 0 || d.Minute() != 0 {
			t.Errorf("%v is not a midnight in gridbot.Zone", d)
		}
	}
	// 2025 has a leap sixth month (闰六月): its 16th is 2025-08-09, after the
	// sixth month's (2025-07-10) and before the seventh's (2025-09-07).
	if l := lunar.NewSolarFromYmd(2025, 8, 9).GetLunar(); l.GetMonth() != -6 || l.GetDay() != 16 {
		t.Fatalf("lunar-go gives 2025-08-09 as month %d day %d, want leap month 6 (-6) day 16", l.GetMonth(), l.GetDay())
	}
	got = days(Lunar16ths(day("2025-07-01"), day("2025-10-01")))
	if want := []string{"2025-07-10", "2025-08-09", "2025-09-07"}; !slices.Equal(got, want) {
		t.Fatalf("Lunar16ths(2025 Q3) = %v, want %v (the leap month's 16th included)", got, want)
	}
	// [from, to) by midnight: a from later in the 16th leaves it out, a to at its midnight too.
	if got := days(Lunar16ths(day("2026-10-25").Add(time.Hour), day("2026-11-24"))); len(got) != 0 {
		t.Errorf("Lunar16ths(2026-10-25 01:00, 2026-11-24) = %v, want none", got)
	}
	if got := days(Lunar16ths(day("2026-10-25"), day("2026-10-26"))); !slices.Equal(got, []string{"2026-10-25"}) {
		t.Errorf("Lunar16ths of the day itself = %v", got)
	}
	// An instant in another zone is taken on its day in Beijing.
	if got := days(Lunar16ths(day("2026-10-25").UTC(), day("2026-10-26").UTC())); !slices.Equal(got, []string{"2026-10-25"}) {
		t.Errorf("Lunar16ths with UTC bounds = %v", got)
	}
	// Every day of two years against lunar-go directly: the jumps miss none.
	var want []string
	for d := day("2025-01-01"); d.Before(day("2027-01-01")); d = d.AddDate(0, 0, 1) {
		if lunar.NewSolarFromYmd(d.Year(), int(d.Month()), d.Day()).GetLunar().GetDay() == 16 {
			want = append(want, gridbot.Day(d))
		}
	}
	if got := days(Lunar16ths(day("2025-01-01"), day("2027-01-01"))); !slices.Equal(got, want) {
		t.Fatalf("Lunar16ths(2025–2026) = %v\nwant %v", got, want)
	}
}

func TestHolidays(t *testing.T) {
	for _, c := range []struct {
		day              string
		holiday, workday bool
	}{
		{"2025-10-07", true, false},  // 国庆中秋, a Tuesday
		{"2025-10-09", false, true},  // the Thursday after it
		{"2025-10-11", false, true},  // 国庆 调休: a working Saturday
		{"2026-02-28", false, true},  // 春节 调休: a working Saturday
		{"2026-01-04", false, true},  // 元旦 调休: a working Sunday
		{"2026-09-26", true, false},  // 中秋节, a Saturday inside the holiday
		{"2026-10-24", false, false}, // an ordinary Saturday: no holiday, no workday
		{"2026-10-26", false, true},  // an ordinary Monday
	} {
		if got := IsHoliday(day(c.day)); got != c.holiday {
			t.Errorf("IsHoliday(%s) = %v", c.day, got)
		}
		if got := IsWorkday(day(c.day)); got != c.workday {
			t.Errorf("IsWorkday(%s) = %v", c.day, got)
		}
		// Any instant of the day, in any zone, is that day.
		if got := IsWorkday(day(c.day).Add(23 * time.Hour).UTC()); got != c.workday {
			t.Errorf("IsWorkday(%s 23:00 as UTC) = %v", c.day, got)
		}
	}
}

func TestDeliberationDays(t *testing.T) {
	for _, c := range []struct {
		from, to   string
		keep, next []string
	}{
		// The 16th of the eighth month, the day after 中秋, is inside 国庆中秋
		// (2025-10-01 to 10-08): moved to Thursday 10-09.
		{"2025-10-01", "2025-11-01", []string{"2025-10-07"}, []string{"2025-10-09"}},
		// 2026-05-02 (劳动节, Saturday) moves to Wednesday 05-06, past the holiday.
		{"2026-05-01", "2026-05-10", []string{"2026-05-02"}, []string{"2026-05-06"}},
		// 2026-09-26 (中秋节, Saturday) moves to Monday 09-28.
		{"2026-09-01", "2026-10-01", []string{"2026-09-26"}, []string{"2026-09-28"}},
		// A 16th on an ordinary Sunday is kept under both policies.
		{"2026-10-01", "2026-11-01", []string{"2026-10-25"}, []string{"2026-10-25"}},
		// A 16th moved across to belongs to the next range; one moved across from to this one.
		{"2025-10-01", "2025-10-08", []string{"2025-10-07"}, nil},
		{"2025-10-08", "2025-10-20", nil, []string{"2025-10-09"}},
	} {
		if got := days(DeliberationDays(day(c.from), day(c.to), Keep)); !slices.Equal(got, orEmpty(c.keep)) {
			t.Errorf("DeliberationDays(%s, %s, keep) = %v, want %v", c.from, c.to, got, c.keep)
		}
		if got := days(DeliberationDays(day(c.from), day(c.to), NextWorkday)); !slices.Equal(got, orEmpty(c.next)) {
			t.Errorf("DeliberationDays(%s, %s, next-workday) = %v, want %v", c.from, c.to, got, c.next)
		}
	}
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func TestHolidaysKnown(t *testing.T) {
	// 2026 is the year this was written in; lunar-go v1.4.7 also has 2027's.
	for _, y := range []int{2025, 2026, 2027} {
		if !HolidaysKnown(y) {
			t.Errorf("HolidaysKnown(%d) = false", y)
		}
	}
	if HolidaysKnown(2100) {
		t.Error("HolidaysKnown(2100) = true")
	}
}

func TestHolidayPolicy(t *testing.T) {
	for p, want := range map[HolidayPolicy]bool{Keep: true, NextWorkday: true, "": false, "next_workday": false, "Keep": false} {
		if p.Valid() != want {
			t.Errorf("%q.Valid() = %v", p, !want)
		}
	}
}
