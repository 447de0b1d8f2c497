package scoring

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"
	"time"

	"gridbot"
)

// quarterTown: 海风村 (一网格: L1 M1 M2, 二网格: L2 M3) and 东海村 (三网格: L3).
// M2 leaves on 12-10; M3 joins on 12-01.
func quarterTown() (*town, map[string]int64) {
	tw := newTown()
	v1, v2 := tw.village("海风村"), tw.village("东海村")
	g := map[string]int64{"g1": tw.grid(v1, "一网格"), "g2": tw.grid(v1, "二网格"), "g3": tw.grid(v2, "三网格"), "v2": v2}
	tw.person("L1", gridbot.RoleLeader, g["g1"])
	tw.person("M1", gridbot.RoleMember, g["g1"])
	tw.person("M2", gridbot.RoleMember, g["g1"])
	tw.move("M2", 0, "", ts("2026-12-10 00:00"))
	tw.person("L2", gridbot.RoleLeader, g["g2"])
	tw.personFrom("M3", gridbot.RoleMember, g["g2"], ts("2026-12-01 00:00"))
	tw.person("L3", gridbot.RoleLeader, g["g3"])
	tw.person("O1", gridbot.RoleOffice, 0)
	return tw, g
}

// mr is a synthetic member month.
func mr(uid string, grid int64, total float64, tier string, yuan int) MemberResult {
	return MemberResult{UserID: uid, Name: "名" + uid, GridID: grid, Total: total, Tier: tier, RewardYuan: yuan}
}

func quarterMonths(g map[string]int64) []*MonthResult {
	n := TierNone
	return []*MonthResult{
		{Month: "2026-12", Members: []MemberResult{mr("L1", g["g1"], 60, "star", 500), mr("M1", g["g1"], 50, "100", 100),
			mr("L2", g["g2"], 30, n, 0), mr("M3", g["g2"], 20, n, 0), mr("L3", g["g3"], 70, n, 0)}},
		{Month: "2026-10", Members: []MemberResult{mr("L3", g["g3"], 70, "star", 500), mr("L1", g["g1"], 60, "300", 300),
			mr("M1", g["g1"], 50, n, 0), mr("M2", g["g1"], 40, n, 0), mr("L2", g["g2"], 30, n, 0)}},
		{Month: "2026-11", Members: []MemberResult{mr("L3", g["g3"], 70, "star", 500), mr("L1", g["g1"], 60, n, 0),
			mr("M1", g["g1"], 50, n, 0), mr("M2", g["g1"], 40, n, 0), mr("L2", g["g2"], 30, n, 0)}},
	}
}

func TestQuarterTeamsAndPayouts(t *testing.T) {
	tw, g := quarterTown()
	tw.pub(gridbot.LevelCounty, false, ts("2026-10-05 10:00"), "M1")                    // #1: 100 → 一网格
	tw.pub(gridbot.LevelProvince, true, ts("2026-10-06 10:00"), "L1", "O1", "L2", "L3") // #2: 500 → 168/166/166
	tw.pub(gridbot.LevelTown, false, ts("2026-10-07 10:00"), "M1")                      // #3: town level, no cash
	tw.pub(gridbot.LevelCity, true, ts("2026-11-07 10:00"), "M2", "L1")                 // #4: 100, both 一网格
	tw.pub(gridbot.LevelCounty, false, ts("2026-11-08 10:00"), "O1")                    // #5: nobody in a grid
	tw.pub(gridbot.LevelCity, false, ts("2026-09-30 10:00"), "M1")                      // #6: last quarter
	tw.photo(3, ts("2026-12-01 10:00"), "M1", "L3", "M1")                               // #7: 15 → 8/7
	tw.story(g["v2"], "东海村", ts("2026-12-02 10:00"))                                    // #8: 50 → 东海村
	q := Quarter("2026Q4", quarterMonths(g), &tw.f, DefaultRules(), time.Time{})

	if !reflect.DeepEqual(q.Months, []string{"2026-10", "2026-11", "2026-12"}) {
		t.Errorf("months %v", q.Months)
	}
	// Team means over the members at quarter end: 一网格 (L1 180 + M1 150)/2 (M2 left);
	// 二网格 (L2 90 + M3 20)/2; 三网格 210.
	wantTeams := []TeamResult{
		{GridID: g["g3"], Grid: "三网格", Village: "东海村", Score: 210, Rank: 1, AwardYuan: 1000, Members: 1},
		{GridID: g["g1"], Grid: "一网格", Village: "海风村", Score: 165, Rank: 2, AwardYuan: 1000, Members: 2},
		{GridID: g["g2"], Grid: "二网格", Village: "海风村", Score: 55, Rank: 3, AwardYuan: 1000, Members: 2},
	}
	if !reflect.DeepEqual(q.Teams, wantTeams) {
		t.Errorf("teams\n got %+v\nwant %+v", q.Teams, wantTeams)
	}
	want := []Payout{
		{Kind: "star", Payee: "L3", Name: "名L3", AmountYuan: 500, Ref: "2026-10"}, {Kind: "300", Payee: "L1", Name: "名L1", AmountYuan: 300, Ref: "2026-10"},
		{Kind: "star", Payee: "L3", Name: "名L3", AmountYuan: 500, Ref: "2026-11"},
		{Kind: "star", Payee: "L1", Name: "名L1", AmountYuan: 500, Ref: "2026-12"}, {Kind: "100", Payee: "M1", Name: "名M1", AmountYuan: 100, Ref: "2026-12"},
		{Kind: PayTeam, Payee: "三网格", Name: "", AmountYuan: 1000, Ref: "2026Q4"}, {Kind: PayTeam, Payee: "一网格", Name: "", AmountYuan: 1000, Ref: "2026Q4"}, {Kind: PayTeam, Payee: "二网格", Name: "", AmountYuan: 1000, Ref: "2026Q4"},
		{Kind: PayPublicity, Payee: "一网格", Name: "", AmountYuan: 100, Ref: "报道#1"},
		{Kind: PayPublicity, Payee: "一网格", Name: "", AmountYuan: 168, Ref: "报道#2"}, {Kind: PayPublicity, Payee: "二网格", Name: "", AmountYuan: 166, Ref: "报道#2"}, {Kind: PayPublicity, Payee: "三网格", Name: "", AmountYuan: 166, Ref: "报道#2"},
		{Kind: PayPublicity, Payee: "一网格", Name: "", AmountYuan: 100, Ref: "报道#4"},
		{Kind: PayPhoto, Payee: "一网格", Name: "", AmountYuan: 8, Ref: "照片#7"}, {Kind: PayPhoto, Payee: "三网格", Name: "", AmountYuan: 7, Ref: "照片#7"},
		{Kind: PayStory, Payee: "东海村", Name: "", AmountYuan: 50, Ref: "故事#8"},
	}
	got := slices.Clone(q.Payouts)
	for i := range got { // the names beside the payee are the sheets' business
		got[i].Grid, got[i].Village = "", ""
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("payouts\n got %+v\nwant %+v", got, want)
	}
	if q.TotalYuan != 500+300+500+500+100+3000+100+500+100+15+50 {
		t.Errorf("total %d", q.TotalYuan)
	}
}

func TestQuarterTeamTieAtTheAwardBoundary(t *testing.T) {
	tw, g := quarterTown()
	months := quarterMonths(g)
	r := DefaultRules()
	r.Quarterly.Team.Winners = 1
	q := Quarter("2026Q4", months, &tw.f, r, time.Time{})
	if q.Teams[0].AwardYuan != 1000 || q.Teams[1].AwardYuan != 0 {
		t.Fatalf("winners 1: %+v", q.Teams)
	}
	// Give 一网格 the same mean as 三网格 (210): L1 +45, M1 +45 in December.
	months[0].Members[0].Total += 45
	months[0].Members[1].Total += 45
	q = Quarter("2026Q4", months, &tw.f, r, time.Time{})
	for _, tm := range q.Teams[:2] {
		if tm.Rank != 1 || !tm.Tie || tm.AwardYuan != 1000 || tm.Score != 210 {
			t.Errorf("tied team %+v", tm)
		}
	}
	if q.Teams[2].Rank != 3 || q.Teams[2].AwardYuan != 0 {
		t.Errorf("third team %+v", q.Teams[2])
	}
}

func TestQuarterTeamScoreByIndex(t *testing.T) {
	tw, g := quarterTown()
	months := quarterMonths(g)
	for i, m := range months {
		m.Grids = []GridMonth{{GridID: g["g1"], Grid: "一网格", Index: 90 + float64(i)}, {GridID: g["g2"], Grid: "二网格", Index: 95},
			{GridID: g["g3"], Grid: "三网格", Index: 10}}
	}
	r := DefaultRules()
	r.Quarterly.Team.Score = TeamScoreIndex
	q := Quarter("2026Q4", months, &tw.f, r, time.Time{})
	if q.Teams[0].Grid != "二网格" || q.Teams[0].Score != 95 || q.Teams[1].Score != 91 || q.Teams[2].Score != 10 {
		t.Fatalf("teams by index %+v", q.Teams)
	}
}

func TestQuarterFromFrozenMonthsEqualsLive(t *testing.T) {
	tw, _ := quarterTown()
	g1 := tw.f.Grids[0].ID
	tw.healthy(g1, "L1", "2026-10")
	tw.checkinRange("L1", "2026-10", 1, 31)
	tw.base("L1", "2026-10", 55)
	tw.pub(gridbot.LevelCity, false, ts("2026-11-03 10:00"), "M1")
	var live, frozen []*MonthResult
	for _, m := range []string{"2026-10", "2026-11", "2026-12"} {
		res := tw.month(m)
		live = append(live, res)
		data, err := json.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		var back MonthResult
		if err := json.Unmarshal(data, &back); err != nil {
			t.Fatal(err)
		}
		frozen = append(frozen, &back)
	}
	at := ts("2027-01-05 10:00")
	a := Quarter("2026Q4", live, &tw.f, DefaultRules(), at)
	b := Quarter("2026Q4", frozen, &tw.f, DefaultRules(), at)
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Fatalf("frozen months give another quarter:\n%s\n%s", ja, jb)
	}
	if len(a.Payouts) == 0 || a.Payouts[0].Kind != "star" || a.Payouts[0].Payee != "L1" {
		t.Errorf("L1's October star missing: %+v", a.Payouts)
	}
}

func TestInvalidPeriods(t *testing.T) {
	for _, q := range []string{"2026Q5", "2026-Q4", "26Q4", ""} {
		if _, _, _, err := QuarterBounds(q); gridbot.ErrorCode(err) != gridbot.EINVALID {
			t.Errorf("QuarterBounds(%q) = %v", q, err)
		}
	}
	if _, _, err := YearBounds("26"); err == nil {
		t.Error("YearBounds(26) accepted")
	}
	s, e, ms, err := QuarterBounds("2026Q1")
	if err != nil || !s.Equal(ts("2026-01-01 00:00")) || !e.Equal(ts("2026-04-01 00:00")) || ms[2] != "2026-03" {
		t.Errorf("QuarterBounds(2026Q1) = %v %v %v %v", s, e, ms, err)
	}
}
