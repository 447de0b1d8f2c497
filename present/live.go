package present

import (
	"fmt"
	"strings"
	"time"

	"gridbot/scoring"
)

// Standing is what a month's results are as people read them: published
// (frozen), a draft (over, not published) or live; and the footing of its
// places.
type Standing struct {
	Published    bool
	Ended        bool      // the month is over: a draft until published
	BaseComplete bool      // every member's base points are imported
	PlacedAt     time.Time // when the places were settled
	Among        int       // how many members the places are among
}

// StandingOf is the standing of a town's month; published says whether res
// is the frozen month.
func StandingOf(res *scoring.MonthResult, published bool) Standing {
	return Standing{Published: published, Ended: res.Ended, BaseComplete: res.BaseComplete, PlacedAt: res.AsAt,
		Among: len(res.Members)}
}

// live reports whether places are provisional (暂列): not published, and
// the month not over or its base points not all imported.
func (s Standing) live() bool { return !s.Published && (!s.Ended || !s.BaseComplete) }

// state says what figures as at at are: "已公布", "草稿，截至 12月1日 09:00，尚未发布"
// or "实时，截至 12月5日 10:35".
func (s Standing) state(at time.Time) string {
	switch {
	case s.Published:
		return "已公布"
	case s.Ended:
		return "草稿，截至 " + When(at) + "，尚未发布"
	}
	return "实时，截至 " + When(at)
}

// basis says what live places are ranked on.
func (s Standing) basis() string {
	switch {
	case s.Ended:
		return "按已计入积分排，基础积分尚未全部导入，都不计"
	case s.BaseComplete:
		return "按已计入积分（含基础积分）排，月底结算项都不计"
	}
	return "按已计入积分排，月底结算项和基础积分都不计"
}

// livePlace writes a member's provisional place:
// "暂列第 3 名（共 58 人，按…；12月5日 10:35 计算）".
func livePlace(m scoring.MemberResult, s Standing) string {
	if m.LiveRank == nil {
		return ""
	}
	tie := ""
	if m.LiveTie {
		tie = "并列，"
	}
	return fmt.Sprintf("暂列第 %d 名（%s共 %d 人，%s；%s 计算）。", *m.LiveRank, tie, s.Among, s.basis(), When(s.PlacedAt))
}

// partsChat is the 积分 reply of a month whose figures are not final: what
// already counts, the month-end conditions (before the month ends), what is
// not known yet, what to do next and the provisional place.
func partsChat(b *strings.Builder, m scoring.MemberResult, r *scoring.Rules, month string, s Standing, at time.Time) {
	fmt.Fprintf(b, "%s（%s）%s 积分：已计入 %s 分，打卡 %d 天（%s）", m.Name, m.Grid, month, Num(m.CertainPoints), m.CheckinDays, s.state(at))
	b.WriteString("\n已计入：")
	n := 0
	for _, it := range m.Items {
		if !it.MonthEnd {
			writeItem(b, it)
			n++
		}
	}
	if n == 0 {
		b.WriteString("\n· 暂无")
	}
	if len(m.Pending) > 0 {
		b.WriteString("\n月底结算（按月底情况定，现在不计入）：")
		for _, line := range pendingLines(m.Pending, m.DaysLeft) {
			b.WriteString("\n· " + line)
		}
	}
	if m.BasePoints == nil {
		b.WriteString("\n尚未知道：基础积分待导入")
		if m.LastBasePoints != nil {
			fmt.Fprintf(b, "（上月 %s 分）", Num(*m.LastBasePoints))
		}
	}
	if steps := nextLines(m, r); len(steps) > 0 {
		b.WriteString("\n接下来：")
		for _, line := range steps {
			b.WriteString("\n· " + line)
		}
	}
	if m.Excluded != "" {
		fmt.Fprintf(b, "\n本月因综合表现不参加排名：%s", m.Excluded)
	} else if p := livePlace(m, s); p != "" {
		b.WriteString("\n" + p)
	}
}

// pendingLines words the month-end conditions: attendance in one line,
// then each of the grid's.
func pendingLines(ps []scoring.Pending, daysLeft int) []string {
	by := map[string]scoring.Pending{}
	for _, p := range ps {
		by[p.Rule] = p
	}
	var out []string
	full, okF := by[scoring.RAttFull]
	many, okM := by[scoring.RAtt20]
	low, okL := by[scoring.RAttLow]
	if okF && okM && okL {
		line := fmt.Sprintf("打卡 %d 天：月底满%d天 %s、全勤 %s，%d天及以下 %s", many.Have, many.Target, Signed(many.IfMet),
			Signed(full.IfMet), low.Target-1, Signed(low.IfNot))
		switch {
		case many.Have >= many.Target:
			line += fmt.Sprintf("（已满%d天）", many.Target)
		case !many.Possible:
			line += fmt.Sprintf("（月底最多 %d 天，已满不了%d天）", many.Have+daysLeft, many.Target)
		}
		out = append(out, line)
	}
	for _, g := range []struct{ rule, what string }{{scoring.RGridIssues, "办结"}, {scoring.RGridActs, "活动"}} {
		p, ok := by[g.rule]
		if !ok {
			continue
		}
		line := fmt.Sprintf("本网格本月%s %d 条，月底少于%d条全网格 %s", g.what, p.Have, p.Target, Signed(p.IfNot))
		if p.Have >= p.Target {
			line += "（已达到）"
		}
		out = append(out, line)
	}
	return out
}

// nextLines words the next steps.
func nextLines(m scoring.MemberResult, r *scoring.Rules) []string {
	at, k := r.Monthly.Attendance, r.Ranking
	var out []string
	for _, st := range m.NextSteps {
		need := int(st.Need)
		switch {
		case st.Unit == scoring.UnitCheckinDays && st.Rule == scoring.RRankElig && st.Possible:
			out = append(out, fmt.Sprintf("还需打卡 %d 天，满%d天才能参加排名（本月还可打卡 %d 天）", need, k.MinCheckinDays, m.DaysLeft))
		case st.Unit == scoring.UnitCheckinDays && st.Rule == scoring.RRankElig:
			out = append(out, fmt.Sprintf("本月还可打卡 %d 天，月底最多 %d 天，满不了%d天：本月已不能参加排名", m.DaysLeft,
				m.CheckinDays+m.DaysLeft, k.MinCheckinDays))
		case st.Unit == scoring.UnitCheckinDays && st.Possible:
			out = append(out, fmt.Sprintf("再打卡 %d 天可免「打卡%d天以下 %s」", need, at.FewDays, Signed(at.FewPoints)))
		case st.Unit == scoring.UnitCheckinDays:
			out = append(out, fmt.Sprintf("月底最多打卡 %d 天，「打卡%d天以下 %s」已免不了", m.CheckinDays+m.DaysLeft, at.FewDays, Signed(at.FewPoints)))
		case st.Unit == scoring.UnitIssuesClosed:
			out = append(out, fmt.Sprintf("本网格本月再办结 %d 条问题，可免全网格 %s", need, Signed(r.Monthly.Grid.IssuesPoints)))
		case st.Unit == scoring.UnitActivities:
			out = append(out, fmt.Sprintf("本网格本月再开展 %d 次集体活动，可免全网格 %s", need, Signed(r.Monthly.Grid.ActivitiesPoints)))
		case st.Unit == scoring.UnitPoints:
			out = append(out, fmt.Sprintf("排名还差 %s 分（总分需 %s 分以上；已算上月底满%d天 %s，网格两项按达到计）", Num(st.Need),
				Num(k.MinPoints), at.ManyDays, Signed(scoring.EligibleBonus(r))))
		case st.Unit == scoring.UnitBasePoints && st.Need > 0:
			out = append(out, fmt.Sprintf("排名要总分 %s 分以上：已计入 %s 分，月底满%d天 %s，网格两项按达到计，基础积分导入后需 %s 分以上",
				Num(k.MinPoints), Num(m.CertainPoints), at.ManyDays, Signed(scoring.EligibleBonus(r)), Num(st.Need)))
		case st.Unit == scoring.UnitBasePoints:
			out = append(out, fmt.Sprintf("排名要总分 %s 分以上：已计入 %s 分加月底满%d天 %s 已够（网格两项按达到计）",
				Num(k.MinPoints), Num(m.CertainPoints), at.ManyDays, Signed(scoring.EligibleBonus(r))))
		}
	}
	return out
}

// writeItem writes one line of a breakdown.
func writeItem(b *strings.Builder, it scoring.Item) {
	fmt.Fprintf(b, "\n· %s %s", it.Name, Signed(it.Points))
	var ref []string
	for _, s := range []string{it.Ref, it.Note, it.Date} {
		if s != "" {
			ref = append(ref, s)
		}
	}
	if len(ref) > 0 {
		fmt.Fprintf(b, "（%s）", strings.Join(ref, "，"))
	}
}

// StateOf says where a month's result stands — published, a draft, or live —
// with the time it was settled, as 积分 and 排行 do (the dashboard's heading).
func StateOf(res *scoring.MonthResult, published bool) string {
	return StandingOf(res, published).state(res.AsAt)
}
