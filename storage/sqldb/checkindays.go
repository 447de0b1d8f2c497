package sqldb

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"gridbot"
)

// checkinDaysQuery reads the check-ins of month $2 (its first instant $3)
// as one row per person: their days as bits, bit d-1 for day d, of all of
// them and of those recorded at or after $4, the end of the period read
// (imported later). A sum of distinct powers of two is their OR, since a
// person checks in at most once a day.
//
// The day of a check-in is that of its instant (at_ms) in the scheme's zone,
// which has no daylight saving: every day is 86,400,000 ms, so the day of the
// month is an integer division, far cheaper for both engines than parsing
// the day column. The month (substr(day, 1, 7)) and userid lead index
// checkins_town_month, so each engine can read that index alone, in the
// order of the groups, and aggregate as it goes. Both engines evaluate the
// same text: << on 32-bit integers (day 31 is 1<<30), SUM widening to 64 bits.
const checkinDaysQuery = `SELECT userid,
	SUM(1 << CAST((at_ms - $3) / 86400000 AS INTEGER)),
	SUM(CASE WHEN recorded_at_ms >= $4 THEN 1 << CAST((at_ms - $3) / 86400000 AS INTEGER) ELSE 0 END)
	FROM checkins
	WHERE town_id = $1 AND substr(day, 1, 7) = $2`

// checkinDaysRange keeps the check-ins of [$5, $4) when the period read
// covers part of the month only (as at an instant inside it); a whole month
// needs no more than its month, and its 3M rows are read faster without.
// The CAST of at_ms to its own type keeps SQLite's planner from preferring
// index checkins_town_at for the range and then sorting the rows to group
// them; PostgreSQL drops such a cast and estimates the range as usual.
const checkinDaysRange = ` AND CAST(at_ms AS BIGINT) >= $5 AND CAST(at_ms AS BIGINT) < $4`

// checkinDays returns the check-in days of [from, to) by person and month,
// sorted by month, user id and Late: one query per month of the period.
// With a user id, only that person's (MemberFacts).
func (t *tx) checkinDays(townID int64, from, to time.Time, userID string) ([]gridbot.CheckinMonth, error) {
	var out []gridbot.CheckinMonth
	for m := monthStart(from); m.Before(to); m = m.AddDate(0, 1, 0) {
		month := gridbot.Month(m)
		query, args := checkinDaysQuery, []any{townID, month, m.UnixMilli(), to.UnixMilli()}
		if from.After(m) || to.Before(m.AddDate(0, 1, 0)) {
			query, args = query+checkinDaysRange, append(args, from.UnixMilli())
		}
		if userID != "" {
			args = append(args, userID)
			query += fmt.Sprintf(` AND userid = $%d`, len(args))
		}
		query += ` GROUP BY userid`
		n := len(out)
		var user string
		var days, late int64
		err := t.queryAll(func(r scanner) error {
			if err := r.Scan(&user, &days, &late); err != nil {
				return err
			}
			const valid = 1<<31 - 1
			if d := uint32((days &^ late) & valid); d != 0 {
				out = append(out, gridbot.CheckinMonth{UserID: user, Month: month, Days: d})
			}
			if d := uint32(late & valid); d != 0 {
				out = append(out, gridbot.CheckinMonth{UserID: user, Month: month, Days: d, Late: true})
			}
			return nil
		}, query, args...)
		if err != nil {
			return nil, t.fail("period check-in days", err)
		}
		// Sorted here, not in SQL, so both engines give the same order
		// whatever their text collation.
		slices.SortFunc(out[n:], func(a, b gridbot.CheckinMonth) int {
			if c := strings.Compare(a.UserID, b.UserID); c != 0 {
				return c
			}
			return boolCompare(a.Late, b.Late)
		})
	}
	return out, nil
}

// monthStart is the first instant of t's month in the scheme's zone.
func monthStart(t time.Time) time.Time {
	t = t.In(gridbot.Zone)
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, gridbot.Zone)
}

func boolCompare(a, b bool) int {
	switch {
	case a == b:
		return 0
	case b:
		return -1
	}
	return 1
}
