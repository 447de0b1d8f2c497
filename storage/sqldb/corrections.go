package sqldb

import (
	"database/sql"
	"errors"
	"time"

	"gridbot"
)

// recordTable is where a kind of numbered record is stored and how RecordByNo
// reads what 撤回 needs of it: each expression is over the table aliased f.
type recordTable struct {
	table                          string
	grid, village, user, at, about string
	dispatched                     string
}

var recordTables = map[string]recordTable{
	gridbot.KindIssue: {table: "issues", grid: "f.grid_id", village: "NULL", user: "''", at: "f.reported_at_ms",
		about: "f.description", dispatched: "f.dispatched_at_ms"},
	gridbot.KindDeliberation: {table: "deliberations", grid: "f.grid_id", village: "NULL", user: "''", at: "f.at_ms",
		about: "f.minutes", dispatched: "NULL"},
	gridbot.KindActivity: {table: "activities", grid: "f.grid_id", village: "NULL", user: "''", at: "f.at_ms",
		about: "f.content", dispatched: "NULL"},
	gridbot.KindPublicity: {table: "publicity", grid: "NULL", village: "NULL", user: "''", at: "f.at_ms",
		about: "f.title", dispatched: "NULL"},
	gridbot.KindPhoto: {table: "photos", grid: "NULL", village: "NULL", user: "''", at: "f.at_ms",
		about: "CAST(f.photo_count AS TEXT)", dispatched: "NULL"},
	gridbot.KindStory: {table: "stories", grid: "NULL", village: "f.village_id", user: "''", at: "f.at_ms",
		about: "f.title", dispatched: "NULL"},
	gridbot.KindAdjustment: {table: "adjustments", grid: "NULL", village: "NULL", user: "f.userid", at: "f.at_ms",
		about: "f.reason", dispatched: "NULL"},
}

func recordTableOf(kind string) (recordTable, error) {
	rt, ok := recordTables[kind]
	if !ok {
		return rt, gridbot.Errorf(gridbot.EINVALID, "没有「%s」这种记录。", kind)
	}
	return rt, nil
}

// RecordByNo returns the town's record of kind numbered no, withdrawn or not.
func (t *tx) RecordByNo(townID int64, kind string, no int64) (gridbot.RecordInfo, error) {
	rt, err := recordTableOf(kind)
	if err != nil {
		return gridbot.RecordInfo{}, err
	}
	r := gridbot.RecordInfo{Kind: kind, No: no, TownID: townID}
	var grid, village, at, dispatched, withdrawn sql.NullInt64
	var rec record
	err = t.queryRow(`SELECT `+rt.grid+`, `+rt.village+`, `+rt.user+`, `+rt.at+`, `+rt.about+`, `+rt.dispatched+`,
			f.withdrawn_by, f.withdrawn_at_ms, f.withdraw_reason, `+recordColumns+`
		FROM `+rt.table+` f WHERE f.town_id = $1 AND f.no = $2`, townID, no).
		Scan(append([]any{&grid, &village, &r.UserID, &at, &r.Summary, &dispatched,
			&r.WithdrawnBy, &withdrawn, &r.WithdrawReason}, rec.dest()...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return r, gridbot.Refuse(gridbot.ReasonRecordUnknown, gridbot.RecordRef(kind, no))
	} else if err != nil {
		return r, t.fail("record by no", err)
	}
	r.GridID, r.VillageID, r.At, r.Dispatched, r.WithdrawnAt = grid.Int64, village.Int64, instant(at), dispatched.Valid, instant(withdrawn)
	r.Record = rec.value()
	return r, nil
}

// Withdraw marks the record withdrawn. An issue is withdrawn only while it is
// not dispatched: the condition is in the UPDATE, so that a 派发 committing
// meanwhile cannot be lost.
func (t *tx) Withdraw(townID int64, kind string, no int64, w gridbot.Withdrawal) error {
	rt, err := recordTableOf(kind)
	if err != nil {
		return err
	}
	if w.WithdrawnBy == "" || w.WithdrawnAt.IsZero() {
		return gridbot.Errorf(gridbot.EINVALID, "撤回须写明撤回人和时间。")
	}
	cond := ""
	if kind == gridbot.KindIssue {
		cond = ` AND dispatched_at_ms IS NULL`
	}
	res, err := t.exec(`UPDATE `+rt.table+` SET withdrawn_by = $3, withdrawn_at_ms = $4, withdraw_reason = $5
		WHERE town_id = $1 AND no = $2 AND withdrawn_at_ms IS NULL`+cond,
		townID, no, w.WithdrawnBy, ms(w.WithdrawnAt), w.WithdrawReason)
	if err != nil {
		return t.fail("withdraw", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return t.fail("withdraw", err)
	} else if n > 0 {
		return nil
	}
	r, err := t.RecordByNo(townID, kind, no)
	switch {
	case err != nil:
		return err
	case r.Withdrawn():
		return gridbot.Refuse(gridbot.ReasonWithdrawn, r.Ref())
	}
	return gridbot.Refuse(gridbot.ReasonWithdrawDispatched, no)
}

// NoteRecorded remembers the text a member recorded ref with, and the chat
// they sent it in, and forgets their notes from before since. Nothing is
// read back in the same command: in a pipelined transaction both
// statements go with the commit (tx.later).
func (t *tx) NoteRecorded(townID int64, userID, chatID, text, ref string, at, since time.Time) error {
	t.forgetAhead(townID, userID)
	if err := t.later(`DELETE FROM recent_records WHERE town_id = $1 AND userid = $2 AND at_ms < $3`,
		townID, userID, since.UnixMilli()); err != nil {
		return t.fail("forget recent records", err)
	}
	err := t.later(`INSERT INTO recent_records (town_id, userid, text_key, ref, at_ms, chat_id) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (town_id, userid, text_key) DO UPDATE SET ref = excluded.ref, at_ms = excluded.at_ms, chat_id = excluded.chat_id`,
		townID, userID, text, ref, at.UnixMilli(), chatID)
	return t.fail("note recorded", err)
}

// RecordedIn returns the member's records made in chatID since since, newest first.
func (t *tx) RecordedIn(townID int64, userID, chatID string, since time.Time) ([]gridbot.Recorded, error) {
	var out []gridbot.Recorded
	err := t.queryAll(func(r scanner) error {
		var rec gridbot.Recorded
		var at int64
		err := r.Scan(&rec.Ref, &at)
		rec.At = time.UnixMilli(at).In(gridbot.Zone)
		out = append(out, rec)
		return err
	}, `SELECT ref, at_ms FROM recent_records WHERE town_id = $1 AND userid = $2 AND chat_id = $3 AND at_ms >= $4
		ORDER BY at_ms DESC, ref`, townID, userID, chatID, since.UnixMilli())
	if err != nil {
		return nil, t.fail("recorded in chat", err)
	}
	return out, nil
}

// LastRecorded returns the member's latest record made with text since since.
func (t *tx) LastRecorded(townID int64, userID, text string, since time.Time) (string, time.Time, error) {
	if a, ok := t.aheadRecorded(townID, userID, text, since); ok {
		return a.ref, a.at, a.err
	}
	ref, at, err := scanLastRecorded(t.queryRow(lastRecordedQuery, townID, userID, text, since.UnixMilli()), text)
	return ref, at, t.fail("last recorded", err)
}

// SetPending keeps a member's one message waiting for 确认.
func (t *tx) SetPending(townID int64, userID, text string, at time.Time) error {
	_, err := t.exec(`INSERT INTO pending_records (town_id, userid, text, at_ms) VALUES ($1, $2, $3, $4)
		ON CONFLICT (town_id, userid) DO UPDATE SET text = excluded.text, at_ms = excluded.at_ms`,
		townID, userID, text, at.UnixMilli())
	return t.fail("set pending", err)
}

// TakePending returns and removes a member's pending message kept since since.
func (t *tx) TakePending(townID int64, userID string, since time.Time) (string, time.Time, error) {
	var text string
	var at int64
	err := t.queryRow(`DELETE FROM pending_records WHERE town_id = $1 AND userid = $2 RETURNING text, at_ms`,
		townID, userID).Scan(&text, &at)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && at < since.UnixMilli()) {
		return "", time.Time{}, gridbot.Refuse(gridbot.ReasonPendingNone)
	} else if err != nil {
		return "", time.Time{}, t.fail("take pending", err)
	}
	return text, time.UnixMilli(at).In(gridbot.Zone), nil
}
