package present

import (
	"fmt"
	"io"
	"strconv"

	"gridbot/scoring"
)

// MonthTable writes the month for settle: every member, ranked first, with
// eligibility, tier and reward.
func MonthTable(w io.Writer, rk *Ranking) error {
	state := "实时结果（未发布；月份未结束，积分按此刻结束月份计，月底结算项尚未确定，见 --json 的 certain_points 和 pending）"
	switch {
	case rk.Published:
		state = "已发布（冻结）"
	case rk.Standing.Ended:
		state = "草稿（未发布）"
	}
	fmt.Fprintf(w, "%s 月度积分排名 — %s\n\n", rk.Month, state)
	t := &Table{
		Header: []string{"名次", "姓名", "用户ID", "网格", "村", "角色", "打卡天数", "积分", "资格", "档次", "奖励(元)"},
		Right:  map[int]bool{6: true, 7: true, 10: true},
	}
	for _, r := range rk.Rows {
		t.Add(r.Place(), r.Name, r.UserID, r.Grid, r.Village, string(r.Role), strconv.Itoa(r.CheckinDays),
			Num(r.Total), eligibility(r.MemberResult), r.TierLabel(), yuan(r.RewardYuan))
	}
	return t.Render(w)
}

// eligibility writes 是, 否 or 否 with what is missing.
func eligibility(m scoring.MemberResult) string {
	switch {
	case m.Eligible:
		return "是"
	case m.MissingDays > 0 || m.MissingPoints > 0:
		return "否: " + Missing(m.MissingDays, m.MissingPoints)
	}
	return "否"
}

// RankedTable writes the ranked members only, compactly (the demo's view),
// then how many are not eligible.
func RankedTable(w io.Writer, rk *Ranking) error {
	t := &Table{Header: []string{"名次", "姓名", "网格", "积分", "打卡", "档次", "奖励(元)"}, NoRule: true}
	for _, r := range rk.Rows {
		if r.Rank == nil {
			continue
		}
		tier := r.TierLabel()
		if tier == "" {
			tier = "—"
		}
		t.Add(r.Place(), r.Name, r.Grid, Num(r.Total), strconv.Itoa(r.CheckinDays), tier, strconv.Itoa(r.RewardYuan))
	}
	if err := t.Render(w); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "未达到排名条件（%s）：%d 人\n", rk.conditions(), rk.Unranked())
	return err
}

// Quarter writes a quarter's teams and payout list.
func Quarter(w io.Writer, res *scoring.QuarterResult, r *scoring.Rules) error {
	fmt.Fprintf(w, "%s 季度考核\n\n优秀网格团队\n", res.Quarter)
	t := &Table{Header: []string{"名次", "网格", "村", "团队得分", "奖励(元)"}, Right: map[int]bool{3: true, 4: true}}
	for _, tm := range res.Teams {
		t.Add(place(&tm.Rank, tm.Tie), tm.Grid, tm.Village, strconv.FormatFloat(tm.Score, 'f', 2, 64), yuan(tm.AwardYuan))
	}
	if err := t.Render(w); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n发放清单\n")
	tiers := Tiers(r)
	p := &Table{Header: []string{"类别", "收款方", "金额(元)", "依据"}, Right: map[int]bool{2: true}}
	for _, po := range res.Payouts {
		payee := po.Payee
		if po.Name != "" {
			payee = po.Name + "(" + po.Payee + ")"
		}
		p.Add(PayoutKind(tiers, po.Kind), payee, strconv.Itoa(po.AmountYuan), po.Ref)
	}
	if err := p.Render(w); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "合计 %d 元\n", res.TotalYuan)
	return err
}

// PayoutKind is the Chinese name of a payout kind; a month's ranking reward
// is named by its tier's label from the rules ("月度网格之星", "第4-10名"), as
// in the month's own payout sheet: the amount has its own column.
func PayoutKind(tiers []Tier, kind string) string {
	switch kind {
	case "team":
		return "季度优秀网格团队"
	case "publicity":
		return "出彩奖-报道"
	case "photo":
		return "出彩奖-照片"
	case "story":
		return "出彩奖-红网格小故事"
	}
	if t := tierNamed(tiers, kind); t != nil {
		return t.Label
	}
	return kind
}

// Year writes a year's villages, awards and party-development flags.
func Year(w io.Writer, res *scoring.YearResult) error {
	fmt.Fprintf(w, "%s 年度评比\n\n村(居)排名\n", res.Year)
	v := &Table{Header: []string{"名次", "村(居)", "得分", "三同得分", "奖励(元)", "后50%"}, Right: map[int]bool{2: true, 3: true, 4: true}}
	for _, vi := range res.Villages {
		v.Add(place(&vi.Rank, false), vi.Village, strconv.FormatFloat(vi.Score, 'f', 2, 64),
			strconv.FormatFloat(vi.Santong, 'f', 2, 64), yuan(vi.AwardYuan), bottomHalf(vi.BottomHalf))
	}
	if err := v.Render(w); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n年度优秀网格长(员)与入党培养\n")
	m := &Table{Header: []string{"姓名", "用户ID", "角色", "年度积分", "奖项", "奖励(元)", "建议"}, Right: map[int]bool{3: true, 5: true}}
	for _, mb := range res.Members {
		flag := partyFlag(mb.PartyFlag)
		if mb.Award == "none" && flag == "" {
			continue
		}
		m.Add(mb.Name, mb.UserID, string(mb.Role), Num(mb.AnnualPoints), AwardName(mb.Award), yuan(mb.AwardYuan), flag)
	}
	if err := m.Render(w); err != nil {
		return err
	}
	return yearNotes(w, res)
}

// yearNotes prints what the tables leave a reader wondering: fewer
// candidates than places, villages both awarded and in the bottom half, a
// tie across the bottom-half line.
func yearNotes(w io.Writer, res *scoring.YearResult) error {
	if len(res.Notes) == 0 {
		return nil
	}
	if _, err := fmt.Fprintln(w, "\n说明"); err != nil {
		return err
	}
	for _, n := range res.Notes {
		if _, err := fmt.Fprintf(w, "- %s\n", n); err != nil {
			return err
		}
	}
	for _, v := range res.Villages {
		if v.Note != "" {
			if _, err := fmt.Fprintf(w, "- %s：%s\n", v.Village, v.Note); err != nil {
				return err
			}
		}
	}
	return nil
}

func bottomHalf(b bool) string {
	if b {
		return "取消先进党组织评选资格"
	}
	return ""
}

func partyFlag(f *string) string {
	if f == nil {
		return ""
	}
	return *f
}

// AwardName is the Chinese name of a yearly award.
func AwardName(a string) string {
	switch a {
	case "excellent_leader":
		return "年度优秀网格长"
	case "excellent_member":
		return "年度优秀网格员"
	}
	return ""
}
