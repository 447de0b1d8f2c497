package present

import "gridbot/scoring"

// Sheet is one sheet of a workbook for the office: its name, its header row
// and its rows (numbers stay numbers). Package sheets writes them to a file.
type Sheet struct {
	Name   string
	Header []string
	Rows   [][]any
}

// MonthSheets are the month's workbook: the ranking, every member's items,
// and the payouts with their total.
func MonthSheets(rk *Ranking) []Sheet {
	rank := Sheet{Name: "排名", Header: []string{"名次", "并列", "用户ID", "姓名", "网格", "村", "角色", "打卡天数", "积分",
		"排名资格", "尚缺", "档次", "奖励(元)"}}
	items := Sheet{Name: "积分明细", Header: []string{"用户ID", "姓名", "规则", "规则名称", "分值", "依据", "日期"}}
	pay := Sheet{Name: "发放清单", Header: []string{"用户ID", "姓名", "网格", "档次", "金额(元)", "月份"}}
	for _, r := range rk.Rows {
		var rank1 any = ""
		if r.Rank != nil {
			rank1 = *r.Rank
		}
		rank.Rows = append(rank.Rows, []any{rank1, yesBlank(r.Tie, "并列"), r.UserID, r.Name, r.Grid, r.Village, string(r.Role),
			r.CheckinDays, r.Total, yesNo(r.Eligible), Missing(r.MissingDays, r.MissingPoints), r.TierLabel(), r.RewardYuan})
		for _, it := range r.Items {
			items.Rows = append(items.Rows, []any{r.UserID, r.Name, it.Rule, it.Name, it.Points, it.Ref, it.Date})
		}
	}
	for _, r := range rk.Payouts {
		pay.Rows = append(pay.Rows, []any{r.UserID, r.Name, r.Grid, r.TierLabel(), r.RewardYuan, rk.Month})
	}
	pay.Rows = append(pay.Rows, []any{"合计", "", "", "", rk.TotalYuan, rk.Month})
	return []Sheet{rank, items, pay}
}

// QuarterSheets are the quarter's workbook: its one payout list, then the teams.
func QuarterSheets(res *scoring.QuarterResult, r *scoring.Rules) []Sheet {
	tiers := Tiers(r)
	pay := Sheet{Name: "发放清单", Header: []string{"类别", "代码", "收款方", "金额(元)", "依据"}}
	for _, p := range res.Payouts {
		pay.Rows = append(pay.Rows, []any{PayoutKind(tiers, p.Kind), p.Kind, p.Payee, p.AmountYuan, p.Ref})
	}
	pay.Rows = append(pay.Rows, []any{"合计", "", "", res.TotalYuan, res.Quarter})
	teams := Sheet{Name: "网格团队", Header: []string{"名次", "网格", "村", "团队得分", "奖励(元)"}}
	for _, t := range res.Teams {
		teams.Rows = append(teams.Rows, []any{t.Rank, t.Grid, t.Village, t.Score, t.AwardYuan})
	}
	return []Sheet{pay, teams}
}

// YearSheets are the year's workbook: villages, grids and members.
func YearSheets(res *scoring.YearResult) []Sheet {
	villages := Sheet{Name: "村(居)", Header: []string{"名次", "村(居)", "得分", "三同得分", "奖励(元)", "后50%"}}
	for _, v := range res.Villages {
		villages.Rows = append(villages.Rows, []any{v.Rank, v.Village, v.Score, v.Santong, v.AwardYuan, bottomHalf(v.BottomHalf)})
	}
	grids := Sheet{Name: "网格", Header: []string{"网格", "村", "年度得分"}}
	for _, g := range res.Grids {
		grids.Rows = append(grids.Rows, []any{g.Grid, g.Village, g.Score})
	}
	members := Sheet{Name: "网格员(长)", Header: []string{"用户ID", "姓名", "角色", "年度积分", "奖项", "奖励(元)", "入党/先进建议"}}
	for _, m := range res.Members {
		members.Rows = append(members.Rows, []any{m.UserID, m.Name, string(m.Role), m.AnnualPoints, AwardName(m.Award), m.AwardYuan,
			partyFlag(m.PartyFlag)})
	}
	return []Sheet{villages, grids, members}
}

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

func yesBlank(b bool, yes string) string {
	if b {
		return yes
	}
	return ""
}
