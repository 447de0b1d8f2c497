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

// checkinMonthStands keeps the rows of checkin_months s (migration 005) that
// stand for their check-ins in a read of month $2 (its first instant $3) up
// to $4 that starts no later than the month: when every check-in's instant
// falls on the day of its day column (both anchors in the month's first
// day) and before $4, and either none was recorded at or after $4 or all
// were (none Late or all Late). For such a person checkinDaysQuery's sums are
// the row's days, all Late or none. The CAST makes $3 a BIGINT for
// PostgreSQL, which would take it for an INTEGER next to the constant.
const checkinMonthStands = `s.anchor_min_ms >= $3 AND s.anchor_max_ms < CAST($3 AS BIGINT) + 86400000
	AND s.last_at_ms < $4 AND (s.last_recorded_at_ms IS NULL OR s.last_recorded_at_ms < $4
		OR (s.first_recorded_at_ms IS NOT NULL AND s.first_recorded_at_ms >= $4))`

// The states of checkinMonthsQuery's rows: the row stands for its
// check-ins, none Late (0) or all Late (1), or it does not (2).
const (
	summaryLate = 1
	summaryNot  = 2
)

const (
	// checkinMonthsQuery reads the month's rows of checkin_months and says of
	// each whether it stands for its check-ins.
	checkinMonthsQuery = `SELECT s.userid, s.days, CASE WHEN NOT (` + checkinMonthStands + `) THEN 2
		WHEN s.last_recorded_at_ms IS NULL OR s.last_recorded_at_ms < $4 THEN 0 ELSE 1 END
	FROM checkin_months s WHERE s.town_id = $1 AND s.month = $2`
	// notSummarized keeps, in checkinDaysQuery, the people whose rows do not
	// stand for their check-ins: in a settled town, those with some but not
	// all of their check-ins recorded after the read's end.
	notSummarized = ` AND userid IN (SELECT s.userid FROM checkin_months s
	WHERE s.town_id = $1 AND s.month = $2 AND NOT (` + checkinMonthStands + `))`
)

// checkinDays returns the check-in days of [from, to) by person and month,
// sorted by month, user id and Late: one or two queries per month of the
// period. A month the read starts no later than comes mostly from the month
// summaries, which every check-in written updates (checkinMonths); a read
// starting inside a month (none of settling's) reads its check-ins.
// With a user id, only that person's (MemberFacts).
func (t *tx) checkinDays(townID int64, from, to time.Time, userID string) ([]gridbot.CheckinMonth, error) {
	return t.checkinDaysOf(townID, from, to, userID, true)
}

// checkinDaysOf is checkinDays, which reads no summaries when summaries is
// false: the contract tests compare the two.
func (t *tx) checkinDaysOf(townID int64, from, to time.Time, userID string, summaries bool) ([]gridbot.CheckinMonth, error) {
	// The summary must hold this transaction's own check-ins before it is read.
	if err := t.saveMonths(); err != nil {
		return nil, err
	}
	var out []gridbot.CheckinMonth
	for m := monthStart(from); m.Before(to); m = m.AddDate(0, 1, 0) {
		month := gridbot.Month(m)
		n := len(out)
		args := []any{townID, month, m.UnixMilli(), to.UnixMilli()}
		summarized, rest := summaries && !from.After(m), true
		if summarized {
			q, a := oneUser(checkinMonthsQuery, "s.userid", args, userID)
			var err error
			if out, rest, err = t.summarizedDays(out, month, q, a); err != nil {
				return nil, err
			}
		}
		if rest {
			var err error
			if out, err = t.readDays(out, townID, m, from, to, userID, summarized); err != nil {
				return nil, err
			}
		}
		sortDays(out[n:])
	}
	return out, nil
}

// oneUser keeps query to one person's rows (column = userID, the next
// parameter) unless userID is "".
func oneUser(query, column string, args []any, userID string) (string, []any) {
	if userID == "" {
		return query, args
	}
	args = append(args, userID)
	return query + fmt.Sprintf(` AND %s = $%d`, column, len(args)), args
}

// readDays appends the days of the month starting at m, read from the
// check-ins of [from, to) (only the people whose summary rows do not stand
// for theirs when summarized).
func (t *tx) readDays(out []gridbot.CheckinMonth, townID int64, m, from, to time.Time, userID string, summarized bool) ([]gridbot.CheckinMonth, error) {
	query, args := checkinDaysQuery, []any{townID, gridbot.Month(m), m.UnixMilli(), to.UnixMilli()}
	if from.After(m) || to.Before(m.AddDate(0, 1, 0)) {
		query, args = query+checkinDaysRange, append(args, from.UnixMilli())
	}
	if summarized {
		query += notSummarized
	}
	query, args = oneUser(query, "userid", args, userID)
	return t.aggregatedDays(out, gridbot.Month(m), query+` GROUP BY userid`, args)
}

// unsummarizedDays is checkinDays' second query for one person in the
// month starting at m, read up to to: after their summary row (read by
// MemberFacts' batch into out) did not stand for their check-ins.
func (t *tx) unsummarizedDays(out []gridbot.CheckinMonth, townID int64, m, to time.Time, userID string) ([]gridbot.CheckinMonth, error) {
	out, err := t.readDays(out, townID, m, m, to, userID, true)
	sortDays(out)
	return out, err
}

// sortDays sorts one month's days by user id and Late: here, not in SQL, so
// both engines give the same order whatever their text collation.
func sortDays(days []gridbot.CheckinMonth) {
	slices.SortFunc(days, func(a, b gridbot.CheckinMonth) int {
		if c := strings.Compare(a.UserID, b.UserID); c != 0 {
			return c
		}
		return boolCompare(a.Late, b.Late)
	})
}

// validDays are the bits of days 1 to 31.
const validDays = 1<<31 - 1

// summarizedDays appends the days of month read by query,
// checkinMonthsQuery, and reports whether some rows did not stand for their
// check-ins.
func (t *tx) summarizedDays(out []gridbot.CheckinMonth, month, query string, args []any) ([]gridbot.CheckinMonth, bool, error) {
	rest := false
	err := t.queryAll(func(r scanner) error {
		var err error
		out, rest, err = scanSummarized(r, out, month, rest)
		return err
	}, query, args...)
	if err != nil {
		return nil, false, t.fail("period check-in months", err)
	}
	return out, rest, nil
}

// scanSummarized appends the days of one row of checkinMonthsQuery, or sets
// rest when the row does not stand for its check-ins.
func scanSummarized(r interface{ Scan(...any) error }, out []gridbot.CheckinMonth, month string, rest bool) ([]gridbot.CheckinMonth, bool, error) {
	var user string
	var days, state int64
	if err := r.Scan(&user, &days, &state); err != nil {
		return out, rest, err
	}
	d := uint32(days & validDays)
	switch {
	case state == summaryNot:
		rest = true
	case d != 0:
		out = append(out, gridbot.CheckinMonth{UserID: user, Month: month, Days: d, Late: state == summaryLate})
	}
	return out, rest, nil
}

// aggregatedDays appends the days of month read by query, checkinDaysQuery.
func (t *tx) aggregatedDays(out []gridbot.CheckinMonth, month, query string, args []any) ([]gridbot.CheckinMonth, error) {
	var user string
	var days, late int64
	err := t.queryAll(func(r scanner) error {
		if err := r.Scan(&user, &days, &late); err != nil {
			return err
		}
		if d := uint32((days &^ late) & validDays); d != 0 {
			out = append(out, gridbot.CheckinMonth{UserID: user, Month: month, Days: d})
		}
		if d := uint32(late & validDays); d != 0 {
			out = append(out, gridbot.CheckinMonth{UserID: user, Month: month, Days: d, Late: true})
		}
		return nil
	}, query, args...)
	if err != nil {
		return nil, t.fail("period check-in days", err)
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
