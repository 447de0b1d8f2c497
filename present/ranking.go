package present

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"gridbot/scoring"
)

// Ranking is a month's ranking as people read it, whatever they read it in:
// the 排行 reply, the settle table, the announcement and the spreadsheet are
// renderings of this one value.
type Ranking struct {
	Month     string
	AsAt      time.Time
	Published bool
	Standing  Standing
	// The conditions of R-RANK-ELIG, for the words about the unranked.
	MinPoints      float64
	MinCheckinDays int
	Tiers          []Tier
	// Rows holds every member by place, then user id; the unranked last.
	Rows []Row
	// Groups holds the tiers that have members, in the rules' order.
	Groups []Group
	// Payouts holds the rows with a reward, in place order; TotalYuan sums them.
	Payouts   []Row
	TotalYuan int
	// Live holds every member by provisional place (暂列, LiveRank) while the
	// places are provisional (Standing); nil otherwise.
	Live []Row
}

// Row is one member's line of the month with their tier.
type Row struct {
	scoring.MemberResult
	Tier *Tier // nil: no tier (not eligible, or below the last tier)
}

// Place writes the member's place: "3", "3(并列)", "-".
func (r Row) Place() string { return place(r.Rank, r.Tie) }

// TierLabel is the tier's label, "" without one.
func (r Row) TierLabel() string {
	if r.Tier == nil {
		return ""
	}
	return r.Tier.Label
}

// Group is a tier and its members.
type Group struct {
	Tier Tier
	Rows []Row
}

// MonthRanking builds the month's ranking from its results and the rules in
// force; published says whether res is the frozen month.
func MonthRanking(res *scoring.MonthResult, r *scoring.Rules, published bool) *Ranking {
	rk := &Ranking{Month: res.Month, AsAt: res.AsAt, Published: published, Standing: StandingOf(res, published),
		MinPoints: r.Ranking.MinPoints, MinCheckinDays: r.Ranking.MinCheckinDays, Tiers: Tiers(r)}
	for _, m := range res.Members {
		rk.Rows = append(rk.Rows, Row{MemberResult: m, Tier: tierNamed(rk.Tiers, m.Tier)})
	}
	slices.SortStableFunc(rk.Rows, func(x, y Row) int {
		if px, py := rankOrLast(x), rankOrLast(y); px != py {
			return px - py
		}
		return strings.Compare(x.UserID, y.UserID)
	})
	if rk.Standing.live() {
		rk.Live = slices.Clone(rk.Rows)
		slices.SortStableFunc(rk.Live, func(x, y Row) int {
			if px, py := liveOrLast(x), liveOrLast(y); px != py {
				return px - py
			}
			return strings.Compare(x.UserID, y.UserID)
		})
	}
	groups := map[string]int{}
	for _, row := range rk.Rows {
		if row.Rank == nil {
			continue
		}
		if row.Tier != nil {
			i, ok := groups[row.Tier.Name]
			if !ok {
				i = len(rk.Groups)
				groups[row.Tier.Name] = i
				rk.Groups = append(rk.Groups, Group{Tier: *row.Tier})
			}
			rk.Groups[i].Rows = append(rk.Groups[i].Rows, row)
		}
		if row.RewardYuan > 0 {
			rk.Payouts = append(rk.Payouts, row)
			rk.TotalYuan += row.RewardYuan
		}
	}
	return rk
}

func liveOrLast(r Row) int {
	if r.LiveRank == nil {
		return 1 << 30
	}
	return *r.LiveRank
}

func rankOrLast(r Row) int {
	if r.Rank == nil {
		return 1 << 30
	}
	return *r.Rank
}

// Listed is how many places 排行 lists: the last tier's last place.
func (rk *Ranking) Listed() int {
	if n := len(rk.Tiers); n > 0 {
		return rk.Tiers[n-1].To
	}
	return 50
}

// Unranked counts the members who are not eligible.
func (rk *Ranking) Unranked() int {
	n := 0
	for _, r := range rk.Rows {
		if r.Rank == nil {
			n++
		}
	}
	return n
}

// conditions writes R-RANK-ELIG: "积分 50 分以上且打卡 20 天以上".
func (rk *Ranking) conditions() string {
	return conditions(rk.MinPoints, rk.MinCheckinDays)
}

func conditions(points float64, days int) string {
	return fmt.Sprintf("积分 %s 分以上且打卡 %d 天以上", Num(points), days)
}
