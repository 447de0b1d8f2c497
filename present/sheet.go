package present

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"gridbot"
	"gridbot/scoring"
)

// Sheet is one sheet of a workbook for the office: a title row (town,
// period, as-at time), its header row, its rows (numbers stay numbers) and
// an optional 合计 row. Package sheets writes them to a file.
type Sheet struct {
	Name   string
	Title  string
	Header []string
	Rows   [][]any
	Total  []any // the 合计 row; nil: none
}

// Book is what every sheet's title names: the town and the as-at time.
type Book struct {
	Town string
	AsAt time.Time
}

// title is a sheet's title row: "海风镇 2026-10 月度排名（截至 2026-11-01 00:00）".
func (b Book) title(period, what string) string {
	return fmt.Sprintf("%s %s %s（截至 %s）", b.Town, period, what, b.AsAt.In(gridbot.Zone).Format("2006-01-02 15:04"))
}

// MonthSheets are the month's workbook: the ranking in place order, every
// member's items, the payouts (one row per payee) with their total, and the
// grids' operation index.
func MonthSheets(b Book, rk *Ranking, grids []scoring.GridMonth) []Sheet {
	rank := Sheet{Name: "排名", Title: b.title(rk.Month, "月度排名"),
		Header: []string{"名次", "并列", "姓名", "用户ID", "网格", "村(居)", "角色", "打卡天数", "积分",
			"排名资格", "尚缺", "档次", "奖励(元)"}}
	items := Sheet{Name: "积分明细", Title: b.title(rk.Month, "积分明细"),
		Header: []string{"姓名", "用户ID", "网格", "村(居)", "规则", "规则名称", "分值", "依据", "日期"}}
	pay := Sheet{Name: "发放清单", Title: b.title(rk.Month, "奖励发放清单"),
		Header: []string{"名次", "并列", "姓名", "用户ID", "网格", "村(居)", "档次", "金额(元)", "月份"}}
	for _, r := range rk.Rows {
		rank.Rows = append(rank.Rows, []any{rankCell(r.Rank), yesBlank(r.Tie, "并列"), r.Name, r.UserID, r.Grid, r.Village,
			string(r.Role), r.CheckinDays, r.Total, qualified(r.Eligible), Missing(r.MissingDays, r.MissingPoints),
			r.TierLabel(), r.RewardYuan})
		for _, it := range r.Items {
			items.Rows = append(items.Rows, []any{r.Name, r.UserID, r.Grid, r.Village, it.Rule, it.Name, it.Points, it.Ref, it.Date})
		}
	}
	rank.Total = []any{"合计", "", fmt.Sprintf("%d 人", len(rk.Rows)), "", "", "", "", "", "", "", "", "", rk.TotalYuan}
	for _, r := range rk.Payouts {
		pay.Rows = append(pay.Rows, []any{rankCell(r.Rank), yesBlank(r.Tie, "并列"), r.Name, r.UserID, r.Grid, r.Village,
			r.TierLabel(), r.RewardYuan, rk.Month})
	}
	pay.Total = []any{"合计", "", fmt.Sprintf("%d 人", len(rk.Payouts)), "", "", "", "", rk.TotalYuan, rk.Month}
	index := indexSheet(b.title(rk.Month, "网格运行指数"), monthIndexRows(grids))
	return []Sheet{rank, items, pay, index}
}

// QuarterSheets are the quarter's workbook: the payouts summed per payee,
// every payout, the teams in rank order and the grids' operation index.
func QuarterSheets(b Book, res *scoring.QuarterResult, r *scoring.Rules) []Sheet {
	tiers := Tiers(r)
	detail := Sheet{Name: "发放明细", Title: b.title(res.Quarter, "奖励发放明细"),
		Header: []string{"类别", "收款方", "用户ID", "网格", "村(居)", "金额(元)", "依据"}}
	sum := payees{}
	for _, p := range res.Payouts {
		kind := PayoutKind(tiers, p.Kind)
		name, uid, grid := payeeName(p), "", p.Grid
		if isMemberPayout(p.Kind) {
			uid = p.Payee
		} else if p.Kind != scoring.PayStory {
			grid = p.Payee
		}
		detail.Rows = append(detail.Rows, []any{kind, name, uid, grid, p.Village, p.AmountYuan, p.Ref})
		sum.add(payeeKind(p.Kind), name, uid, grid, p.Village, kind+" "+p.Ref, p.AmountYuan)
	}
	detail.Total = []any{"合计", fmt.Sprintf("%d 笔", len(res.Payouts)), "", "", "", res.TotalYuan, res.Quarter}
	pay := sum.sheet(b.title(res.Quarter, "奖励发放清单（每个收款方一行）"), res.TotalYuan)
	teams := Sheet{Name: "网格团队", Title: b.title(res.Quarter, "网格团队得分"),
		Header: []string{"名次", "并列", "网格", "村(居)", "人数", "团队得分", "奖励(元)"}}
	award := 0
	for _, t := range res.Teams {
		teams.Rows = append(teams.Rows, []any{t.Rank, yesBlank(t.Tie, "并列"), t.Grid, t.Village, t.Members, t.Score, t.AwardYuan})
		award += t.AwardYuan
	}
	teams.Total = []any{"合计", "", fmt.Sprintf("%d 个网格", len(res.Teams)), "", "", "", award}
	var rows []indexRow
	for _, g := range res.Grids {
		rows = append(rows, indexRow{g.Grid, g.Village, 0, g.Index, g.Parts})
	}
	index := indexSheet(b.title(res.Quarter, "网格运行指数（三个月平均）"), rows)
	return []Sheet{pay, detail, teams, index}
}

// YearSheets are the year's workbook: the payouts (one row per payee), the
// villages, grids and members in rank order, and the notes.
func YearSheets(b Book, res *scoring.YearResult) []Sheet {
	sum := payees{}
	villages := Sheet{Name: "村(居)", Title: b.title(res.Year+"年", "村(居)年度排名"),
		Header: []string{"名次", "并列", "村(居)", "网格数", "得分", "三同得分", "小故事加分", "奖励(元)", "先进党组织评选资格", "说明"}}
	award := 0
	for _, v := range res.Villages {
		villages.Rows = append(villages.Rows, []any{v.Rank, yesBlank(v.Tie, "并列"), v.Village, v.Grids, v.Score, v.Santong,
			v.StoryPoints, v.AwardYuan, villageEligibility(v.BottomHalf), v.Note})
		award += v.AwardYuan
		if v.AwardYuan > 0 {
			sum.add("村(居)", v.Village, "", "", v.Village, "优秀村(居)", v.AwardYuan)
		}
	}
	villages.Total = []any{"合计", "", fmt.Sprintf("%d 个村(居)", len(res.Villages)), "", "", "", "", award, "", ""}
	grids := Sheet{Name: "网格", Title: b.title(res.Year+"年", "网格年度得分"),
		Header: []string{"名次", "网格", "村(居)", "人数", "年度得分"}}
	for i, g := range res.Grids {
		grids.Rows = append(grids.Rows, []any{gridPlace(res.Grids, i), g.Grid, g.Village, g.Members, g.Score})
	}
	members := Sheet{Name: "网格员(长)", Title: b.title(res.Year+"年", "网格员(长)年度积分"),
		Header: []string{"角色", "名次", "并列", "姓名", "用户ID", "网格", "村(居)", "年度积分", "打卡达标月数", "奖项", "奖励(元)",
			"入党/先进建议", "理由"}}
	ms := slices.Clone(res.Members)
	slices.SortStableFunc(ms, func(x, y scoring.YearMember) int {
		return cmp.Or(cmp.Compare(roleOrder(x.Role), roleOrder(y.Role)), cmp.Compare(rankKey(x.Rank), rankKey(y.Rank)))
	})
	award = 0
	for _, m := range ms {
		members.Rows = append(members.Rows, []any{string(m.Role), rankCell(m.Rank), yesBlank(m.Tie, "并列"), m.Name, m.UserID,
			m.Grid, m.Village, m.AnnualPoints, m.CheckinMonths, scoring.AwardTitle(m.Award), m.AwardYuan, partyFlag(m.PartyFlag), m.PartyReason})
		award += m.AwardYuan
		if m.AwardYuan > 0 {
			sum.add(string(m.Role), m.Name, m.UserID, m.Grid, m.Village, scoring.AwardTitle(m.Award), m.AwardYuan)
		}
	}
	members.Total = []any{"合计", "", "", fmt.Sprintf("%d 人", len(ms)), "", "", "", "", "", "", award, "", ""}
	total := 0
	for _, p := range sum {
		total += p.yuan
	}
	book := []Sheet{sum.sheet(b.title(res.Year+"年", "年度奖励发放清单"), total), villages, grids, members}
	if len(res.Notes) > 0 {
		notes := Sheet{Name: "说明", Title: b.title(res.Year+"年", "评比说明"), Header: []string{"说明"}}
		for _, n := range res.Notes {
			notes.Rows = append(notes.Rows, []any{n})
		}
		book = append(book, notes)
	}
	return book
}

// payee is one row of a payout sheet: whoever is paid, and all they get.
type payee struct {
	kind, name, uid, grid, village string
	what                           []string
	yuan                           int
}

// payees sums the payouts per payee, in the order first paid.
type payees []*payee

func (ps *payees) add(kind, name, uid, grid, village, what string, yuan int) {
	for _, p := range *ps {
		if p.kind == kind && p.name == name && p.uid == uid {
			p.what = append(p.what, fmt.Sprintf("%s %d元", what, yuan))
			p.yuan += yuan
			return
		}
	}
	*ps = append(*ps, &payee{kind: kind, name: name, uid: uid, grid: grid, village: village,
		what: []string{fmt.Sprintf("%s %d元", what, yuan)}, yuan: yuan})
}

func (ps payees) sheet(title string, total int) Sheet {
	s := Sheet{Name: "发放清单", Title: title,
		Header: []string{"序号", "收款方", "类型", "用户ID", "网格", "村(居)", "明细", "合计(元)"}}
	for i, p := range ps {
		s.Rows = append(s.Rows, []any{i + 1, p.name, p.kind, p.uid, p.grid, p.village, strings.Join(p.what, "；"), p.yuan})
	}
	s.Total = []any{"合计", fmt.Sprintf("%d 个收款方", len(ps)), "", "", "", "", "", total}
	return s
}

// isMemberPayout reports whether a payout goes to a member (a ranking
// reward) rather than a grid team or a village.
func isMemberPayout(kind string) bool {
	switch kind {
	case scoring.PayTeam, scoring.PayPublicity, scoring.PayPhoto, scoring.PayStory:
		return false
	}
	return true
}

// payeeKind words who a payout goes to.
func payeeKind(kind string) string {
	switch {
	case kind == scoring.PayStory:
		return "村(居)"
	case isMemberPayout(kind):
		return "网格员(长)"
	}
	return "网格团队"
}

// payeeName is the payee as people read it: a member's name, else the grid or village.
func payeeName(p scoring.Payout) string {
	if p.Name != "" {
		return p.Name
	}
	return p.Payee
}

// indexRow is one grid's operation index, a month's or a quarter's.
type indexRow struct {
	grid, village string
	members       int
	index         float64
	parts         scoring.IndexParts
}

func monthIndexRows(gs []scoring.GridMonth) []indexRow {
	rows := make([]indexRow, 0, len(gs))
	for _, g := range gs {
		rows = append(rows, indexRow{g.Grid, g.Village, g.Members, g.Index, g.Parts})
	}
	return rows
}

// indexSheet lists the grids by their index, best first, with its parts.
func indexSheet(title string, rows []indexRow) Sheet {
	s := Sheet{Name: "网格运行指数", Title: title,
		Header: []string{"名次", "网格", "村(居)", "人数", "网格运行指数", "打卡率", "集体活动", "办结问题", "按时处置", "满意度", "党建办评定"}}
	slices.SortStableFunc(rows, func(x, y indexRow) int {
		return cmp.Or(cmp.Compare(y.index, x.index), strings.Compare(x.village, y.village), strings.Compare(x.grid, y.grid))
	})
	place := 0
	for i, r := range rows {
		if i == 0 || r.index != rows[i-1].index {
			place = i + 1
		}
		var members any = ""
		if r.members > 0 {
			members = r.members
		}
		p := r.parts
		s.Rows = append(s.Rows, []any{place, r.grid, r.village, members, r.index, part(p.CheckinRate), part(p.Activities),
			part(p.IssuesClosed), part(p.OnTime), part(p.Satisfaction), part(p.Office)})
	}
	return s
}

// part is an index part's score, or 无数据 when the period had none.
func part(v *float64) any {
	if v == nil {
		return "无数据"
	}
	return *v
}

func rankCell(rank *int) any {
	if rank == nil {
		return ""
	}
	return *rank
}

func rankKey(rank *int) int {
	if rank == nil {
		return 1 << 30
	}
	return *rank
}

func roleOrder(r gridbot.Role) int {
	switch r {
	case gridbot.RoleLeader:
		return 0
	case gridbot.RoleMember:
		return 1
	}
	return 2
}

// gridPlace is the place of grid i in grids sorted by score (shared places).
func gridPlace(gs []scoring.YearGrid, i int) int {
	for i > 0 && gs[i-1].Score == gs[i].Score {
		i--
	}
	return i + 1
}

func qualified(b bool) string {
	if b {
		return "达到"
	}
	return "未达到"
}

func villageEligibility(bottom bool) string {
	if bottom {
		return "取消（排名靠后）"
	}
	return "保留"
}

func yesBlank(b bool, yes string) string {
	if b {
		return yes
	}
	return ""
}
