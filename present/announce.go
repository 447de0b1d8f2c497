package present

import (
	"fmt"
	"strings"
)

// Announcement is the monthly announcement posted to the town's groups
// (markdown): each tier under its title from the rules, its members with
// their points, ties marked 并列.
func Announcement(rk *Ranking) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## %s 党建网格积分排名\n", rk.Month)
	for _, g := range rk.Groups {
		lines := make([]string, 0, len(g.Rows))
		for _, r := range g.Rows {
			tie := ""
			if r.Tie {
				tie = "（并列）"
			}
			lines = append(lines, fmt.Sprintf("%d. %s（%s）%s 分%s", *r.Rank, r.Name, r.Grid, Num(r.Total), tie))
		}
		fmt.Fprintf(&b, "\n**%s**\n%s\n", g.Tier.Title(), strings.Join(lines, "\n"))
	}
	b.WriteString("\n发送「积分」查看个人明细。\n")
	return b.String()
}
