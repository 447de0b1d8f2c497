package results

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"gridbot"
	"gridbot/internal/testkit"
	"gridbot/scoring"
)

// TestMonthAsAtMatchesCheckins: Month, which reads check-ins as days by
// person (CheckinDays) up to at, gives what scoring gives from the
// check-ins themselves, as at every instant that matters — around check-ins
// imported mid-month and after it, around the overdue marks of an issue
// reported in the week before the month and of one inside it, before the
// month and with no cut-off — on both engines.
func TestMonthAsAtMatchesCheckins(t *testing.T) { testkit.Engines(t, testMonthAsAt) }

var ts = testkit.At

func testMonthAsAt(t *testing.T, s gridbot.Store) {
	ctx := context.Background()
	var town int64
	var checkins []gridbot.Checkin // as stored, for scoring them one by one
	err := s.Update(ctx, func(tx gridbot.Tx) error {
		var err error
		town, checkins, err = asAtTown(tx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	rules := scoring.DefaultRules()
	from, to, _ := scoring.MonthBounds("2026-10")
	for _, at := range []string{
		"2026-09-30 12:00:00.000", // before the month
		"2026-10-01 00:00:00.000",
		"2026-10-03 09:59:59.999", "2026-10-03 10:00:00.000", "2026-10-03 10:00:00.001", // issue 2's 24-hour mark
		"2026-10-04 10:00:00.000", "2026-10-04 10:00:00.001", // issue 1's 7-day mark
		"2026-10-15 12:00:00.000",
		"2026-10-26 09:59:59.999", "2026-10-26 09:59:59.999+", "2026-10-26 10:00:00.000", // the mid-month import
		"2026-10-31 23:59:59.999", "2026-11-01 00:00:00.000",
		"2026-11-02 08:59:59.999", "2026-11-02 09:00:00.000", // the import after the month
		"", // no cut-off
	} {
		var asAt time.Time
		if at, finer := strings.CutSuffix(at, "+"); at != "" {
			asAt = ts(at)
			if finer { // half a millisecond later: finer than the store keeps
				asAt = asAt.Add(500 * time.Microsecond)
			}
		}
		var got, want *scoring.MonthResult
		err := s.View(ctx, func(tx gridbot.Tx) error {
			var err error
			if got, _, err = Month(tx, town, rules, "2026-10", asAt); err != nil {
				return err
			}
			f, err := tx.PeriodFacts(town, from, to, rules.IssueLookback())
			if err != nil {
				return err
			}
			f.CheckinDays, f.Checkins = nil, checkins
			want = scoring.Month(f, rules, "2026-10", asAt)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		if string(g) != string(w) {
			t.Errorf("as at %q:\n got %s\nwant %s", at, g, w)
		}
		checkAsAt(t, at, got)
	}
}

// checkAsAt checks a few figures of the month as at at, so that the
// comparison above cannot pass on two equally wrong results.
func checkAsAt(t *testing.T, at string, res *scoring.MonthResult) {
	t.Helper()
	days := map[string]int{}
	overdue := map[string]int{}
	for _, m := range res.Members {
		days[m.UserID] = m.CheckinDays
		for _, it := range m.Items {
			if it.Rule == scoring.ROverdue24H || it.Rule == scoring.ROverdue7D {
				overdue[m.UserID]++
			}
		}
	}
	want := map[string][3]int{ // M1, M2 check-in days; L1's overdue items
		"2026-10-03 10:00:00.000":  {3, 0, 0}, // acting at the mark is in time
		"2026-10-03 10:00:00.001":  {3, 0, 1},
		"2026-10-04 10:00:00.001":  {4, 0, 2},
		"2026-10-26 09:59:59.999":  {20, 0, 4},
		"2026-10-26 09:59:59.999+": {20, 0, 4},
		"2026-10-26 10:00:00.000":  {20, 25, 4},
		"2026-11-02 08:59:59.999":  {20, 31, 4},
		"":                         {20, 31, 4},
		"2026-09-30 12:00:00.000":  {0, 0, 0},
	}
	if w, ok := want[at]; ok {
		if got := [3]int{days["M1"], days["M2"], overdue["L1"]}; got != w {
			t.Errorf("as at %q: M1, M2 days and L1's overdue items = %v, want %v", at, got, w)
		}
	}
}

// asAtTown stores a town of one grid (L1 leading M1 and M2) and its October:
// M1 checks in by chat on days 1-20, M2's days 1-25 are imported on the 26th
// and days 26-31 on November 2; issue 1, reported on September 27, is never
// dispatched (its 7-day mark passes on October 4, 10:00); issue 2, reported
// on October 2, 10:00, is dispatched late, on the 3rd at 12:00 (its 24-hour
// mark passes first) and closed; issue 3 waits from the 14th. Plus an
// activity, a deliberation, an adjustment and base points.
func asAtTown(tx gridbot.Tx) (int64, []gridbot.Checkin, error) {
	town, err := tx.CreateTown("海风镇")
	if err != nil {
		return 0, nil, err
	}
	d, err := tx.EnsureDistrict(town.ID, "东片")
	if err != nil {
		return 0, nil, err
	}
	v, err := tx.EnsureVillage(town.ID, d.ID, "海风村")
	if err != nil {
		return 0, nil, err
	}
	g, err := tx.EnsureGrid(town.ID, v.ID, "海风村一网格")
	if err != nil {
		return 0, nil, err
	}
	for _, p := range []struct {
		id   string
		role gridbot.Role
	}{{"L1", gridbot.RoleLeader}, {"M1", gridbot.RoleMember}, {"M2", gridbot.RoleMember}} {
		person, err := tx.SavePerson(gridbot.Person{TownID: town.ID, UserID: p.id, Name: p.id, Role: p.role, Active: true})
		if err != nil {
			return 0, nil, err
		}
		if _, err := tx.SetMembership(town.ID, person.ID, g.ID, p.role, time.Time{}); err != nil {
			return 0, nil, err
		}
	}
	rec := func(by, msg string, at time.Time) gridbot.Record {
		return gridbot.Record{RecordedBy: by, RecordedAt: at, Platform: "console", MsgID: msg}
	}
	var cs []gridbot.Checkin
	for day := 1; day <= 31; day++ {
		at := ts(fmt.Sprintf("2026-10-%02d 08:00:00.000", day))
		if day <= 20 {
			cs = append(cs, gridbot.Checkin{TownID: town.ID, UserID: "M1", At: at, Source: gridbot.SourceChat,
				Record: rec("M1", fmt.Sprint("c", day), at)})
		}
		imported := ts("2026-10-26 10:00:00.000")
		if day > 25 {
			imported = ts("2026-11-02 09:00:00.000")
		}
		cs = append(cs, gridbot.Checkin{TownID: town.ID, UserID: "M2", At: at.Add(-time.Hour), Source: gridbot.SourceWeCom,
			Record: gridbot.Record{RecordedBy: "O1", RecordedAt: imported, Platform: "import"}})
	}
	for i := range cs {
		if err := tx.AddCheckin(&cs[i]); err != nil {
			return 0, nil, err
		}
	}
	issues := []gridbot.Issue{
		{ReportedBy: "M1", ReportedAt: ts("2026-09-27 10:00:00.000")},
		{ReportedBy: "M2", ReportedAt: ts("2026-10-02 10:00:00.000"), Assignee: "M1", DispatchedBy: "L1",
			DispatchedAt: ts("2026-10-03 12:00:00.000"), ClosedBy: "M1", ClosedAt: ts("2026-10-08 10:00:00.000"), Result: "修好",
			Rating: gridbot.Ratings[0], RatedBy: "M2", RatedAt: ts("2026-10-08 11:00:00.000")},
		{ReportedBy: "M1", ReportedAt: ts("2026-10-14 20:00:00.000")},
	}
	for i := range issues {
		is := issues[i]
		is.TownID, is.GridID, is.Description = town.ID, g.ID, fmt.Sprint("问题", i)
		is.Record = rec(is.ReportedBy, fmt.Sprint("i", i), is.ReportedAt)
		if err := tx.AddIssue(&is); err != nil {
			return 0, nil, err
		}
		if err := tx.UpdateIssue(is); err != nil {
			return 0, nil, err
		}
	}
	act := ts("2026-10-09 15:00:00.000")
	if err := tx.AddActivity(&gridbot.Activity{TownID: town.ID, GridID: g.ID, Category: gridbot.ActivityCategories[0], Content: "宣传",
		Leader: "L1", Participants: []string{"L1", "M1"}, At: act, Record: rec("L1", "a1", act)}); err != nil {
		return 0, nil, err
	}
	del := ts("2026-10-10 19:00:00.000")
	if err := tx.AddDeliberation(&gridbot.Deliberation{TownID: town.ID, GridID: g.ID, Minutes: "议事", Leader: "L1",
		Participants: []string{"L1", "M2"}, At: del, ConfirmedBy: "O1", ConfirmedAt: del.Add(6 * 24 * time.Hour), Record: rec("L1", "d1", del)}); err != nil {
		return 0, nil, err
	}
	adj := ts("2026-10-12 09:00:00.000")
	if err := tx.AddAdjustment(&gridbot.Adjustment{TownID: town.ID, UserID: "M2", Points: -2, Reason: "缺席", Category: "组织纪律",
		At: adj, Record: rec("O1", "j1", adj)}); err != nil {
		return 0, nil, err
	}
	err = tx.SetBasePoints(town.ID, "2026-10", []gridbot.BasePoint{{UserID: "L1", Points: 40}, {UserID: "M1", Points: 35}, {UserID: "M2", Points: 30}})
	return town.ID, cs, err
}
