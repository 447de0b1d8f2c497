package sqldb

import (
	"sort"
	"time"

	"gridbot"
)

// issueLookback is how far before a period PeriodFacts looks for issues
// reported: an overdue mark (24 hours, 7 days) of an issue reported up to 7
// days before the period can pass inside it; one more day covers the edges.
const issueLookback = 8 * 24 * time.Hour

// The facts of a period, each table aliased f: those of the town $1 that
// happened in [$2, $3), in the order they happened.
const (
	inPeriod = ` WHERE f.town_id = $1 AND f.at_ms >= $2 AND f.at_ms < $3`
	byTime   = ` ORDER BY f.at_ms, f.id`
)

// PeriodFacts loads the roster and the facts that scoring needs for
// [from, to) with a fixed number of set-based queries, whatever the town's
// size: one per table (per month for check-ins), lists (participants,
// involved people) included. The check-ins come as CheckinDays, one row per
// person and month (checkinDays), and Checkins stays empty: reading a
// month's millions of check-ins one by one was most of the time and memory
// of settling it, and scoring needs only which days. Every other fact comes
// whole.
func (t *tx) PeriodFacts(townID int64, from, to time.Time) (*gridbot.Facts, error) {
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
	if f.Issues, err = t.periodIssues(townID, from, to); err != nil {
		return nil, err
	}
	if f.BasePoints, err = t.periodBasePoints(townID, from, to); err != nil {
		return nil, err
	}
	return f, nil
}

// periodIssues returns the issues that matter for [from, to): reported before
// to, and reported at most issueLookback before from or dispatched, closed or
// rated within the period.
func (t *tx) periodIssues(townID int64, from, to time.Time) ([]gridbot.Issue, error) {
	return t.issues(issueSelect+issuesOfPeriod+issuesInOrder,
		townID, from.UnixMilli(), to.UnixMilli(), from.Add(-issueLookback).UnixMilli())
}

// issuesOfPeriod keeps the issues of town $1 that matter for [$2, $3),
// $4 being $2 less issueLookback (periodIssues).
const issuesOfPeriod = ` WHERE f.town_id = $1 AND f.reported_at_ms < $3 AND (
			f.reported_at_ms >= $4
			OR (f.dispatched_at_ms >= $2 AND f.dispatched_at_ms < $3)
			OR (f.closed_at_ms >= $2 AND f.closed_at_ms < $3)
			OR (f.rated_at_ms >= $2 AND f.rated_at_ms < $3))`

const issuesInOrder = ` ORDER BY f.reported_at_ms, f.no`

// periodBasePoints returns the base points of every month that overlaps
// [from, to). Months are 'YYYY-MM' text, so their order is the text's order.
func (t *tx) periodBasePoints(townID int64, from, to time.Time) ([]gridbot.BasePoint, error) {
	if !from.Before(to) {
		return nil, nil
	}
	bps, err := collect(t, func(r scanner) (gridbot.BasePoint, error) {
		var bp gridbot.BasePoint
		err := r.Scan(&bp.UserID, &bp.Month, &bp.Points)
		return bp, err
	}, `SELECT userid, month, points FROM base_points WHERE town_id = $1 AND month >= $2 AND month <= $3
`, townID, gridbot.Month(from), gridbot.Month(to.Add(-time.Millisecond)))
	if err != nil {
		return nil, t.fail("period base points", err)
	}
	// Sorted here, not in SQL, so both engines give the same order whatever
	// their text collation.
	sort.Slice(bps, func(i, j int) bool {
		if bps[i].Month != bps[j].Month {
			return bps[i].Month < bps[j].Month
		}
		return bps[i].UserID < bps[j].UserID
	})
	return bps, nil
}
