package sqldb

import (
	"database/sql"
	"errors"
	"time"

	"gridbot"
)

// ahead holds what ClaimMessageFrom read with the claim for the command
// about to run (gridbot.Ahead): Published and LastRecorded answer from it
// instead of asking again, until the transaction writes what it read
// (SavePublished, NoteRecorded).
type ahead struct {
	townID int64
	// open: month is known not to be published (a published month is not
	// kept: Published reads its data when asked).
	month string
	open  bool
	// recorded: LastRecorded's answer for user, key and since.
	user, key string
	since     time.Time
	recorded  bool
	ref       string
	at        time.Time
	err       error
	// issueID: an id of the issues table taken for the command's issue
	// (issues.go), 0 when none or used.
	issueID int64
	// member: MemberFacts read for the command, until used.
	member *memberRead
	// openIssues: the open issues of the sender's current grid, until
	// used; openRead whether they were read.
	openIssues []gridbot.Issue
	openRead   bool
}

// aheadReads returns the reads of a, to go with the claim, filling t.ahead
// as their rows arrive. None when a asks for nothing.
func (t *tx) aheadReads(townID int64, a gridbot.Ahead) []Read {
	t.ahead = &ahead{townID: townID}
	var rs []Read
	if a.Month != "" {
		t.ahead.month = a.Month
		t.ahead.open = true
		rs = append(rs, Read{Query: `SELECT 1 FROM published WHERE town_id = $1 AND kind = $2 AND period = $3`,
			Args: []any{townID, gridbot.KindMonth, a.Month},
			Row: func(r interface{ Scan(...any) error }) error {
				t.ahead.open = false
				var one int
				return r.Scan(&one)
			}})
	}
	if a.DupKey != "" {
		x := t.ahead
		x.user, x.key, x.since, x.recorded = a.DupUser, a.DupKey, a.DupSince, true
		x.err = gridbot.Refuse(gridbot.ReasonRecordUnknown, a.DupKey)
		rs = append(rs, Read{Query: lastRecordedQuery,
			Args: []any{townID, a.DupUser, a.DupKey, a.DupSince.UnixMilli()},
			Row: func(r interface{ Scan(...any) error }) error {
				var at int64
				if err := r.Scan(&x.ref, &at); err != nil {
					return err
				}
				x.at, x.err = time.UnixMilli(at).In(gridbot.Zone), nil
				return nil
			}})
	}
	if a.Member != "" && t.d.Reads != nil {
		m, mrs := t.memberFactsReads(townID, a.Member, a.MemberFrom, a.MemberTo, a.Lookback)
		t.ahead.member = m
		rs = append(rs, mrs...)
	}
	if a.OpenIssues != "" && t.d.Reads != nil {
		x := t.ahead
		x.openRead = true
		// The sender's current grid as personFrom finds it (the open membership).
		rs = append(rs, Read{Query: issueSelect + openIssuesWhere + `
			AND f.grid_id IN (SELECT m.grid_id FROM people p JOIN memberships m ON m.person_id = p.id AND m.valid_to_ms IS NULL
				WHERE p.town_id = $1 AND p.userid = $2)` + openIssuesOrder,
			Args: []any{townID, a.OpenIssues}, Row: issuesInto(&x.openIssues)})
	}
	return rs
}

// aheadMember returns the MemberFacts read ahead with these arguments, once.
func (t *tx) aheadMember(townID int64, userID string, from, to time.Time, lookback time.Duration) (*memberRead, bool) {
	a := t.ahead
	if a == nil || a.member == nil {
		return nil, false
	}
	m := a.member
	a.member = nil
	if a.townID != townID || m.userID != userID || !m.f.From.Equal(from) || !m.f.To.Equal(to) || m.lookback != lookback {
		return nil, false
	}
	return m, true
}

// aheadOpenIssues returns the open issues read ahead when they are the
// grid's, once. Only a read that found some answers: their grid is then
// known to be the one asked for. (None found may have been for another grid
// than the claim's sender, if the roster changed between the two statements.)
func (t *tx) aheadOpenIssues(townID, gridID int64) ([]gridbot.Issue, bool) {
	a := t.ahead
	if a == nil || !a.openRead || a.townID != townID || gridID == 0 || len(a.openIssues) == 0 {
		return nil, false
	}
	open := a.openIssues
	a.openIssues, a.openRead = nil, false
	for _, i := range open {
		if i.GridID != gridID {
			return nil, false
		}
	}
	return open, true
}

// aheadIssueID returns the issue id read ahead for the town, once.
func (t *tx) aheadIssueID(townID int64) (int64, bool) {
	a := t.ahead
	if a == nil || a.townID != townID || a.issueID == 0 {
		return 0, false
	}
	id := a.issueID
	a.issueID = 0
	return id, true
}

// aheadOpen reports whether the month is known not to be published.
func (t *tx) aheadOpen(townID int64, kind, period string) bool {
	a := t.ahead
	return a != nil && a.townID == townID && kind == gridbot.KindMonth && a.month == period && a.open
}

// aheadRecorded returns LastRecorded's answer when read ahead.
func (t *tx) aheadRecorded(townID int64, userID, key string, since time.Time) (*ahead, bool) {
	a := t.ahead
	if a == nil || !a.recorded || a.townID != townID || a.user != userID || a.key != key || !a.since.Equal(since) {
		return nil, false
	}
	return a, true
}

// forgetAhead drops what was read ahead of the user's duplicate guard
// (NoteRecorded changes it).
func (t *tx) forgetAhead(townID int64, userID string) {
	if a := t.ahead; a != nil && a.townID == townID && a.user == userID {
		a.recorded = false
	}
}

// lastRecordedQuery is LastRecorded's.
const lastRecordedQuery = `SELECT ref, at_ms FROM recent_records WHERE town_id = $1 AND userid = $2 AND text_key = $3 AND at_ms >= $4`

// scanLastRecorded turns LastRecorded's row (or its absence) into its answer.
func scanLastRecorded(row *sql.Row, key string) (string, time.Time, error) {
	var ref string
	var at int64
	err := row.Scan(&ref, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return "", time.Time{}, gridbot.Refuse(gridbot.ReasonRecordUnknown, key)
	} else if err != nil {
		return "", time.Time{}, err
	}
	return ref, time.UnixMilli(at).In(gridbot.Zone), nil
}
