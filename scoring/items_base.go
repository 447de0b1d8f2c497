package scoring

import (
	"fmt"

	"gridbot"
)

// rBase is R-BASE: the platform points imported for the month (岭格治理平台积分)
// and the native per-check-in points of the rules file. The other native
// points are booked as their facts are scanned (nativeActivity, nativeIssue).
func rBase(m *monthRun) {
	start, _, _ := MonthBounds(m.month)
	last := gridbot.Month(start.AddDate(0, -1, 0))
	for _, bp := range m.f.BasePoints {
		if a := m.accs[bp.UserID]; a != nil && bp.Month == last {
			p := bp.Points
			a.LastBasePoints = &p
		}
		if a := m.accs[bp.UserID]; a != nil && bp.Month == m.month {
			a.hasBase, a.base = true, a.base+bp.Points
			a.book(Item{Rule: RBase, Name: "基础积分", Points: bp.Points, Ref: "基础积分 " + m.month})
		}
	}
	if n := m.r.Monthly.Base.Native.Checkin; n != 0 {
		for _, a := range m.accs {
			if a.CheckinDays > 0 {
				a.book(Item{Rule: RBase, Name: "基础积分（打卡）", Points: n * float64(a.CheckinDays),
					Ref: fmt.Sprintf("打卡 %d 天", a.CheckinDays)})
			}
		}
	}
}

// nativeActivity books R-BASE's native points for taking part in an activity.
func nativeActivity(m *monthRun, a *memberAcc, act *gridbot.Activity) {
	if n := m.r.Monthly.Base.Native.Activity; n != 0 {
		a.book(Item{Rule: RBase, Name: "基础积分（集体活动）", Points: n,
			Ref: fmt.Sprintf("活动#%d", act.ID), Date: gridbot.Day(act.At), seq: act.ID})
	}
}

// nativeIssue books R-BASE's native points for reporting an issue in the
// month and for closing, in the month, an issue assigned to the member.
func nativeIssue(m *monthRun, is *gridbot.Issue) {
	n := m.r.Monthly.Base.Native
	if n.IssueReported == 0 && n.IssueClosed == 0 {
		return // the 2020 scheme's: no look-ups for the town's 200k issues
	}
	if a := m.accs[is.ReportedBy]; a != nil && n.IssueReported != 0 && m.w.has(is.ReportedAt) {
		a.book(Item{Rule: RBase, Name: "基础积分（上报问题）", Points: n.IssueReported,
			Ref: issueRef(is), Date: gridbot.Day(is.ReportedAt), seq: is.No})
	}
	if a := m.accs[is.Assignee]; a != nil && n.IssueClosed != 0 && is.Closed() && m.w.has(is.ClosedAt) {
		a.book(Item{Rule: RBase, Name: "基础积分（办结问题）", Points: n.IssueClosed,
			Ref: issueRef(is), Date: gridbot.Day(is.ClosedAt), seq: is.No})
	}
}

func issueRef(is *gridbot.Issue) string { return fmt.Sprintf("问题#%d", is.No) }
