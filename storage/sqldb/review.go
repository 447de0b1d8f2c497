package sqldb

import (
	"database/sql"
	"errors"
	"time"

	"gridbot"
)

// AddExclusion keeps a member out of a month's ranking.
func (t *tx) AddExclusion(e gridbot.Exclusion) error {
	if err := e.Validate(); err != nil {
		return err
	}
	if e.At.IsZero() {
		return errors.New("sqldb: exclusion without At")
	}
	res, err := t.exec(`INSERT INTO ranking_exclusions (town_id, month, userid, reason, by_user, at_ms)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (town_id, month, userid) DO NOTHING`,
		e.TownID, e.Month, e.UserID, e.Reason, e.By, ms(e.At))
	if err != nil {
		return t.fail("add exclusion", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return t.fail("add exclusion", err)
	} else if n == 0 {
		return gridbot.Refuse(gridbot.ReasonExcluded, e.UserID, e.Month)
	}
	return nil
}

// DeleteExclusion undoes an exclusion.
func (t *tx) DeleteExclusion(townID int64, month, userID string) error {
	res, err := t.exec(`DELETE FROM ranking_exclusions WHERE town_id = $1 AND month = $2 AND userid = $3`,
		townID, month, userID)
	if err != nil {
		return t.fail("delete exclusion", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return t.fail("delete exclusion", err)
	} else if n == 0 {
		return gridbot.Refuse(gridbot.ReasonNotExcluded, userID, month)
	}
	return nil
}

// Exclusions returns a month's exclusions by user id.
func (t *tx) Exclusions(townID int64, month string) ([]gridbot.Exclusion, error) {
	var out []gridbot.Exclusion
	err := t.queryAll(func(r scanner) error {
		e := gridbot.Exclusion{TownID: townID, Month: month}
		var at sql.NullInt64
		if err := r.Scan(&e.UserID, &e.Reason, &e.By, &at); err != nil {
			return err
		}
		e.At = instant(at)
		out = append(out, e)
		return nil
	}, `SELECT userid, reason, by_user, at_ms FROM ranking_exclusions
		WHERE town_id = $1 AND month = $2 ORDER BY userid`, townID, month)
	if err != nil {
		return nil, t.fail("exclusions", err)
	}
	return out, nil
}

// DeletePublished unfreezes a period.
func (t *tx) DeletePublished(townID int64, kind, period string) error {
	res, err := t.exec(`DELETE FROM published WHERE town_id = $1 AND kind = $2 AND period = $3`, townID, kind, period)
	if err != nil {
		return t.fail("delete published", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return t.fail("delete published", err)
	} else if n == 0 {
		return gridbot.Refuse(gridbot.ReasonNotPublished, period)
	}
	return nil
}

// FirstRecord returns the time of the town's first dated record at or after
// from: the least of each kind's first, each found on its (town_id, time)
// index.
func (t *tx) FirstRecord(townID int64, from time.Time) (time.Time, error) {
	lo := int64(-1 << 62)
	if !from.IsZero() {
		lo = from.UnixMilli()
	}
	var first sql.NullInt64
	err := t.queryRow(`SELECT MIN(m) FROM (
		SELECT MIN(at_ms) AS m FROM checkins WHERE town_id = $1 AND at_ms >= $2
		UNION ALL SELECT MIN(at_ms) FROM activities WHERE town_id = $1 AND at_ms >= $2
		UNION ALL SELECT MIN(reported_at_ms) FROM issues WHERE town_id = $1 AND reported_at_ms >= $2
		UNION ALL SELECT MIN(at_ms) FROM deliberations WHERE town_id = $1 AND at_ms >= $2
		UNION ALL SELECT MIN(at_ms) FROM publicity WHERE town_id = $1 AND at_ms >= $2
		UNION ALL SELECT MIN(at_ms) FROM photos WHERE town_id = $1 AND at_ms >= $2
		UNION ALL SELECT MIN(at_ms) FROM stories WHERE town_id = $1 AND at_ms >= $2
		UNION ALL SELECT MIN(at_ms) FROM adjustments WHERE town_id = $1 AND at_ms >= $2
	) firsts`, townID, lo).Scan(&first)
	if err != nil {
		return time.Time{}, t.fail("first record", err)
	}
	return instant(first), nil
}
