package scoring

import (
	"fmt"
	"testing"
)

// TestExclude: an excluded member keeps points and eligibility but has no
// place, tier or reward; the places below move up (the 6th becomes a star);
// restoring gives the first ranking back; Place honours exclusions on both
// sides.
func TestExclude(t *testing.T) {
	r := DefaultRules()
	res := &MonthResult{Month: "2026-10"}
	for i := range 7 {
		res.Members = append(res.Members, MemberResult{UserID: fmt.Sprintf("U%02d", i+1), Total: float64(100 - i),
			CheckinDays: 25, Eligible: true})
	}
	list := make([]*memberAcc, len(res.Members))
	for i := range res.Members {
		list[i] = &memberAcc{MemberResult: res.Members[i]}
	}
	rankMonth(r, list)
	for i, a := range list {
		res.Members[i] = a.MemberResult
	}
	if *res.Members[5].Rank != 6 || res.Members[5].Tier == "star" {
		t.Fatalf("setup: U06 = %+v", res.Members[5])
	}
	Exclude(r, res, map[string]string{"U02": "例会多次缺席"})
	byID := map[string]MemberResult{}
	for _, m := range res.Members {
		byID[m.UserID] = m
	}
	u2, u6 := byID["U02"], byID["U06"]
	if u2.Rank != nil || u2.Tier != TierNone || u2.RewardYuan != 0 || !u2.Eligible || u2.Total != 99 || u2.Excluded != "例会多次缺席" {
		t.Errorf("excluded U02 = %+v", u2)
	}
	if u6.Rank == nil || *u6.Rank != 5 || u6.Tier != "star" {
		t.Errorf("U06 after the exclusion = %+v, want 5th and a star", u6)
	}
	if last := res.Members[len(res.Members)-1]; last.UserID != "U02" {
		t.Errorf("the excluded member is not listed last: %+v", res.Members)
	}
	me := Place(r, res.Members, MemberResult{UserID: "U07", Total: 94, CheckinDays: 25})
	if me.Rank == nil || *me.Rank != 6 {
		t.Errorf("Place among others with an exclusion: %+v, want 6th", me)
	}
	me = Place(r, res.Members, MemberResult{UserID: "U01", Total: 100, CheckinDays: 25, Excluded: "x"})
	if me.Rank != nil {
		t.Errorf("Place of an excluded member: %+v", me)
	}
	Exclude(r, res, nil)
	if m := res.Members[1]; m.UserID != "U02" || m.Rank == nil || *m.Rank != 2 || m.Excluded != "" {
		t.Errorf("restored U02 = %+v", m)
	}
}
