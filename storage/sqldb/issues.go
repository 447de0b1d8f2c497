package sqldb

import (
	"database/sql"
	"errors"

	"gridbot"
)

// issueSelect selects issues aliased f, in the order scanIssue reads them.
const issueSelect = `SELECT f.id, f.town_id, f.no, f.grid_id, f.description, f.reported_by, f.reported_at_ms,
	f.assignee, f.dispatched_by, f.dispatched_at_ms, f.closed_by, f.closed_at_ms,
	f.result, f.rating, f.rated_by, f.rated_at_ms, ` + recordColumns + `,
	f.withdrawn_by, f.withdrawn_at_ms, f.withdraw_reason FROM issues f`

func scanIssue(r scanner) (gridbot.Issue, error) {
	var i gridbot.Issue
	var gridID, reported, dispatched, closed, rated, withdrawn sql.NullInt64
	var rec record
	err := r.Scan(append(append([]any{&i.ID, &i.TownID, &i.No, &gridID, &i.Description, &i.ReportedBy, &reported,
		&i.Assignee, &i.DispatchedBy, &dispatched, &i.ClosedBy, &closed,
		&i.Result, &i.Rating, &i.RatedBy, &rated}, rec.dest()...), &i.WithdrawnBy, &withdrawn, &i.WithdrawReason)...)
	i.GridID, i.ReportedAt, i.DispatchedAt, i.ClosedAt, i.RatedAt, i.WithdrawnAt = gridID.Int64,
		instant(reported), instant(dispatched), instant(closed), instant(rated), instant(withdrawn)
	i.Record = rec.value()
	return i, err
}

// AddIssue stores a new issue and fills in its ID and its number, the next of
// the town. ECONFLICT when the message was recorded before.
func (t *tx) AddIssue(i *gridbot.Issue) error {
	if i.ReportedAt.IsZero() {
		return errors.New("sqldb: issue without ReportedAt")
	} else if err := i.Validate(); err != nil {
		return err
	}
	args := append([]any{i.TownID, nullID(i.GridID), i.Description, i.ReportedBy, ms(i.ReportedAt),
		i.Assignee, i.DispatchedBy, ms(i.DispatchedAt), i.ClosedBy, ms(i.ClosedAt),
		i.Result, i.Rating, i.RatedBy, ms(i.RatedAt)}, recordArgs(i.Record)...)
	if ok, err := t.addIssueLater(i, args); ok || err != nil {
		return err
	}
	id, no, err := t.insertFact(i.TownID, kindIssue, `INSERT INTO issues (town_id, grid_id, description, reported_by, reported_at_ms,
			assignee, dispatched_by, dispatched_at_ms, closed_by, closed_at_ms,
			result, rating, rated_by, rated_at_ms, recorded_by, recorded_at_ms, platform, msg_id, no)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
		ON CONFLICT (town_id, msg_id) DO NOTHING RETURNING id`, args...)
	if err != nil {
		return err
	}
	i.ID, i.No = id, no
	return nil
}

// IssueByNo returns the town's issue number no, or ENOTFOUND.
func (t *tx) IssueByNo(townID, no int64) (gridbot.Issue, error) {
	i, err := scanIssue(t.queryRow(issueSelect+` WHERE f.town_id = $1 AND f.no = $2`, townID, no))
	if errors.Is(err, sql.ErrNoRows) {
		return gridbot.Issue{}, gridbot.Refuse(gridbot.ReasonIssueUnknown, no)
	} else if err != nil {
		return gridbot.Issue{}, t.fail("issue by no", err)
	}
	return i, nil
}

// UpdateIssue saves the lifecycle fields of the issue (TownID, No); ENOTFOUND
// when there is no such issue.
func (t *tx) UpdateIssue(i gridbot.Issue) error {
	if err := i.Validate(); err != nil {
		return err
	}
	res, err := t.exec(`UPDATE issues SET assignee = $3, dispatched_by = $4, dispatched_at_ms = $5,
			closed_by = $6, closed_at_ms = $7, result = $8, rating = $9, rated_by = $10, rated_at_ms = $11
		WHERE town_id = $1 AND no = $2`, i.TownID, i.No,
		i.Assignee, i.DispatchedBy, ms(i.DispatchedAt), i.ClosedBy, ms(i.ClosedAt),
		i.Result, i.Rating, i.RatedBy, ms(i.RatedAt))
	if err != nil {
		return t.fail("update issue", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return t.fail("update issue", err)
	} else if n == 0 {
		return gridbot.Refuse(gridbot.ReasonIssueUnknown, i.No)
	}
	return nil
}

// OpenIssues returns the issues of a grid (every grid of the town for gridID
// 0) not yet closed nor withdrawn, oldest first.
func (t *tx) OpenIssues(townID, gridID int64) ([]gridbot.Issue, error) {
	if open, ok := t.aheadOpenIssues(townID, gridID); ok {
		return open, nil
	}
	query, args := issueSelect+openIssuesWhere, []any{townID}
	if gridID != 0 {
		query, args = query+` AND f.grid_id = $2`, append(args, gridID)
	}
	return t.issues(query+openIssuesOrder, args...)
}

// openIssuesWhere keeps the town's ($1) issues not yet closed nor withdrawn;
// openIssuesOrder lists them oldest first (OpenIssues, and read ahead).
const (
	openIssuesWhere = ` WHERE f.town_id = $1 AND f.closed_at_ms IS NULL AND f.withdrawn_at_ms IS NULL`
	openIssuesOrder = ` ORDER BY f.reported_at_ms, f.no`
)

// scoredIssueSelect selects of issues aliased f only what scoring reads
// (MemberFacts, on every 积分): not the texts (description, result,
// withdrawal), nor who dispatched, rated or recorded, nor the message. A
// grid's issues of a month are read whole on each 积分, and those texts
// were most of what went over the wire and through the scanner.
const scoredIssueSelect = `SELECT f.id, f.town_id, f.no, f.grid_id, f.reported_by, f.reported_at_ms,
	f.assignee, f.dispatched_at_ms, f.closed_by, f.closed_at_ms, f.rating, f.rated_at_ms, f.recorded_at_ms FROM issues f`

// scoredIssuesInto scans a row of scoredIssueSelect and appends the issue to out.
func scoredIssuesInto(out *[]gridbot.Issue) func(interface{ Scan(...any) error }) error {
	return func(r interface{ Scan(...any) error }) error {
		var i gridbot.Issue
		var gridID, reported, dispatched, closed, rated, recorded sql.NullInt64
		err := r.Scan(&i.ID, &i.TownID, &i.No, &gridID, &i.ReportedBy, &reported,
			&i.Assignee, &dispatched, &i.ClosedBy, &closed, &i.Rating, &rated, &recorded)
		i.GridID, i.ReportedAt, i.DispatchedAt, i.ClosedAt, i.RatedAt, i.RecordedAt = gridID.Int64,
			instant(reported), instant(dispatched), instant(closed), instant(rated), instant(recorded)
		*out = append(*out, i)
		return err
	}
}

// issuesInto scans a row of issueSelect and appends the issue to out.
func issuesInto(out *[]gridbot.Issue) func(interface{ Scan(...any) error }) error {
	return func(r interface{ Scan(...any) error }) error {
		i, err := scanIssue(r)
		*out = append(*out, i)
		return err
	}
}

func (t *tx) issues(query string, args ...any) ([]gridbot.Issue, error) {
	var is []gridbot.Issue
	into := issuesInto(&is)
	err := t.queryAll(func(r scanner) error { return into(r) }, query, args...)
	if err != nil {
		return nil, t.fail("issues", err)
	}
	return is, nil
}

// addIssueLater is AddIssue for a 上报 on PostgreSQL whose id was taken with
// the message's claim (gridbot.Ahead.Makes) and whose number the town's
// gate knows (gates.go): the numbered INSERT then waits for COMMIT (tx.later),
// so the counter's row is locked for that last round trip only, and the
// command saves one. The INSERT has no ON CONFLICT: a number another
// replica took meanwhile, or a message recorded before, fails it on a
// unique key, and the transaction runs again undeferred (DB.run), the
// ordinary way. false when it does not apply.
func (t *tx) addIssueLater(i *gridbot.Issue, args []any) (bool, error) {
	id, ok := t.aheadIssueID(i.TownID)
	if !ok {
		return false, nil
	}
	h, err := t.gates.enter(t, i.TownID, kindIssue)
	if err != nil || h == nil {
		return false, err
	}
	if !h.g.known {
		var last sql.NullInt64
		err := t.queryRow(`SELECT last_no FROM counters WHERE town_id = $1 AND kind = $2`, i.TownID, kindIssue).Scan(&last)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return true, t.fail("next number", err)
		}
		h.g.last, h.g.known = last.Int64, true
	}
	no := h.g.last + 1
	args = append(args, no, id, kindIssue)
	// The INSERT reads n, so that the counter's row is locked before the
	// issue's number is inserted, in the order of insertNumbered: data-
	// modifying WITH clauses not read by the main statement may run after
	// it, and two replicas taking the same number in opposite orders
	// deadlock. The counter never goes back (GREATEST): a number taken by
	// another replica fails the issue's INSERT instead.
	if err := t.later(`WITH n AS (INSERT INTO counters (town_id, kind, last_no) VALUES ($1, $21, $19)
			ON CONFLICT (town_id, kind) DO UPDATE SET last_no = GREATEST(counters.last_no, EXCLUDED.last_no) RETURNING last_no)
		INSERT INTO issues (town_id, grid_id, description, reported_by, reported_at_ms,
			assignee, dispatched_by, dispatched_at_ms, closed_by, closed_at_ms,
			result, rating, rated_by, rated_at_ms, recorded_by, recorded_at_ms, platform, msg_id, no, id)
		SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20 FROM n`, args...); err != nil {
		return true, t.fail("insert issue", err)
	}
	h.took(no)
	i.ID, i.No = id, no
	return true, nil
}
