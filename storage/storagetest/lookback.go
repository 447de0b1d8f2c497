package storagetest

import (
	"testing"
	"time"

	"gridbot"
	"gridbot/scoring"
)

// lookback is the look-back of the 2020 rules (8 days), for the tests that
// are not about it.
var lookback = scoring.DefaultRules().IssueLookback()

// testIssueLookbackFollowsRules: settling reads the issues as far back as the
// rules' deadlines reach. With dispatch_late_days: 10, an issue reported 10
// days before October and never dispatched passes its R-OVERDUE-7D mark on
// October 1st, and every member of its grid gets the penalty in October,
// from PeriodFacts and from MemberFacts alike. A fixed 8-day look-back (the
// store's before) did not even read the issue.
func testIssueLookbackFollowsRules(t *testing.T, s gridbot.Store) {
	a := seedStore(t, s, "滨海镇")
	rules := scoring.DefaultRules()
	rules.Monthly.Overdue.DispatchLateDays = 10
	must(t, rules.Validate())
	if got := rules.IssueLookback(); got != 11*24*time.Hour {
		t.Fatalf("IssueLookback with dispatch_late_days 10 = %v, want 11 days", got)
	}
	reported := at("2026-09-21 10:00:00.000")
	update(t, s, func(tx gridbot.Tx) error {
		return tx.AddIssue(&gridbot.Issue{TownID: a.ID, GridID: a.Grid1.ID, Description: "路灯不亮", ReportedBy: "U002", ReportedAt: reported})
	})
	from, to, _ := scoring.MonthBounds("2026-10")
	asAt := to.Add(-time.Millisecond)
	want7D := func(res *scoring.MonthResult, u string) {
		t.Helper()
		m := memberOf(res, u)
		if m == nil {
			t.Fatalf("%s not in October's results", u)
		}
		var n int
		for _, it := range m.Items {
			switch it.Rule {
			case scoring.ROverdue7D:
				n++
				if it.Date != "2026-10-01" || it.Points != rules.Monthly.Overdue.DispatchLatePoints {
					t.Errorf("%s: R-OVERDUE-7D %+v, want %v on 2026-10-01", u, it, rules.Monthly.Overdue.DispatchLatePoints)
				}
			case scoring.ROverdue24H:
				t.Errorf("%s: R-OVERDUE-24H booked in October; its mark passed in September: %+v", u, it)
			}
		}
		if n != 1 {
			t.Errorf("%s: %d R-OVERDUE-7D items in October, want 1: %+v", u, n, m.Items)
		}
	}
	view(t, s, func(tx gridbot.Tx) error {
		f, err := tx.PeriodFacts(a.ID, from, to, rules.IssueLookback())
		must(t, err)
		res := scoring.Month(f, rules, "2026-10", asAt)
		for _, u := range []string{"U001", "U002"} {
			want7D(res, u)
			mf, err := tx.MemberFacts(a.ID, u, from, to, rules.IssueLookback())
			must(t, err)
			want7D(scoring.Month(mf, rules, "2026-10", asAt), u)
		}
		if m := memberOf(res, "U003"); m != nil {
			for _, it := range m.Items {
				if it.Rule == scoring.ROverdue7D {
					t.Errorf("U003 of the other grid got %+v", it)
				}
			}
		}
		// The 2020 rules' 8 days do not reach the issue: it was lost.
		f, err = tx.PeriodFacts(a.ID, from, to, lookback)
		must(t, err)
		if len(f.Issues) != 0 {
			t.Errorf("an 8-day look-back read %d issues reported 10 days before", len(f.Issues))
		}
		return nil
	})
}
