package storagetest

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"gridbot"
	"gridbot/scoring"
)

// testMemberFacts: a member's result scored from MemberFacts is the one
// scored from PeriodFacts — items, total, check-in days, tie-break counts,
// eligibility — for every member, as at instants through the month. The
// town has what makes a member's result depend on more than their own
// records: a member who moves grids mid-month, activities of another grid
// they take part in, grid penalties and overdue marks, deliberations,
// publicity, adjustments, base points of neighbouring months, check-ins
// imported later.
func testMemberFacts(t *testing.T, s gridbot.Store) {
	var town int64
	update(t, s, func(tx gridbot.Tx) error {
		var err error
		town, err = memberTown(tx)
		return err
	})
	rules := scoring.DefaultRules()
	from, to, _ := scoring.MonthBounds("2026-10")
	users := []string{"L1", "A", "B", "C", "L2", "D", "X"}
	for _, cut := range []string{"2026-10-04 12:00:00.000", "2026-10-15 00:00:00.000", "2026-10-16 09:00:00.000",
		"2026-10-24 00:00:00.000", "2026-11-01 00:00:00.000"} {
		end := at(cut)
		asAt := end.Add(-time.Millisecond)
		view(t, s, func(tx gridbot.Tx) error {
			f, err := tx.PeriodFacts(town, from, end, rules.IssueLookback())
			if err != nil {
				return err
			}
			want := scoring.Month(f, rules, "2026-10", asAt)
			for _, u := range users {
				mf, err := tx.MemberFacts(town, u, from, end, rules.IssueLookback())
				if err != nil {
					return err
				}
				got := scoring.Month(mf, rules, "2026-10", asAt)
				w, g := memberOf(want, u), memberOf(got, u)
				if w == nil || g == nil {
					t.Errorf("as at %s, %s: in PeriodFacts' month %v, in MemberFacts' %v", cut, u, w != nil, g != nil)
					continue
				}
				w.Rank, g.Rank, w.Tie, g.Tie, w.Tier, g.Tier, w.RewardYuan, g.RewardYuan = nil, nil, false, false, "", "", 0, 0
				// The live place stands among the town (results.Member places it).
				w.LivePoints, g.LivePoints, w.LiveRank, g.LiveRank, w.LiveTie, g.LiveTie = 0, 0, nil, nil, false, false
				if !reflect.DeepEqual(*w, *g) {
					t.Errorf("as at %s, %s:\nPeriodFacts %+v\nMemberFacts %+v", cut, u, *w, *g)
				}
			}
			return nil
		})
	}
	view(t, s, func(tx gridbot.Tx) error {
		f, err := tx.MemberFacts(town, "nobody", from, to, rules.IssueLookback())
		if err != nil || len(f.People) != 0 || len(f.Issues) != 0 {
			t.Errorf("MemberFacts of someone not on the roster: %d people, %d issues, %v", len(f.People), len(f.Issues), err)
		}
		return nil
	})
	// Beside the facts: the member's exclusions of the period's months and
	// their base points of the month before.
	update(t, s, func(tx gridbot.Tx) error {
		return tx.AddExclusion(gridbot.Exclusion{TownID: town, Month: "2026-10", UserID: "B", Reason: "综合表现", By: "O", At: at("2026-10-20 09:00:00.000")})
	})
	view(t, s, func(tx gridbot.Tx) error {
		f, err := tx.MemberFacts(town, "B", from, at("2026-10-21 00:00:00.000"), rules.IssueLookback())
		if err != nil {
			return err
		}
		if len(f.Exclusions) != 1 || f.Exclusions[0].Reason != "综合表现" || f.Exclusions[0].Month != "2026-10" {
			t.Errorf("exclusions %+v", f.Exclusions)
		}
		if len(f.PriorBasePoints) != 1 || f.PriorBasePoints[0].Month != "2026-09" || f.PriorBasePoints[0].Points != 35 ||
			len(f.BasePoints) != 1 || f.BasePoints[0].Month != "2026-10" {
			t.Errorf("base points %+v, before %+v", f.BasePoints, f.PriorBasePoints)
		}
		f, err = tx.MemberFacts(town, "A", from, to, rules.IssueLookback())
		if err == nil && len(f.Exclusions) != 0 {
			t.Errorf("A's exclusions %+v", f.Exclusions)
		}
		return err
	})
}

func memberOf(res *scoring.MonthResult, userID string) *scoring.MemberResult {
	for i := range res.Members {
		if res.Members[i].UserID == userID {
			return &res.Members[i]
		}
	}
	return nil
}

// memberTown builds testMemberFacts' town: grids G1 and G2 of one village,
// G3 of another; B moves from G1 to G2 on 10-15, X leaves on 10-20.
func memberTown(tx gridbot.Tx) (int64, error) {
	tw, err := tx.CreateTown("海风镇")
	if err != nil {
		return 0, err
	}
	d, err := tx.EnsureDistrict(tw.ID, "东片")
	if err != nil {
		return 0, err
	}
	v1, err := tx.EnsureVillage(tw.ID, d.ID, "海风村")
	if err != nil {
		return 0, err
	}
	v2, err := tx.EnsureVillage(tw.ID, d.ID, "渔港村")
	if err != nil {
		return 0, err
	}
	grids := map[string]int64{}
	for _, g := range []struct {
		name    string
		village int64
	}{{"G1", v1.ID}, {"G2", v1.ID}, {"G3", v2.ID}} {
		gr, err := tx.EnsureGrid(tw.ID, g.village, g.name)
		if err != nil {
			return 0, err
		}
		grids[g.name] = gr.ID
	}
	people := map[string]int64{}
	for _, p := range []struct {
		id, grid string
		role     gridbot.Role
	}{{"L1", "G1", gridbot.RoleLeader}, {"A", "G1", gridbot.RoleMember}, {"B", "G1", gridbot.RoleMember},
		{"X", "G1", gridbot.RoleMember}, {"L2", "G2", gridbot.RoleLeader}, {"C", "G2", gridbot.RoleMember},
		{"D", "G3", gridbot.RoleMember}, {"O", "", gridbot.RoleOffice}} {
		person, err := tx.SavePerson(gridbot.Person{TownID: tw.ID, UserID: p.id, Name: "名" + p.id, Role: p.role, Active: true})
		if err != nil {
			return 0, err
		}
		people[p.id] = person.ID
		if _, err := tx.SetMembership(tw.ID, person.ID, grids[p.grid], p.role, time.Time{}); err != nil {
			return 0, err
		}
	}
	if _, err := tx.SetMembership(tw.ID, people["B"], grids["G2"], gridbot.RoleMember, at("2026-10-15 00:00:00.000")); err != nil {
		return 0, err
	}
	if _, err := tx.SetMembership(tw.ID, people["X"], 0, "", at("2026-10-20 00:00:00.000")); err != nil {
		return 0, err
	}
	n := 0
	rec := func(by string, when time.Time) gridbot.Record {
		n++
		return gridbot.Record{RecordedBy: by, RecordedAt: when, Platform: "console", MsgID: fmt.Sprint("m", n)}
	}
	// Check-ins: A every day to the 22nd, B and C every other day, D on
	// ten days imported on 10-16, X until leaving.
	for day := 1; day <= 31; day++ {
		when := at(fmt.Sprintf("2026-10-%02d 08:00:00.000", day))
		add := func(u string, r gridbot.Record) error {
			return tx.AddCheckin(&gridbot.Checkin{TownID: tw.ID, UserID: u, At: when, Source: gridbot.SourceChat, Record: r})
		}
		for _, c := range []struct {
			u  string
			ok bool
		}{{"A", day <= 22}, {"B", day%2 == 1}, {"C", day%2 == 0}, {"X", day < 20}, {"L1", day <= 25}} {
			if c.ok {
				if err := add(c.u, rec(c.u, when)); err != nil {
					return 0, err
				}
			}
		}
		if day <= 10 {
			if err := add("D", gridbot.Record{RecordedBy: "O", RecordedAt: at("2026-10-16 08:30:00.000"), Platform: "import"}); err != nil {
				return 0, err
			}
		}
	}
	cat := gridbot.ActivityCategories
	for _, a := range []gridbot.Activity{
		{GridID: grids["G1"], Category: cat[0], Leader: "L1", Participants: []string{"L1", "A", "B"}, At: at("2026-10-05 15:00:00.000")},
		{GridID: grids["G3"], Category: cat[1], Leader: "L2", Participants: []string{"D", "A"}, At: at("2026-10-10 15:00:00.000")},
		{GridID: grids["G2"], Category: cat[2], Leader: "L2", Participants: []string{"C", "B"}, At: at("2026-10-20 15:00:00.000")},
		{GridID: grids["G2"], Category: "聚餐", Leader: "L2", Participants: []string{"C"}, At: at("2026-10-21 15:00:00.000")},
		{GridID: grids["G1"], Category: cat[3], Leader: "L1", Participants: []string{"X"}, At: at("2026-09-30 15:00:00.000")},
	} {
		a.TownID, a.Content, a.Record = tw.ID, "活动", rec(a.Leader, a.At)
		if err := tx.AddActivity(&a); err != nil {
			return 0, err
		}
	}
	for _, is := range []gridbot.Issue{
		{GridID: grids["G1"], ReportedBy: "A", ReportedAt: at("2026-09-28 10:00:00.000")}, // never dispatched
		{GridID: grids["G1"], ReportedBy: "B", ReportedAt: at("2026-10-03 10:00:00.000"), Assignee: "A", DispatchedBy: "L1",
			DispatchedAt: at("2026-10-05 10:00:00.000"), ClosedBy: "A", ClosedAt: at("2026-10-09 10:00:00.000"), Result: "好",
			Rating: gridbot.Ratings[0], RatedBy: "B", RatedAt: at("2026-10-09 12:00:00.000")},
		{GridID: grids["G2"], ReportedBy: "C", ReportedAt: at("2026-10-16 10:00:00.000"), Assignee: "B", DispatchedBy: "L2",
			DispatchedAt: at("2026-10-16 12:00:00.000"), ClosedBy: "B", ClosedAt: at("2026-10-18 10:00:00.000"), Result: "好"},
		{GridID: grids["G3"], ReportedBy: "D", ReportedAt: at("2026-10-12 10:00:00.000"), Assignee: "A", DispatchedBy: "L1",
			DispatchedAt: at("2026-10-12 11:00:00.000"), ClosedBy: "A", ClosedAt: at("2026-10-22 10:00:00.000"), Result: "好"},
		{GridID: grids["G2"], ReportedBy: "B", ReportedAt: at("2026-10-13 10:00:00.000")}, // B's report in G2 before moving
	} {
		is.TownID, is.Description, is.Record = tw.ID, "问题", rec(is.ReportedBy, is.ReportedAt)
		if err := tx.AddIssue(&is); err != nil {
			return 0, err
		}
	}
	for _, d := range []gridbot.Deliberation{
		{GridID: grids["G1"], Leader: "L1", Participants: []string{"L1", "A", "B"}, At: at("2026-10-08 19:00:00.000")},
		{GridID: grids["G2"], Leader: "L2", Participants: []string{"C", "B"}, At: at("2026-10-21 19:00:00.000")},
	} {
		d.TownID, d.Minutes, d.Record = tw.ID, "议事", rec(d.Leader, d.At)
		if err := tx.AddDeliberation(&d); err != nil {
			return 0, err
		}
		if d.GridID == grids["G1"] {
			if err := tx.ConfirmDeliberation(tw.ID, d.No, "O", at("2026-10-16 08:00:00.000")); err != nil {
				return 0, err
			}
		}
	}
	for _, p := range []gridbot.Publicity{
		{Level: gridbot.LevelCounty, Involved: []string{"A", "C"}, At: at("2026-10-11 09:00:00.000")},
		{Level: gridbot.LevelCity, Comprehensive: true, Involved: []string{"B"}, At: at("2026-10-23 09:00:00.000")},
	} {
		p.TownID, p.Title, p.Record = tw.ID, "报道", rec("O", p.At)
		if err := tx.AddPublicity(&p); err != nil {
			return 0, err
		}
	}
	for _, a := range []gridbot.Adjustment{
		{UserID: "B", Points: 3, At: at("2026-10-17 09:00:00.000")},
		{UserID: "A", Points: -2, At: at("2026-10-02 09:00:00.000")},
	} {
		a.TownID, a.Reason, a.Category, a.Record = tw.ID, "调整", "基础工作", rec("O", a.At)
		if err := tx.AddAdjustment(&a); err != nil {
			return 0, err
		}
	}
	for _, month := range []string{"2026-09", "2026-10", "2026-11"} {
		if err := tx.SetBasePoints(tw.ID, month, []gridbot.BasePoint{{UserID: "A", Points: 40}, {UserID: "B", Points: 35},
			{UserID: "C", Points: 30}, {UserID: "D", Points: 20}}); err != nil {
			return 0, err
		}
	}
	return tw.ID, nil
}
