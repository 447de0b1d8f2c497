package present

import (
	"fmt"
	"strings"
	"time"

	"gridbot/scoring"
)

// RankingChat is the 排行 reply: the places up to the last tier's, each with
// its tier, then how many are not eligible yet.
func RankingChat(rk *Ranking) string {
	var b strings.Builder
	if rk.Live != nil {
		liveChat(&b, rk)
		return b.String()
	}
	fmt.Fprintf(&b, "%s 排行（%s）", rk.Month, rk.Standing.state(rk.AsAt))
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
	if !rk.Published {
		b.WriteString("\n草稿：发布后为准。")
	}
	return b.String()
}

// liveChat is the 排行 reply while places are provisional: everyone by
// 暂列 place up to the last tier's, with their points so far.
func liveChat(b *strings.Builder, rk *Ranking) {
	fmt.Fprintf(b, "%s 排行（%s）\n暂列名次，%s；月底结算后才定排名资格（%s）和奖励。", rk.Month, rk.Standing.state(rk.AsAt),
		rk.Standing.basis(), rk.conditions())
	for _, r := range rk.Live {
		if r.LiveRank == nil || *r.LiveRank > rk.Listed() {
			continue
		}
		tie := ""
		if r.LiveTie {
			tie = "（并列）"
		}
		fmt.Fprintf(b, "\n%d.%s %s（%s）暂计 %s 分，打卡 %d 天", *r.LiveRank, tie, r.Name, r.Grid, Num(r.LivePoints), r.CheckinDays)
	}
	if len(rk.Live) == 0 {
		b.WriteString("\n暂无成员。")
	}
	for _, r := range rk.Excluded() {
		fmt.Fprintf(b, "\n%s（%s）本月因综合表现不参加排名：%s", r.Name, r.Grid, r.Excluded)
	}
	b.WriteString("\n发送「积分」查看自己的明细和还差什么。")
}

// MemberChat is the 积分 reply: a member's month as at at, placed in a
// month of standing s. A published month, or a draft whose base points are
// all in, is the itemized total with the place and tier or what is still
// missing; a month not over (or without its base points) is in parts
// (partsChat): its total never includes a month-end item before the month ends.
func MemberChat(m scoring.MemberResult, r *scoring.Rules, month string, s Standing, at time.Time) string {
	var b strings.Builder
	if s.live() || (!s.Published && m.BasePoints == nil) {
		partsChat(&b, m, r, month, s, at)
		return b.String()
	}
	fmt.Fprintf(&b, "%s（%s）%s 积分：%s 分，打卡 %d 天（%s）", m.Name, m.Grid, month, Num(m.Total), m.CheckinDays, s.state(at))
	if len(m.Items) == 0 {
		b.WriteString("\n暂无加减分记录。")
	} else {
		b.WriteString("\n明细：")
	}
	for _, it := range m.Items {
		writeItem(&b, it)
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
		if !s.Published {
			b.WriteString("（草稿，以发布为准）")
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
