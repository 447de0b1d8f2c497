package scoring

import (
	"testing"
	"time"

	"gridbot"
)

type yearCase struct {
	tw     *town
	months []*MonthResult
}

// yearTown: villages V1..V5; V1 has grids G1 and G1b, the others one grid.
// Annual points are put in March; stars are marked in March–May.
func yearTown() yearCase {
	tw := newTown()
	grids := map[string]int64{}
	for _, v := range []string{"V1", "V2", "V3", "V4", "V5"} {
		vid := tw.village(v)
		grids[v] = tw.grid(vid, "G"+v[1:])
		if v == "V1" {
			grids["V1b"] = tw.grid(vid, "G1b")
		}
	}
	type p struct {
		uid    string
		role   gridbot.Role
		grid   string
		points float64
		days   int
	}
	people := []p{
		{"L1", gridbot.RoleLeader, "V1", 400, 20}, {"M1", gridbot.RoleMember, "V1", 120, 20},
		{"L1b", gridbot.RoleLeader, "V1b", 140, 20},
		{"L2", gridbot.RoleLeader, "V2", 200, 20}, {"M2", gridbot.RoleMember, "V2", 160, 20},
		{"L3", gridbot.RoleLeader, "V3", 200, 20}, {"M3", gridbot.RoleMember, "V3", 100, 20},
		{"L4", gridbot.RoleLeader, "V4", 180, 20}, {"M4", gridbot.RoleMember, "V4", 120, 25},
		{"L5", gridbot.RoleLeader, "V5", 150, 20}, {"M5", gridbot.RoleMember, "V5", 50, 20},
		{"LEFT", gridbot.RoleLeader, "V5", 500, 20},
	}
	mar := &MonthResult{Month: "2026-03"}
	for _, x := range people {
		tw.person(x.uid, x.role, grids[x.grid])
		mar.Members = append(mar.Members, MemberResult{UserID: x.uid, Name: "名" + x.uid, GridID: grids[x.grid],
			Role: x.role, Total: x.points, CheckinDays: x.days, Tier: TierNone})
	}
	tw.move("LEFT", 0, "", ts("2026-11-01 00:00"))
	tw.party("L1")
	tw.party("M3")
	star := func(m *MonthResult, uid string) {
		for i := range m.Members {
			if m.Members[i].UserID == uid {
				m.Members[i].Tier = "star"
				return
			}
		}
		m.Members = append(m.Members, MemberResult{UserID: uid, Tier: "star"})
	}
	apr, may := &MonthResult{Month: "2026-04"}, &MonthResult{Month: "2026-05"}
	star(mar, "M5")
	star(apr, "M5") // consecutive
	star(mar, "M3")
	star(may, "M3")                           // not consecutive
	tw.story(0, "V5", ts("2026-06-01 10:00")) // by name
	tw.story(tw.f.Villages[4].ID, "", ts("2026-07-01 10:00"))
	tw.story(tw.f.Villages[4].ID, "V5", ts("2025-12-31 10:00")) // last year
	return yearCase{tw, []*MonthResult{may, mar, apr}}
}

func TestYearGridsAndVillages(t *testing.T) {
	yc := yearTown()
	r := DefaultRules()
	r.Yearly.Villages.Winners = 3
	y := Year("2026", yc.months, &yc.tw.f, r, time.Time{})
	grid := map[string]float64{}
	for _, g := range y.Grids {
		grid[g.Grid] = g.Score
	}
	// R-Y-GRID: mean of the members at year end (LEFT is gone from G5).
	for name, want := range map[string]float64{"G1": 260, "G1b": 140, "G2": 180, "G3": 150, "G4": 150, "G5": 100} {
		if grid[name] != want {
			t.Errorf("grid %s score %v, want %v", name, grid[name], want)
		}
	}
	type vw struct {
		score, santong, story float64
		rank, yuan            int
		bottom, tie           bool
	}
	want := map[string]vw{
		"V1": {200, 200, 0, 1, 2000, false, false}, // R-Y-SANTONG: (260 + 140) / 2
		"V2": {180, 180, 0, 2, 2000, false, false},
		"V3": {150, 150, 0, 3, 2000, false, true}, // tied 3rd/4th: both top-3 and neither bottom
		"V4": {150, 150, 0, 3, 2000, false, true},
		"V5": {110, 100, 10, 5, 0, true, false}, // two stories this year: +10
	}
	if len(y.Villages) != 5 {
		t.Fatalf("villages %+v", y.Villages)
	}
	for _, v := range y.Villages {
		w := want[v.Village]
		got := vw{v.Score, v.Santong, v.StoryPoints, v.Rank, v.AwardYuan, v.BottomHalf, v.Tie}
		if got != w {
			t.Errorf("%s = %+v, want %+v", v.Village, got, w)
		}
	}
	// Without the tie, the last floor(5/2) = 2 places are the bottom half.
	r.Yearly.Villages.Winners = 8
	yc.tw.story(yc.tw.f.Villages[2].ID, "V3", ts("2026-08-01 10:00"))
	y = Year("2026", yc.months, &yc.tw.f, r, time.Time{})
	for _, v := range y.Villages {
		if wantBottom := v.Village == "V4" || v.Village == "V5"; v.BottomHalf != wantBottom || v.AwardYuan != 2000 {
			t.Errorf("%s rank %d bottom %v award %d", v.Village, v.Rank, v.BottomHalf, v.AwardYuan)
		}
	}
}

func TestYearAwardsAndPartyFlags(t *testing.T) {
	yc := yearTown()
	r := DefaultRules()
	r.Yearly.Leaders.Winners, r.Yearly.Members.Winners = 2, 2
	y := Year("2026", yc.months, &yc.tw.f, r, time.Time{})
	got := map[string]YearMember{}
	for _, m := range y.Members {
		got[m.UserID] = m
	}
	for uid, w := range map[string]struct {
		rank  int
		award string
	}{
		"L1": {1, AwardLeader}, "L2": {2, AwardLeader}, "L3": {2, AwardLeader}, // L2 and L3 tie at the boundary
		"L4": {4, AwardNone}, "L5": {5, AwardNone}, "L1b": {6, AwardNone},
		"M2": {1, AwardMember}, "M4": {2, AwardMember}, "M1": {3, AwardNone}, // M4 beats M1 on check-in days
		"M3": {4, AwardNone}, "M5": {5, AwardNone},
	} {
		m := got[uid]
		if m.Rank == nil || *m.Rank != w.rank || m.Award != w.award {
			t.Errorf("%s rank %v award %s, want %d %s", uid, m.Rank, m.Award, w.rank, w.award)
		}
		if wantYuan := map[bool]int{true: 1000, false: 0}[w.award != AwardNone]; m.AwardYuan != wantYuan {
			t.Errorf("%s award_yuan %d", uid, m.AwardYuan)
		}
	}
	if l := got["LEFT"]; l.Rank != nil || l.Award != AwardNone || l.AnnualPoints != 500 {
		t.Errorf("LEFT (no longer on the roster) %+v", l)
	}
	flag := func(uid string) string {
		if f := got[uid].PartyFlag; f != nil {
			return *f
		}
		return "null"
	}
	for uid, want := range map[string]string{
		"L1": FlagAdvanced, // excellent leader, party member
		"M2": FlagTraining, // excellent member, not a party member
		"M5": FlagTraining, // stars in March and April
		"M3": "null",       // stars in March and May: not consecutive
		"L4": "null",
	} {
		if flag(uid) != want {
			t.Errorf("%s party flag %s, want %s", uid, flag(uid), want)
		}
	}
	if y.Members[0].UserID != "LEFT" || y.Members[1].UserID != "L1" {
		t.Errorf("members not sorted by annual points: %s, %s", y.Members[0].UserID, y.Members[1].UserID)
	}
	if len(got["M5"].Stars) != 2 || y.Months[0] != "2026-03" {
		t.Errorf("stars %v months %v", got["M5"].Stars, y.Months)
	}
}

func TestConsecutiveMonthsAcrossYearEnd(t *testing.T) {
	if n := len(consecutiveRun([]string{"2025-12", "2026-01", "2026-03"}, "2025-01")); n != 2 {
		t.Fatalf("consecutive = %d", n)
	}
}
