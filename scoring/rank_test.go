package scoring

import (
	"fmt"
	"testing"
	"time"

	"gridbot"
)

// rankTown: one healthy grid led by L (who never checks in); each member
// checks in on days days and gets base points so that its total is as given.
type ranker struct {
	*town
	g int64
}

func newRanker() *ranker {
	tw := newTown()
	g := tw.grid(tw.village("海风村"), "一网格")
	tw.person("L", gridbot.RoleLeader, g)
	tw.healthy(g, "L", "2026-10")
	return &ranker{tw, g}
}

func (rk *ranker) add(uid string, total float64, days int) {
	rk.person(uid, gridbot.RoleMember, rk.g)
	rk.checkinRange(uid, "2026-10", 1, days)
	bonus := 5.0
	if days == 31 {
		bonus = 10
	}
	rk.base(uid, "2026-10", total-bonus)
}

func TestCompetitionRanking1224(t *testing.T) {
	rk := newRanker()
	rk.add("A", 100, 20)
	rk.add("B", 90, 20)
	rk.add("C", 90, 20)
	rk.add("D", 80, 20)
	res := rk.month("2026-10")
	want := map[string]struct {
		rank int
		tie  bool
	}{"A": {1, false}, "B": {2, true}, "C": {2, true}, "D": {4, false}}
	for u, w := range want {
		if mr := member(t, res, u); rankOf(mr) != w.rank || mr.Tie != w.tie {
			t.Errorf("%s rank %d tie %v, want %d %v", u, rankOf(mr), mr.Tie, w.rank, w.tie)
		}
	}
	order := ""
	for _, m := range res.Members {
		order += m.UserID
	}
	if order != "ABCDL" {
		t.Errorf("order %s, want ABCDL (rank, then userid, unranked last)", order)
	}
}

func TestTieAcrossFifthAndSixthPlace(t *testing.T) {
	rk := newRanker()
	for i, total := range []float64{100, 99, 98, 97} {
		rk.add(fmt.Sprintf("T%d", i+1), total, 20)
	}
	rk.add("X", 96, 20)
	rk.add("Y", 96, 20)
	rk.add("Z", 95, 20)
	res := rk.month("2026-10")
	for _, u := range []string{"X", "Y"} {
		mr := member(t, res, u)
		if rankOf(mr) != 5 || mr.Tier != "star" || mr.RewardYuan != 500 || !mr.Tie {
			t.Errorf("%s: rank %d tier %s %d tie %v; want a shared 5th place, star", u, rankOf(mr), mr.Tier, mr.RewardYuan, mr.Tie)
		}
	}
	if z := member(t, res, "Z"); rankOf(z) != 7 || z.Tier != "300" || z.RewardYuan != 300 || z.Tie {
		t.Errorf("Z: rank %d tier %s", rankOf(z), z.Tier)
	}
}

func TestTieAcrossFiftiethAndFiftyFirstPlace(t *testing.T) {
	rk := newRanker()
	for i := 0; i < 49; i++ {
		rk.add(fmt.Sprintf("P%02d", i+1), float64(200-i), 20) // places 1..49
	}
	rk.add("X", 151, 20)
	rk.add("Y", 151, 20)
	rk.add("Z", 150, 20)
	res := rk.month("2026-10")
	for _, u := range []string{"X", "Y"} {
		if mr := member(t, res, u); rankOf(mr) != 50 || mr.Tier != "100" || mr.RewardYuan != 100 || !mr.Tie {
			t.Errorf("%s: rank %d tier %s tie %v; want a shared 50th place, 100", u, rankOf(mr), mr.Tier, mr.Tie)
		}
	}
	z := member(t, res, "Z")
	if rankOf(z) != 52 || z.Tier != TierNone || z.RewardYuan != 0 || !z.Eligible {
		t.Errorf("Z: rank %d tier %s; want eligible, 52nd, none", rankOf(z), z.Tier)
	}
	if p := member(t, res, "P06"); p.Tier != "300" || member(t, res, "P21").Tier != "100" || member(t, res, "P05").Tier != "star" {
		t.Errorf("tier boundaries wrong")
	}
}

func TestTieBreakKeysInOrder(t *testing.T) {
	rk := newRanker()
	// Same total 100. D31 wins on check-in days (31 days: +10, base 90).
	rk.add("D31", 100, 31)
	rk.add("ISS", 100, 20)
	rk.add("ACT", 100, 20)
	rk.add("ACT2", 100, 20)
	rk.add("NONE", 100, 20)
	rk.closedIssue(rk.g, "ISS", ts("2026-10-10 09:00"), ts("2026-10-10 12:00")) // assigned to ISS, closed in the month
	rk.activity(rk.g, "L", ts("2026-10-12 10:00"), "ACT", "ACT2")
	rk.activity(rk.g, "L", ts("2026-10-13 10:00"), "ACT")
	rk.activity(rk.g, "L", ts("2026-10-14 10:00"), "ACT")
	res := rk.month("2026-10")
	want := []string{"D31", "ISS", "ACT", "ACT2", "NONE"}
	for i, u := range want {
		if mr := member(t, res, u); rankOf(mr) != i+1 || mr.Tie {
			t.Errorf("%s rank %d tie %v, want %d", u, rankOf(mr), mr.Tie, i+1)
		}
	}
	if iss := member(t, res, "ISS"); iss.IssuesClosed != 1 {
		t.Errorf("ISS issues_closed %d", iss.IssuesClosed)
	}
	if act := member(t, res, "ACT"); act.Activities != 3 {
		t.Errorf("ACT activities %d", act.Activities)
	}
	// The order of keys is the rules'.
	r := DefaultRules()
	r.Ranking.TieBreak = []string{TieActivities, TieIssuesClosed, TieCheckinDays}
	res = Month(&rk.f, r, "2026-10", time.Time{})
	for i, u := range []string{"ACT", "ACT2", "ISS", "D31", "NONE"} {
		if mr := member(t, res, u); rankOf(mr) != i+1 {
			t.Errorf("reordered keys: %s rank %d, want %d", u, rankOf(mr), i+1)
		}
	}
	// Without keys, all five share the first place.
	r.Ranking.TieBreak = nil
	for _, u := range want {
		if mr := member(t, Month(&rk.f, r, "2026-10", time.Time{}), u); rankOf(mr) != 1 || !mr.Tie {
			t.Errorf("no keys: %s rank %d tie %v", u, rankOf(mr), mr.Tie)
		}
	}
}

func TestLeaderTakesPartInActivitiesItRecords(t *testing.T) {
	tw := newTown()
	g := tw.grid(tw.village("海风村"), "一网格")
	tw.person("L", gridbot.RoleLeader, g)
	tw.f.Activities = append(tw.f.Activities, gridbot.Activity{ID: 99, GridID: g, Category: gridbot.ActivityCategories[4],
		Leader: "L", Participants: nil, At: ts("2026-10-03 10:00")}) // leader not listed
	if mr := member(t, tw.month("2026-10"), "L"); mr.Activities != 1 {
		t.Fatalf("leader activities %d", mr.Activities)
	}
}
