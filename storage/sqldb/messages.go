package sqldb

import (
	"fmt"
	"time"

	"gridbot"
)

// ClaimMessage records that the town's platform message msgID is being
// handled; ECONFLICT when it was claimed before. The insert skips a duplicate
// instead of failing on it, so the caller's transaction stays usable.
func (t *tx) ClaimMessage(townID int64, platform, msgID string, at time.Time) error {
	if msgID == "" {
		return gridbot.Refuse(gridbot.ReasonMessageIDMissing)
	}
	res, err := t.exec(`INSERT INTO messages (town_id, platform, msg_id, at_ms) VALUES ($1, $2, $3, $4)
		ON CONFLICT (town_id, msg_id) DO NOTHING`, townID, platform, msgID, ms(at))
	if err != nil {
		return t.fail("claim message", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return t.fail("claim message", err)
	} else if n == 0 {
		return gridbot.Refuse(gridbot.ReasonMessageHandled)
	}
	return nil
}

// MessageClaimed reports whether msgID of the town was claimed.
func (t *tx) MessageClaimed(townID int64, msgID string) (bool, error) {
	var n int
	if err := t.queryRow(`SELECT COUNT(*) FROM messages WHERE town_id = $1 AND msg_id = $2`, townID, msgID).Scan(&n); err != nil {
		return false, t.fail("message claimed", err)
	}
	return n > 0, nil
}

// ClaimMessageFrom is ClaimMessage and then PersonByUserID(townID, userID):
// ECONFLICT when the message was claimed before, else the sender or
// ENOTFOUND. Where a WITH clause may insert (PostgreSQL) it is one statement,
// one round trip instead of two on every command; the second branch gives
// the claim's outcome when the sender is not in the roster. What the
// command will ask first (a) is read in the same round trip there, and
// answered from what was read (ahead.go); elsewhere a is asked when the
// command asks.
func (t *tx) ClaimMessageFrom(townID int64, platform, msgID string, at time.Time, userID string, a gridbot.Ahead) (gridbot.Person, error) {
	if !t.d.WritableCTE || msgID == "" {
		if err := t.ClaimMessage(townID, platform, msgID, at); err != nil {
			return gridbot.Person{}, err
		}
		return t.PersonByUserID(townID, userID)
	}
	var claimed int64
	var p gridbot.Person
	var role string
	rows := 0
	ahead := t.aheadReads(townID, a)
	ids, idDest := t.claimIDs(a)
	// Reads (t.reads), so that a pipelined transaction sends its BEGIN
	// with them.
	err := t.reads(append([]Read{{Query: `WITH c AS (INSERT INTO messages (town_id, platform, msg_id, at_ms) VALUES ($1, $2, $3, $4)
			ON CONFLICT (town_id, msg_id) DO NOTHING RETURNING 1)
		SELECT (SELECT COUNT(*) FROM c), ` + personColumns + ids + ` FROM ` + personFrom + ` WHERE p.town_id = $1 AND p.userid = $5
		UNION ALL
		SELECT (SELECT COUNT(*) FROM c), 0, 0, '', '', '', FALSE, '', FALSE, 0, '', 0, ''` + ids + `
			WHERE NOT EXISTS (SELECT 1 FROM people p WHERE p.town_id = $1 AND p.userid = $5)`,
		Args: []any{townID, platform, msgID, ms(at), userID},
		Row: func(r interface{ Scan(...any) error }) error {
			rows++
			return r.Scan(append([]any{&claimed, &p.ID, &p.TownID, &p.UserID, &p.Name, &role, &p.Party, &p.Phone,
				&p.Active, &p.GridID, &p.Grid, &p.VillageID, &p.Village}, idDest...)...)
		}}}, ahead...)...)
	p.Role = gridbot.Role(role)
	switch {
	case err == nil && rows != 1: // cannot be: one branch or the other has a row
		return gridbot.Person{}, t.fail("claim message", fmt.Errorf("%d rows", rows))
	case err != nil:
		t.ahead = nil
		return gridbot.Person{}, t.fail("claim message", err)
	case claimed == 0:
		return gridbot.Person{}, gridbot.Refuse(gridbot.ReasonMessageHandled)
	case p.ID == 0:
		return gridbot.Person{}, gridbot.Refuse(gridbot.ReasonPersonUnknown, userID)
	}
	return p, nil
}

// claimIDs returns the ids a pipelined transaction takes with the message's
// claim, as columns of its statement, and where they go: the reply job's
// outbox id (tx.send takes it otherwise, in a statement of its own) and,
// for a command that adds an issue, the issue's (issues.go).
func (t *tx) claimIDs(a gridbot.Ahead) (string, []any) {
	if !t.pipelined || t.begun || t.noDefer {
		return "", nil
	}
	t.idsWithClaim = true
	cols, dest := `, nextval(pg_get_serial_sequence('outbox', 'id'))`, []any{&t.jobID}
	if a.Makes == gridbot.KindIssue && t.ahead != nil {
		cols += `, nextval(pg_get_serial_sequence('issues', 'id'))`
		dest = append(dest, &t.ahead.issueID)
	}
	return cols, dest
}
