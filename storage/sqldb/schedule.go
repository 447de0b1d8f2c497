package sqldb

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"gridbot"
)

// The scheduler's notices (gridbot.Schedule, migration 008).

const scheduleColumns = `town_id, notice_key, kind, ref, issue_no, threshold, subject, planned_at_ms, due_at_ms,
	deadline_at_ms, expires_at_ms, state, reason, recipients, via, text, done_at_ms`

const scheduleParams = 17

// scheduleSelect reads the columns of scheduleColumns after the id, and
// then an issue row's plan (scheduleplan.go).
const scheduleSelect = `SELECT id, ` + scheduleColumns + `, plan FROM schedule`

// planChunk bounds the rows of one INSERT (17 parameters each).
const planChunk = 500

// PlanNotices inserts the notices in chunks, skipping keys the town has.
func (t *tx) PlanNotices(ns []gridbot.Scheduled) (int, error) {
	added := 0
	for len(ns) > 0 {
		chunk := ns[:min(planChunk, len(ns))]
		ns = ns[len(chunk):]
		var b strings.Builder
		b.WriteString(`INSERT INTO schedule (` + scheduleColumns + `) VALUES `)
		t.d.values(&b, len(chunk), scheduleParams)
		b.WriteString(` ON CONFLICT (town_id, notice_key) DO NOTHING`)
		args := make([]any, 0, len(chunk)*scheduleParams)
		for _, n := range chunk {
			a, err := scheduleArgs(n)
			if err != nil {
				return added, err
			}
			args = append(args, a...)
		}
		res, err := t.exec(b.String(), args...)
		if err != nil {
			return added, t.fail("plan notices", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return added, t.fail("plan notices", err)
		}
		added += int(n)
	}
	return added, nil
}

// scheduleArgs are the values of n's scheduleColumns.
func scheduleArgs(n gridbot.Scheduled) ([]any, error) {
	if n.Key == "" || n.Kind == "" || n.DueAt.IsZero() {
		return nil, fmt.Errorf("sqldb: plan notices: incomplete notice %+v", n)
	}
	state := n.State
	if state == "" {
		state = gridbot.NoticePlanned
	}
	to, err := json.Marshal(nonNil(n.To))
	if err != nil {
		return nil, err
	}
	planned := n.PlannedAt
	if planned.IsZero() {
		planned = n.DueAt
	}
	return []any{n.TownID, n.Key, n.Kind, n.Ref, nullID(n.IssueNo), n.Threshold, n.Subject,
		planned.UnixMilli(), n.DueAt.UnixMilli(), ms(n.Deadline), ms(n.Expires), state, n.Reason,
		string(to), n.Via, n.Text, ms(n.DoneAt)}, nil
}

// planned is a schedule row and the plan it carries ("" for none).
type planned struct {
	gridbot.Scheduled
	plan string
}

func scanScheduled(r scanner) (planned, error) {
	var p planned
	n := &p.Scheduled
	var issue, deadline, expires, done sql.NullInt64
	var plan sql.NullString
	var plannedAt, due int64
	var to string
	err := r.Scan(&n.ID, &n.TownID, &n.Key, &n.Kind, &n.Ref, &issue, &n.Threshold, &n.Subject, &plannedAt, &due,
		&deadline, &expires, &n.State, &n.Reason, &to, &n.Via, &n.Text, &done, &plan)
	if err != nil {
		return p, err
	}
	p.plan = plan.String
	n.IssueNo = issue.Int64
	n.PlannedAt, n.DueAt = time.UnixMilli(plannedAt).In(gridbot.Zone), time.UnixMilli(due).In(gridbot.Zone)
	n.Deadline, n.Expires, n.DoneAt = instant(deadline), instant(expires), instant(done)
	if err := json.Unmarshal([]byte(to), &n.To); err != nil {
		return p, fmt.Errorf("recipients of notice %d: %w", n.ID, err)
	}
	return p, nil
}

// scheduledRows runs a scheduleSelect query.
func (t *tx) scheduledRows(what, query string, args ...any) ([]planned, error) {
	var out []planned
	err := t.queryAll(func(r scanner) error {
		n, err := scanScheduled(r)
		out = append(out, n)
		return err
	}, query, args...)
	if err != nil {
		return nil, t.fail(what, err)
	}
	return out, nil
}

// scheduled runs a scheduleSelect query for a listing: the notices an
// issue's row carries in its plan are listed too, as planned (ID 0), and
// the whole sorted by at (stable: ties in the query's order, then the plan's).
func (t *tx) scheduled(what string, at func(gridbot.Scheduled) time.Time, query string, args ...any) ([]gridbot.Scheduled, error) {
	rows, err := t.scheduledRows(what, query, args...)
	if err != nil {
		return nil, err
	}
	out := make([]gridbot.Scheduled, 0, len(rows))
	carried := false
	for _, r := range rows {
		out = append(out, r.Scheduled)
		if r.plan != "" {
			ns, err := r.carried()
			if err != nil {
				return nil, t.fail(what, err)
			}
			out, carried = append(out, ns...), true
		}
	}
	if carried {
		sort.SliceStable(out, func(i, j int) bool { return at(out[i]).Before(at(out[j])) })
	}
	return out, nil
}

func plannedAt(n gridbot.Scheduled) time.Time { return n.PlannedAt }
func dueAt(n gridbot.Scheduled) time.Time     { return n.DueAt }

// DueNotices reads the partial index schedule_due: only planned rows, the
// due ones first, so it reads what is due and no more. In PostgreSQL the
// rows are locked, and skipped by another replica's call meanwhile.
func (t *tx) DueNotices(now time.Time, limit int) ([]gridbot.Scheduled, error) {
	if limit < 1 {
		return nil, fmt.Errorf("sqldb: due notices: limit %d", limit)
	}
	for round := 0; ; round++ {
		if round > 3 { // each round clears the plans it found: cannot be
			return nil, fmt.Errorf("sqldb: due notices: plans not expanded after %d rounds", round)
		}
		rows, err := t.scheduledRows("due notices", scheduleSelect+` WHERE state = $1 AND due_at_ms <= $2
			ORDER BY due_at_ms, id LIMIT $3`+t.d.SkipLocked, gridbot.NoticePlanned, now.UnixMilli(), limit)
		if err != nil {
			return nil, err
		}
		// An issue's row that carries notices stores those due now as rows
		// of their own first, and is read again with them (scheduleplan.go).
		expanded := false
		out := make([]gridbot.Scheduled, len(rows))
		for i, r := range rows {
			if r.plan != "" {
				if err := t.expandPlan(r, now); err != nil {
					return nil, err
				}
				expanded = true
			}
			out[i] = r.Scheduled
		}
		if !expanded {
			return out, nil
		}
	}
}

// NextNoticeDue reads the first entry of schedule_due.
func (t *tx) NextNoticeDue() (time.Time, bool, error) {
	var due sql.NullInt64
	if err := t.queryRow(`SELECT MIN(due_at_ms) FROM schedule WHERE state = $1`, gridbot.NoticePlanned).Scan(&due); err != nil {
		return time.Time{}, false, t.fail("next notice due", err)
	}
	return instant(due), due.Valid, nil
}

// FinishNotice marks a planned notice sent or skipped.
func (t *tx) FinishNotice(n gridbot.Scheduled) error {
	if n.State != gridbot.NoticeSent && n.State != gridbot.NoticeSkipped {
		return fmt.Errorf("sqldb: finish notice %d: state %q", n.ID, n.State)
	}
	to, err := json.Marshal(nonNil(n.To))
	if err != nil {
		return err
	}
	res, err := t.exec(`UPDATE schedule SET state = $1, reason = $2, recipients = $3, via = $4, text = $5, done_at_ms = $6
		WHERE id = $7 AND state = $8`, n.State, n.Reason, string(to), n.Via, n.Text, n.DoneAt.UnixMilli(), n.ID, gridbot.NoticePlanned)
	if err != nil {
		return t.fail("finish notice", err)
	}
	if k, err := res.RowsAffected(); err != nil {
		return t.fail("finish notice", err)
	} else if k == 0 {
		return conflict("提醒 %s 已经处理过。", n.Key)
	}
	return nil
}

// IssueNotices returns one issue's notices.
func (t *tx) IssueNotices(townID, issueNo int64) ([]gridbot.Scheduled, error) {
	return t.scheduled("issue notices", plannedAt, scheduleSelect+` WHERE town_id = $1 AND issue_no = $2 ORDER BY planned_at_ms, id`,
		townID, issueNo)
}

// ScheduledNotices lists a town's notices.
func (t *tx) ScheduledNotices(townID int64, state string) ([]gridbot.Scheduled, error) {
	if state == "" {
		return t.scheduled("scheduled notices", dueAt, scheduleSelect+` WHERE town_id = $1 ORDER BY due_at_ms, id`, townID)
	}
	return t.scheduled("scheduled notices", dueAt, scheduleSelect+` WHERE town_id = $1 AND state = $2 ORDER BY due_at_ms, id`,
		townID, state)
}

// AdvanceNoticePlan reads and moves the town's planning mark, locking it.
func (t *tx) AdvanceNoticePlan(townID int64, now time.Time) (time.Time, bool, error) {
	if _, err := t.exec(`INSERT INTO schedule_marks (town_id, planned_through_ms) VALUES ($1, -1)
		ON CONFLICT (town_id) DO NOTHING`, townID); err != nil {
		return time.Time{}, false, t.fail("advance notice plan", err)
	}
	var prev int64
	if err := t.queryRow(`SELECT planned_through_ms FROM schedule_marks WHERE town_id = $1`+t.d.ForUpdate, townID).Scan(&prev); err != nil {
		return time.Time{}, false, t.fail("advance notice plan", err)
	}
	if prev >= now.UnixMilli() {
		return time.UnixMilli(prev).In(gridbot.Zone), true, nil
	}
	if _, err := t.exec(`UPDATE schedule_marks SET planned_through_ms = $1 WHERE town_id = $2`, now.UnixMilli(), townID); err != nil {
		return time.Time{}, false, t.fail("advance notice plan", err)
	}
	if prev < 0 {
		return time.Time{}, false, nil
	}
	return time.UnixMilli(prev).In(gridbot.Zone), true, nil
}

// SetNoticeOff stores a member's switch.
func (t *tx) SetNoticeOff(townID int64, userID, kind string, off bool, at time.Time) error {
	v := 0
	if off {
		v = 1
	}
	_, err := t.exec(`INSERT INTO notice_prefs (town_id, userid, kind, off, at_ms) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (town_id, userid, kind) DO UPDATE SET off = excluded.off, at_ms = excluded.at_ms`,
		townID, userID, kind, v, at.UnixMilli())
	return t.fail("set notice off", err)
}

// NoticesOff returns who turned kind off.
func (t *tx) NoticesOff(townID int64, kind string) (map[string]bool, error) {
	return t.userSet("notices off", `SELECT userid FROM notice_prefs WHERE town_id = $1 AND kind = $2 AND off = 1`, townID, kind)
}

// CheckedIn returns who checked in on day.
func (t *tx) CheckedIn(townID int64, day string) (map[string]bool, error) {
	return t.userSet("checked in", `SELECT userid FROM checkins WHERE town_id = $1 AND day = $2`, townID, day)
}

func (t *tx) userSet(what, query string, args ...any) (map[string]bool, error) {
	out := map[string]bool{}
	err := t.queryAll(func(r scanner) error {
		var u string
		err := r.Scan(&u)
		out[u] = true
		return err
	}, query, args...)
	if err != nil {
		return nil, t.fail(what, err)
	}
	return out, nil
}

// GridCounts counts activities and issues by grid in [from, to).
func (t *tx) GridCounts(townID int64, from, to time.Time) (map[int64]gridbot.GridCount, error) {
	out := map[int64]gridbot.GridCount{}
	err := t.queryAll(func(r scanner) error {
		var kind string
		var grid sql.NullInt64
		var n int
		if err := r.Scan(&kind, &grid, &n); err != nil {
			return err
		}
		c := out[grid.Int64]
		if kind == "a" {
			c.Activities = n
		} else {
			c.Issues = n
		}
		out[grid.Int64] = c
		return nil
	}, `SELECT 'a', grid_id, COUNT(*) FROM activities WHERE town_id = $1 AND at_ms >= $2 AND at_ms < $3 GROUP BY grid_id
		UNION ALL
		SELECT 'i', grid_id, COUNT(*) FROM issues WHERE town_id = $1 AND reported_at_ms >= $2 AND reported_at_ms < $3 GROUP BY grid_id`,
		townID, from.UnixMilli(), to.UnixMilli())
	if err != nil {
		return nil, t.fail("grid counts", err)
	}
	return out, nil
}
