package report

import (
	"fmt"
	"strings"

	"gridbot/scoring"
)

// Announcement is the monthly announcement posted to the town's groups: the
// stars and the tiers with points, ties marked 并列.
func Announcement(res *scoring.MonthResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## %s 党建网格积分排名\n", res.Month)
	sections := []struct{ tier, title string }{
		{"star", "月度网格之星"}, {"300", "第6-20名"}, {"100", "第21-50名"},
	}
	for _, s := range sections {
		var lines []string
		for _, m := range res.Members {
			if m.Tier != s.tier || m.Rank == nil {
				continue
			}
			tie := ""
			if m.Tie {
				tie = "（并列）"
			}
			lines = append(lines, fmt.Sprintf("%d. %s（%s）%s 分%s", *m.Rank, m.Name, m.Grid, Num(m.Total), tie))
		}
		if len(lines) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n**%s**\n%s\n", s.title, strings.Join(lines, "\n"))
	}
	b.WriteString("\n发送「积分」查看个人明细。\n")
	return b.String()
}
