package sqldb

import (
	"context"
	"database/sql"
	"time"

	"gridbot"
)

// RawCheckinDays reads the check-in days of [from, to) from the check-ins
// themselves, without the month summaries (migration 005): what PeriodFacts
// must give with them.
func RawCheckinDays(s *DB, townID int64, from, to time.Time, userID string) ([]gridbot.CheckinMonth, error) {
	var out []gridbot.CheckinMonth
	err := s.View(context.Background(), func(t gridbot.Tx) (err error) {
		out, err = t.(*tx).checkinDaysOf(townID, from, to, userID, false)
		return err
	})
	return out, err
}

// OpenAt wraps db with its schema brought to version only, as a binary of
// that version left it.
func OpenAt(ctx context.Context, db *sql.DB, d Dialect, version int) (*DB, error) {
	s := &DB{db: db, dialect: d}
	ms, err := migrations()
	if err != nil {
		return nil, err
	}
	for _, m := range ms[:version] {
		if err := s.apply(ctx, m, len(ms)); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Migrate brings the schema of s up to date, as Open does.
func Migrate(ctx context.Context, s *DB) error { return s.migrate(ctx) }

// The queries of checkinDays that read the month summaries, for their plans.
var (
	CheckinMonthsQuery = checkinMonthsQuery
	NotSummarizedDays  = checkinDaysQuery + notSummarized + ` GROUP BY userid`
)
