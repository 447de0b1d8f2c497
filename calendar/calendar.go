// Package calendar is the scheme's calendar: the 16th of every lunar month
// (the 议事日, deliberation day) and China's statutory holidays and 调休
// working days. It is the only importer of 6tail/lunar-go, whose data it
// trusts: nothing here is computed by hand.
//
// Every day is a calendar day in gridbot.Zone, given and returned as its
// midnight; an instant given is taken on its day in that zone.
package calendar

import (
	"time"

	"github.com/6tail/lunar-go/HolidayUtil"
	lunar "github.com/6tail/lunar-go/calendar"

	"gridbot"
)

// HolidayPolicy says what happens to a 议事日 that falls on a statutory holiday.
type HolidayPolicy string

const (
	// Keep holds the deliberation on the lunar 16th whatever the day (the default).
	Keep HolidayPolicy = "keep"
	// NextWorkday moves a lunar 16th that is a statutory holiday to the next workday.
	NextWorkday HolidayPolicy = "next-workday"
)

// Valid reports whether p is one of the policies.
func (p HolidayPolicy) Valid() bool { return p == Keep || p == NextWorkday }

// midnight returns the midnight in gridbot.Zone of t's day there.
func midnight(t time.Time) time.Time {
	y, m, d := t.In(gridbot.Zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, gridbot.Zone)
}

// addDays returns the midnight n days after day's.
func addDays(day time.Time, n int) time.Time {
	y, m, d := day.In(gridbot.Zone).Date()
	return time.Date(y, m, d+n, 0, 0, 0, 0, gridbot.Zone)
}

// lunarDay returns the day of the lunar month of day (1–30).
func lunarDay(day time.Time) int {
	y, m, d := day.In(gridbot.Zone).Date()
	return lunar.NewSolarFromYmd(y, int(m), d).GetLunar().GetDay()
}

// Lunar16ths returns the midnight of every day whose midnight lies in
// [from, to) and that is the 16th of a lunar month, leap months (闰月)
// included, in order.
func Lunar16ths(from, to time.Time) []time.Time {
	var out []time.Time
	day := midnight(from)
	if day.Before(from) {
		day = addDays(day, 1)
	}
	// A lunar month has 29 or 30 days: from lunar day k the next 16th is at
	// least 16-k days on (k <= 16) or 45-k (k > 16). Jumping by that much and
	// looking again reads two or three lunar dates a month, not thirty.
	for day.Before(to) {
		k := lunarDay(day)
		switch {
		case k == 16:
			out = append(out, day)
			day = addDays(day, 29)
		case k < 16:
			day = addDays(day, 16-k)
		default:
			day = addDays(day, 45-k)
		}
	}
	return out
}

// holiday returns lunar-go's entry for day: a statutory day off, a 调休
// working day, or nil for an ordinary day.
func holiday(day time.Time) *HolidayUtil.Holiday {
	y, m, d := day.In(gridbot.Zone).Date()
	return HolidayUtil.GetHolidayByYmd(y, int(m), d)
}

// IsHoliday reports whether day is a statutory day off (法定节假日, including
// the weekend days that are part of the holiday), per lunar-go's
// HolidayUtil. A 调休 working day is not one; an ordinary weekend is not one.
func IsHoliday(day time.Time) bool {
	h := holiday(day)
	return h != nil && !h.IsWork()
}

// IsWorkday reports whether day is a working day: Monday to Friday unless a
// statutory holiday, or a weekend day that is a 调休 working day.
func IsWorkday(day time.Time) bool {
	if h := holiday(day); h != nil {
		return h.IsWork()
	}
	wd := day.In(gridbot.Zone).Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// nextWorkday returns the first workday after day (day's midnight if none
// within a year, which the data never gives).
func nextWorkday(day time.Time) time.Time {
	for n := 1; n <= 366; n++ {
		if d := addDays(day, n); IsWorkday(d) {
			return d
		}
	}
	return midnight(day)
}

// maxHolidayRun bounds how far NextWorkday can move a 16th: the longest
// statutory holiday (春节, 8–9 days) with the weekends around it.
const maxHolidayRun = 16

// DeliberationDays returns the 议事日 whose midnight lies in [from, to), in
// order: each lunar 16th, except that under NextWorkday a 16th that is a
// statutory holiday (IsHoliday) is held on the next workday (IsWorkday)
// instead. Only statutory holidays move a 16th: one on an ordinary Saturday
// or Sunday is kept under either policy, as notices.md says. A 16th before
// from that moves into [from, to) is in; one in it that moves past to is not,
// so consecutive ranges give every 议事日 once.
func DeliberationDays(from, to time.Time, p HolidayPolicy) []time.Time {
	if p != NextWorkday {
		return Lunar16ths(from, to)
	}
	var out []time.Time
	for _, d := range Lunar16ths(addDays(midnight(from), -maxHolidayRun), to) {
		if IsHoliday(d) {
			d = nextWorkday(d)
		}
		if !d.Before(from) && d.Before(to) {
			out = append(out, d)
		}
	}
	return out
}

// HolidaysKnown reports whether lunar-go's data has year's statutory
// holidays: at least one statutory day off dated in that year for a holiday
// of that year. It is false for a year not yet announced (the State Council
// publishes a year's holidays late in the year before), and then IsHoliday
// knows no holiday in it and IsWorkday is Monday to Friday.
func HolidaysKnown(year int) bool {
	for e := HolidayUtil.GetHolidaysByYear(year).Front(); e != nil; e = e.Next() {
		h := e.Value.(*HolidayUtil.Holiday)
		if !h.IsWork() && len(h.GetTarget()) >= 4 && h.GetTarget()[:4] == h.GetDay()[:4] {
			return true
		}
	}
	return false
}
