package scoring

import (
	"fmt"
	"slices"
	"testing"

	"gridbot"
)

// liveTown is December 2026 in one grid (L1 leading M1 and M2). M1 has every
// kind of item: check-ins on days 1–4, a city-level report (+50), a
// confirmed deliberation (+10), an adjustment (−2), an issue of the grid
// never dispatched (24-hour mark on the 2nd, −2; 7-day mark on the 8th,
// −10), an activity and an issue closed by M1. November's base points are
// known (M1 62); December's when withBase (M1 40, M2 30, L1 20; only M1's
// when onlyM1).
func liveTown(withBase, onlyM1 bool) *town {
	tw := newTown()
	v := tw.village("西岭村")
	g := tw.grid(v, "西岭村第一网格")
	tw.person("L1", gridbot.RoleLeader, g)
	tw.person("M1", gridbot.RoleMember, g)
	tw.person("M2", gridbot.RoleMember, g)
	tw.checkins("M1", "2026-12", 1, 2, 3, 4)
	tw.pub(gridbot.LevelCity, false, ts("2026-12-02 15:00"), "M1")
	tw.delib(g, "L1", ts("2026-12-03 19:00"), ts("2026-12-04 09:00"), "M1")
	tw.adj("M1", -2, "组织纪律", ts("2026-12-04 10:00"))
	tw.issue(g, "M2", ts("2026-12-01 09:00"))
	tw.activity(g, "L1", ts("2026-12-02 10:00"), "M1")
	tw.closedIssue(g, "M1", ts("2026-12-03 09:00"), ts("2026-12-03 16:00"))
	tw.base("M1", "2026-11", 62)
	if withBase {
		tw.base("M1", "2026-12", 40)
		if !onlyM1 {
			tw.base("M2", "2026-12", 30)
			tw.base("L1", "2026-12", 20)
		}
	}
	return tw
}

func ruleIDs(its []Item, monthEnd bool) []string {
	var out []string
	for _, it := range its {
		if it.MonthEnd == monthEnd {
			out = append(out, it.Rule)
		}
	}
	return out
}

func pendingOf(ps []Pending) string {
	var s string
	for _, p := range ps {
		s += fmt.Sprintf("%s %d/%d %v %v/%v; ", p.Rule, p.Have, p.Target, p.Possible, p.IfMet, p.IfNot)
	}
	return s
}

func stepsOf(ns []NextStep) string {
	var s string
	for _, n := range ns {
		s += fmt.Sprintf("%s %s %v %v; ", n.Rule, n.Unit, n.Need, n.Possible)
	}
	return s
}

// TestLiveParts: day 1, a mid-month day, the last day and after the month,
// with and without base points: the certain part (and its rule IDs), the
// month-end conditions, the unknown base points and the next steps, while
// Total stays the month as if it ended then.
func TestLiveParts(t *testing.T) {
	const (
		certainRules = "[R-PUB-CITY R-DELIB R-OVERDUE-24H R-OVERDUE-7D R-ADJ]"
		pendingAll   = "R-ATT-FULL %d/31 %v 10/0; R-ATT-20 %d/20 %v 5/0; R-ATT-LOW %d/11 %v 0/-5; R-GRID-ISSUES %d/5 true 0/-5; R-GRID-ACTS %d/2 true 0/-5; "
	)
	for _, c := range []struct {
		name, at string
		base     bool
		// M1's
		days, left            int
		certain, total        float64
		certainIDs, endIDs    string
		pending, steps        string
		unknown               []string
		liveRank              int
		ended, complete, open bool
	}{
		{name: "day 1 before checking in", at: "2026-12-01 07:00", days: 0, left: 31, certain: 0, total: -15,
			certainIDs: "[]", endIDs: "[R-ATT-LOW R-GRID-ISSUES R-GRID-ACTS]",
			pending: fmt.Sprintf(pendingAll, 0, true, 0, true, 0, true, 0, 0),
			steps:   "R-RANK-ELIG checkin_days 20 true; R-GRID-ISSUES issues_closed 5 true; R-GRID-ACTS activities 2 true; R-RANK-ELIG base_points 45 true; ",
			unknown: []string{UnknownBase}, liveRank: 1, open: true},
		{name: "day 1 with base", at: "2026-12-01 07:00", base: true, days: 0, left: 31, certain: 40, total: 25,
			certainIDs: "[R-BASE]", endIDs: "[R-ATT-LOW R-GRID-ISSUES R-GRID-ACTS]",
			pending:  fmt.Sprintf(pendingAll, 0, true, 0, true, 0, true, 0, 0),
			steps:    "R-RANK-ELIG checkin_days 20 true; R-GRID-ISSUES issues_closed 5 true; R-GRID-ACTS activities 2 true; R-RANK-ELIG points 5 true; ",
			liveRank: 1, complete: true, open: true},
		{name: "mid-month", at: "2026-12-15 13:00", days: 4, left: 16, certain: 46, total: 31,
			certainIDs: certainRules, endIDs: "[R-ATT-LOW R-GRID-ISSUES R-GRID-ACTS]",
			pending: fmt.Sprintf(pendingAll, 4, false, 4, true, 4, true, 1, 1),
			steps:   "R-RANK-ELIG checkin_days 16 true; R-GRID-ISSUES issues_closed 4 true; R-GRID-ACTS activities 1 true; R-RANK-ELIG base_points 0 true; ",
			unknown: []string{UnknownBase}, liveRank: 1, open: true},
		{name: "mid-month with base", at: "2026-12-15 13:00", base: true, days: 4, left: 16, certain: 86, total: 71,
			certainIDs: "[R-BASE " + certainRules[1:], endIDs: "[R-ATT-LOW R-GRID-ISSUES R-GRID-ACTS]",
			pending:  fmt.Sprintf(pendingAll, 4, false, 4, true, 4, true, 1, 1),
			steps:    "R-RANK-ELIG checkin_days 16 true; R-GRID-ISSUES issues_closed 4 true; R-GRID-ACTS activities 1 true; ",
			liveRank: 1, complete: true, open: true},
		{name: "last day", at: "2026-12-31 10:00", days: 4, left: 1, certain: 46, total: 31,
			certainIDs: certainRules, endIDs: "[R-ATT-LOW R-GRID-ISSUES R-GRID-ACTS]",
			pending: fmt.Sprintf(pendingAll, 4, false, 4, false, 4, false, 1, 1),
			steps:   "R-RANK-ELIG checkin_days 16 false; R-ATT-LOW checkin_days 7 false; R-GRID-ISSUES issues_closed 4 true; R-GRID-ACTS activities 1 true; ",
			unknown: []string{UnknownBase}, liveRank: 1, open: true},
		{name: "after the month, no base: a draft", at: "2027-01-01 00:00", days: 4, certain: 31, total: 31,
			certainIDs: "[R-ATT-LOW R-PUB-CITY R-DELIB R-GRID-ISSUES R-GRID-ACTS R-OVERDUE-24H R-OVERDUE-7D R-ADJ]", endIDs: "[]",
			pending: "", steps: "", unknown: []string{UnknownBase}, liveRank: 1, ended: true, open: true},
		{name: "after the month with base", at: "2027-01-01 00:00", base: true, days: 4, certain: 71, total: 71,
			certainIDs: "[R-BASE R-ATT-LOW R-PUB-CITY R-DELIB R-GRID-ISSUES R-GRID-ACTS R-OVERDUE-24H R-OVERDUE-7D R-ADJ]", endIDs: "[]",
			pending: "", steps: "", ended: true, complete: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := Month(&liveTown(c.base, false).f, DefaultRules(), "2026-12", ts(c.at))
			m := member(t, res, "M1")
			if m.CheckinDays != c.days || m.DaysLeft != c.left || m.CertainPoints != c.certain || m.Total != c.total {
				t.Errorf("days %d left %d certain %v total %v, want %d %d %v %v", m.CheckinDays, m.DaysLeft, m.CertainPoints, m.Total,
					c.days, c.left, c.certain, c.total)
			}
			if got := fmt.Sprint(ruleIDs(m.Items, false)); got != c.certainIDs && !(got == "[]" && c.certainIDs == "[]") {
				t.Errorf("certain items %s, want %s", got, c.certainIDs)
			}
			if got := fmt.Sprint(ruleIDs(m.Items, true)); got != c.endIDs {
				t.Errorf("month-end items %s, want %s", got, c.endIDs)
			}
			if got := pendingOf(m.Pending); got != c.pending {
				t.Errorf("pending\n got %s\nwant %s", got, c.pending)
			}
			if got := stepsOf(m.NextSteps); got != c.steps {
				t.Errorf("next steps\n got %s\nwant %s", got, c.steps)
			}
			if !slices.Equal(m.Unknown, c.unknown) {
				t.Errorf("unknown %v, want %v", m.Unknown, c.unknown)
			}
			if c.base != (m.BasePoints != nil) || (c.base && *m.BasePoints != 40) {
				t.Errorf("base points %v", m.BasePoints)
			}
			if m.LastBasePoints == nil || *m.LastBasePoints != 62 { // the hint, when the facts hold November's
				t.Errorf("last base %v", m.LastBasePoints)
			}
			if res.Ended != c.ended || res.BaseComplete != c.complete || res.Open() != c.open {
				t.Errorf("ended %v complete %v open %v", res.Ended, res.BaseComplete, res.Open())
			}
			if c.open && (m.LiveRank == nil || *m.LiveRank != c.liveRank) || !c.open && m.LiveRank != nil {
				t.Errorf("live rank %v, want %d (open %v)", m.LiveRank, c.liveRank, c.open)
			}
		})
	}
}

// TestLivePlaceFooting: places mid-month stand on the same footing for all:
// month-end items never, base points only once everyone's are imported; and
// PlaceLive, which 积分 uses, gives the place the town's ranking gives.
func TestLivePlaceFooting(t *testing.T) {
	at := ts("2026-12-15 13:00")
	for _, c := range []struct {
		name         string
		base, onlyM1 bool
		want         string // live points and places of M1, L1, M2
	}{
		{"no base", false, false, "M1 46 1; L1 -2 2; M2 -12 3; "},
		{"only M1's base: left out for all", true, true, "M1 46 1; L1 -2 2; M2 -12 3; "},
		{"everyone's base", true, false, "M1 86 1; L1 18 2; M2 18 3; "}, // L1 ahead of M2 by activities (R-RANK-TIE)
	} {
		t.Run(c.name, func(t *testing.T) {
			tw := liveTown(c.base, c.onlyM1)
			res := Month(&tw.f, DefaultRules(), "2026-12", at)
			got := ""
			for _, u := range []string{"M1", "L1", "M2"} {
				m := member(t, res, u)
				got += fmt.Sprintf("%s %v %d; ", u, m.LivePoints, *m.LiveRank)
				placed := PlaceLive(DefaultRules(), res, m)
				if *placed.LiveRank != *m.LiveRank || placed.LiveTie != m.LiveTie || placed.LivePoints != m.LivePoints {
					t.Errorf("%s: PlaceLive %d %v, ranking %d %v", u, *placed.LiveRank, placed.LiveTie, *m.LiveRank, m.LiveTie)
				}
			}
			if got != c.want {
				t.Errorf("got %s\nwant %s", got, c.want)
			}
		})
	}
	// M1's month-end deductions (−15 as if it ended now) do not move the place.
	m := member(t, Month(&liveTown(false, false).f, DefaultRules(), "2026-12", at), "M1")
	if m.Total != 31 || m.LivePoints != 46 {
		t.Errorf("total %v live %v", m.Total, m.LivePoints)
	}
}
