package results

import (
	"time"

	"gridbot"
	"gridbot/scoring"
)

// Member returns one member's month: from the published results when the
// month is published; otherwise their items, total and check-in days
// settled exactly as at at from their own facts and their grids'
// (MemberFacts), placed among the others of the town's live results from
// board (Board.Live), on the footing of its live places (PlaceLive). nil when
// the member is not in the month's roster. It also gives the town's month
// the member was placed in (the published one, or the board's: its AsAt is
// when the places were settled) and whether the month is published.
func Member(tx Tx, board *Board, townID int64, rules *scoring.Rules, month, userID string, at time.Time) (*scoring.MemberResult, *scoring.MonthResult, bool, error) {
	from, to, err := scoring.MonthBounds(month)
	if err != nil {
		return nil, nil, false, err
	}
	if mayBePublished(to, at) {
		if res, err := frozen(tx, townID, month); err != nil {
			return nil, nil, false, err
		} else if res != nil {
			return find(res, userID), res, true, nil
		}
	}
	f, err := tx.MemberFacts(townID, userID, from, ReadTo(from, to, at), rules.IssueLookback())
	if err != nil {
		return nil, nil, false, err
	}
	me := find(scoring.Month(f, rules, month, at), userID)
	if me == nil {
		return nil, nil, false, nil
	}
	// MemberFacts read the member's exclusion and last month's base points
	// beside the facts.
	for _, e := range f.Exclusions {
		if e.UserID == userID && e.Month == month {
			me.Excluded = e.Reason
		}
	}
	town, err := board.Live(tx, townID, rules, month, at)
	if err != nil {
		return nil, nil, false, err
	}
	placed := scoring.PlaceLive(rules, town, *me)
	if placed.BasePoints == nil && placed.LastBasePoints == nil {
		// Only until the month's base points are imported.
		placed.LastBasePoints = lastBase(f.PriorBasePoints, userID)
	}
	return &placed, town, false, nil
}

// lastMonth is the start of the month before the one starting at from.
func lastMonth(from time.Time) time.Time { return from.AddDate(0, -1, 0) }

// lastBase finds userID's base points among those of last month.
func lastBase(bps []gridbot.BasePoint, userID string) *float64 {
	for _, bp := range bps {
		if bp.UserID == userID {
			p := bp.Points
			return &p
		}
	}
	return nil
}

// HintLastBase gives the members of a live month whose base points are not
// imported yet last month's, as a hint (LastBasePoints). It reads last
// month's base points with the town's roster: settle's, not the board's.
func HintLastBase(tx Tx, townID int64, res *scoring.MonthResult) error {
	if res.BaseComplete {
		return nil
	}
	from, _, err := scoring.MonthBounds(res.Month)
	if err != nil {
		return err
	}
	f, err := tx.PeriodFacts(townID, lastMonth(from), lastMonth(from).Add(time.Millisecond), 0)
	if err != nil {
		return err
	}
	last := make(map[string]float64, len(f.BasePoints))
	for _, bp := range f.BasePoints {
		last[bp.UserID] = bp.Points
	}
	for i := range res.Members {
		mr := &res.Members[i]
		if p, ok := last[mr.UserID]; ok && mr.BasePoints == nil && mr.LastBasePoints == nil {
			mr.LastBasePoints = &p
		}
	}
	return nil
}

func find(res *scoring.MonthResult, userID string) *scoring.MemberResult {
	for i := range res.Members {
		if res.Members[i].UserID == userID {
			return &res.Members[i]
		}
	}
	return nil
}
