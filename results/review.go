package results

import (
	"time"

	"gridbot"
	"gridbot/scoring"
)

// Started reports whether the town had recorded anything (a check-in or any
// other dated fact) before the month ended. A month that ended before the
// town's first record is "not started": it is not scored (everyone would be
// booked a month without check-ins and their grid's penalties for work never
// recorded here), cannot be published, and quarters and years leave it out.
// A month not over as at at (zero: no cut-off) has started: its records may
// still come.
func Started(tx gridbot.Review, townID int64, month string, at time.Time) (bool, error) {
	_, to, err := scoring.MonthBounds(month)
	if err != nil {
		return false, err
	}
	if !at.IsZero() && at.Before(to) {
		return true, nil
	}
	first, err := tx.FirstRecord(townID, time.Time{})
	if err != nil {
		return false, err
	}
	return !first.IsZero() && first.Before(to), nil
}

// RecordsIn reports whether the town recorded anything dated in the month:
// a month without a single record cannot be published.
func RecordsIn(tx gridbot.Review, townID int64, month string) (bool, error) {
	from, to, err := scoring.MonthBounds(month)
	if err != nil {
		return false, err
	}
	first, err := tx.FirstRecord(townID, from)
	if err != nil {
		return false, err
	}
	return !first.IsZero() && first.Before(to), nil
}

// Exclusions returns the month's exclusions from the ranking: user id → reason.
func Exclusions(tx gridbot.Review, townID int64, month string) (map[string]string, error) {
	es, err := tx.Exclusions(townID, month)
	if err != nil || len(es) == 0 {
		return nil, err
	}
	out := make(map[string]string, len(es))
	for _, e := range es {
		out[e.UserID] = e.Reason
	}
	return out, nil
}
