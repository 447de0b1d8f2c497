package scoring

import (
	"cmp"
	"slices"
	"strings"

	"gridbot"
)

// rStoryVillage is R-STORY-VILLAGE: each red-grid story of the year gives its
// village story_village_points (the village, not its members). Keyed by village id.
func rStoryVillage(f *gridbot.Facts, r *Rules, w window) map[int64]float64 {
	out := map[int64]float64{}
	for _, s := range f.Stories {
		if !w.seen(s.At, s.Record) {
			continue
		}
		id := s.VillageID
		if id == 0 {
			for _, v := range f.Villages {
				if v.Name == s.Village {
					id = v.ID
				}
			}
		}
		if id != 0 {
			out[id] += r.Publicity.StoryVillagePoints
		}
	}
	return out
}

// rYSantong is R-Y-SANTONG: a village's 三同 score is the mean of its grids' annual scores.
func rYSantong(grids []YearGrid) float64 {
	if len(grids) == 0 {
		return 0
	}
	sum := 0.0
	for _, g := range grids {
		sum += g.Score
	}
	return round2(sum / float64(len(grids)))
}

// rYVillage is R-Y-VILLAGE: a village's score is its 三同 score (the mean of
// its grids' annual scores) plus its story points. Villages are ranked like
// members: shared places, the better award at a boundary.
func rYVillage(grids []YearGrid, stories map[int64]float64, f *gridbot.Facts) []YearVillage {
	by := map[int64][]YearGrid{}
	for _, g := range grids {
		by[g.VillageID] = append(by[g.VillageID], g)
	}
	names := map[int64]string{}
	for _, v := range f.Villages {
		names[v.ID] = v.Name
	}
	out := []YearVillage{}
	for id, gs := range by {
		v := YearVillage{VillageID: id, Village: names[id], Grids: len(gs), StoryPoints: round2(stories[id])}
		if v.Village == "" {
			v.Village = gs[0].Village
		}
		v.Santong = rYSantong(gs)
		v.Score = round2(v.Santong + v.StoryPoints)
		out = append(out, v)
	}
	places, ties := competition(len(out), func(i, j int) int {
		return cmp.Compare(cents(out[j].Score), cents(out[i].Score))
	}, func(i, j int) int {
		return cmp.Or(strings.Compare(out[i].Village, out[j].Village), cmp.Compare(out[i].VillageID, out[j].VillageID))
	})
	for i := range out {
		out[i].Rank, out[i].Tie = places[i], ties[i]
	}
	slices.SortFunc(out, func(x, y YearVillage) int {
		return cmp.Or(cmp.Compare(x.Rank, y.Rank), strings.Compare(x.Village, y.Village), cmp.Compare(x.VillageID, y.VillageID))
	})
	return out
}

// rYVillageTop is R-Y-VILLAGE-TOP: the top villages.winners villages get the award.
func rYVillageTop(vs []YearVillage, r *Rules) {
	for i := range vs {
		if vs[i].Rank <= r.Yearly.Villages.Winners {
			vs[i].AwardYuan = r.Yearly.Villages.AwardYuan
		}
	}
}

// rYVillageBottom is R-Y-VILLAGE-BOTTOM: the last floor(n × bottom_fraction)
// places lose eligibility for 先进党组织. A shared place that straddles the
// line is not in the bottom half (the better side, as with tiers).
func rYVillageBottom(vs []YearVillage, r *Rules) {
	n := len(vs)
	line := n - int(float64(n)*r.Yearly.Villages.BottomFraction+1e-9)
	for i := range vs {
		vs[i].BottomHalf = vs[i].Rank > line
	}
}
