package scoring

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
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
	// Notes explain what a reader would otherwise wonder about (fewer
	// candidates than places, a village both awarded and below the line), in Chinese.
	Notes []string `json:"notes"`
}

// YearMember is one person's year.
type YearMember struct {
	UserID       string       `json:"userid"`
	Name         string       `json:"name"`
	Role         gridbot.Role `json:"role"` // at year end, or in the last month seen
	GridID       int64        `json:"grid_id"`
	Grid         string       `json:"grid"`
	Village      string       `json:"village"`
	AnnualPoints float64      `json:"annual_points"`
	Rank         *int         `json:"rank"` // among the same role; null when no longer on the roster at year end
	Tie          bool         `json:"tie"`
	Award        string       `json:"award"`
	AwardYuan    int          `json:"award_yuan"`
	Stars        []string     `json:"stars"` // months as 月度网格之星
	PartyFlag    *string      `json:"party_flag"`
	// PartyReason says why PartyFlag is set, in Chinese ("年度优秀网格长",
	// "连续2个月获得月度网格之星（2025-12、2026-01）").
	PartyReason string `json:"party_reason,omitempty"`
	// CheckinMonths counts the months in which the member reached
	// ranking.min_checkin_days (yearly min_checkin_months).
	CheckinMonths int `json:"checkin_months"`

	keys       tieKeys
	onRoll     bool
	party      bool
	priorStars []string // 月度网格之星 months before the year (the previous December)
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
	// Note explains, in Chinese, a village both among the awarded and in the
	// bottom half, or a shared place at the bottom-half line.
	Note string `json:"note,omitempty"`
}

// Year computes the year ("2026") from its months' results and the year's
// facts (roster, stories), as at at. An invalid year gives an empty result.
// A month before the year among months (the previous December) counts for
// nothing but R-Y-PARTY's consecutive stars: December and January are
// consecutive months.
func Year(year string, months []*MonthResult, f *gridbot.Facts, r *Rules, at time.Time) *YearResult {
	res := &YearResult{Year: year, AsAt: at, Months: []string{}, Members: []YearMember{},
		Grids: []YearGrid{}, Villages: []YearVillage{}, Notes: []string{}}
	start, end, err := YearBounds(year)
	if err != nil {
		return res
	}
	w, ro := newWindow(start, end, at), newRoster(f)
	var ms, before []*MonthResult
	first := start.Format(gridbot.MonthLayout)
	for _, m := range sortedMonths(months) {
		switch {
		case m.Month < first:
			before = append(before, m)
		case m.Month <= end.Add(-time.Nanosecond).In(gridbot.Zone).Format(gridbot.MonthLayout):
			ms = append(ms, m)
		}
	}
	for _, m := range ms {
		res.Months = append(res.Months, m.Month)
	}
	people := yearMembers(ms, ro, r, w)
	star := r.starTier()
	for _, m := range before {
		for _, mr := range m.Members {
			if p := people[mr.UserID]; p != nil && mr.Tier == star {
				p.priorStars = append(p.priorStars, m.Month)
			}
		}
	}
	res.Notes = append(res.Notes, rYLeaders(people, r)...)
	res.Notes = append(res.Notes, rYMembers(people, r)...)
	rYParty(people, r, first)
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
	res.Notes = append(res.Notes, villageNotes(res.Villages, r)...)
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
			if mr.CheckinDays >= r.Ranking.MinCheckinDays {
				p.CheckinMonths++
			}
			p.Role, p.GridID, p.Grid, p.Village = mr.Role, mr.GridID, mr.Grid, mr.Village
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
			p.Grid, p.Village = ro.gridNames(ms.GridID)
		}
	}
	for _, p := range people {
		p.AnnualPoints = round2(p.AnnualPoints)
	}
	return people
}

// rYLeaders is R-Y-LEADERS: the top leaders.winners grid leaders by annual points.
func rYLeaders(people map[string]*YearMember, r *Rules) []string {
	return rankRole(people, r, gridbot.RoleLeader, AwardLeader, r.Yearly.Leaders)
}

// rYMembers is R-Y-MEMBERS: the top members.winners members (not leaders) by annual points.
func rYMembers(people map[string]*YearMember, r *Rules) []string {
	return rankRole(people, r, gridbot.RoleMember, AwardMember, r.Yearly.Members)
}

// rankRole ranks the candidates of one role, by annual points and then
// R-RANK-TIE's keys summed over the year; shared places at the boundary all
// get the award. A candidate is on the roster at year end and meets the
// award's optional minimums (min_points, min_checkin_months); anyone else
// has no rank. It returns a note when there are fewer candidates than places.
func rankRole(people map[string]*YearMember, r *Rules, role gridbot.Role, award string, a Award) []string {
	var list []*YearMember
	all := 0
	for _, p := range people {
		if !p.onRoll || p.Role != role {
			continue
		}
		all++
		if p.AnnualPoints >= a.MinPoints && p.CheckinMonths >= a.MinCheckinMonths {
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
	return fewerNote(AwardTitle(award), string(role), a, all, len(list))
}

// AwardTitle is the Chinese name of a yearly award code ("" for none).
func AwardTitle(a string) string {
	switch a {
	case AwardLeader:
		return "年度优秀网格长"
	case AwardMember:
		return "年度优秀网格员"
	}
	return ""
}

// fewerNote explains an award with fewer candidates than places: everyone
// who qualifies gets it, and why the others do not.
func fewerNote(title, role string, a Award, all, qualified int) []string {
	if qualified >= a.Winners {
		return nil
	}
	var min []string
	if a.MinPoints > 0 {
		min = append(min, "年度积分不低于"+strconv.FormatFloat(a.MinPoints, 'f', -1, 64)+"分")
	}
	if a.MinCheckinMonths > 0 {
		min = append(min, fmt.Sprintf("打卡达标的月份不少于%d个", a.MinCheckinMonths))
	}
	if len(min) == 0 {
		return []string{fmt.Sprintf("%s名额%d名，全镇在册%s只有%d名，少于名额，全部获奖。规则文件未设最低条件"+
			"（min_points 年度积分、min_checkin_months 打卡达标月份），如需门槛请在规则文件中设置。",
			title, a.Winners, role, all)}
	}
	return []string{fmt.Sprintf("%s名额%d名，全镇在册%s%d名中符合条件（%s）的只有%d名，少于名额：符合条件的全部获奖，其余名额空缺。",
		title, a.Winners, role, all, strings.Join(min, "、"), qualified)}
}

// rYParty is R-Y-PARTY: an annual excellent, or a 月度网格之星 in
// party_consecutive_stars consecutive months, is flagged: a party member as
// 先进党员建议人选, anyone else as 优先入党培养对象. The run of months may
// begin in the previous year (December, then January) but must reach into
// this one (first is its January).
func rYParty(people map[string]*YearMember, r *Rules, first string) {
	for _, p := range people {
		run := consecutiveRun(append(slices.Clone(p.priorStars), p.Stars...), first)
		switch {
		case p.Award != AwardNone:
			p.PartyReason = AwardTitle(p.Award)
		case len(run) >= r.Yearly.PartyConsecutiveStars:
			p.PartyReason = fmt.Sprintf("连续%d个月获得月度网格之星（%s）", len(run), strings.Join(run, "、"))
		default:
			continue
		}
		flag := FlagTraining
		if p.party {
			flag = FlagAdvanced
		}
		p.PartyFlag = &flag
	}
}

// consecutiveRun is the longest run of consecutive calendar months in
// sorted months that ends in or after the month from.
func consecutiveRun(months []string, from string) []string {
	var best, run []string
	var prev time.Time
	for i, m := range months {
		t, err := time.Parse(gridbot.MonthLayout, m)
		if err != nil {
			continue
		}
		if i > 0 && t.Equal(prev.AddDate(0, 1, 0)) {
			run = append(run, m)
		} else {
			run = []string{m}
		}
		if m >= from && len(run) > len(best) {
			best = slices.Clone(run)
		}
		prev = t
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
