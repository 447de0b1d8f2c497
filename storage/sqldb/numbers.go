package sqldb

import (
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"gridbot"
)

// Kinds of per-town numbers (counters.kind).
const (
	kindIssue        = "issue"
	kindDeliberation = "deliberation"
	kindPublicity    = "publicity"
	kindPhoto        = "photo"
	kindStory        = "story"
	kindActivity     = "activity"
	kindAdjustment   = "adjustment"
)

// nextNo hands out the town's next number of kind, 1 for the first. The
// upsert takes the counter's row lock, so concurrent transactions number in
// the order they commit and never share a number.
func (t *tx) nextNo(townID int64, kind string) (int64, error) {
	var no int64
	err := t.queryRow(`INSERT INTO counters (town_id, kind, last_no) VALUES ($1, $2, 1)
		ON CONFLICT (town_id, kind) DO UPDATE SET last_no = counters.last_no + 1
		RETURNING last_no`, townID, kind).Scan(&no)
	if err != nil {
		return 0, t.fail("next number", err)
	}
	return no, nil
}

// releaseNo gives back number no of kind when the fact it was taken for was
// not stored (a duplicate message), so numbers stay without gaps even when
// the caller goes on with the transaction. This transaction still holds the
// counter's lock, so no is the last number handed out.
func (t *tx) releaseNo(townID int64, kind string, no int64) error {
	_, err := t.exec(`UPDATE counters SET last_no = last_no - 1 WHERE town_id = $1 AND kind = $2 AND last_no = $3`,
		townID, kind, no)
	return t.fail("release number", err)
}

// insertFact runs an INSERT ... ON CONFLICT (town_id, msg_id) DO NOTHING
// RETURNING id. For a numbered fact (kind != "") it first takes the next
// number, passed as the last argument, and gives it back on a duplicate.
// It returns ECONFLICT when the message was recorded before.
func (t *tx) insertFact(townID int64, kind string, query string, args ...any) (id, no int64, err error) {
	if kind != "" && t.d.WritableCTE {
		return t.insertNumbered(townID, kind, query, args...)
	}
	if kind != "" {
		if no, err = t.nextNo(townID, kind); err != nil {
			return 0, 0, err
		}
		args = append(args, no)
	}
	err = t.queryRow(query, args...).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		if kind != "" {
			if err := t.releaseNo(townID, kind, no); err != nil {
				return 0, 0, err
			}
		}
		return 0, 0, gridbot.Refuse(gridbot.ReasonMessageRecorded)
	} else if err != nil {
		return 0, 0, t.fail("insert "+kind, err)
	}
	return id, no, nil
}

// insertNumbered is insertFact's numbered case in one statement, where a
// WITH clause may insert (PostgreSQL): the counter's increment, then the
// fact's INSERT with the number, one round trip instead of two; the counter's
// row lock, which every numbered fact of the town waits for, is held one round
// trip less. On a duplicate the number is given back as insertFact does.
//
// The increment is a plain UPDATE, with the upsert only for a town's first
// number of the kind: transactions waiting for the counter's row then queue
// on its tuple lock, and its holder's commit wakes one of them. Waiting in an
// upsert's conflict check instead (INSERT … ON CONFLICT DO UPDATE) wakes all of
// them at every commit, to find the row taken again: with 16 上报 of one town
// in flight that doubled PostgreSQL's CPU per 上报 and lowered their rate by a
// quarter (README, Benchmarks).
func (t *tx) insertNumbered(townID int64, kind string, query string, args ...any) (id, no int64, err error) {
	param := "$" + strconv.Itoa(len(args)+1)
	if strings.Count(query, param) != 1 || strings.Contains(query, param+"0") {
		return 0, 0, fmt.Errorf("sqldb: insert %s: the number is not the last parameter", kind)
	}
	h, err := t.gates.enter(t, townID, kind)
	if err != nil {
		return 0, 0, err
	}
	n := len(args)
	args = append(args, townID, kind)
	query = strings.Replace(query, param, `(SELECT last_no FROM n)`, 1)
	town, k := `$`+strconv.Itoa(n+1), `$`+strconv.Itoa(n+2)
	err = t.queryRow(`WITH u AS (UPDATE counters SET last_no = last_no + 1 WHERE town_id = `+town+` AND kind = `+k+` RETURNING last_no),
		i AS (INSERT INTO counters (town_id, kind, last_no) SELECT `+town+`, `+k+`, 1 WHERE NOT EXISTS (SELECT 1 FROM u)
			ON CONFLICT (town_id, kind) DO UPDATE SET last_no = counters.last_no + 1 RETURNING last_no),
		n AS (SELECT last_no FROM u UNION ALL SELECT last_no FROM i),
		f AS (`+query+`)
		SELECT f.id, n.last_no FROM f CROSS JOIN n`, args...).Scan(&id, &no)
	if errors.Is(err, sql.ErrNoRows) {
		// The counter moved (this transaction holds its row): give it back.
		if err := t.queryRow(`SELECT last_no FROM counters WHERE town_id = $1 AND kind = $2`, townID, kind).Scan(&no); err != nil {
			return 0, 0, t.fail("next number", err)
		}
		if err := t.releaseNo(townID, kind, no); err != nil {
			return 0, 0, err
		}
		return 0, 0, gridbot.Refuse(gridbot.ReasonMessageRecorded)
	} else if err != nil {
		return 0, 0, t.fail("insert "+kind, err)
	}
	h.took(no)
	return id, no, nil
}

// saveUserList stores the user ids of a fact's list table (participants,
// involved people) in their given order.
func (t *tx) saveUserList(table, idColumn string, id int64, userIDs []string) error {
	if len(userIDs) == 0 {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, `INSERT INTO %s (%s, pos, userid) VALUES `, table, idColumn)
	t.d.values(&b, len(userIDs), 3)
	args := make([]any, 0, 3*len(userIDs))
	for i, u := range userIDs {
		args = append(args, id, i, u)
	}
	_, err := t.exec(b.String(), args...)
	return t.fail("save "+table, err)
}

// userLists runs query, which selects (fact id, user id) ordered by fact id
// and position, and groups the user ids by fact: one query for all the facts
// of a period instead of one per fact.
func (t *tx) userLists(query string, args ...any) (map[int64][]string, error) {
	lists := make(map[int64][]string)
	err := t.queryAll(func(r scanner) error {
		var id int64
		var u string
		if err := r.Scan(&id, &u); err != nil {
			return err
		}
		lists[id] = append(lists[id], u)
		return nil
	}, query, args...)
	if err != nil {
		return nil, t.fail("user lists", err)
	}
	return lists, nil
}
