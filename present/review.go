package present

import (
	"fmt"
	"slices"
	"strings"

	"gridbot/scoring"
)

// The office's review-and-publish loop in words: what 发布 previews, what
// each level's group is told when a period is published (the town the
// town's ranking, a village its own people, a grid its own members with
// what each still misses) and the correction notice of 撤销发布.

// Stars returns the user ids of the month's first tier (月度网格之星) among
// rows, for @-ing them beside an announcement.
func (rk *Ranking) Stars(rows []Row) []string {
	if len(rk.Tiers) == 0 {
		return nil
	}
	var out []string
	for _, r := range rows {
		if r.Tier != nil && r.Tier.Name == rk.Tiers[0].Name && r.Rank != nil {
			out = append(out, r.UserID)
		}
	}
	return out
}

// Where returns the rows of one village (village != "") or one grid.
func (rk *Ranking) Where(village, grid string) []Row {
	var out []Row
	for _, r := range rk.Rows {
		if (village != "" && r.Village == village) || (grid != "" && r.Grid == grid) {
			out = append(out, r)
		}
	}
	return out
}

// Villages and Grids list the villages and grids that have members in the
// month, in name order.
func (rk *Ranking) Villages() []string { return rk.distinct(func(r Row) string { return r.Village }) }

// Grids: see Villages.
func (rk *Ranking) Grids() []string { return rk.distinct(func(r Row) string { return r.Grid }) }

func (rk *Ranking) distinct(f func(Row) string) []string {
	var out []string
	for _, r := range rk.Rows {
		if v := f(r); v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out
}

// Excluded returns the rows the office kept out of the ranking.
func (rk *Ranking) Excluded() []Row {
	var out []Row
	for _, r := range rk.Rows {
		if r.Excluded != "" {
			out = append(out, r)
		}
	}
	return out
}

// memberLine is one member's month as their grid's group reads it: points,
// days, then the place and tier, what they still miss, or why they are not ranked.
func (rk *Ranking) memberLine(r Row) string {
	s := fmt.Sprintf("%s %s 分，打卡 %d 天", r.Name, Num(r.Total), r.CheckinDays)
	switch {
	case r.Excluded != "":
		s += "，本月因综合表现不参加排名：" + r.Excluded
	case r.Rank != nil:
		s += fmt.Sprintf("，全镇第 %d 名", *r.Rank)
		if r.Tie {
			s += "（并列）"
		}
		if r.Tier != nil {
			s += fmt.Sprintf(" · %s，奖励 %d 元", r.Tier.Label, r.RewardYuan)
		}
	default:
		s += "，未达排名条件"
		if m := Missing(r.MissingDays, r.MissingPoints); m != "" {
			s += "，" + m
		}
	}
	return s
}

// VillageAnnouncement is what a village's group is told of a published
// month: its own people by their place in the town, then how many of them
// are not ranked.
func VillageAnnouncement(rk *Ranking, village string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## %s %s积分排名\n", rk.Month, village)
	rows := rk.Where(village, "")
	unranked := 0
	for _, r := range rows {
		if r.Rank == nil || *r.Rank > rk.Listed() {
			unranked++
			continue
		}
		fmt.Fprintf(&b, "\n- %s（%s）%s 分 · 全镇第 %d 名", r.Name, r.Grid, Num(r.Total), *r.Rank)
		if r.Tie {
			b.WriteString("（并列）")
		}
		if r.Tier != nil {
			fmt.Fprintf(&b, " · %s", r.Tier.Label)
		}
	}
	if unranked == len(rows) {
		b.WriteString("\n本村本月无人进入排名。")
	}
	if unranked > 0 {
		fmt.Fprintf(&b, "\n\n另有 %d 人未进入排名（%s）。", unranked, rk.conditions())
	}
	b.WriteString("\n发送「积分」查看个人明细。\n")
	return b.String()
}

// GridAnnouncement is what a grid's group is told of a published month:
// every member's points, place and tier, or what they still miss.
func GridAnnouncement(rk *Ranking, grid string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## %s %s积分结果\n", rk.Month, grid)
	rows := rk.Where("", grid)
	slices.SortStableFunc(rows, func(x, y Row) int {
		if x.Total != y.Total {
			if x.Total > y.Total {
				return -1
			}
			return 1
		}
		return strings.Compare(x.UserID, y.UserID)
	})
	for _, r := range rows {
		fmt.Fprintf(&b, "\n- %s", rk.memberLine(r))
	}
	b.WriteString("\n\n发送「积分」查看个人明细。\n")
	return b.String()
}

// Preview is 发布's reply for a month: what publishing would announce, the
// payouts, and what looks odd (Warnings), then how to confirm.
func Preview(rk *Ranking, warnings []string, groups int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "【发布预览】%s 尚未发布，以下是确认发布后将公告的内容：\n\n", rk.Month)
	b.WriteString(Announcement(rk))
	fmt.Fprintf(&b, "\n奖励：%d 人，合计 %d 元。", len(rk.Payouts), rk.TotalYuan)
	fmt.Fprintf(&b, "\n各村群收到本村人员的名次，各网格群收到本网格每人的积分、名次或还差多少（已登记机器人的群 %d 个）。", groups)
	if len(warnings) > 0 {
		b.WriteString("\n\n请注意：")
		for _, w := range warnings {
			fmt.Fprintf(&b, "\n⚠ %s", w)
		}
	}
	fmt.Fprintf(&b, "\n\n核对无误请发送：确认发布 %s\n如需取消某人排名：取消排名 @成员 %s <理由>", rk.Month, rk.Month)
	return b.String()
}

// Warnings are what the office should look at before publishing a month:
// no check-ins, base points not imported, members within near of a tier
// boundary or of the ranking's conditions, and the members excluded.
func Warnings(rk *Ranking, near float64) []string {
	var out []string
	days, base := 0, false
	for _, r := range rk.Rows {
		days += r.CheckinDays
		for _, it := range r.Items {
			base = base || it.Rule == scoring.RBase
		}
	}
	if days == 0 {
		out = append(out, "本月没有任何打卡记录：发布后每人都按全月未打卡计分、无人达到排名条件。请先导入打卡（gridbot import checkins 文件）。")
	}
	if !base && len(rk.Rows) > 0 {
		out = append(out, fmt.Sprintf("本月基础积分（平台积分）尚未导入：gridbot import base-points %s 文件。", rk.Month))
	}
	// Tier boundaries: the last inside a tier and the first after it.
	for _, t := range rk.Tiers {
		var in, out1 *Row
		for i := range rk.Rows {
			r := &rk.Rows[i]
			if r.Rank == nil {
				continue
			}
			if *r.Rank <= t.To {
				in = r
			} else if out1 == nil {
				out1 = r
			}
		}
		if in != nil && out1 != nil && in.Total-out1.Total <= near {
			out = append(out, fmt.Sprintf("第 %d 名 %s（%s 分）与第 %d 名 %s（%s 分）相差 %s 分，正处在「%s」的边界。",
				*in.Rank, in.Name, Num(in.Total), *out1.Rank, out1.Name, Num(out1.Total), Num(in.Total-out1.Total), t.Label))
		}
	}
	var close []string
	for _, r := range rk.Rows {
		if r.Rank != nil || r.Excluded != "" || r.Eligible {
			continue
		}
		if (r.MissingDays == 0 && r.MissingPoints <= near) || (r.MissingPoints == 0 && r.MissingDays <= 1) {
			close = append(close, fmt.Sprintf("%s（%s）%s", r.Name, r.Grid, Missing(r.MissingDays, r.MissingPoints)))
		}
	}
	if len(close) > 0 {
		out = append(out, "差一点达到排名条件："+strings.Join(close, "；")+"。请核对打卡和基础积分是否漏导入。")
	}
	for _, r := range rk.Excluded() {
		out = append(out, fmt.Sprintf("%s（%s）%s 分，已取消排名：%s（恢复：恢复排名 @%s %s）", r.Name, r.Grid, Num(r.Total), r.Excluded, r.Name, rk.Month))
	}
	return out
}

// QuarterAnnouncement is the quarter's result as the town's group reads it:
// the teams awarded and the quarter's payouts.
func QuarterAnnouncement(res *scoring.QuarterResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## %s 季度考核结果\n\n**优秀网格团队**\n", res.Quarter)
	n := 0
	for _, t := range res.Teams {
		if t.AwardYuan == 0 {
			continue
		}
		n++
		tie := ""
		if t.Tie {
			tie = "（并列）"
		}
		fmt.Fprintf(&b, "%d. %s（%s）%s 分%s，团队活动经费 %d 元\n", t.Rank, t.Grid, t.Village, Num(t.Score), tie, t.AwardYuan)
	}
	if n == 0 {
		b.WriteString("本季度无获奖团队。\n")
	}
	fmt.Fprintf(&b, "\n本季度奖励合计 %d 元（含月度排名奖励、团队奖励、宣传报道、照片、小故事）。\n", res.TotalYuan)
	return b.String()
}

// TeamAnnouncement is a grid's group's line of the quarter.
func TeamAnnouncement(res *scoring.QuarterResult, grid string) string {
	for _, t := range res.Teams {
		if t.Grid == grid {
			s := fmt.Sprintf("## %s %s季度考核\n\n团队得分 %s，全镇第 %d 名", res.Quarter, grid, Num(t.Score), t.Rank)
			if t.AwardYuan > 0 {
				s += fmt.Sprintf("，获团队活动经费 %d 元", t.AwardYuan)
			}
			return s + "。\n"
		}
	}
	return ""
}

// YearAnnouncement is the year's result as the town's group reads it: the
// villages' ranking and the members' awards.
func YearAnnouncement(res *scoring.YearResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## %s 年度评比结果\n\n**村（居）排名**\n", res.Year)
	for _, v := range res.Villages {
		fmt.Fprintf(&b, "%d. %s %s 分", v.Rank, v.Village, Num(v.Score))
		if v.AwardYuan > 0 {
			fmt.Fprintf(&b, "，活动经费 %d 元", v.AwardYuan)
		}
		b.WriteString("\n")
	}
	for _, k := range []struct{ award, title string }{{scoring.AwardLeader, "优秀网格长"}, {scoring.AwardMember, "优秀网格员"}} {
		var names []string
		for _, m := range res.Members {
			if m.Award == k.award {
				names = append(names, fmt.Sprintf("%s（%s）", m.Name, m.Grid))
			}
		}
		if len(names) > 0 {
			fmt.Fprintf(&b, "\n**%s**\n%s\n", k.title, strings.Join(names, "、"))
		}
	}
	return b.String()
}

// Correction is the notice of 撤销发布 to the groups that had the announcement.
func Correction(period, what, reason string) string {
	return fmt.Sprintf("%s %s撤销发布：%s。更正后将重新发布。", period, what, reason)
}
