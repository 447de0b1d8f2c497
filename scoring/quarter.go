package scoring

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"gridbot"
)

// QuarterResult is a quarter's teams and payout sheet.
type QuarterResult struct {
	Quarter   string        `json:"quarter"`
	AsAt      time.Time     `json:"as_at"`
	Months    []string      `json:"months"` // the months it was computed from
	Teams     []TeamResult  `json:"teams"`
	Payouts   []Payout      `json:"payouts"`
	TotalYuan int           `json:"total_yuan"`
	Grids     []GridQuarter `json:"grids"` // the operation index of each grid
}

// TeamResult is a grid team's quarter (R-Q-TEAM).
type TeamResult struct {
	GridID    int64   `json:"grid_id"`
	Grid      string  `json:"grid"`
	Village   string  `json:"village"`
	Score     float64 `json:"score"`
	Rank      int     `json:"rank"`
	Tie       bool    `json:"tie"`
	AwardYuan int     `json:"award_yuan"`
	Members   int     `json:"members"` // as at quarter end
}

// Payout is one line of a payout sheet: whole yuan to a member (userid), a
// grid team (grid name) or a village (village name).
type Payout struct {
	Kind       string `json:"kind"` // a tier name ("star", "300", "100"), team, publicity, photo, story
	Payee      string `json:"payee"`
	Name       string `json:"name,omitempty"`    // a member's name
	Grid       string `json:"grid,omitempty"`    // a member's grid
	Village    string `json:"village,omitempty"` // a member's or a grid team's village
	AmountYuan int    `json:"amount_yuan"`
	Ref        string `json:"ref"` // "2026-10", "2026Q4", "报道#3", "照片#2", "故事#1"
}

// Quarter computes the quarter ("2026Q4") from its months' results (frozen
// or live, as the caller chooses) and the quarter's facts (roster,
// publicity, photos, stories), as at at. An invalid quarter gives an empty result.
func Quarter(quarter string, months []*MonthResult, f *gridbot.Facts, r *Rules, at time.Time) *QuarterResult {
	res := &QuarterResult{Quarter: quarter, AsAt: at, Months: []string{}, Teams: []TeamResult{},
		Payouts: []Payout{}, Grids: []GridQuarter{}}
	start, end, _, err := QuarterBounds(quarter)
	if err != nil {
		return res
	}
	w, ro := newWindow(start, end, at), newRoster(f)
	ms := sortedMonths(months)
	for _, m := range ms {
		res.Months = append(res.Months, m.Month)
	}
	res.Grids = quarterIndex(ms)
	rQAward(res, ms)
	rQTeam(res, ms, ro, r, w)
	rQPubCash(res, f, ro, r, w)
	rQPhoto(res, f, ro, r, w)
	rQStory(res, f, r, w)
	for _, p := range res.Payouts {
		res.TotalYuan += p.AmountYuan
	}
	return res
}

// sortedMonths drops nil months and orders the rest.
func sortedMonths(months []*MonthResult) []*MonthResult {
	ms := slices.DeleteFunc(slices.Clone(months), func(m *MonthResult) bool { return m == nil })
	slices.SortFunc(ms, func(x, y *MonthResult) int { return strings.Compare(x.Month, y.Month) })
	return ms
}

// quarterIndex averages each grid's monthly operation index.
func quarterIndex(ms []*MonthResult) []GridQuarter {
	per := map[int64][]GridMonth{}
	var ids []int64
	for _, m := range ms {
		for _, g := range m.Grids {
			if _, ok := per[g.GridID]; !ok {
				ids = append(ids, g.GridID)
			}
			per[g.GridID] = append(per[g.GridID], g)
		}
	}
	out := make([]GridQuarter, 0, len(ids))
	for _, id := range ids {
		gms := per[id]
		last := gms[len(gms)-1]
		gq := GridQuarter{GridID: id, Grid: last.Grid, Village: last.Village}
		gq.Index, gq.Parts = meanIndex(gms)
		out = append(out, gq)
	}
	slices.SortFunc(out, func(x, y GridQuarter) int {
		return cmp.Or(strings.Compare(x.Village, y.Village), strings.Compare(x.Grid, y.Grid), cmp.Compare(x.GridID, y.GridID))
	})
	return out
}

// rQAward is R-Q-AWARD: the months' ranking rewards are paid once a quarter,
// so the quarter's sheet lists each of them.
func rQAward(res *QuarterResult, ms []*MonthResult) {
	for _, m := range ms {
		for _, mr := range m.Members {
			if mr.RewardYuan > 0 && mr.Tier != TierNone {
				res.Payouts = append(res.Payouts, Payout{Kind: mr.Tier, Payee: mr.UserID, Name: mr.Name, Grid: mr.Grid, Village: mr.Village,
					AmountYuan: mr.RewardYuan, Ref: m.Month})
			}
		}
	}
}

// rQTeam is R-Q-TEAM: a grid team's score is the mean, over its members at
// quarter end, of their summed monthly finals for the quarter (a month they
// were not in counts 0), or the quarter's operation index when the rules say
// so. Teams are ranked like members; the top winners get the team award.
func rQTeam(res *QuarterResult, ms []*MonthResult, ro *roster, r *Rules, w window) {
	sums := map[string]float64{}
	for _, m := range ms {
		for _, mr := range m.Members {
			sums[mr.UserID] += mr.Total
		}
	}
	index := map[int64]float64{}
	for _, g := range res.Grids {
		index[g.GridID] = g.Index
	}
	ref := w.ref()
	var teams []TeamResult
	for gridID := range ro.byGrid {
		t := TeamResult{GridID: gridID}
		t.Grid, t.Village = ro.gridNames(gridID)
		total := 0.0
		ro.gridAt(gridID, ref, func(u string) {
			t.Members++
			total += sums[u]
		})
		if t.Members == 0 {
			continue
		}
		t.Score = round2(total / float64(t.Members))
		if r.Quarterly.Team.Score == TeamScoreIndex {
			t.Score = index[gridID]
		}
		teams = append(teams, t)
	}
	places, ties := competition(len(teams), func(i, j int) int {
		return cmp.Compare(cents(teams[j].Score), cents(teams[i].Score))
	}, func(i, j int) int {
		return cmp.Or(strings.Compare(teams[i].Grid, teams[j].Grid), cmp.Compare(teams[i].GridID, teams[j].GridID))
	})
	for i := range teams {
		teams[i].Rank, teams[i].Tie = places[i], ties[i]
		if places[i] <= r.Quarterly.Team.Winners {
			teams[i].AwardYuan = r.Quarterly.Team.AwardYuan
		}
	}
	slices.SortFunc(teams, func(x, y TeamResult) int {
		return cmp.Or(cmp.Compare(x.Rank, y.Rank), strings.Compare(x.Grid, y.Grid), cmp.Compare(x.GridID, y.GridID))
	})
	res.Teams = append(res.Teams, teams...)
	for _, t := range teams {
		if t.AwardYuan > 0 {
			res.Payouts = append(res.Payouts, Payout{Kind: PayTeam, Payee: t.Grid, Village: t.Village, AmountYuan: t.AwardYuan, Ref: res.Quarter})
		}
	}
}

// rQPubCash is R-Q-PUB-CASH: cash per report of the quarter, by level
// (comprehensive reports times the level's factor), to the grid teams of the
// people involved.
func rQPubCash(res *QuarterResult, f *gridbot.Facts, ro *roster, r *Rules, w window) {
	ps := slices.Clone(f.Publicity)
	slices.SortFunc(ps, func(x, y gridbot.Publicity) int { return cmp.Compare(x.No, y.No) })
	for _, p := range ps {
		lv, ok := level(r, p.Level)
		if !ok || !w.seen(p.At, p.Record) {
			continue
		}
		amount := float64(lv.Yuan)
		if p.Comprehensive {
			amount *= lv.Comprehensive
		}
		payGrids(res, PayPublicity, fmt.Sprintf("报道#%d", p.No), wholeYuan(amount), p.Involved, p.At, ro)
	}
}

// rQPhoto is R-Q-PHOTO: photo_yuan per photo used, to the grid teams of the people named.
func rQPhoto(res *QuarterResult, f *gridbot.Facts, ro *roster, r *Rules, w window) {
	ps := slices.Clone(f.Photos)
	slices.SortFunc(ps, func(x, y gridbot.Photo) int { return cmp.Compare(x.No, y.No) })
	for _, p := range ps {
		if w.seen(p.At, p.Record) {
			payGrids(res, PayPhoto, fmt.Sprintf("照片#%d", p.No), p.Count*r.Publicity.PhotoYuan, p.Involved, p.At, ro)
		}
	}
}

// rQStory is R-Q-STORY: story_yuan per red-grid story, to the village named.
func rQStory(res *QuarterResult, f *gridbot.Facts, r *Rules, w window) {
	ss := slices.Clone(f.Stories)
	slices.SortFunc(ss, func(x, y gridbot.Story) int { return cmp.Compare(x.No, y.No) })
	for _, s := range ss {
		if w.seen(s.At, s.Record) && r.Publicity.StoryYuan > 0 {
			res.Payouts = append(res.Payouts, Payout{Kind: PayStory, Payee: storyVillage(f, s),
				AmountYuan: r.Publicity.StoryYuan, Ref: fmt.Sprintf("故事#%d", s.No)})
		}
	}
}

// storyVillage names a story's village, by id when the name was not kept.
func storyVillage(f *gridbot.Facts, s gridbot.Story) string {
	if s.Village != "" {
		return s.Village
	}
	for _, v := range f.Villages {
		if v.ID == s.VillageID {
			return v.Name
		}
	}
	return ""
}

// payGrids splits amount equally among the grids the named people were in at
// t, in the order first named; whole yuan, the remainder to the first grid.
// People in no grid (office staff) are passed over; with no grid at all
// nothing is paid.
func payGrids(res *QuarterResult, kind, ref string, amount int, users []string, t time.Time, ro *roster) {
	var grids []int64
	for _, u := range users {
		if m, ok := ro.at(u, t); ok && !slices.Contains(grids, m.GridID) {
			grids = append(grids, m.GridID)
		}
	}
	if amount <= 0 || len(grids) == 0 {
		return
	}
	share := amount / len(grids)
	for i, g := range grids {
		y := share
		if i == 0 {
			y += amount - share*len(grids)
		}
		if y > 0 {
			name, village := ro.gridNames(g)
			res.Payouts = append(res.Payouts, Payout{Kind: kind, Payee: name, Village: village, AmountYuan: y, Ref: ref})
		}
	}
}

// wholeYuan rounds cash down to whole yuan: the office never pays a fraction.
func wholeYuan(x float64) int { return int(math.Floor(x + 1e-9)) }
