package scoring

import (
	"cmp"
	"slices"
	"strings"
)

// rRankElig is R-RANK-ELIG: eligible with final points ≥ min_points and
// check-in days ≥ min_checkin_days. It also says what is still missing.
func rRankElig(r *Rules, mr *MemberResult) {
	k := r.Ranking
	mr.MissingDays = max(0, k.MinCheckinDays-mr.CheckinDays)
	mr.MissingPoints = 0
	if cents(mr.Total) < cents(k.MinPoints) {
		mr.MissingPoints = round2(k.MinPoints - mr.Total)
	}
	mr.Eligible = mr.MissingDays == 0 && mr.MissingPoints == 0
}

// tieKeys are the counts R-RANK-TIE compares, by key name.
type tieKeys struct {
	checkinDays, issuesClosed, activities int
}

func (t tieKeys) get(key string) int {
	switch key {
	case TieCheckinDays:
		return t.checkinDays
	case TieIssuesClosed:
		return t.issuesClosed
	case TieActivities:
		return t.activities
	}
	return 0
}

// ties are a member's counts R-RANK-TIE compares.
func (mr *MemberResult) ties() tieKeys {
	return tieKeys{mr.CheckinDays, mr.IssuesClosed, mr.Activities}
}

// rRankTie is R-RANK-TIE: it orders two members of equal points by the
// tie-break keys in the rules' order, more first. 0 means still tied.
func rRankTie(r *Rules, x, y tieKeys) int {
	for _, key := range r.Ranking.TieBreak {
		if c := cmp.Compare(y.get(key), x.get(key)); c != 0 {
			return c
		}
	}
	return 0
}

// rRankTier is R-RANK-TIER: the tier and reward of an eligible member at
// place. Places are shared by tied members and a shared place is the first of
// the places they occupy, so a tie straddling a tier boundary gets the better tier.
func rRankTier(r *Rules, place int) (tier string, yuan int) { return r.tierFor(place) }

// rankMonth ranks the eligible members of a month by total, then R-RANK-TIE.
func rankMonth(r *Rules, list []*memberAcc) {
	var el []*memberAcc
	for _, a := range list {
		a.Rank, a.Tier, a.RewardYuan, a.Tie = nil, TierNone, 0, false
		if a.Eligible && a.Excluded == "" {
			el = append(el, a)
		}
	}
	places, ties := competition(len(el), func(i, j int) int {
		if c := cmp.Compare(cents(el[j].Total), cents(el[i].Total)); c != 0 {
			return c
		}
		return rRankTie(r, el[i].ties(), el[j].ties())
	}, func(i, j int) int { return strings.Compare(el[i].UserID, el[j].UserID) })
	for i, a := range el {
		p := places[i]
		a.Rank, a.Tie = &p, ties[i]
		a.Tier, a.RewardYuan = rRankTier(r, p)
	}
}

// sortRanked lists a month's members by place, the unplaced last, and by
// user id within a place.
func sortRanked(list []*memberAcc) {
	slices.SortFunc(list, func(x, y *memberAcc) int {
		switch {
		case x.Rank != nil && y.Rank != nil && *x.Rank != *y.Rank:
			return *x.Rank - *y.Rank
		case (x.Rank == nil) != (y.Rank == nil):
			if x.Rank == nil {
				return 1
			}
			return -1
		}
		return strings.Compare(x.UserID, y.UserID)
	})
}

// competition ranks n things ("1224" competition ranking): order compares two
// by merit (negative: i before j; 0: tied), and by tells apart tied ones for a
// stable listing. It returns each one's place and whether it shares it.
func competition(n int, order, by func(i, j int) int) (places []int, ties []bool) {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(i, j int) int {
		if c := order(i, j); c != 0 {
			return c
		}
		return by(i, j)
	})
	places, ties = make([]int, n), make([]bool, n)
	for k, i := range idx {
		places[i] = k + 1
		if k > 0 && order(idx[k-1], i) == 0 {
			places[i] = places[idx[k-1]]
			ties[i], ties[idx[k-1]] = true, true
		}
	}
	return places, ties
}

// Place ranks me among the members of a month settled a little earlier
// (others; me's own entry there, if any, is replaced by me) exactly as the
// month's R-RANK-* ranking would, and returns me with its eligibility,
// place, tier, reward and tie set. It lets 积分 give a member's exact items
// with their place without settling the whole town for every question.
func Place(r *Rules, others []MemberResult, me MemberResult) MemberResult {
	rRankElig(r, &me)
	list := make([]*memberAcc, 0, len(others)+1)
	mine := &memberAcc{MemberResult: me}
	list = append(list, mine)
	for i := range others {
		if others[i].UserID != me.UserID && others[i].Eligible && others[i].Excluded == "" {
			list = append(list, &memberAcc{MemberResult: others[i]})
		}
	}
	rankMonth(r, list)
	return mine.MemberResult
}
