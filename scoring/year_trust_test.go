package scoring

import (
	"strings"
	"testing"
	"time"

	"gridbot"
)

// TestPartyStarsDecemberToJanuary: stars in the previous December and this
// January are consecutive (R-Y-PARTY); the December counts for nothing else.
func TestPartyStarsDecemberToJanuary(t *testing.T) {
	yc := yearTown()
	r := DefaultRules()
	r.Yearly.Members.Winners = 1 // M4 is not an excellent member
	dec, jan := &MonthResult{Month: "2025-12"}, &MonthResult{Month: "2026-01"}
	dec.Members = []MemberResult{{UserID: "M4", Tier: "star", Total: 999, CheckinDays: 31}, {UserID: "M1", Tier: "star"}}
	jan.Members = []MemberResult{{UserID: "M4", Tier: "star", Total: 10, CheckinDays: 20}}
	y := Year("2026", append(yc.months, dec, jan), &yc.tw.f, r, time.Time{})
	got := map[string]YearMember{}
	for _, m := range y.Members {
		got[m.UserID] = m
	}
	m4 := got["M4"]
	if m4.PartyFlag == nil || *m4.PartyFlag != FlagTraining || !strings.Contains(m4.PartyReason, "2025-12、2026-01") {
		t.Fatalf("M4 flag %v reason %q", m4.PartyFlag, m4.PartyReason)
	}
	if m4.AnnualPoints != 130 || len(m4.Stars) != 1 { // 120 in March + 10 in January; December's 999 not counted
		t.Errorf("M4 annual %v stars %v", m4.AnnualPoints, m4.Stars)
	}
	if y.Months[0] != "2026-01" || len(y.Months) != 4 {
		t.Errorf("months %v", y.Months)
	}
	// A December star alone does not reach into the year.
	if f := got["M1"].PartyFlag; f != nil {
		t.Errorf("M1 flagged for a December star alone: %v", *f)
	}
}

// TestVillageBottomTieAcrossTheLine: ranks 1, 2, 2, 4. The shared second
// place straddles the line (the last 2 places): neither tied village is in
// the bottom half, only the fourth, and the result says why.
func TestVillageBottomTieAcrossTheLine(t *testing.T) {
	tw := newTown()
	var months []*MonthResult
	mar := &MonthResult{Month: "2026-03"}
	for i, pts := range []float64{200, 150, 150, 100} {
		name := string(rune('A'+i)) + "村"
		g := tw.grid(tw.village(name), name+"一网格")
		uid := "U" + name
		tw.person(uid, gridbot.RoleMember, g)
		mar.Members = append(mar.Members, MemberResult{UserID: uid, GridID: g, Role: gridbot.RoleMember, Total: pts, Tier: TierNone})
	}
	months = append(months, mar)
	r := DefaultRules()
	r.Yearly.Villages.Winners = 1
	y := Year("2026", months, &tw.f, r, time.Time{})
	var ranks []int
	bottom := 0
	for _, v := range y.Villages {
		ranks = append(ranks, v.Rank)
		if v.BottomHalf {
			bottom++
			if v.Rank != 4 {
				t.Errorf("%s rank %d in the bottom half", v.Village, v.Rank)
			}
		}
		if v.Rank == 2 && !strings.Contains(v.Note, "并列第2名跨过") {
			t.Errorf("%s note %q", v.Village, v.Note)
		}
	}
	if len(ranks) != 4 || ranks[1] != 2 || ranks[2] != 2 || ranks[3] != 4 || bottom != 1 {
		t.Fatalf("ranks %v bottom %d", ranks, bottom)
	}
	if !strings.Contains(strings.Join(y.Notes, "\n"), "只有1个村（居）取消先进党组织评选资格") {
		t.Errorf("notes %q", y.Notes)
	}
}

// TestVillageTopAndBottomExplained: 5 villages, 8 places: the last two are
// awarded and lose eligibility at once, and the output says why.
func TestVillageTopAndBottomExplained(t *testing.T) {
	yc := yearTown()
	yc.tw.story(yc.tw.f.Villages[2].ID, "V3", ts("2026-08-01 10:00")) // no tie
	y := Year("2026", yc.months, &yc.tw.f, DefaultRules(), time.Time{})
	both := 0
	for _, v := range y.Villages {
		if v.AwardYuan > 0 && v.BottomHalf {
			both++
			if !strings.Contains(v.Note, "两条规则各自独立适用") {
				t.Errorf("%s note %q", v.Village, v.Note)
			}
		}
	}
	if both != 2 || !strings.Contains(strings.Join(y.Notes, "\n"), "全镇只有5个村（居），少于优秀村名额8的两倍") {
		t.Fatalf("both %d notes %q", both, y.Notes)
	}
}

// TestYearAwardMinimums: min_points and min_checkin_months keep weak
// candidates out; the notes say there are fewer candidates than places.
func TestYearAwardMinimums(t *testing.T) {
	yc := yearTown()
	r := DefaultRules()
	y := Year("2026", yc.months, &yc.tw.f, r, time.Time{})
	if !strings.Contains(strings.Join(y.Notes, "\n"), "年度优秀网格长名额15名，全镇在册网格长只有6名") {
		t.Errorf("no-minimum notes %q", y.Notes)
	}
	r.Yearly.Leaders.MinPoints, r.Yearly.Leaders.MinCheckinMonths = 190, 1
	r.Yearly.Members.MinCheckinMonths = 1
	for i, m := range yc.months[1].Members { // March
		if m.UserID == "M1" {
			yc.months[1].Members[i].CheckinDays = 9 // below ranking.min_checkin_days
		}
	}
	y = Year("2026", yc.months, &yc.tw.f, r, time.Time{})
	got := map[string]YearMember{}
	for _, m := range y.Members {
		got[m.UserID] = m
	}
	for uid, want := range map[string]bool{"L1": true, "L2": true, "L3": true, "L4": false, "L5": false, "L1b": false} {
		if (got[uid].Award == AwardLeader) != want {
			t.Errorf("%s award %s, want awarded %v", uid, got[uid].Award, want)
		}
	}
	if got["L4"].Rank != nil || got["M1"].Rank != nil || got["M1"].Award != AwardNone {
		t.Errorf("below the minimums yet ranked: L4 %v M1 %v", got["L4"].Rank, got["M1"].Rank)
	}
	notes := strings.Join(y.Notes, "\n")
	if !strings.Contains(notes, "全镇在册网格长6名中符合条件（年度积分不低于190分、打卡达标的月份不少于1个）的只有3名") {
		t.Errorf("notes %q", notes)
	}
}

// TestValidateMeaninglessCombinations: the rules review's findings.
func TestValidateMeaninglessCombinations(t *testing.T) {
	for _, c := range []struct {
		key    string
		change func(r *Rules)
	}{
		{"monthly.overdue.close_points", func(r *Rules) { r.Monthly.Overdue.ClosePenalty = true }},
		{"index.ratings", func(r *Rules) { r.Index.Ratings.Basic = 100; r.Index.Ratings.Satisfied = 60 }},
		{"index.ratings", func(r *Rules) {
			r.Index.Ratings.Basic, r.Index.Ratings.Satisfied, r.Index.Ratings.Unsatisfied = 0, 0, 0
		}},
		{"index.office_categories[1]", func(r *Rules) { r.Index.OfficeCategories[1] = "硬件设施" }},
		{"index.office_categories[2]", func(r *Rules) { r.Index.OfficeCategories[2] = r.Index.OfficeCategories[0] }},
		{"checkin_window.to", func(r *Rules) { r.CheckinWindow.From, r.CheckinWindow.To = "12:00", "05:00" }},
		{"publicity.photo_yuan", func(r *Rules) { r.Publicity.PhotoYuan = -5 }},
		{"ranking.tiers[0].yuan", func(r *Rules) { r.Ranking.Tiers[0].Yuan = -500 }},
		{"yearly.leaders.min_points", func(r *Rules) { r.Yearly.Leaders.MinPoints = -1 }},
		{"yearly.members.min_checkin_months", func(r *Rules) { r.Yearly.Members.MinCheckinMonths = 13 }},
	} {
		r := DefaultRules()
		c.change(r)
		if err := r.Validate(); err == nil || !strings.Contains(gridbot.ErrorMessage(err), "rules: "+c.key+":") {
			t.Errorf("%s: err = %v", c.key, err)
		}
	}
	r := DefaultRules()
	r.Monthly.Overdue.ClosePenalty, r.Monthly.Overdue.ClosePoints = true, -2
	r.Index.OfficeCategories = append(r.Index.OfficeCategories, "更正")
	if err := r.Validate(); err != nil {
		t.Fatalf("a sensible file refused: %v", err)
	}
	// The minimums are optional keys of the file.
	data := strings.Replace(string(binhai2020), "    winners: 15            # [R-Y-LEADERS]",
		"    min_points: 300\n    min_checkin_months: 10\n    winners: 15            # [R-Y-LEADERS]", 1)
	pr, err := ParseRules([]byte(data))
	if err != nil || pr.Yearly.Leaders.MinPoints != 300 || pr.Yearly.Leaders.MinCheckinMonths != 10 {
		t.Fatalf("minimums: %v %+v", err, pr)
	}
}
