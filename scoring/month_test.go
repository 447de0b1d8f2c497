package scoring

import (
	"testing"
	"time"

	"gridbot"
)

// eligTown: M1 in a healthy grid with base points and check-in days in 2026-10.
func eligTown(base float64, days int) *town {
	tw := attTown("2026-10", days)
	tw.base("M1", "2026-10", base)
	return tw
}

func TestEligibilityExactly50PointsAnd20Days(t *testing.T) {
	mr := member(t, eligTown(45, 20).month("2026-10"), "M1") // 45 + 5 (R-ATT-20) = 50
	if mr.Total != 50 || !mr.Eligible || rankOf(mr) != 1 || mr.MissingPoints != 0 || mr.MissingDays != 0 {
		t.Fatalf("got total %v eligible %v rank %v missing %v/%v", mr.Total, mr.Eligible, mr.Rank, mr.MissingPoints, mr.MissingDays)
	}
	if mr.Tier != "star" || mr.RewardYuan != 500 {
		t.Errorf("tier %q %d", mr.Tier, mr.RewardYuan)
	}
}

func TestEligibilityJustUnder50(t *testing.T) {
	mr := member(t, eligTown(44.99, 20).month("2026-10"), "M1")
	if mr.Total != 49.99 || mr.Eligible || mr.Rank != nil || mr.MissingPoints != 0.01 || mr.Tier != TierNone {
		t.Fatalf("got total %v eligible %v rank %v missing %v", mr.Total, mr.Eligible, mr.Rank, mr.MissingPoints)
	}
}

func TestEnoughPointsBut19Days(t *testing.T) {
	mr := member(t, eligTown(100, 19).month("2026-10"), "M1")
	if mr.Total != 100 || mr.Eligible || mr.Rank != nil || mr.MissingDays != 1 || mr.MissingPoints != 0 {
		t.Fatalf("got total %v eligible %v rank %v missing days %d points %v", mr.Total, mr.Eligible, mr.Rank, mr.MissingDays, mr.MissingPoints)
	}
	if mr.Tier != TierNone || mr.RewardYuan != 0 {
		t.Errorf("tier %q reward %d", mr.Tier, mr.RewardYuan)
	}
}

func TestBaseImportedAndNative(t *testing.T) {
	tw := eligTown(42.5, 0)
	tw.checkins("M1", "2026-10", 1, 2)
	tw.base("M1", "2026-09", 99) // another month
	mr := member(t, tw.month("2026-10"), "M1")
	its := items(mr, RBase)
	if len(its) != 1 || its[0].Points != 42.5 || its[0].Ref != "基础积分 2026-10" || its[0].Name != "基础积分" {
		t.Fatalf("R-BASE items %+v", its)
	}
	// Native per-action points, all 0 in 2020, come from the rules file.
	r := DefaultRules()
	r.Monthly.Base.Native = Native{Checkin: 0.5, Activity: 1, IssueReported: 2, IssueClosed: 3}
	mr = member(t, Month(&tw.f, r, "2026-10", time.Time{}), "L1")
	// L1: 2 activities (healthy) → 2; closed issues in healthy() have no assignee and were reported by "".
	if got := rulePoints(mr, RBase); got != 2 {
		t.Errorf("leader native points %v, want 2", got)
	}
	g := tw.f.Grids[0].ID
	tw.closedIssue(g, "M1", ts("2026-10-10 09:00"), ts("2026-10-11 09:00"))
	mr = member(t, Month(&tw.f, r, "2026-10", time.Time{}), "M1")
	// 42.5 imported + 2 days × 0.5 + reported 2 + closed 3
	if got := rulePoints(mr, RBase); got != 42.5+1+2+3 {
		t.Errorf("R-BASE %v, items %+v", got, mr.Items)
	}
}

func TestGridThresholdsExactlyVsShort(t *testing.T) {
	tw := newTown()
	v := tw.village("海风村")
	ok, short := tw.grid(v, "一网格"), tw.grid(v, "二网格")
	tw.person("A", gridbot.RoleLeader, ok)
	tw.person("B", gridbot.RoleLeader, short)
	tw.person("B2", gridbot.RoleMember, short)
	for i := 1; i <= 5; i++ {
		day := ts("2026-10-10 09:00").AddDate(0, 0, i)
		tw.closedIssue(ok, "A", day, day.Add(time.Hour))
		if i <= 4 {
			tw.closedIssue(short, "B", day, day.Add(time.Hour))
		}
	}
	tw.activity(ok, "A", ts("2026-10-02 10:00"))
	tw.activity(ok, "A", ts("2026-10-20 10:00"))
	tw.activity(short, "B", ts("2026-10-02 10:00"))
	// An issue closed next month and an activity of last month do not count.
	tw.closedIssue(short, "B", ts("2026-10-30 09:00"), ts("2026-11-01 09:00"))
	tw.activity(short, "B", ts("2026-09-30 10:00"))
	res := tw.month("2026-10")
	a := member(t, res, "A")
	if len(items(a, RGridIssues))+len(items(a, RGridActs)) != 0 {
		t.Errorf("5 issues and 2 activities penalized: %+v", a.Items)
	}
	for _, u := range []string{"B", "B2"} {
		b := member(t, res, u)
		gi, ga := items(b, RGridIssues), items(b, RGridActs)
		if len(gi) != 1 || gi[0].Points != -5 || gi[0].Ref != "二网格 办结 4 条" {
			t.Errorf("%s R-GRID-ISSUES %+v", u, gi)
		}
		if len(ga) != 1 || ga[0].Points != -5 || ga[0].Ref != "二网格 活动 1 条" {
			t.Errorf("%s R-GRID-ACTS %+v", u, ga)
		}
	}
	if a.IssuesClosed != 5 || a.Activities != 2 {
		t.Errorf("A closed %d, activities %d", a.IssuesClosed, a.Activities)
	}
}

func TestActivityCategory(t *testing.T) {
	tw := newTown()
	g := tw.grid(tw.village("海风村"), "一网格")
	tw.person("L", gridbot.RoleLeader, g)
	tw.activity(g, "L", ts("2026-10-02 10:00"))
	tw.activity(g, "L", ts("2026-10-03 10:00"))
	tw.f.Activities[1].Category = "调处" // the short form
	tw.activity(g, "L", ts("2026-10-04 10:00"))
	tw.f.Activities[2].Category = "吃饭" // not one of the five
	if mr := member(t, tw.month("2026-10"), "L"); mr.Activities != 2 {
		t.Fatalf("activities = %d, want 2 (R-ACT-CAT)", mr.Activities)
	}
}

func TestOfficeStaffNeverAppear(t *testing.T) {
	tw := attTown("2026-10", 25)
	tw.person("O1", gridbot.RoleOffice, 0)
	tw.adj("O1", 100, "基础工作", ts("2026-10-05 10:00"))
	tw.pub(gridbot.LevelCity, false, ts("2026-10-05 10:00"), "O1", "M1")
	res := tw.month("2026-10")
	if hasMember(res, "O1") {
		t.Fatal("office staff ranked")
	}
	if got := rulePoints(member(t, res, "M1"), RPubCity); got != 50 {
		t.Errorf("M1 R-PUB-CITY %v", got)
	}
}

func TestWhoIsInTheMonth(t *testing.T) {
	tw := newTown()
	v := tw.village("海风村")
	g1, g2 := tw.grid(v, "一网格"), tw.grid(v, "二网格")
	tw.person("STAY", gridbot.RoleMember, g1)
	tw.person("LEFT", gridbot.RoleMember, g1)
	tw.move("LEFT", 0, "", ts("2026-10-10 00:00"))
	tw.personFrom("LATE", gridbot.RoleMember, g2, ts("2026-11-02 00:00"))
	tw.person("GONE", gridbot.RoleMember, g2)
	tw.move("GONE", 0, "", ts("2026-09-15 00:00"))
	tw.person("PROMO", gridbot.RoleMember, g1)
	tw.move("PROMO", g2, gridbot.RoleLeader, ts("2026-10-20 00:00"))
	res := tw.month("2026-10")
	for u, want := range map[string]bool{"STAY": true, "LEFT": true, "LATE": false, "GONE": false, "PROMO": true} {
		if hasMember(res, u) != want {
			t.Errorf("%s in month: %v, want %v", u, !want, want)
		}
	}
	if p := member(t, res, "PROMO"); p.Grid != "二网格" || p.Role != gridbot.RoleLeader {
		t.Errorf("PROMO at month end: %s %s", p.Grid, p.Role)
	}
	if l := member(t, res, "LEFT"); l.Grid != "一网格" {
		t.Errorf("LEFT keeps the last grid: %q", l.Grid)
	}
	// As at 10-15, PROMO is still a member of 一网格.
	if p := member(t, Month(&tw.f, DefaultRules(), "2026-10", ts("2026-10-15 12:00")), "PROMO"); p.Grid != "一网格" || p.Role != gridbot.RoleMember {
		t.Errorf("PROMO as at 10-15: %s %s", p.Grid, p.Role)
	}
	// Members are sorted by rank (none eligible here), then userid.
	for i := 1; i < len(res.Members); i++ {
		if res.Members[i-1].UserID > res.Members[i].UserID {
			t.Errorf("not sorted: %s before %s", res.Members[i-1].UserID, res.Members[i].UserID)
		}
	}
}

func TestAsAtIgnoresLaterFacts(t *testing.T) {
	tw := eligTown(40, 20)
	tw.adj("M1", 7, "基础工作", ts("2026-10-20 10:00"))
	tw.adj("M1", -3, "更正", ts("2026-10-05 10:00"))
	tw.f.Adjustments[1].RecordedAt = ts("2026-10-25 10:00") // recorded late
	at := ts("2026-10-15 12:00")
	mr := member(t, Month(&tw.f, DefaultRules(), "2026-10", at), "M1")
	if mr.CheckinDays != 15 {
		t.Errorf("as at 10-15 12:00: %d check-in days, want 15", mr.CheckinDays)
	}
	if len(items(mr, RAdj)) != 0 {
		t.Errorf("adjustments after at booked: %+v", items(mr, RAdj))
	}
	mr = member(t, tw.month("2026-10"), "M1")
	adj := items(mr, RAdj)
	if len(adj) != 2 || adj[0].Points != -3 || adj[0].Date != "2026-10-05" || adj[0].Note != "更正：理由" || adj[1].Points != 7 {
		t.Fatalf("R-ADJ items %+v", adj)
	}
	if adj[1].Ref != "调整#"+itoa64(tw.f.Adjustments[0].ID) {
		t.Errorf("ref %q", adj[1].Ref)
	}
	if mr.Total != 40+5+7-3 {
		t.Errorf("total %v", mr.Total)
	}
}

func TestInvalidMonthIsEmpty(t *testing.T) {
	res := Month(&newTown().f, DefaultRules(), "2026-13", time.Time{})
	if len(res.Members) != 0 || res.Members == nil {
		t.Fatalf("%+v", res)
	}
}

func TestMissing(t *testing.T) {
	res := eligTown(40, 17).month("2026-10") // 40 points, 17 days
	mr, ok := res.Member("M1")
	if !ok {
		t.Fatal("M1 missing")
	}
	if mr.MissingDays != 3 || mr.MissingPoints != 10 {
		t.Errorf("missing %d days, %v points; want 3 and 10", mr.MissingDays, mr.MissingPoints)
	}
	if got := member(t, eligTown(45, 20).month("2026-10"), "M1"); got.MissingDays != 0 || got.MissingPoints != 0 {
		t.Errorf("eligible member misses %d days, %v points", got.MissingDays, got.MissingPoints)
	}
	if _, ok := res.Member("nobody"); ok {
		t.Error("found nobody")
	}
}
