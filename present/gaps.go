package present

import "fmt"

// Gaps says, for the ranked members within near places below a tier's
// last place, how many points they miss to reach it ("差 2.5 分进入
// 月度网格之星"), and for the unranked what they lack to be ranked; by
// user id. Members with nothing to say are left out.
func Gaps(rk *Ranking, near int) map[string]string {
	out := map[string]string{}
	// The lowest score of each tier that has members.
	for _, row := range rk.Rows {
		if row.Rank == nil {
			if m := Missing(row.MissingDays, row.MissingPoints); m != "" {
				out[row.UserID] = m + "才参加排名"
			}
			continue
		}
		for _, g := range rk.Groups {
			t := g.Tier
			if *row.Rank <= t.To || *row.Rank > t.To+near || len(g.Rows) == 0 {
				continue
			}
			last := g.Rows[len(g.Rows)-1].Total
			out[row.UserID] = fmt.Sprintf("差 %s 分进入%s", Num(last-row.Total), t.Label)
			break
		}
	}
	return out
}
