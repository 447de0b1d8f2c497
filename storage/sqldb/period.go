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

// PeriodFacts loads the roster and the facts that scoring needs for
// [from, to) with a fixed number of set-based queries, whatever the town's
// size: one per table, lists (participants, involved people) included.
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
	if f.People, err = t.People(townID); err != nil {
		return nil, err
	}
	if f.Memberships, err = t.Memberships(townID); err != nil {
		return nil, err
	}

	// Every fact query below takes the town as $1 and the period as [$2, $3).
	args := []any{townID, from.UnixMilli(), to.UnixMilli()}
	const inPeriod = ` WHERE f.town_id = $1 AND f.at_ms >= $2 AND f.at_ms < $3`
	const byTime = ` ORDER BY f.at_ms, f.id`
	if f.Checkins, err = collect(t, scanCheckin, checkinSelect+inPeriod+byTime, args...); err != nil {
		return nil, t.fail("period checkins", err)
	}
	if err := t.periodLists(f, args, inPeriod, byTime); err != nil {
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

// periodLists loads the facts that carry a list of people (activities,
// deliberations, publicity, photos): one query for the facts and one for all
// their lists, joined in Go.
func (t *tx) periodLists(f *gridbot.Facts, args []any, inPeriod, byTime string) error {
	// listOf selects (fact id, user id) for the facts of the period.
	listOf := func(table, idColumn, facts string) string {
		return `SELECT l.` + idColumn + `, l.userid FROM ` + table + ` l JOIN ` + facts + ` f ON f.id = l.` + idColumn +
			inPeriod + ` ORDER BY l.` + idColumn + `, l.pos`
	}

	var err error
	if f.Activities, err = collect(t, scanActivity, activitySelect+inPeriod+byTime, args...); err != nil {
		return t.fail("period activities", err)
	}
	lists, err := t.userLists(listOf("activity_participants", "activity_id", "activities"), args...)
	if err != nil {
		return err
	}
	for i := range f.Activities {
		f.Activities[i].Participants = lists[f.Activities[i].ID]
	}

	if f.Deliberations, err = collect(t, scanDeliberation, deliberationSelect+inPeriod+byTime, args...); err != nil {
		return t.fail("period deliberations", err)
	}
	if lists, err = t.userLists(listOf("deliberation_participants", "deliberation_id", "deliberations"), args...); err != nil {
		return err
	}
	for i := range f.Deliberations {
		f.Deliberations[i].Participants = lists[f.Deliberations[i].ID]
	}

	if f.Publicity, err = collect(t, scanPublicity, publicitySelect+inPeriod+byTime, args...); err != nil {
		return t.fail("period publicity", err)
	}
	if lists, err = t.userLists(listOf("publicity_involved", "publicity_id", "publicity"), args...); err != nil {
		return err
	}
	for i := range f.Publicity {
		f.Publicity[i].Involved = lists[f.Publicity[i].ID]
	}

	if f.Photos, err = collect(t, scanPhoto, photoSelect+inPeriod+byTime, args...); err != nil {
		return t.fail("period photos", err)
	}
	if lists, err = t.userLists(listOf("photo_involved", "photo_id", "photos"), args...); err != nil {
		return err
	}
	for i := range f.Photos {
		f.Photos[i].Involved = lists[f.Photos[i].ID]
	}
	return nil
}

// periodIssues returns the issues that matter for [from, to): reported before
// to, and reported at most issueLookback before from or dispatched, closed or
// rated within the period.
func (t *tx) periodIssues(townID int64, from, to time.Time) ([]gridbot.Issue, error) {
	return t.issues(issueSelect+` WHERE f.town_id = $1 AND f.reported_at_ms < $3 AND (
			f.reported_at_ms >= $4
			OR (f.dispatched_at_ms >= $2 AND f.dispatched_at_ms < $3)
			OR (f.closed_at_ms >= $2 AND f.closed_at_ms < $3)
			OR (f.rated_at_ms >= $2 AND f.rated_at_ms < $3))
		ORDER BY f.reported_at_ms, f.no`,
		townID, from.UnixMilli(), to.UnixMilli(), from.Add(-issueLookback).UnixMilli())
}

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
