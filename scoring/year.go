package scoring

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"gridbot"
)

// YearResult is a year's awards: members, grids and villages.
type YearResult struct {
	Year     string        `json:"year"`
	AsAt     time.Time     `json:"as_at"`
	Months   []string      `json:"months"`
	Members  []YearMember  `json:"members"`
	Grids    []YearGrid    `json:"grids"`
	Villages []YearVillage `json:"villages"`
}

// YearMember is one person's year.
type YearMember struct {
	UserID       string       `json:"userid"`
	Name         string       `json:"name"`
	Role         gridbot.Role `json:"role"` // at year end, or in the last month seen
	GridID       int64        `json:"grid_id"`
	Grid         string       `json:"grid"`
	AnnualPoints float64      `json:"annual_points"`
	Rank         *int         `json:"rank"` // among the same role; null when no longer on the roster at year end
	Tie          bool         `json:"tie"`
	Award        string       `json:"award"`
	AwardYuan    int          `json:"award_yuan"`
	Stars        []string     `json:"stars"` // months as 月度网格之星
	PartyFlag    *string      `json:"party_flag"`

	keys   tieKeys
	onRoll bool
	party  bool
}

// YearGrid is a grid's annual score (R-Y-GRID).
type YearGrid struct {
	GridID    int64   `json:"grid_id"`
	Grid      string  `json:"grid"`
	Village   string  `json:"village"`
	VillageID int64   `json:"village_id"`
	Score     float64 `json:"score"`
	Members   int     `json:"members"`
}

// YearVillage is a village's year (R-Y-VILLAGE ...).
type YearVillage struct {
	VillageID   int64   `json:"village_id"`
	Village     string  `json:"village"`
	Score       float64 `json:"score"`
	Rank        int     `json:"rank"`
	Tie         bool    `json:"tie"`
	AwardYuan   int     `json:"award_yuan"`
	BottomHalf  bool    `json:"bottom_half"`
	Santong     float64 `json:"santong"`
	StoryPoints float64 `json:"story_points"`
	Grids       int     `json:"grids"`
}

// Year computes the year ("2026") from its months' results and the year's
// facts (roster, stories), as at at. An invalid year gives an empty result.
func Year(year string, months []*MonthResult, f *gridbot.Facts, r *Rules, at time.Time) *YearResult {
	res := &YearResult{Year: year, AsAt: at, Months: []string{}, Members: []YearMember{},
		Grids: []YearGrid{}, Villages: []YearVillage{}}
	start, end, err := YearBounds(year)
	if err != nil {
		return res
	}
	w, ro := newWindow(start, end, at), newRoster(f)
	ms := sortedMonths(months)
	for _, m := range ms {
		res.Months = append(res.Months, m.Month)
	}
	people := yearMembers(ms, ro, r, w)
	rYLeaders(people, r)
	rYMembers(people, r)
	rYParty(people, r)
	for _, p := range people {
		res.Members = append(res.Members, *p)
	}
	slices.SortFunc(res.Members, func(x, y YearMember) int {
		return cmp.Or(cmp.Compare(cents(y.AnnualPoints), cents(x.AnnualPoints)), strings.Compare(x.UserID, y.UserID))
	})
	res.Grids = rYGrid(people, ro, w)
	res.Villages = rYVillage(res.Grids, rStoryVillage(f, r, w), f)
	rYVillageTop(res.Villages, r)
	rYVillageBottom(res.Villages, r)
	return res
}

// yearMembers sums each person's monthly finals, and finds their role and
// grid at year end (or at at).
func yearMembers(ms []*MonthResult, ro *roster, r *Rules, w window) map[string]*YearMember {
	people := map[string]*YearMember{}
	get := func(u string) *YearMember {
		p := people[u]
		if p == nil {
			p = &YearMember{UserID: u, Name: ro.name(u), Award: AwardNone, Stars: []string{}}
			if pr := ro.people[u]; pr != nil {
				p.party = pr.Party
			}
			people[u] = p
		}
		return p
	}
	star := r.starTier()
	for _, m := range ms {
		for _, mr := range m.Members {
			p := get(mr.UserID)
			p.AnnualPoints += mr.Total
			p.keys.checkinDays += mr.CheckinDays
			p.keys.issuesClosed += mr.IssuesClosed
			p.keys.activities += mr.Activities
			p.Role, p.GridID, p.Grid = mr.Role, mr.GridID, mr.Grid
			if mr.Tier == star {
				p.Stars = append(p.Stars, m.Month)
			}
		}
	}
	ref := w.ref()
	for u := range ro.byUser {
		if ms, ok := ro.at(u, ref); ok {
			p := get(u)
			p.Role, p.GridID, p.onRoll = ms.Role, ms.GridID, true
			p.Grid, _ = ro.gridNames(ms.GridID)
		}
	}
	for _, p := range people {
		p.AnnualPoints = round2(p.AnnualPoints)
	}
	return people
}

// rYLeaders is R-Y-LEADERS: the top leaders.winners grid leaders by annual points.
func rYLeaders(people map[string]*YearMember, r *Rules) {
	rankRole(people, r, gridbot.RoleLeader, AwardLeader, r.Yearly.Leaders)
}

// rYMembers is R-Y-MEMBERS: the top members.winners members (not leaders) by annual points.
func rYMembers(people map[string]*YearMember, r *Rules) {
	rankRole(people, r, gridbot.RoleMember, AwardMember, r.Yearly.Members)
}

// rankRole ranks the people of one role still on the roster at year end, by
// annual points and then R-RANK-TIE's keys summed over the year; shared
// places at the boundary all get the award.
func rankRole(people map[string]*YearMember, r *Rules, role gridbot.Role, award string, a Award) {
	var list []*YearMember
	for _, p := range people {
		if p.onRoll && p.Role == role {
			list = append(list, p)
		}
	}
	places, ties := competition(len(list), func(i, j int) int {
		if c := cmp.Compare(cents(list[j].AnnualPoints), cents(list[i].AnnualPoints)); c != 0 {
			return c
		}
		return rRankTie(r, list[i].keys, list[j].keys)
	}, func(i, j int) int { return strings.Compare(list[i].UserID, list[j].UserID) })
	for i, p := range list {
		place := places[i]
		p.Rank, p.Tie = &place, ties[i]
		if place <= a.Winners {
			p.Award, p.AwardYuan = award, a.AwardYuan
		}
	}
}

// rYParty is R-Y-PARTY: an annual excellent, or a 月度网格之星 in
// party_consecutive_stars consecutive months, is flagged: a party member as
// 先进党员建议人选, anyone else as 优先入党培养对象.
func rYParty(people map[string]*YearMember, r *Rules) {
	for _, p := range people {
		if p.Award == AwardNone && consecutive(p.Stars) < r.Yearly.PartyConsecutiveStars {
			continue
		}
		flag := FlagTraining
		if p.party {
			flag = FlagAdvanced
		}
		p.PartyFlag = &flag
	}
}

// consecutive is the longest run of consecutive calendar months in sorted months.
func consecutive(months []string) int {
	best, run := 0, 0
	var prev time.Time
	for i, m := range months {
		t, err := time.Parse(gridbot.MonthLayout, m)
		if err != nil {
			continue
		}
		if i > 0 && t.Equal(prev.AddDate(0, 1, 0)) {
			run++
		} else {
			run = 1
		}
		best, prev = max(best, run), t
	}
	return best
}

// rYGrid is R-Y-GRID: a grid's annual score is the mean of its members' (at
// year end) annual points.
func rYGrid(people map[string]*YearMember, ro *roster, w window) []YearGrid {
	var out []YearGrid
	ref := w.ref()
	for gridID := range ro.byGrid {
		g := YearGrid{GridID: gridID}
		g.Grid, g.Village = ro.gridNames(gridID)
		if gr := ro.grids[gridID]; gr != nil {
			g.VillageID = gr.VillageID
		}
		sum := 0.0
		ro.gridAt(gridID, ref, func(u string) {
			g.Members++
			if p := people[u]; p != nil {
				sum += p.AnnualPoints
			}
		})
		if g.Members > 0 {
			g.Score = round2(sum / float64(g.Members))
			out = append(out, g)
		}
	}
	slices.SortFunc(out, func(x, y YearGrid) int {
		return cmp.Or(cmp.Compare(cents(y.Score), cents(x.Score)), strings.Compare(x.Village, y.Village),
			strings.Compare(x.Grid, y.Grid), cmp.Compare(x.GridID, y.GridID))
	})
	if out == nil {
		out = []YearGrid{}
	}
	return out
}
