package sqldb

import (
	"cmp"
	"database/sql"
	"slices"
	"strings"
	"time"

	"gridbot"
)

// The facts of a period, each table aliased f: those of the town $1 that
// happened in [$2, $3) and were not withdrawn (撤回), in the order they happened.
const (
	inPeriod = ` WHERE f.town_id = $1 AND f.at_ms >= $2 AND f.at_ms < $3 AND f.withdrawn_at_ms IS NULL`
	byTime   = ` ORDER BY f.at_ms, f.id`
)

// PeriodFacts loads the roster and the facts that scoring needs for
// [from, to) with a fixed number of set-based queries, whatever the town's
// size: one per table (per month for check-ins), lists (participants,
// involved people) included. The check-ins come as CheckinDays, one row per
// person and month (checkinDays), and Checkins stays empty: reading a
// month's millions of check-ins one by one was most of the time and memory
// of settling it, and scoring needs only which days. Every other fact comes
// whole. Issues come from lookback before from (periodIssues).
func (t *tx) PeriodFacts(townID int64, from, to time.Time, lookback time.Duration) (*gridbot.Facts, error) {
	town, err := t.townByID(townID)
	if err != nil {
		return nil, err
	}
	f := &gridbot.Facts{Town: town, From: from, To: to}
	if f.Villages, err = t.Villages(townID); err != nil {
		return nil, err
	}
	if f.Grids, err = t.Grids(townID); err != nil {
		return nil, err
	}
	if f.People, f.Memberships, err = t.periodRoster(townID, f.Grids); err != nil {
		return nil, err
	}

	// Every fact query below takes the town as $1 and the period as [$2, $3).
	args := []any{townID, from.UnixMilli(), to.UnixMilli()}
	if f.CheckinDays, err = t.checkinDays(townID, from, to, ""); err != nil {
		return nil, err
	}
	if err := t.periodLists(f, args); err != nil {
		return nil, err
	}
	if f.Stories, err = collect(t, scanStory, storySelect+inPeriod+byTime, args...); err != nil {
		return nil, t.fail("period stories", err)
	}
	if f.Adjustments, err = collect(t, scanAdjustment, adjustmentSelect+inPeriod+byTime, args...); err != nil {
		return nil, t.fail("period adjustments", err)
	}
	if f.Issues, err = t.periodIssues(townID, from, to, lookback); err != nil {
		return nil, err
	}
	if f.BasePoints, err = t.periodBasePoints(townID, from, to); err != nil {
		return nil, err
	}
	return f, nil
}

// periodIssues returns the issues that matter for [from, to): reported before
// to, and reported at most lookback before from (the longest deadline in
// force, whose mark can pass inside the period) or dispatched, closed or
// rated within the period, by time of report, then number. They are read as
// issueSelect and scanIssue read them, but into the same variables for every
// row and without the town, which is the query's own: a town's month has
// 200k. The engines give them in the order of their time of report, which
// index issues_town_reported holds; the few reported in the same millisecond
// are put in the order of their numbers here (byReportThenNo), which spares
// SQLite sorting all of them.
func (t *tx) periodIssues(townID int64, from, to time.Time, lookback time.Duration) ([]gridbot.Issue, error) {
	var i gridbot.Issue
	var gridID, reported, dispatched, closed, rated sql.NullInt64
	var rec record
	dest := append([]any{&i.ID, &i.No, &gridID, &i.Description, &i.ReportedBy, &reported,
		&i.Assignee, &i.DispatchedBy, &dispatched, &i.ClosedBy, &closed,
		&i.Result, &i.Rating, &i.RatedBy, &rated}, rec.dest()...)
	is, err := readRows(t, &i, dest, func() {
		i.TownID, i.GridID, i.ReportedAt, i.DispatchedAt, i.ClosedAt, i.RatedAt = townID, gridID.Int64,
			instant(reported), instant(dispatched), instant(closed), instant(rated)
		i.Record = rec.value()
	}, `SELECT f.id, f.no, f.grid_id, f.description, f.reported_by, f.reported_at_ms,
		f.assignee, f.dispatched_by, f.dispatched_at_ms, f.closed_by, f.closed_at_ms,
		f.result, f.rating, f.rated_by, f.rated_at_ms, `+recordColumns+` FROM issues f`+issuesOfPeriod+`
		ORDER BY f.reported_at_ms`,
		townID, from.UnixMilli(), to.UnixMilli(), from.Add(-lookback).UnixMilli())
	if err != nil {
		return nil, t.fail("period issues", err)
	}
	byReportThenNo(is)
	return is, nil
}

// byReportThenNo orders issues given in the order of their time of report
// by their number within each instant.
func byReportThenNo(is []gridbot.Issue) {
	for start := 0; start < len(is); {
		end := start + 1
		for end < len(is) && is[end].ReportedAt.Equal(is[start].ReportedAt) {
			end++
		}
		if same := is[start:end]; len(same) > 1 {
			slices.SortFunc(same, func(a, b gridbot.Issue) int { return cmp.Compare(a.No, b.No) })
		}
		start = end
	}
}

// issuesOfPeriod keeps the issues of town $1 that matter for [$2, $3),
// $4 being $2 less the look-back (periodIssues), and were not withdrawn.
const issuesOfPeriod = ` WHERE f.town_id = $1 AND f.reported_at_ms < $3 AND f.withdrawn_at_ms IS NULL AND (
			f.reported_at_ms >= $4
			OR (f.dispatched_at_ms >= $2 AND f.dispatched_at_ms < $3)
			OR (f.closed_at_ms >= $2 AND f.closed_at_ms < $3)
			OR (f.rated_at_ms >= $2 AND f.rated_at_ms < $3))`

// periodBasePoints returns the base points of every month that overlaps
// [from, to). Months are 'YYYY-MM' text, so their order is the text's order.
// The months of a period are few: each row's is one of theirs, shared.
func (t *tx) periodBasePoints(townID int64, from, to time.Time) ([]gridbot.BasePoint, error) {
	if !from.Before(to) {
		return nil, nil
	}
	var bp gridbot.BasePoint
	var month sql.RawBytes // valid until the next row
	var months []string
	bps, err := readRows(t, &bp, []any{&bp.UserID, &month, &bp.Points}, func() {
		i := slices.IndexFunc(months, func(m string) bool { return m == string(month) })
		if i < 0 {
			i, months = len(months), append(months, string(month))
		}
		bp.Month = months[i]
	}, `SELECT userid, month, points FROM base_points WHERE town_id = $1 AND month >= $2 AND month <= $3`,
		townID, gridbot.Month(from), gridbot.Month(to.Add(-time.Millisecond)))
	if err != nil {
		return nil, t.fail("period base points", err)
	}
	// Sorted here, not in SQL, so both engines give the same order whatever
	// their text collation.
	slices.SortFunc(bps, func(a, b gridbot.BasePoint) int {
		if c := strings.Compare(a.Month, b.Month); c != 0 {
			return c
		}
		return strings.Compare(a.UserID, b.UserID)
	})
	return bps, nil
}
