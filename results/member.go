package results

import (
	"time"

	"gridbot/scoring"
)

// Member returns one member's month: from the published results when the
// month is published; otherwise their items, total and check-in days
// settled exactly as at at from their own facts and their grids'
// (MemberFacts), placed among the others of the town's live results from
// board (Board.Live). nil when the member is not in the month's roster. It
// says whether the month is published.
func Member(tx Tx, board *Board, townID int64, rules *scoring.Rules, month, userID string, at time.Time) (*scoring.MemberResult, bool, error) {
	from, to, err := scoring.MonthBounds(month)
	if err != nil {
		return nil, false, err
	}
	if mayBePublished(to, at) {
		if res, err := frozen(tx, townID, month); err != nil {
			return nil, false, err
		} else if res != nil {
			return find(res, userID), true, nil
		}
	}
	f, err := tx.MemberFacts(townID, userID, from, readTo(from, to, at), rules.IssueLookback())
	if err != nil {
		return nil, false, err
	}
	me := find(scoring.Month(f, rules, month, at), userID)
	if me == nil {
		return nil, false, nil
	}
	if me.Excluded, err = exclusion(tx, townID, month, userID); err != nil {
		return nil, false, err
	}
	town, err := board.Live(tx, townID, rules, month, at)
	if err != nil {
		return nil, false, err
	}
	placed := scoring.Place(rules, town.Members, *me)
	return &placed, false, nil
}

func find(res *scoring.MonthResult, userID string) *scoring.MemberResult {
	for i := range res.Members {
		if res.Members[i].UserID == userID {
			return &res.Members[i]
		}
	}
	return nil
}
