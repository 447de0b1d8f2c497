package scoring

import (
	"testing"
	"time"

	"gridbot"
)

// overdueTown: grid g with leader L and member M; one issue reported at reported.
func overdueTown(reported time.Time) (*town, int64) {
	tw := newTown()
	g := tw.grid(tw.village("海风村"), "一网格")
	tw.person("L", gridbot.RoleLeader, g)
	tw.person("M", gridbot.RoleMember, g)
	tw.issue(g, "M", reported)
	return tw, g
}

func settle(tw *town, month string, at time.Time) *MonthResult {
	return Month(&tw.f, DefaultRules(), month, at)
}

func TestOverdue24hMarkPassingJustAfterMonthEnd(t *testing.T) {
	tw, _ := overdueTown(ts("2026-09-30 20:00")) // mark: 2026-10-01 20:00
	if got := items(member(t, tw.month("2026-09"), "M"), ROverdue24H); len(got) != 0 {
		t.Errorf("September books the October mark: %+v", got)
	}
	for _, u := range []string{"L", "M"} {
		its := items(member(t, tw.month("2026-10"), u), ROverdue24H)
		if len(its) != 1 || its[0].Points != -2 || its[0].Ref != "问题#1" || its[0].Date != "2026-10-01" {
			t.Errorf("%s October R-OVERDUE-24H %+v", u, its)
		}
	}
	// Settled as at before the mark, or exactly at it: nothing yet.
	for _, at := range []string{"2026-10-01 19:59", "2026-10-01 20:00"} {
		if got := items(member(t, settle(tw, "2026-10", ts(at)), "M"), ROverdue24H); len(got) != 0 {
			t.Errorf("as at %s: %+v", at, got)
		}
	}
	if got := items(member(t, settle(tw, "2026-10", ts("2026-10-01 20:01")), "M"), ROverdue24H); len(got) != 1 {
		t.Errorf("as at 20:01: %+v", got)
	}
}

func TestOverdueDispatchedBeforeTheMarkBooksNothing(t *testing.T) {
	tw, _ := overdueTown(ts("2026-10-05 09:00"))
	tw.f.Issues[0].Assignee, tw.f.Issues[0].DispatchedAt = "M", ts("2026-10-06 09:00") // exactly at 24h: in time
	mr := member(t, tw.month("2026-10"), "M")
	if n := len(items(mr, ROverdue24H)) + len(items(mr, ROverdue7D)); n != 0 {
		t.Fatalf("booked %d overdue items", n)
	}
}

func TestOverdueDispatchedLaterStillBooked(t *testing.T) {
	tw, _ := overdueTown(ts("2026-10-05 09:00"))
	tw.f.Issues[0].Assignee, tw.f.Issues[0].DispatchedAt = "M", ts("2026-10-08 09:00") // after 24h, before 7d
	mr := member(t, tw.month("2026-10"), "M")
	if len(items(mr, ROverdue24H)) != 1 || len(items(mr, ROverdue7D)) != 0 {
		t.Fatalf("items %+v", mr.Items)
	}
}

func TestOverdue7dMarkPassingJustAfterMonthEnd(t *testing.T) {
	tw, _ := overdueTown(ts("2026-09-25 12:00")) // 24h: 09-26 12:00; 7d: 10-02 12:00
	sep := member(t, tw.month("2026-09"), "M")
	if len(items(sep, ROverdue24H)) != 1 || len(items(sep, ROverdue7D)) != 0 {
		t.Errorf("September %+v", sep.Items)
	}
	oct := member(t, tw.month("2026-10"), "M")
	its := items(oct, ROverdue7D)
	if len(its) != 1 || its[0].Points != -10 || its[0].Date != "2026-10-02" || len(items(oct, ROverdue24H)) != 0 {
		t.Errorf("October %+v", oct.Items)
	}
	if got := items(member(t, settle(tw, "2026-10", ts("2026-10-02 11:00")), "M"), ROverdue7D); len(got) != 0 {
		t.Errorf("as at before the 7-day mark: %+v", got)
	}
	// Not dispatched at all: both marks in one month stack.
	tw2, _ := overdueTown(ts("2026-10-05 09:00"))
	mr := member(t, tw2.month("2026-10"), "M")
	if rulePoints(mr, ROverdue24H) != -2 || rulePoints(mr, ROverdue7D) != -10 {
		t.Errorf("stacked %+v", mr.Items)
	}
}

func TestOverdueCloseTargetIsConfigurable(t *testing.T) {
	tw, _ := overdueTown(ts("2026-10-05 09:00"))
	is := &tw.f.Issues[0]
	is.Assignee, is.DispatchedAt = "M", ts("2026-10-05 10:00")
	if got := items(member(t, tw.month("2026-10"), "M"), ROverdueClose); len(got) != 0 {
		t.Fatalf("default rules penalize the closing target: %+v", got)
	}
	r := DefaultRules()
	r.Monthly.Overdue.ClosePenalty, r.Monthly.Overdue.ClosePoints = true, -3
	its := items(member(t, Month(&tw.f, r, "2026-10", time.Time{}), "M"), ROverdueClose)
	if len(its) != 1 || its[0].Points != -3 || its[0].Date != "2026-10-12" {
		t.Fatalf("close target %+v", its)
	}
	is.ClosedAt = ts("2026-10-12 09:00") // exactly 7 days: in time
	if got := items(member(t, Month(&tw.f, r, "2026-10", time.Time{}), "M"), ROverdueClose); len(got) != 0 {
		t.Fatalf("closed in time but penalized: %+v", got)
	}
}

func TestMovedGridMidMonth(t *testing.T) {
	tw := newTown()
	v := tw.village("海风村")
	g1, g2 := tw.grid(v, "一网格"), tw.grid(v, "二网格")
	tw.person("L1", gridbot.RoleLeader, g1)
	tw.person("L2", gridbot.RoleLeader, g2)
	tw.person("A", gridbot.RoleMember, g1)
	tw.move("A", g2, gridbot.RoleMember, ts("2026-10-15 00:00"))
	tw.healthy(g2, "L2", "2026-10") // g1 stays unhealthy: no issues closed, no activities
	// A takes part in an activity of g1 before moving, and a deliberation of g1.
	tw.activity(g1, "L1", ts("2026-10-05 10:00"), "A")
	tw.delib(g1, "L1", ts("2026-10-06 19:00"), ts("2026-10-07 10:00"), "A")
	// Two issues of g1 pass their 24h mark: one before A moved, one after.
	tw.issue(g1, "L1", ts("2026-10-09 09:00"))
	tw.f.Issues[len(tw.f.Issues)-1].DispatchedAt = ts("2026-10-11 09:00")
	tw.issue(g1, "L1", ts("2026-10-20 09:00"))
	tw.f.Issues[len(tw.f.Issues)-1].DispatchedAt = ts("2026-10-22 09:00")
	res := tw.month("2026-10")
	a := member(t, res, "A")
	if a.Grid != "二网格" {
		t.Fatalf("A's month grid %q", a.Grid)
	}
	if n := len(items(a, RGridIssues)) + len(items(a, RGridActs)); n != 0 {
		t.Errorf("A bears g1's monthly penalties: %+v", a.Items)
	}
	od := items(a, ROverdue24H)
	if len(od) != 1 || od[0].Date != "2026-10-10" {
		t.Errorf("A's overdue items %+v: want only the mark passed while in g1", od)
	}
	if got := rulePoints(member(t, res, "L1"), ROverdue24H); got != -4 {
		t.Errorf("L1 overdue %v, want -4", got)
	}
	if a.Activities != 1 || rulePoints(a, RDelib) != 10 {
		t.Errorf("A keeps g1's activity and deliberation: activities %d, R-DELIB %v", a.Activities, rulePoints(a, RDelib))
	}
	l1 := member(t, res, "L1")
	if rulePoints(l1, RGridIssues) != -5 || rulePoints(l1, RGridActs) != -5 {
		t.Errorf("L1 g1 penalties %+v", l1.Items)
	}
	// The grids' member counts follow the month grid.
	for _, g := range res.Grids {
		if want := map[string]int{"一网格": 1, "二网格": 2}[g.Grid]; g.Members != want {
			t.Errorf("%s members %d, want %d", g.Grid, g.Members, want)
		}
	}
}
