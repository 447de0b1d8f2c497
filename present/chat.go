package present

import (
	"fmt"
	"strings"

	"gridbot/scoring"
)

// RankingChat is the 排行 reply: the places up to the last tier's, each with
// its tier, then how many are not eligible yet.
func RankingChat(rk *Ranking) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s 排行（%s）", rk.Month, State(rk.Published, rk.AsAt))
	ranked := 0
	for _, r := range rk.Rows {
		if r.Rank == nil || *r.Rank > rk.Listed() {
			continue
		}
		ranked++
		tie := ""
		if r.Tie {
			tie = "（并列）"
		}
		fmt.Fprintf(&b, "\n%d.%s %s（%s）%s 分，打卡 %d 天", *r.Rank, tie, r.Name, r.Grid, Num(r.Total), r.CheckinDays)
		if t := r.TierLabel(); t != "" {
			fmt.Fprintf(&b, " · %s", t)
		}
	}
	if ranked == 0 {
		b.WriteString("\n暂无人达到排名条件。")
	}
	if n := rk.Unranked() - len(rk.Excluded()); n > 0 {
		fmt.Fprintf(&b, "\n另有 %d 人暂未达到排名条件（%s）。发送「积分」查看自己还差多少。", n, rk.conditions())
	}
	for _, r := range rk.Excluded() {
		fmt.Fprintf(&b, "\n%s（%s）本月因综合表现不参加排名：%s", r.Name, r.Grid, r.Excluded)
	}
	return b.String()
}

// MemberChat is the 积分 reply: a member's itemized month, their place and
// tier or what they still miss. state is State's words for the results.
func MemberChat(m scoring.MemberResult, r *scoring.Rules, month, state string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s（%s）%s 积分：%s 分，打卡 %d 天（%s）", m.Name, m.Grid, month, Num(m.Total), m.CheckinDays, state)
	if len(m.Items) == 0 {
		b.WriteString("\n暂无加减分记录。")
	} else {
		b.WriteString("\n明细：")
	}
	for _, it := range m.Items {
		fmt.Fprintf(&b, "\n· %s %s", it.Name, Signed(it.Points))
		var ref []string
		for _, s := range []string{it.Ref, it.Note, it.Date} {
			if s != "" {
				ref = append(ref, s)
			}
		}
		if len(ref) > 0 {
			fmt.Fprintf(&b, "（%s）", strings.Join(ref, "，"))
		}
	}
	switch {
	case m.Excluded != "":
		fmt.Fprintf(&b, "\n本月因综合表现不参加排名：%s", m.Excluded)
	case m.Eligible && m.Rank != nil:
		fmt.Fprintf(&b, "\n名次：第 %d 名", *m.Rank)
		if m.Tie {
			b.WriteString("（并列）")
		}
		if t := tierNamed(Tiers(r), m.Tier); t != nil {
			fmt.Fprintf(&b, "，%s，奖励 %d 元", t.Label, m.RewardYuan)
		}
		b.WriteString("。")
	case m.Eligible:
		b.WriteString("\n已达到排名条件。")
	default:
		miss := strings.TrimPrefix(Missing(m.MissingDays, m.MissingPoints), "还差 ")
		fmt.Fprintf(&b, "\n暂未达到排名条件（%s）：还差 %s。", conditions(r.Ranking.MinPoints, r.Ranking.MinCheckinDays), miss)
	}
	return b.String()
}
