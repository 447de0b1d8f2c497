package sqldb

import (
	"database/sql"
	"errors"
	"strings"
	"time"

	"gridbot"
)

// checkinColumns are the columns an insert writes, in the order of checkinArgs.
const checkinColumns = `town_id, userid, day, at_ms, source, lat, lng, recorded_by, recorded_at_ms, platform, msg_id`

// checkinParams is the number of columns in checkinColumns.
const checkinParams = 11

// checkinBatch is how many check-ins one multi-row INSERT carries: 500 rows of
// 11 parameters stay far below SQLite's 32766 and PostgreSQL's 65535.
const checkinBatch = 500

// prepareCheckin fills in the day from the instant or the instant from the
// day (its midnight, for imports that only know the date). A day given is
// checked even with an instant: stored days are always 'YYYY-MM-DD', which
// the month summaries (checkinMonths) rely on.
func prepareCheckin(c *gridbot.Checkin) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if c.Day == "" {
		c.Day = gridbot.Day(c.At)
	} else if c.At.IsZero() {
		c.At, _ = time.ParseInLocation(gridbot.DayLayout, c.Day, gridbot.Zone) // valid: c.Validate
	}
	return nil
}

func checkinArgs(c *gridbot.Checkin) []any {
	var lat, lng any
	if c.Lat != 0 || c.Lng != 0 {
		lat, lng = c.Lat, c.Lng
	}
	return append([]any{c.TownID, c.UserID, c.Day, c.At.UnixMilli(), c.Source, lat, lng}, recordArgs(c.Record)...)
}

// AddCheckin stores a check-in and fills in its ID and Day. ECONFLICT when the
// person already checked in that day or the message was recorded before; the
// insert skips rather than fails, so the transaction stays usable. The
// person's month summary takes it in too, within the transaction
// (tx.pendingMonths).
func (t *tx) AddCheckin(c *gridbot.Checkin) error {
	if err := prepareCheckin(c); err != nil {
		return err
	}
	err := t.queryRow(`INSERT INTO checkins (`+checkinColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT DO NOTHING RETURNING id`, checkinArgs(c)...).Scan(&c.ID)
	if errors.Is(err, sql.ErrNoRows) {
		if _, err := t.CheckinOn(c.TownID, c.UserID, c.Day); err == nil {
			return gridbot.Refuse(gridbot.ReasonCheckedIn, c.Day)
		}
		return gridbot.Refuse(gridbot.ReasonMessageRecorded)
	} else if err != nil {
		return t.fail("add checkin", err)
	}
	return t.pendingMonths(c.TownID).add(c.UserID, c.Day, c.At.UnixMilli(), nullMs(c.RecordedAt))
}

// nullMs is an instant in unix milliseconds, NULL for the zero time (ms).
func nullMs(at time.Time) sql.NullInt64 {
	return sql.NullInt64{Int64: at.UnixMilli(), Valid: !at.IsZero()}
}

// AddCheckins stores many check-ins with multi-row inserts that skip any
// person-day (or message) already stored, and returns how many were added.
// The full-batch statement is prepared once per call. Each insert returns
// the check-ins it added, which the month summaries then take in, one row
// per person and month of the transaction (tx.pendingMonths).
func (t *tx) AddCheckins(townID int64, cs []gridbot.Checkin) (int, error) {
	if len(cs) == 0 {
		return 0, nil
	}
	full, err := t.tx.PrepareContext(t.ctx, t.checkinInsert(min(len(cs), checkinBatch)))
	if err != nil {
		return 0, t.fail("add checkins", err)
	}
	defer full.Close()

	added := 0
	sum := t.pendingMonths(townID)
	var user, day string // each added row's, scanned into the same variables
	var at int64
	var recorded sql.NullInt64
	args := make([]any, 0, checkinBatch*checkinParams)
	for start := 0; start < len(cs); start += checkinBatch {
		batch := cs[start:min(start+checkinBatch, len(cs))]
		args = args[:0]
		for i := range batch {
			c := batch[i]
			c.TownID = townID
			if err := prepareCheckin(&c); err != nil {
				return added, err
			}
			args = append(args, checkinArgs(&c)...)
		}
		var rows *sql.Rows
		if start == 0 || len(batch) == checkinBatch {
			rows, err = full.QueryContext(t.ctx, args...)
		} else {
			rows, err = t.query(t.checkinInsert(len(batch)), args...) // the short last batch
		}
		if err != nil {
			return added, t.fail("add checkins", err)
		}
		for err == nil && rows.Next() {
			if err = rows.Scan(&user, &day, &at, &recorded); err == nil {
				err = sum.add(user, day, at, recorded)
				added++
			}
		}
		if err == nil {
			err = rows.Err()
		}
		rows.Close()
		if err != nil {
			return added, t.fail("add checkins", err)
		}
	}
	return added, nil
}

// checkinInsert returns an INSERT of n check-ins that skips duplicates and
// returns what checkinMonths.add needs of those it adds.
func (t *tx) checkinInsert(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO checkins (` + checkinColumns + `) VALUES `)
	t.d.values(&b, n, checkinParams)
	b.WriteString(` ON CONFLICT DO NOTHING RETURNING userid, day, at_ms, recorded_at_ms`)
	return b.String()
}

const checkinSelect = `SELECT f.id, f.town_id, f.userid, f.day, f.at_ms, f.source, f.lat, f.lng, ` + recordColumns + ` FROM checkins f`

func scanCheckin(r scanner) (gridbot.Checkin, error) {
	var c gridbot.Checkin
	var at int64
	var lat, lng sql.NullFloat64
	var rec record
	err := r.Scan(append([]any{&c.ID, &c.TownID, &c.UserID, &c.Day, &at, &c.Source, &lat, &lng}, rec.dest()...)...)
	c.At, c.Lat, c.Lng, c.Record = time.UnixMilli(at).In(gridbot.Zone), lat.Float64, lng.Float64, rec.value()
	return c, err
}

// CheckinOn returns the person's check-in of day, or ENOTFOUND.
func (t *tx) CheckinOn(townID int64, userID, day string) (gridbot.Checkin, error) {
	c, err := scanCheckin(t.queryRow(checkinSelect+` WHERE f.town_id = $1 AND f.userid = $2 AND f.day = $3`, townID, userID, day))
	if errors.Is(err, sql.ErrNoRows) {
		return gridbot.Checkin{}, gridbot.Refuse(gridbot.ReasonNoCheckin, day)
	} else if err != nil {
		return gridbot.Checkin{}, t.fail("checkin on", err)
	}
	return c, nil
}

// CountCheckins counts the town's check-ins in [from, to).
func (t *tx) CountCheckins(townID int64, from, to time.Time) (int, error) {
	var n int
	err := t.queryRow(`SELECT COUNT(*) FROM checkins WHERE town_id = $1 AND at_ms >= $2 AND at_ms < $3`,
		townID, from.UnixMilli(), to.UnixMilli()).Scan(&n)
	if err != nil {
		return 0, t.fail("count checkins", err)
	}
	return n, nil
}
