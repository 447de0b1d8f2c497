package scoring

import (
	"fmt"
	"time"

	"gridbot"
)

// issues scans the issues once: closings and ratings of the month (for
// R-GRID-ISSUES, R-RANK-TIE and the index) and the deadlines that passed in
// the month (R-OVERDUE-*). It takes them grid by grid: a big town's month
// books a million overdue marks to the members of their grids, whose
// breakdowns then stay at hand. A breakdown is sorted in the end, and its
// items from different issues differ in their numbers (the store numbers
// every issue), so the order of the grids changes nothing.
func (m *monthRun) issues() {
	for _, i := range gridOrder(len(m.f.Issues), func(i int) int64 { return m.f.Issues[i].GridID }) {
		is := &m.f.Issues[i]
		if !m.w.known(is.Record) {
			continue
		}
		nativeIssue(m, is)
		g := m.grid(is.GridID)
		if is.Closed() && m.w.has(is.ClosedAt) {
			g.IssuesClosed++
			if !is.ClosedAt.After(m.r.CloseDeadline(is.ReportedAt)) {
				g.closedOnTime++
			}
			if a := m.acc(is.GridID, is.Assignee); a != nil {
				a.IssuesClosed++
			}
		}
		if score, ok := ratingScore(m.r, is.Rating); ok && !is.RatedAt.IsZero() && m.w.has(is.RatedAt) {
			g.ratingSum += score
			g.ratings++
		}
		rOverdue24H(m, is)
		rOverdue7D(m, is)
		rOverdueClose(m, is)
	}
}

// rGridIssues is R-GRID-ISSUES: the member's grid (at the end of the month)
// closed fewer than min_issues_closed issues in the month.
func rGridIssues(m *monthRun, a *memberAcc) {
	g := m.grid(a.GridID)
	if n := g.IssuesClosed; n < m.r.Monthly.Grid.MinIssuesClosed {
		if g.issuesRef == "" {
			g.issuesRef = fmt.Sprintf("%s 办结 %d 条", a.Grid, n)
		}
		a.book(Item{Rule: RGridIssues, Name: m.text.gridIssues, Points: m.r.Monthly.Grid.IssuesPoints, Ref: g.issuesRef})
	}
}

// rGridActs is R-GRID-ACTS: the member's grid (at the end of the month)
// recorded fewer than min_activities collective activities in the month.
func rGridActs(m *monthRun, a *memberAcc) {
	g := m.grid(a.GridID)
	if n := g.Activities; n < m.r.Monthly.Grid.MinActivities {
		if g.actsRef == "" {
			g.actsRef = fmt.Sprintf("%s 活动 %d 条", a.Grid, n)
		}
		a.book(Item{Rule: RGridActs, Name: m.text.gridActs, Points: m.r.Monthly.Grid.ActivitiesPoints, Ref: g.actsRef})
	}
}

// rOverdue24H is R-OVERDUE-24H: an issue not dispatched within dispatch_hours
// of its report costs every member of its grid, booked in the month the mark
// passes, whether or not it was dispatched later.
func rOverdue24H(m *monthRun, is *gridbot.Issue) {
	o := m.r.Monthly.Overdue
	mark := m.r.DispatchDeadline(is.ReportedAt)
	if !m.w.passed(mark) {
		return
	}
	g := m.grid(is.GridID)
	g.dispatchDue++
	if doneBy(is.DispatchedAt, mark) {
		g.dispatchOnTime++
		return
	}
	penalize(m, is, mark, ROverdue24H, m.text.overdue24H, o.DispatchPoints)
}

// rOverdue7D is R-OVERDUE-7D: an issue not dispatched within
// dispatch_late_days of its report; it stacks with R-OVERDUE-24H.
func rOverdue7D(m *monthRun, is *gridbot.Issue) {
	o := m.r.Monthly.Overdue
	mark := m.r.DispatchLateDeadline(is.ReportedAt)
	if !m.w.passed(mark) || doneBy(is.DispatchedAt, mark) {
		return
	}
	penalize(m, is, mark, ROverdue7D, m.text.overdue7D, o.DispatchLatePoints)
}

// rOverdueClose is R-OVERDUE-CLOSE, the optional closing target ("一般7日内
// 办结", counted from the report): off unless close_penalty is true.
func rOverdueClose(m *monthRun, is *gridbot.Issue) {
	o := m.r.Monthly.Overdue
	mark := m.r.CloseDeadline(is.ReportedAt)
	if !o.ClosePenalty || !m.w.passed(mark) || doneBy(is.ClosedAt, mark) {
		return
	}
	penalize(m, is, mark, ROverdueClose, m.text.overdueClose, o.ClosePoints)
}

// doneBy reports whether something happened (t non-zero) no later than mark.
func doneBy(t, mark time.Time) bool { return !t.IsZero() && !t.After(mark) }

// penalize books an issue's penalty to everyone ranked in its grid at the
// mark, which passed.
func penalize(m *monthRun, is *gridbot.Issue, mark time.Time, rule, name string, points float64) {
	it := Item{Rule: rule, Name: name, Points: points, Ref: issueRef(is), Date: gridbot.Day(mark), seq: is.No,
		ord: itemOrder[rule]}
	members := m.members[is.GridID]
	for i := range members {
		if gm := &members[i]; gm.Covers(mark) {
			gm.acc.book(it)
		}
	}
}
