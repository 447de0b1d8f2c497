package sqldb

import (
	"database/sql"
	"fmt"
	"slices"
	"strings"
)

// dayMs is the length of a day in milliseconds: the scheme's zone has no
// daylight saving.
const dayMs = 86_400_000

// checkinMonths gathers what newly stored check-ins add to their rows of
// checkin_months (migration 005), the summary of each person's check-ins of
// a month that PeriodFacts reads (checkindays.go). AddCheckin and AddCheckins
// save it in the transaction that stores the check-ins, so that every
// check-in stored is summed in its row: the summary never lags behind.
type checkinMonths map[personMonth]*monthSummary

type personMonth struct{ month, userID string }

// monthSummary is a row of checkin_months, or what to add to one.
type monthSummary struct {
	days                 int64 // the sum of 1 << (d-1), d the day of the month
	anchorMin, anchorMax int64 // the least and greatest at_ms - (d-1) days
	lastAt               int64
	// The earliest time of recording, NULL when a check-in has none, and the
	// latest, NULL when none has one.
	firstRecorded, lastRecorded sql.NullInt64
}

// add sums a check-in just stored (its day column, instant and time of
// recording) exactly as migration 005 sums the check-ins stored before it.
func (s checkinMonths) add(userID, day string, at int64, recorded sql.NullInt64) error {
	if len(day) != len("2006-01-02") || day[8] < '0' || day[8] > '9' || day[9] < '0' || day[9] > '9' {
		return fmt.Errorf("sqldb: check-in day %q is not YYYY-MM-DD", day)
	}
	d := int64(day[8]-'0')*10 + int64(day[9]-'0')
	anchor := at - (d-1)*dayMs
	k := personMonth{day[:7], userID}
	m := s[k]
	if m == nil {
		s[k] = &monthSummary{days: 1 << (d - 1), anchorMin: anchor, anchorMax: anchor, lastAt: at,
			firstRecorded: recorded, lastRecorded: recorded}
		return nil
	}
	m.days += 1 << (d - 1)
	m.anchorMin, m.anchorMax, m.lastAt = min(m.anchorMin, anchor), max(m.anchorMax, anchor), max(m.lastAt, at)
	if !recorded.Valid || (m.firstRecorded.Valid && recorded.Int64 < m.firstRecorded.Int64) {
		m.firstRecorded = recorded
	}
	if recorded.Valid && (!m.lastRecorded.Valid || recorded.Int64 > m.lastRecorded.Int64) {
		m.lastRecorded = recorded
	}
	return nil
}

// checkinMonthsBatch is how many rows one upsert carries: 500 rows of 9
// parameters, as for check-ins, stay far below both engines' limits.
const (
	checkinMonthsBatch  = 500
	checkinMonthsParams = 9
)

// checkinMonthsUpsert adds the rows of its VALUES to those stored: the days
// are summed (the check-ins added are new, so no day is counted twice), the
// extremes kept.
const checkinMonthsUpsert = ` ON CONFLICT (town_id, month, userid) DO UPDATE SET
	days = checkin_months.days + excluded.days,
	anchor_min_ms = CASE WHEN excluded.anchor_min_ms < checkin_months.anchor_min_ms
		THEN excluded.anchor_min_ms ELSE checkin_months.anchor_min_ms END,
	anchor_max_ms = CASE WHEN excluded.anchor_max_ms > checkin_months.anchor_max_ms
		THEN excluded.anchor_max_ms ELSE checkin_months.anchor_max_ms END,
	last_at_ms = CASE WHEN excluded.last_at_ms > checkin_months.last_at_ms
		THEN excluded.last_at_ms ELSE checkin_months.last_at_ms END,
	first_recorded_at_ms = CASE WHEN checkin_months.first_recorded_at_ms IS NULL
			OR excluded.first_recorded_at_ms IS NULL THEN NULL
		WHEN excluded.first_recorded_at_ms < checkin_months.first_recorded_at_ms
		THEN excluded.first_recorded_at_ms ELSE checkin_months.first_recorded_at_ms END,
	last_recorded_at_ms = CASE WHEN checkin_months.last_recorded_at_ms IS NULL
			OR excluded.last_recorded_at_ms > checkin_months.last_recorded_at_ms
		THEN excluded.last_recorded_at_ms ELSE checkin_months.last_recorded_at_ms END`

// save adds the gathered rows to the town's summary. They go in the order of
// the table's key, so that two PostgreSQL transactions adding to the same
// rows lock them in the same order and cannot deadlock.
func (s checkinMonths) save(t *tx, townID int64) error {
	keys := make([]personMonth, 0, len(s))
	for k := range s {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b personMonth) int {
		if c := strings.Compare(a.month, b.month); c != 0 {
			return c
		}
		return strings.Compare(a.userID, b.userID)
	})
	// Full batches share one prepared statement, as in AddCheckins.
	var full *sql.Stmt
	if len(keys) >= 2*checkinMonthsBatch {
		var err error
		if full, err = t.tx.PrepareContext(t.ctx, t.checkinMonthsInsert(checkinMonthsBatch)); err != nil {
			return t.fail("save check-in months", err)
		}
		defer full.Close()
	}
	args := make([]any, 0, checkinMonthsParams*min(len(keys), checkinMonthsBatch))
	for start := 0; start < len(keys); start += checkinMonthsBatch {
		batch := keys[start:min(start+checkinMonthsBatch, len(keys))]
		args = args[:0]
		for _, k := range batch {
			m := s[k]
			args = append(args, townID, k.month, k.userID, m.days, m.anchorMin, m.anchorMax, m.lastAt,
				m.firstRecorded, m.lastRecorded)
		}
		var err error
		if full != nil && len(batch) == checkinMonthsBatch {
			_, err = full.ExecContext(t.ctx, args...)
		} else {
			_, err = t.exec(t.checkinMonthsInsert(len(batch)), args...)
		}
		if err != nil {
			return t.fail("save check-in months", err)
		}
	}
	return nil
}

// checkinMonthsInsert returns the upsert of n rows of checkin_months.
func (t *tx) checkinMonthsInsert(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO checkin_months (town_id, month, userid, days, anchor_min_ms, anchor_max_ms,
		last_at_ms, first_recorded_at_ms, last_recorded_at_ms) VALUES `)
	t.d.values(&b, n, checkinMonthsParams)
	b.WriteString(checkinMonthsUpsert)
	return b.String()
}
