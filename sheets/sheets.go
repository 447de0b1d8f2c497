// Package sheets writes the office's spreadsheets (excelize): the monthly
// ranking with every member's itemized points, the quarterly and yearly payout
// sheets. The office pays from these, so every amount has its reference.
package sheets

import (
	"fmt"

	"github.com/xuri/excelize/v2"

	"gridbot/report"
	"gridbot/scoring"
)

// book is a workbook being filled sheet by sheet.
type book struct {
	f     *excelize.File
	first bool
	err   error
}

func newBook() *book { return &book{f: excelize.NewFile(), first: true} }

// sheet adds a sheet with a bold header row and the rows below it.
func (b *book) sheet(name string, header []string, rows [][]any) {
	if b.err != nil {
		return
	}
	if b.first {
		b.err = b.f.SetSheetName("Sheet1", name)
		b.first = false
	} else {
		_, b.err = b.f.NewSheet(name)
	}
	if b.err != nil {
		return
	}
	bold, _ := b.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	sw, err := b.f.NewStreamWriter(name)
	if err != nil {
		b.err = err
		return
	}
	head := make([]any, len(header))
	for i, h := range header {
		head[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetRow("A1", head); err != nil {
		b.err = err
		return
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, r); err != nil {
			b.err = err
			return
		}
	}
	b.err = sw.Flush()
}

func (b *book) save(path string) error {
	if b.err != nil {
		return b.err
	}
	if err := b.f.SaveAs(path); err != nil {
		return fmt.Errorf("写入 %s: %w", path, err)
	}
	return b.f.Close()
}

func rankCell(r *int) any {
	if r == nil {
		return ""
	}
	return *r
}

// Month writes the month's ranking, every member's items and the month's payouts.
func Month(path string, res *scoring.MonthResult) error {
	b := newBook()
	var rank, items, pay [][]any
	for _, m := range res.Members {
		elig := "是"
		if !m.Eligible {
			elig = "否"
		}
		rank = append(rank, []any{rankCell(m.Rank), m.Tie, m.UserID, m.Name, m.Grid, m.Village, m.Role,
			m.CheckinDays, m.Total, elig, report.Missing(m.MissingDays, m.MissingPoints), report.TierName(m.Tier), m.RewardYuan})
		for _, it := range m.Items {
			items = append(items, []any{m.UserID, m.Name, it.Rule, it.Name, it.Points, it.Ref, it.Date})
		}
		if m.RewardYuan > 0 {
			pay = append(pay, []any{m.UserID, m.Name, m.Grid, report.TierName(m.Tier), m.RewardYuan, res.Month})
		}
	}
	b.sheet("排名", []string{"名次", "并列", "用户ID", "姓名", "网格", "村", "角色", "打卡天数", "积分", "排名资格", "尚缺", "档次", "奖励(元)"}, rank)
	b.sheet("积分明细", []string{"用户ID", "姓名", "规则", "规则名称", "分值", "依据", "日期"}, items)
	b.sheet("发放清单", []string{"用户ID", "姓名", "网格", "档次", "金额(元)", "月份"}, pay)
	return b.save(path)
}

// Quarter writes the quarter's teams and its one payout list.
func Quarter(path string, res *scoring.QuarterResult) error {
	b := newBook()
	var teams, pay [][]any
	for _, t := range res.Teams {
		teams = append(teams, []any{t.Rank, t.Grid, t.Village, t.Score, t.AwardYuan})
	}
	for _, p := range res.Payouts {
		pay = append(pay, []any{report.PayoutKindName(p.Kind), p.Kind, p.Payee, p.AmountYuan, p.Ref})
	}
	pay = append(pay, []any{"合计", "", "", res.TotalYuan, res.Quarter})
	b.sheet("发放清单", []string{"类别", "代码", "收款方", "金额(元)", "依据"}, pay)
	b.sheet("网格团队", []string{"名次", "网格", "村", "团队得分", "奖励(元)"}, teams)
	return b.save(path)
}

// Year writes the year's villages, grids and members.
func Year(path string, res *scoring.YearResult) error {
	b := newBook()
	var villages, grids, members [][]any
	for _, v := range res.Villages {
		villages = append(villages, []any{v.Rank, v.Village, v.Score, v.Santong, v.AwardYuan, v.BottomHalf})
	}
	for _, g := range res.Grids {
		grids = append(grids, []any{g.Grid, g.Village, g.Score})
	}
	for _, m := range res.Members {
		flag := ""
		if m.PartyFlag != nil {
			flag = *m.PartyFlag
		}
		members = append(members, []any{m.UserID, m.Name, m.Role, m.AnnualPoints, report.AwardName(m.Award), m.AwardYuan, flag})
	}
	b.sheet("村(居)", []string{"名次", "村(居)", "得分", "三同得分", "奖励(元)", "后50%"}, villages)
	b.sheet("网格", []string{"网格", "村", "年度得分"}, grids)
	b.sheet("网格员(长)", []string{"用户ID", "姓名", "角色", "年度积分", "奖项", "奖励(元)", "入党/先进建议"}, members)
	return b.save(path)
}
