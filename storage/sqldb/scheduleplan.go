package sqldb

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"gridbot"
)

// An issue's deadline notices (seven with the default rules) are planned by
// its 上报 as one schedule row: the first to fall due, which carries the
// others in its plan column until they fall due. DueNotices, taking the row
// when it is due (locked, in PostgreSQL), stores every carried notice due by
// then as a planned row of its own and the next one after that as the new
// carrier of the rest, and clears the row's plan, in the transaction that
// sends them: each notice becomes one row once, under its unique key, and
// is then sent or skipped exactly as if it had been planned as a row (its
// re-check, its reason and its record are the scheduler's, unchanged).
// Listings (IssueNotices, ScheduledNotices) show the carried notices as
// planned. A 上报 thus writes one row and its index entries instead of seven.

// planEntry is one carried notice: what differs from its carrier's row
// (town, ref, issue and subject are the same).
type planEntry struct {
	Key       string  `json:"k"`
	Kind      string  `json:"n"`
	Threshold float64 `json:"t,omitempty"`
	Planned   int64   `json:"p"`
	Due       int64   `json:"d"`
	Deadline  int64   `json:"l,omitempty"`
	Expires   int64   `json:"x,omitempty"`
}

func entryOf(n gridbot.Scheduled) planEntry {
	p := n.PlannedAt
	if p.IsZero() {
		p = n.DueAt
	}
	e := planEntry{Key: n.Key, Kind: n.Kind, Threshold: n.Threshold, Planned: p.UnixMilli(), Due: n.DueAt.UnixMilli()}
	if !n.Deadline.IsZero() {
		e.Deadline = n.Deadline.UnixMilli()
	}
	if !n.Expires.IsZero() {
		e.Expires = n.Expires.UnixMilli()
	}
	return e
}

// notice is the entry as a planned notice carried by c.
func (e planEntry) notice(c gridbot.Scheduled) gridbot.Scheduled {
	n := gridbot.Scheduled{TownID: c.TownID, Key: e.Key, Kind: e.Kind, Ref: c.Ref, IssueNo: c.IssueNo,
		Threshold: e.Threshold, Subject: c.Subject, PlannedAt: time.UnixMilli(e.Planned).In(gridbot.Zone),
		DueAt: time.UnixMilli(e.Due).In(gridbot.Zone), State: gridbot.NoticePlanned, To: []string{}}
	if e.Deadline != 0 {
		n.Deadline = time.UnixMilli(e.Deadline).In(gridbot.Zone)
	}
	if e.Expires != 0 {
		n.Expires = time.UnixMilli(e.Expires).In(gridbot.Zone)
	}
	return n
}

// carrier splits ns into the one that falls due first (the first listed
// among those due earliest) and the others, in their order.
func carrier(ns []gridbot.Scheduled) (gridbot.Scheduled, []gridbot.Scheduled) {
	first := 0
	for i, n := range ns {
		if n.DueAt.Before(ns[first].DueAt) {
			first = i
		}
	}
	rest := make([]gridbot.Scheduled, 0, len(ns)-1)
	rest = append(rest, ns[:first]...)
	return ns[first], append(rest, ns[first+1:]...)
}

// planOf is the plan column of a row carrying ns: NULL for none.
func planOf(ns []gridbot.Scheduled) (any, error) {
	if len(ns) == 0 {
		return nil, nil
	}
	es := make([]planEntry, len(ns))
	for i, n := range ns {
		es[i] = entryOf(n)
	}
	b, err := json.Marshal(es)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// carried returns the notices the row carries, as planned.
func (p planned) carried() ([]gridbot.Scheduled, error) {
	var es []planEntry
	if err := json.Unmarshal([]byte(p.plan), &es); err != nil {
		return nil, fmt.Errorf("plan of notice %d: %w", p.ID, err)
	}
	out := make([]gridbot.Scheduled, len(es))
	for i, e := range es {
		out[i] = e.notice(p.Scheduled)
	}
	return out, nil
}

// PlanIssue plans one issue's deadline notices as one row. Nothing is read
// back, so in a pipelined transaction it goes with the commit (tx.later).
func (t *tx) PlanIssue(ns []gridbot.Scheduled) error {
	if len(ns) == 0 {
		return nil
	}
	for _, n := range ns {
		if n.IssueNo == 0 || n.TownID != ns[0].TownID || n.IssueNo != ns[0].IssueNo || n.Ref != ns[0].Ref || n.Subject != ns[0].Subject {
			return fmt.Errorf("sqldb: plan issue: notice %s is not of issue %d's", n.Key, ns[0].IssueNo)
		}
	}
	first, rest := carrier(ns)
	q, args, err := t.carrierInsert([]gridbot.Scheduled{first}, [][]gridbot.Scheduled{rest})
	if err != nil {
		return err
	}
	return t.fail("plan issue", t.later(q, args...))
}

// carrierInsert is the INSERT of rows ns, row i carrying plans[i].
func (t *tx) carrierInsert(ns []gridbot.Scheduled, plans [][]gridbot.Scheduled) (string, []any, error) {
	var b strings.Builder
	b.WriteString(`INSERT INTO schedule (` + scheduleColumns + `, plan) VALUES `)
	t.d.values(&b, len(ns), scheduleParams+1)
	b.WriteString(` ON CONFLICT (town_id, notice_key) DO NOTHING`)
	args := make([]any, 0, len(ns)*(scheduleParams+1))
	for i, n := range ns {
		a, err := scheduleArgs(n)
		if err != nil {
			return "", nil, err
		}
		plan, err := planOf(plans[i])
		if err != nil {
			return "", nil, err
		}
		args = append(append(args, a...), plan)
	}
	return b.String(), args, nil
}

// expandPlan stores the notices row r carries that are due at now as
// planned rows, and the next one after now as the carrier of the rest;
// then r carries nothing. r is locked by the transaction (DueNotices).
func (t *tx) expandPlan(r planned, now time.Time) error {
	carried, err := r.carried()
	if err != nil {
		return t.fail("expand plan", err)
	}
	var rows []gridbot.Scheduled
	var plans [][]gridbot.Scheduled
	var later []gridbot.Scheduled
	for _, n := range carried {
		if n.DueAt.After(now) {
			later = append(later, n)
			continue
		}
		rows, plans = append(rows, n), append(plans, nil)
	}
	if len(later) > 0 {
		next, rest := carrier(later)
		rows, plans = append(rows, next), append(plans, rest)
	}
	if len(rows) > 0 {
		q, args, err := t.carrierInsert(rows, plans)
		if err != nil {
			return err
		}
		if _, err := t.exec(q, args...); err != nil {
			return t.fail("expand plan", err)
		}
	}
	if _, err := t.exec(`UPDATE schedule SET plan = NULL WHERE id = $1`, r.ID); err != nil {
		return t.fail("expand plan", err)
	}
	return nil
}
