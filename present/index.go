package present

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"gridbot/scoring"
)

// indexParts names the parts of the 网格运行指数 with their weights.
func indexParts(p scoring.IndexParts, w scoring.Weights) []struct {
	name   string
	v      *float64
	weight float64
} {
	return []struct {
		name   string
		v      *float64
		weight float64
	}{{"打卡率", p.CheckinRate, w.CheckinRate}, {"集体活动", p.Activities, w.Activities}, {"办结问题", p.IssuesClosed, w.IssuesClosed},
		{"按时处置", p.OnTime, w.OnTime}, {"满意度", p.Satisfaction, w.Satisfaction}, {"党建办评定", p.Office, w.Office}}
}

// IndexChat is the 指数 reply for one grid: the index and each part with
// its weight; a part without data in the month is named as left out.
func IndexChat(g scoring.GridMonth, month string, r *scoring.Rules, live bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s（%s）%s 网格运行指数：%s", g.Grid, g.Village, month, Num(g.Index))
	for _, p := range indexParts(g.Parts, r.Index.Weights) {
		if p.v == nil {
			fmt.Fprintf(&b, "\n- %s：无数据（权重 %s%%，本月不计入）", p.name, Num(100*p.weight))
			continue
		}
		fmt.Fprintf(&b, "\n- %s：%s（权重 %s%%）", p.name, Num(*p.v), Num(100*p.weight))
	}
	b.WriteString("\n各项 0–100 分，按权重加权平均；无数据的项不计入，其余按权重折算。")
	if live {
		b.WriteString("本月尚未结束，为截至目前的指数。")
	}
	return b.String()
}

// IndexListChat is the 指数 reply for the office: every grid, best first.
func IndexListChat(gs []scoring.GridMonth, month string, live bool) string {
	gs = slices.Clone(gs)
	slices.SortStableFunc(gs, func(x, y scoring.GridMonth) int {
		return cmp.Or(cmp.Compare(y.Index, x.Index), strings.Compare(x.Village, y.Village), strings.Compare(x.Grid, y.Grid))
	})
	var b strings.Builder
	fmt.Fprintf(&b, "%s 网格运行指数（%d 个网格）", month, len(gs))
	if live {
		b.WriteString("，截至目前")
	}
	place := 0
	for i, g := range gs {
		if i == 0 || g.Index != gs[i-1].Index {
			place = i + 1
		}
		fmt.Fprintf(&b, "\n%d. %s（%s）%s", place, g.Grid, g.Village, Num(g.Index))
	}
	if len(gs) == 0 {
		b.WriteString("\n本月还没有网格数据。")
	} else {
		b.WriteString("\n发送「指数 网格名」查看各项得分。")
	}
	return b.String()
}
