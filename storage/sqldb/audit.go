package sqldb

import (
	"database/sql"
	"errors"
	"time"

	"gridbot"
)

// AddAudit appends one line to the town's audit log.
func (t *tx) AddAudit(e *gridbot.AuditEntry) error {
	if err := e.Validate(); err != nil {
		return err
	}
	if e.At.IsZero() {
		return errors.New("sqldb: audit entry without At")
	}
	err := t.queryRow(`INSERT INTO audit (town_id, at_ms, by_user, action, ref, reason, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		e.TownID, ms(e.At), e.By, e.Action, e.Ref, e.Reason, e.Detail).Scan(&e.ID)
	if err != nil {
		return t.fail("add audit", err)
	}
	return nil
}

// AuditLog returns the town's audit entries in [from, to), oldest first.
func (t *tx) AuditLog(townID int64, from, to time.Time) ([]gridbot.AuditEntry, error) {
	lo, hi := int64(-1<<62), int64(1<<62)
	if !from.IsZero() {
		lo = from.UnixMilli()
	}
	if !to.IsZero() {
		hi = to.UnixMilli()
	}
	var out []gridbot.AuditEntry
	err := t.queryAll(func(r scanner) error {
		var e gridbot.AuditEntry
		var at sql.NullInt64
		if err := r.Scan(&e.ID, &e.TownID, &at, &e.By, &e.Action, &e.Ref, &e.Reason, &e.Detail); err != nil {
			return err
		}
		e.At = instant(at)
		out = append(out, e)
		return nil
	}, `SELECT id, town_id, at_ms, by_user, action, ref, reason, detail FROM audit
		WHERE town_id = $1 AND at_ms >= $2 AND at_ms < $3 ORDER BY at_ms, id`, townID, lo, hi)
	if err != nil {
		return nil, t.fail("audit log", err)
	}
	return out, nil
}
