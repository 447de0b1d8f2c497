package report

import (
	"fmt"
	"io"
	"strconv"

	"gridbot/scoring"
)

// TierName is the Chinese name of a ranking tier.
func TierName(tier string) string {
	switch tier {
	case "star":
		return "月度网格之星"
	case "300":
		return "三百元档"
	case "100":
		return "一百元档"
	}
	return ""
}

// Num prints a point value without trailing zeros ("57", "57.5").
func Num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func place(rank *int, tie bool) string {
	if rank == nil {
		return "-"
	}
	if tie {
		return fmt.Sprintf("%d(并列)", *rank)
	}
	return strconv.Itoa(*rank)
}

func yuan(v int) string {
	if v == 0 {
		return ""
	}
	return strconv.Itoa(v)
}

// Month writes a month's results as a table, ranked members first.
func Month(w io.Writer, res *scoring.MonthResult, published bool) error {
	state := "实时结果（未发布）"
	if published {
		state = "已发布（冻结）"
	}
	fmt.Fprintf(w, "%s 月度积分排名 — %s\n\n", res.Month, state)
	t := &Table{
		Header: []string{"名次", "姓名", "用户ID", "网格", "村", "角色", "打卡天数", "积分", "资格", "档次", "奖励(元)"},
		Right:  map[int]bool{6: true, 7: true, 10: true},
	}
	for _, m := range res.Members {
		elig := "是"
		if !m.Eligible {
			elig = "否"
			if m.MissingDays > 0 || m.MissingPoints > 0 {
				elig = "否: " + Missing(m.MissingDays, m.MissingPoints)
			}
		}
		t.Add(place(m.Rank, m.Tie), m.Name, m.UserID, m.Grid, m.Village, string(m.Role), strconv.Itoa(m.CheckinDays),
			Num(m.Total), elig, TierName(m.Tier), yuan(m.RewardYuan))
	}
	return t.Render(w)
}

// Missing says what a member still lacks for the ranking ("还差 3 天打卡、7 分").
func Missing(days int, points float64) string {
	switch {
	case days > 0 && points > 0:
		return fmt.Sprintf("还差 %d 天打卡、%s 分", days, Num(points))
	case days > 0:
		return fmt.Sprintf("还差 %d 天打卡", days)
	case points > 0:
		return fmt.Sprintf("还差 %s 分", Num(points))
	}
	return ""
}

// Quarter writes a quarter's teams and payout list.
func Quarter(w io.Writer, res *scoring.QuarterResult) error {
	fmt.Fprintf(w, "%s 季度考核\n\n优秀网格团队\n", res.Quarter)
	t := &Table{Header: []string{"名次", "网格", "村", "团队得分", "奖励(元)"}, Right: map[int]bool{3: true, 4: true}}
	for _, tm := range res.Teams {
		t.Add(place(&tm.Rank, tm.Tie), tm.Grid, tm.Village, strconv.FormatFloat(tm.Score, 'f', 2, 64), yuan(tm.AwardYuan))
	}
	if err := t.Render(w); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n发放清单\n")
	p := &Table{Header: []string{"类别", "收款方", "金额(元)", "依据"}, Right: map[int]bool{2: true}}
	for _, po := range res.Payouts {
		payee := po.Payee
		if po.Name != "" {
			payee = po.Name + "(" + po.Payee + ")"
		}
		p.Add(PayoutKindName(po.Kind), payee, strconv.Itoa(po.AmountYuan), po.Ref)
	}
	if err := p.Render(w); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "合计 %d 元\n", res.TotalYuan)
	return err
}

// PayoutKindName is the Chinese name of a payout kind.
func PayoutKindName(kind string) string {
	switch kind {
	case "star":
		return "月度网格之星"
	case "300":
		return "月度排名6-20名"
	case "100":
		return "月度排名21-50名"
	case "team":
		return "季度优秀网格团队"
	case "publicity":
		return "出彩奖-报道"
	case "photo":
		return "出彩奖-照片"
	case "story":
		return "出彩奖-红网格小故事"
	}
	return kind
}

// Year writes a year's villages, awards and party-development flags.
func Year(w io.Writer, res *scoring.YearResult) error {
	fmt.Fprintf(w, "%s 年度评比\n\n村(居)排名\n", res.Year)
	v := &Table{Header: []string{"名次", "村(居)", "得分", "三同得分", "奖励(元)", "后50%"}, Right: map[int]bool{2: true, 3: true, 4: true}}
	for _, vi := range res.Villages {
		bottom := ""
		if vi.BottomHalf {
			bottom = "取消先进党组织评选资格"
		}
		v.Add(place(&vi.Rank, false), vi.Village, strconv.FormatFloat(vi.Score, 'f', 2, 64),
			strconv.FormatFloat(vi.Santong, 'f', 2, 64), yuan(vi.AwardYuan), bottom)
	}
	if err := v.Render(w); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n年度优秀网格长(员)与入党培养\n")
	m := &Table{Header: []string{"姓名", "用户ID", "角色", "年度积分", "奖项", "奖励(元)", "建议"}, Right: map[int]bool{3: true, 5: true}}
	for _, mb := range res.Members {
		flag := ""
		if mb.PartyFlag != nil {
			flag = *mb.PartyFlag
		}
		if mb.Award == "none" && flag == "" {
			continue
		}
		m.Add(mb.Name, mb.UserID, string(mb.Role), Num(mb.AnnualPoints), AwardName(mb.Award), yuan(mb.AwardYuan), flag)
	}
	return m.Render(w)
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
