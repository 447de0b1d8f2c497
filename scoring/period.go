package scoring

import (
	"fmt"
	"math"
	"time"

	"gridbot"
)

// MonthBounds returns the instants [start, end) of a month written "2026-10".
func MonthBounds(month string) (start, end time.Time, err error) {
	t, err := time.ParseInLocation(gridbot.MonthLayout, month, gridbot.Zone)
	if err != nil || len(month) != 7 {
		return time.Time{}, time.Time{}, gridbot.Errorf(gridbot.EINVALID, "月份应写成 YYYY-MM，如 2026-10（收到 %q）。", month)
	}
	return t, t.AddDate(0, 1, 0), nil
}

// QuarterBounds returns the instants [start, end) and the three months of a
// quarter written "2026Q4".
func QuarterBounds(quarter string) (start, end time.Time, months []string, err error) {
	var y, q int
	if n, e := fmt.Sscanf(quarter, "%4dQ%1d", &y, &q); e != nil || n != 2 || len(quarter) != 6 || q < 1 || q > 4 || y < 1 {
		return time.Time{}, time.Time{}, nil, gridbot.Errorf(gridbot.EINVALID, "季度应写成 YYYYQn，如 2026Q4（收到 %q）。", quarter)
	}
	start = time.Date(y, time.Month(3*q-2), 1, 0, 0, 0, 0, gridbot.Zone)
	for i := 0; i < 3; i++ {
		months = append(months, gridbot.Month(start.AddDate(0, i, 0)))
	}
	return start, start.AddDate(0, 3, 0), months, nil
}

// YearBounds returns the instants [start, end) of a year written "2026".
func YearBounds(year string) (start, end time.Time, err error) {
	t, err := time.ParseInLocation("2006", year, gridbot.Zone)
	if err != nil || len(year) != 4 {
		return time.Time{}, time.Time{}, gridbot.Errorf(gridbot.EINVALID, "年份应写成 YYYY，如 2026（收到 %q）。", year)
	}
	return t, t.AddDate(1, 0, 0), nil
}

// window is a period [start, end) seen "as at" at: a fact counts when it
// happened in the period, no later than at, and was recorded no later than at.
type window struct {
	start, end, at time.Time
}

// endOfTime stands for "no cut-off" when at is zero.
var endOfTime = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

func newWindow(start, end, at time.Time) window {
	if at.IsZero() {
		at = endOfTime
	}
	return window{start: start, end: end, at: at}
}

// has reports whether an event at t counts in the window.
func (w window) has(t time.Time) bool {
	return !t.Before(w.start) && t.Before(w.end) && !t.After(w.at)
}

// passed reports whether a mark (a deadline) passed inside the window: it lies
// in the period and at is strictly after it (acting exactly at the mark is in time).
func (w window) passed(mark time.Time) bool {
	return !mark.Before(w.start) && mark.Before(w.end) && w.at.After(mark)
}

// known reports whether a record was made by at.
func (w window) known(r gridbot.Record) bool {
	return r.RecordedAt.IsZero() || !r.RecordedAt.After(w.at)
}

// seen is has and known together.
func (w window) seen(t time.Time, r gridbot.Record) bool { return w.has(t) && w.known(r) }

// stop is the end of what can be seen: the period's end or just after at.
func (w window) stop() time.Time {
	if w.at.Before(w.end) {
		return w.at.Add(time.Nanosecond)
	}
	return w.end
}

// ref is the instant whose roster counts "at the end of the period": its last
// instant, or at when that is earlier.
func (w window) ref() time.Time { return w.stop().Add(-time.Nanosecond) }

// round2 rounds points to two decimals.
func round2(x float64) float64 { return math.Round(x*100) / 100 }

// cents is x in hundredths, for exact comparisons of rounded points.
func cents(x float64) int64 { return int64(math.Round(x * 100)) }
