package scoring

import (
	"fmt"
	"testing"
)

// Place must give each member the place, tie, tier and reward the month's own
// ranking gives, and a member whose result changed since the others were
// settled the place a fresh settlement would give.
func TestPlaceAgreesWithTheMonthsRanking(t *testing.T) {
	rules := DefaultRules()
	rk := newRanker()
	for i, total := range []float64{100, 99, 98, 97, 96, 96, 95, 60, 40} {
		days := 20
		if i == 6 {
			days = 25
		}
		rk.add(fmt.Sprintf("M%d", i+1), total, days)
	}
	before := rk.month("2026-10")
	for _, m := range before.Members {
		got := Place(rules, before.Members, m)
		if rankOf(got) != rankOf(m) || got.Tie != m.Tie || got.Tier != m.Tier || got.RewardYuan != m.RewardYuan || got.Eligible != m.Eligible {
			t.Errorf("%s: Place gives rank %d tie %v tier %s, the month %d %v %s", m.UserID,
				rankOf(got), got.Tie, got.Tier, rankOf(m), m.Tie, m.Tier)
		}
	}

	// M9 (40 points, not eligible) gains 60 points: it now leads the month.
	rk.base("M9", "2026-10", 60)
	after := rk.month("2026-10")
	want := member(t, after, "M9")
	got := Place(rules, before.Members, want)
	if rankOf(want) != 1 || rankOf(got) != 1 || got.Tier != "star" || !got.Eligible {
		t.Errorf("M9 after its points: Place %d %s eligible %v, fresh settlement %d", rankOf(got), got.Tier, got.Eligible, rankOf(want))
	}
	// M6 drops to share 7th place's points with M7, who wins the tie on days.
	m6 := member(t, before, "M6")
	m6.Total, m6.Eligible, m6.Rank = 95, true, nil
	if got := Place(rules, before.Members, m6); rankOf(got) != 7 || got.Tie {
		t.Errorf("M6 at 95 points: rank %d tie %v, want 7th alone (M7 has more check-in days)", rankOf(got), got.Tie)
	}
}
