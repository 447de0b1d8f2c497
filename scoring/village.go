package scoring

import (
	"cmp"
	"fmt"
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
// places lose eligibility for 先进党组织.
//
// Decided for a shared place that straddles the line: none of the villages
// sharing it is in the bottom half. A village's place is its rank, and rank
// 2 of 4 is in the top half; this is the better side, as with tiers and the
// awards at a boundary (R-RANK-TIE). So ranks 1, 2, 2, 4 flag only the
// fourth village, fewer than floor(n/2), and villageNotes says so.
func rYVillageBottom(vs []YearVillage, r *Rules) {
	n := len(vs)
	line := n - int(float64(n)*r.Yearly.Villages.BottomFraction+1e-9)
	for i := range vs {
		vs[i].BottomHalf = vs[i].Rank > line
	}
}

// villageNotes explains the villages' results where a reader would wonder:
// a village both awarded (top winners) and in the bottom half, which happens
// when there are fewer than 2 × winners villages; and a shared place at the
// bottom-half line, which leaves fewer villages below it than floor(n × fraction).
func villageNotes(vs []YearVillage, r *Rules) []string {
	n := len(vs)
	cut := int(float64(n)*r.Yearly.Villages.BottomFraction + 1e-9)
	line := n - cut
	var notes []string
	both := 0
	for i := range vs {
		if vs[i].AwardYuan > 0 && vs[i].BottomHalf {
			both++
			vs[i].Note = fmt.Sprintf("第%d名：在前%d名之内，获优秀村（居）奖励；同时在全镇%d个村（居）的后%d名之内，取消先进党组织评选资格。"+
				"两条规则各自独立适用：村（居）少于%d个时两者会重叠。",
				vs[i].Rank, r.Yearly.Villages.Winners, n, cut, 2*r.Yearly.Villages.Winners)
		}
	}
	if both > 0 {
		notes = append(notes, fmt.Sprintf("全镇只有%d个村（居），少于优秀村名额%d的两倍：有%d个村（居）既获优秀村（居）奖励，又因排名在后%d名取消先进党组织评选资格，两条规则各自适用。",
			n, r.Yearly.Villages.Winners, both, cut))
	}
	straddle := 0
	for i := range vs {
		if vs[i].Tie && vs[i].Rank <= line && tiedUpTo(vs, vs[i].Rank) > line {
			straddle++
			vs[i].Note = strings.TrimSpace(vs[i].Note + fmt.Sprintf(" 并列第%d名跨过后%d名的分界线：按规则并列名次都不计入后%d名，保留先进党组织评选资格。",
				vs[i].Rank, cut, cut))
		}
	}
	if straddle > 0 {
		below := 0
		for _, v := range vs {
			if v.BottomHalf {
				below++
			}
		}
		notes = append(notes, fmt.Sprintf("并列名次跨过后%d名的分界线：并列的%d个村（居）都不计入后%d名，因此只有%d个村（居）取消先进党组织评选资格。",
			cut, straddle, cut, below))
	}
	return notes
}

// tiedUpTo is the last position (1-based) taken by the villages sharing rank.
func tiedUpTo(vs []YearVillage, rank int) int {
	n := 0
	for _, v := range vs {
		if v.Rank == rank {
			n++
		}
	}
	return rank + n - 1
}
