package notices

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"gridbot"
	"gridbot/calendar"
	"gridbot/present"
	"gridbot/results"
	"gridbot/scoring"
)

// decide re-reads what a due notice depends on, in the sending
// transaction, and says whether, to whom and what to send.
func (v *view) decide(s gridbot.Scheduled, now time.Time) (decision, error) {
	if !s.Expires.IsZero() && !now.Before(s.Expires) {
		if s.Threshold > 0 {
			return skip("时限已过，不再提醒"), nil
		}
		return skip("已过期（到时未能发送）"), nil
	}
	switch s.Kind {
	case gridbot.NoticeDispatchWarning, gridbot.NoticeDispatchOverdue, gridbot.NoticeDispatchOverdue7d,
		gridbot.NoticeCloseWarning, gridbot.NoticeCloseOverdue:
		return v.issueNotice(s, now)
	case gridbot.NoticeDeliberationEve, gridbot.NoticeDeliberationDay:
		g, ok := v.byName[s.Subject]
		if !ok {
			return skip("网格已不存在"), nil
		}
		lunar := "农历十六"
		if len(calendar.Lunar16ths(s.Deadline, s.Deadline.AddDate(0, 0, 1))) == 0 {
			lunar = "农历十六逢法定节假日，顺延至此日"
		}
		text := fmt.Sprintf("【议事日提醒】明天（%s，%s）是%s的议事日。请网格长提前召集成员、准备议题，会后发送：议事 纪要 @参加成员（党建办确认台账后参加的每人加分）。",
			present.Date(s.Deadline), lunar, g.Name)
		if s.Kind == gridbot.NoticeDeliberationDay {
			text = fmt.Sprintf("【议事日】今天（%s，%s）是%s的议事日。请网格长组织网格议事，会后发送：议事 纪要 @参加成员。", present.Date(s.Deadline), lunar, g.Name)
		}
		return decision{targets: []target{group(gridbot.ScopeGrid, g.Name, nil)}, text: text}, nil
	case gridbot.NoticeWeeklyQuota:
		return v.weeklyQuota(s, now)
	case gridbot.NoticeCheckinNudge:
		return v.nudge(s)
	case gridbot.NoticeMonthDraft:
		return v.monthDraft(s, now)
	case gridbot.NoticeHolidaysMissing:
		year := 0
		fmt.Sscan(s.Ref, &year)
		if calendar.HolidaysKnown(year) {
			return skip(fmt.Sprintf("日历数据已有 %d 年的法定节假日", year)), nil
		}
		ts := v.officeTargets()
		if len(ts) == 0 {
			return skip("本镇没有党建办人员"), nil
		}
		return decision{targets: ts, text: fmt.Sprintf("【日历数据】gridbot 的日历数据里还没有 %d 年的法定节假日和调休安排（国务院一般在年底公布）。在更新之前，议事日遇节假日的顺延和工作日判断都按普通周末计算。请联系运维人员升级 gridbot（更新 6tail/lunar-go 的节假日数据）。", year)}, nil
	}
	return skip("未知的提醒类型 " + s.Kind), nil
}

func (v *view) issueNotice(s gridbot.Scheduled, now time.Time) (decision, error) {
	i, err := v.tx.IssueByNo(v.town, s.IssueNo)
	if gridbot.ErrorCode(err) == gridbot.ENOTFOUND {
		return skip("问题已不存在"), nil
	} else if err != nil {
		return decision{}, err
	}
	rules := v.r.Rules
	o := rules.Monthly.Overdue
	g := v.grids[i.GridID]
	if s.Kind == gridbot.NoticeDispatchWarning && i.Dispatched() {
		return skip(fmt.Sprintf("已于 %s 派发", present.When(i.DispatchedAt))), nil
	}
	if s.Kind == gridbot.NoticeCloseWarning && i.Closed() {
		return skip(fmt.Sprintf("已于 %s 办结", present.When(i.ClosedAt))), nil
	}
	if s.Threshold > 0 {
		// A later threshold of the same deadline due by now supersedes this one.
		others, err := v.tx.IssueNotices(v.town, s.IssueNo)
		if err != nil {
			return decision{}, err
		}
		for _, x := range others {
			if x.Kind == s.Kind && x.Threshold > s.Threshold && !x.DueAt.After(now) {
				return skip(fmt.Sprintf("被同一时限更晚的提醒（%s）取代", fraction(x.Threshold))), nil
			}
		}
	}
	leaders, leaderless := v.leaderTargets(i.GridID)
	note := ""
	if leaderless {
		note = "（该网格暂无网格长，转党建办）"
	}
	mark := s.PlannedAt
	dispatchedBy := func(t time.Time) bool { return i.Dispatched() && !i.DispatchedAt.After(t) }
	closedBy := func(t time.Time) bool { return i.Closed() && !i.ClosedAt.After(t) }
	ref := fmt.Sprintf("问题#%d（%s）", i.No, g.Name)
	switch s.Kind {
	case gridbot.NoticeDispatchWarning:
		if i.Dispatched() {
			return skip(fmt.Sprintf("已于 %s 派发", present.When(i.DispatchedAt))), nil
		}
		return decision{targets: leaders, text: fmt.Sprintf("%s上报已%s仍未派发，请在 %s 前派发（派发 #%d @成员），逾期全网格每人扣 %s 分。%s\n问题：%s",
			ref, present.Span(s.DueAt.Sub(i.ReportedAt).Round(time.Hour)), present.When(s.Deadline), i.No, present.Deduction(o.DispatchPoints), note, i.Description)}, nil
	case gridbot.NoticeDispatchOverdue, gridbot.NoticeDispatchOverdue7d:
		if dispatchedBy(mark) {
			return skip(fmt.Sprintf("已于 %s 派发，未超时", present.When(i.DispatchedAt))), nil
		}
		pts, span := o.DispatchPoints, fmt.Sprintf("%d小时", o.DispatchHours)
		if s.Kind == gridbot.NoticeDispatchOverdue7d {
			pts, span = o.DispatchLatePoints, fmt.Sprintf("%d天", o.DispatchLateDays)
		}
		text := fmt.Sprintf("【超时】%s上报超过%s未派发，按规则全网格每人扣 %s 分。请尽快派发：派发 #%d @成员。%s\n问题：%s",
			ref, span, present.Deduction(pts), i.No, note, i.Description)
		if i.Dispatched() {
			text = fmt.Sprintf("【超时】%s在 %s 前未派发（%s 才派发），按规则全网格每人扣 %s 分。%s",
				ref, present.When(mark), present.When(i.DispatchedAt), present.Deduction(pts), note)
		}
		return decision{targets: merge(leaders, v.officeTargets()), text: text}, nil
	case gridbot.NoticeCloseWarning:
		if !i.Dispatched() {
			return skip("尚未派发（派发时限的提醒在先）"), nil
		}
		if i.Closed() {
			return skip(fmt.Sprintf("已于 %s 办结", present.When(i.ClosedAt))), nil
		}
		ts := []target{person(i.Assignee)}
		if s.Threshold >= rules.Notices.CloseLeadersFrom {
			ts = merge(ts, leaders)
		}
		return decision{targets: ts, text: fmt.Sprintf("%s已派发给 %s，请在 %s 前办结（还剩约%s），办结后发送：办结 #%d 办理结果。\n问题：%s",
			ref, v.name(i.Assignee), present.When(s.Deadline), present.Span(s.Deadline.Sub(s.DueAt).Round(time.Hour)), i.No, i.Description)}, nil
	case gridbot.NoticeCloseOverdue:
		if !dispatchedBy(mark) {
			return skip("到期时尚未派发（另有未派发的超时提醒）"), nil
		}
		if closedBy(mark) {
			return skip(fmt.Sprintf("已于 %s 办结", present.When(i.ClosedAt))), nil
		}
		text := fmt.Sprintf("【超时】%s派发给 %s 后，已超过%d日办结时限（%s）仍未办结。请尽快办结：办结 #%d 办理结果。%s",
			ref, v.name(i.Assignee), o.CloseDays, present.When(mark), i.No, note)
		if o.ClosePenalty {
			text += fmt.Sprintf("按规则扣 %s 分。", present.Deduction(o.ClosePoints))
		}
		if i.Closed() {
			text = fmt.Sprintf("【超时】%s在 %d 日办结时限（%s）前未办结（%s 才办结）。%s", ref, o.CloseDays, present.When(mark), present.When(i.ClosedAt), note)
		}
		return decision{targets: merge([]target{person(i.Assignee)}, leaders, v.officeTargets()), text: text}, nil
	}
	return skip("未知的提醒类型"), nil
}

func (v *view) name(uid string) string {
	if p, ok := v.byUser[uid]; ok {
		return p.Name
	}
	p, err := v.tx.PersonByUserID(v.town, uid)
	if err != nil {
		return uid
	}
	return p.Name
}

// weekStart is the Monday 00:00 of t's week.
func weekStart(t time.Time) time.Time {
	d := day(t)
	back := (int(d.Weekday()) + 6) % 7
	return d.AddDate(0, 0, -back)
}

func (v *view) weeklyQuota(s gridbot.Scheduled, now time.Time) (decision, error) {
	g, ok := v.byName[s.Subject]
	if !ok {
		return skip("网格已不存在"), nil
	}
	n := v.r.Rules.Notices
	from := weekStart(s.PlannedAt)
	k := from.Format(time.DateOnly) + now.Format(time.RFC3339)
	counts, ok := v.counts[k]
	if !ok {
		var err error
		if counts, err = v.tx.GridCounts(v.town, from, now.Add(time.Millisecond)); err != nil {
			return decision{}, err
		}
		v.counts[k] = counts
	}
	c := counts[g.ID]
	var missing []string
	if c.Activities < n.WeeklyActivities {
		missing = append(missing, fmt.Sprintf("集体活动 %d 次（至少 %d 次，还差 %d 次）", c.Activities, n.WeeklyActivities, n.WeeklyActivities-c.Activities))
	}
	if c.Issues < n.WeeklyIssues {
		missing = append(missing, fmt.Sprintf("上报问题 %d 个（至少 %d 个，还差 %d 个）", c.Issues, n.WeeklyIssues, n.WeeklyIssues-c.Issues))
	}
	if len(missing) == 0 {
		return skip(fmt.Sprintf("本周已达标（活动 %d 次，问题 %d 个）", c.Activities, c.Issues)), nil
	}
	ls := ids(v.leaders[g.ID])
	return decision{targets: []target{group(gridbot.ScopeGrid, g.Name, ls)},
		text: fmt.Sprintf("【本周进度】%s本周（%s起）：%s。请网格长抓紧组织：活动 <类别> <内容> @成员；网格员走访后：上报 <描述>。",
			g.Name, present.Date(from), strings.Join(missing, "；"))}, nil
}

func (v *view) nudge(s gridbot.Scheduled) (decision, error) {
	p, ok := v.byUser[s.Subject]
	if !ok || p.GridID == 0 {
		return skip("已不在网格花名册"), nil
	}
	if v.off == nil {
		off, err := v.tx.NoticesOff(v.town, gridbot.NoticeCheckinNudge)
		if err != nil {
			return decision{}, err
		}
		v.off = off
	}
	if v.off[p.UserID] {
		return skip("本人已关闭打卡提醒（提醒 关 打卡）"), nil
	}
	checked, ok := v.checked[s.Ref]
	if !ok {
		var err error
		if checked, err = v.tx.CheckedIn(v.town, s.Ref); err != nil {
			return decision{}, err
		}
		v.checked[s.Ref] = checked
	}
	if checked[p.UserID] {
		return skip("今天已打卡"), nil
	}
	return decision{targets: []target{person(p.UserID)},
		text: fmt.Sprintf("%s，你今天（%s）还没有打卡。请在 %s 前发送「打卡」（附位置）。不需要这条提醒请发送：提醒 关 打卡",
			p.Name, present.Date(s.PlannedAt), v.r.Rules.CheckinWindow.To)}, nil
}

func (v *view) monthDraft(s gridbot.Scheduled, now time.Time) (decision, error) {
	if len(v.office) == 0 {
		return skip("本镇没有党建办人员"), nil
	}
	res, frozen, err := results.Month(v.tx, v.town, v.r.Rules, s.Ref, now)
	if err != nil {
		return decision{}, err
	}
	if frozen {
		return skip(s.Ref + " 已发布"), nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "【%s 排名草稿】（尚未发布，截至 %s）\n", s.Ref, present.When(now))
	ranked := append([]scoring.MemberResult(nil), res.Members...)
	sort.SliceStable(ranked, func(a, c int) bool { return rankOf(ranked[a]) < rankOf(ranked[c]) })
	total, shown, noCheckin, ineligible := 0, 0, 0, 0
	for _, m := range ranked {
		total += m.RewardYuan
		if m.CheckinDays == 0 {
			noCheckin++
		}
		if !m.Eligible {
			ineligible++
		}
		if m.Rank != nil && shown < 10 {
			fmt.Fprintf(&b, "%d. %s（%s）%s 分", *m.Rank, m.Name, m.Grid, present.Num(m.Total))
			if m.RewardYuan > 0 {
				fmt.Fprintf(&b, "，奖励 %d 元", m.RewardYuan)
			}
			b.WriteByte('\n')
			shown++
		}
	}
	fmt.Fprintf(&b, "排名奖励合计 %d 元。", total)
	var look []string
	if noCheckin > 0 {
		look = append(look, fmt.Sprintf("%d 人当月没有打卡记录（打卡记录是否已导入？）", noCheckin))
	}
	if ineligible > 0 {
		look = append(look, fmt.Sprintf("%d 人未达到排名条件", ineligible))
	}
	if len(look) > 0 {
		fmt.Fprintf(&b, "\n请留意：%s。", strings.Join(look, "；"))
	}
	fmt.Fprintf(&b, "\n核对无误后发送：发布 %s（先预览），再 确认发布 %s。", s.Ref, s.Ref)
	// One-to-one to each office member, whatever robots the town has.
	var ts []target
	for _, p := range v.office {
		ts = append(ts, person(p.UserID))
	}
	return decision{targets: ts, text: b.String()}, nil
}

func rankOf(m scoring.MemberResult) int {
	if m.Rank == nil {
		return math.MaxInt
	}
	return *m.Rank
}
