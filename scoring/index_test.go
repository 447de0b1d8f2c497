package scoring

import (
	"testing"
	"time"

	"gridbot"
)

func gridOf(t *testing.T, res *MonthResult, name string) GridMonth {
	t.Helper()
	for _, g := range res.Grids {
		if g.Grid == name {
			return g
		}
	}
	t.Fatalf("no grid %s", name)
	return GridMonth{}
}

func val(p *float64) float64 {
	if p == nil {
		return -1
	}
	return *p
}

func indexTown() *town {
	tw := newTown()
	v := tw.village("海风村")
	g, h := tw.grid(v, "一网格"), tw.grid(v, "二网格")
	tw.person("A", gridbot.RoleLeader, g)
	tw.person("B", gridbot.RoleMember, g)
	tw.person("C", gridbot.RoleLeader, h)
	tw.checkinRange("A", "2026-10", 1, 31)
	tw.checkinRange("C", "2026-10", 1, 31)
	tw.activity(g, "A", ts("2026-10-02 10:00"), "B")
	tw.activity(g, "A", ts("2026-10-09 10:00"))
	for d := 2; d <= 6; d++ { // five closed within 7 days
		at := ts("2026-10-02 09:00").AddDate(0, 0, d-2)
		tw.closedIssue(g, "B", at, at.AddDate(0, 0, 2))
	}
	tw.closedIssue(g, "B", ts("2026-10-01 09:00"), ts("2026-10-15 09:00")) // closed late
	tw.f.Issues[0].Rating, tw.f.Issues[0].RatedAt = "满意", ts("2026-10-05 09:00")
	tw.f.Issues[1].Rating, tw.f.Issues[1].RatedAt = "基本满意", ts("2026-10-06 09:00")
	tw.issue(g, "B", ts("2026-10-20 09:00")) // never dispatched
	tw.adj("A", -10, "组织纪律", ts("2026-10-10 10:00"))
	tw.adj("B", 5, "更正", ts("2026-10-10 10:00")) // not office-assessed
	return tw
}

func TestOperationIndexMonth(t *testing.T) {
	res := indexTown().month("2026-10")
	g := gridOf(t, res, "一网格")
	p := g.Parts
	got := []float64{val(p.CheckinRate), val(p.Activities), val(p.IssuesClosed), val(p.OnTime), val(p.Satisfaction), val(p.Office)}
	// check-ins 31/(2×31); activities 2/4; closed 6/12; on time (6 dispatched in time + 5 closed in time)/(7 due + 6 closed);
	// ratings (100+60)/2; office 100 − 10/2.
	want := []float64{50, 50, 50, 84.62, 80, 95}
	for i := range want {
		if !near(got[i], want[i]) {
			t.Errorf("parts %v, want %v", got, want)
			break
		}
	}
	// 0.2×50 + 0.15×50 + 0.15×50 + 0.15×84.62 + 0.15×80 + 0.2×95 = 68.693
	if g.Index != 68.69 || g.IssuesClosed != 6 || g.Activities != 2 || g.Members != 2 || g.CheckinDays != 31 {
		t.Errorf("grid %+v", g)
	}
	// A part without data is left out and the other weights scaled up:
	// (0.2×100 + 0.15×0 + 0.15×0 + 0.2×100) / 0.7 = 57.14.
	h := gridOf(t, res, "二网格")
	if h.Parts.OnTime != nil || h.Parts.Satisfaction != nil || h.Index != 57.14 {
		t.Errorf("grid without ratings %+v index %v", h.Parts, h.Index)
	}
	// As at 10-10 12:00 ten days have begun: C's rate is 10/10.
	mid := Month(&indexTown().f, DefaultRules(), "2026-10", ts("2026-10-10 12:00"))
	if r := gridOf(t, mid, "二网格").Parts.CheckinRate; val(r) != 100 {
		t.Errorf("mid-month check-in rate %v", val(r))
	}
}

func TestOperationIndexQuarterIsMeanOfMonths(t *testing.T) {
	f := func(x float64) *float64 { return &x }
	months := []*MonthResult{
		{Month: "2026-10", Grids: []GridMonth{{GridID: 7, Grid: "一网格", Index: 60, Parts: IndexParts{CheckinRate: f(50), Satisfaction: f(80)}}}},
		{Month: "2026-11", Grids: []GridMonth{{GridID: 7, Grid: "一网格", Index: 70, Parts: IndexParts{CheckinRate: f(70)}}}},
		{Month: "2026-12", Grids: []GridMonth{{GridID: 7, Grid: "一网格", Index: 81, Parts: IndexParts{CheckinRate: f(90)}}}},
	}
	q := Quarter("2026Q4", months, &newTown().f, DefaultRules(), time.Time{})
	if len(q.Grids) != 1 {
		t.Fatalf("grids %+v", q.Grids)
	}
	g := q.Grids[0]
	if g.Index != 70.33 || val(g.Parts.CheckinRate) != 70 || val(g.Parts.Satisfaction) != 80 || g.Parts.OnTime != nil {
		t.Errorf("quarter index %v parts %+v", g.Index, g.Parts)
	}
}
