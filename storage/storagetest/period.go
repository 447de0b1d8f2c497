package storagetest

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"gridbot"
)

// testPeriodFactsBoundaries: PeriodFacts takes facts with from <= At < to,
// with their lists of people, and no more.
func testPeriodFactsBoundaries(t *testing.T, s gridbot.Store) {
	a := seedStore(t, s, "滨海镇")
	b := seedStore(t, s, "松门镇") // facts of another town must not appear
	from, to := at("2026-10-01 00:00:00.000"), at("2026-11-01 00:00:00.000")
	instants := []time.Time{from.Add(-time.Millisecond), from, to.Add(-time.Millisecond), to}
	update(t, s, func(tx gridbot.Tx) error {
		for _, tw := range []town{a, b} {
			for k, when := range instants {
				addFacts(t, tx, tw, k, when)
			}
		}
		must(t, tx.SetBasePoints(a.ID, "2026-09", []gridbot.BasePoint{{UserID: "U001", Points: 9}}))
		must(t, tx.SetBasePoints(a.ID, "2026-10", []gridbot.BasePoint{{UserID: "U001", Points: 10}}))
		must(t, tx.SetBasePoints(a.ID, "2026-11", []gridbot.BasePoint{{UserID: "U001", Points: 11}}))
		return nil
	})

	var f *gridbot.Facts
	view(t, s, func(tx gridbot.Tx) error {
		var err error
		f, err = tx.PeriodFacts(a.ID, from, to, lookback)
		return err
	})
	if f.Town != a.Town || !f.From.Equal(from) || !f.To.Equal(to) {
		t.Errorf("facts of %+v [%v, %v)", f.Town, f.From, f.To)
	}
	if len(f.Villages) != 1 || len(f.Grids) != 2 || len(f.People) != 4 || len(f.Memberships) != 4 {
		t.Errorf("roster: %d villages, %d grids, %d people, %d memberships; want 1, 2, 4, 4",
			len(f.Villages), len(f.Grids), len(f.People), len(f.Memberships))
	}
	// Facts 1 (at from) and 2 (a millisecond before to) are in; 0 and 3 are out.
	if len(f.Checkins) != 0 || len(f.CheckinDays) != 1 || f.CheckinDays[0].Days != 1|1<<30 {
		t.Errorf("check-ins %+v, check-in days %+v; want October 1 and 31 as days", f.Checkins, f.CheckinDays)
	}
	var got []string
	for _, x := range f.Activities {
		got = append(got, fmt.Sprint(x.Content, x.Participants))
	}
	wantList(t, "activities", got, "1[U001 P1]", "2[U001 P2]")
	got = nil
	for _, x := range f.Deliberations {
		got = append(got, fmt.Sprint(x.Minutes, x.Participants))
	}
	wantList(t, "deliberations", got, "1[U001 P1]", "2[U001 P2]")
	got = nil
	for _, x := range f.Publicity {
		got = append(got, fmt.Sprint(x.Title, x.Involved))
	}
	wantList(t, "publicity", got, "1[P1 U002]", "2[P2 U002]")
	got = nil
	for _, x := range f.Photos {
		got = append(got, fmt.Sprint(x.Count, x.Involved))
	}
	wantList(t, "photos", got, "1 [P1]", "2 [P2]")
	got = nil
	for _, x := range f.Stories {
		got = append(got, fmt.Sprint(x.Title, x.Village))
	}
	wantList(t, "stories", got, "1海风村", "2海风村")
	got = nil
	for _, x := range f.Adjustments {
		got = append(got, fmt.Sprint(x.Reason, x.Points))
	}
	wantList(t, "adjustments", got, "1-1", "2-2")
	want := []gridbot.BasePoint{{UserID: "U001", Month: "2026-10", Points: 10}}
	if !reflect.DeepEqual(f.BasePoints, want) {
		t.Errorf("base points = %+v, want %+v", f.BasePoints, want)
	}

	// Round trip of whole facts: the activity and the deliberation at from, as stored.
	wantAct := gridbot.Activity{ID: f.Activities[0].ID, No: f.Activities[0].No, TownID: a.ID, GridID: a.Grid1.ID, Category: gridbot.ActivityCategories[1],
		Content: "1", Leader: "U001", Participants: []string{"U001", "P1"}, At: from, Record: rec("U001", "act-1", from)}
	if !reflect.DeepEqual(f.Activities[0], wantAct) {
		t.Errorf("activity = %+v\nwant %+v", f.Activities[0], wantAct)
	}
	wantDel := gridbot.Deliberation{ID: f.Deliberations[0].ID, No: f.Deliberations[0].No, TownID: a.ID, GridID: a.Grid1.ID,
		Minutes: "1", Leader: "U001", Participants: []string{"U001", "P1"}, At: from, Record: rec("U001", "del-1", from)}
	if !reflect.DeepEqual(f.Deliberations[0], wantDel) {
		t.Errorf("deliberation = %+v\nwant %+v", f.Deliberations[0], wantDel)
	}

	// A quarter sees the base points of its three months.
	view(t, s, func(tx gridbot.Tx) error {
		q, err := tx.PeriodFacts(a.ID, at("2026-09-01 00:00:00.000"), at("2026-12-01 00:00:00.000"), lookback)
		must(t, err)
		if len(q.BasePoints) != 3 || q.BasePoints[0].Month != "2026-09" || q.BasePoints[2].Month != "2026-11" {
			t.Errorf("base points of Sep-Nov = %+v", q.BasePoints)
		}
		_, err = tx.PeriodFacts(424242, from, to, lookback)
		wantCode(t, err, gridbot.ENOTFOUND)
		return nil
	})
}

// addFacts adds one fact of each kind at when, labelled k.
func addFacts(t *testing.T, tx gridbot.Tx, tw town, k int, when time.Time) {
	t.Helper()
	p := fmt.Sprintf("P%d", k)
	r := func(kind string) gridbot.Record { return rec("U001", fmt.Sprintf("%s-%d", kind, k), when) }
	must(t, tx.AddCheckin(&gridbot.Checkin{TownID: tw.ID, UserID: "U001", At: when, Source: gridbot.SourceChat, Record: r("chk")}))
	must(t, tx.AddActivity(&gridbot.Activity{TownID: tw.ID, GridID: tw.Grid1.ID, Category: gridbot.ActivityCategories[1],
		Content: fmt.Sprint(k), Leader: "U001", Participants: []string{"U001", p}, At: when, Record: r("act")}))
	must(t, tx.AddDeliberation(&gridbot.Deliberation{TownID: tw.ID, GridID: tw.Grid1.ID, Minutes: fmt.Sprint(k), Leader: "U001",
		Participants: []string{"U001", p}, At: when, Record: r("del")}))
	must(t, tx.AddPublicity(&gridbot.Publicity{TownID: tw.ID, Level: gridbot.LevelCity, Comprehensive: k%2 == 0, Title: fmt.Sprint(k),
		Involved: []string{p, "U002"}, At: when, Record: r("pub")}))
	must(t, tx.AddPhoto(&gridbot.Photo{TownID: tw.ID, Count: k, Involved: []string{p}, At: when, Record: r("pho")}))
	must(t, tx.AddStory(&gridbot.Story{TownID: tw.ID, VillageID: tw.Village.ID, Title: fmt.Sprint(k), At: when, Record: r("sto")}))
	must(t, tx.AddAdjustment(&gridbot.Adjustment{TownID: tw.ID, UserID: "U002", Points: -float64(k), Reason: fmt.Sprint(k),
		Category: "组织纪律", At: when, Record: r("adj")}))
}

func wantList(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %q, want %q", what, got, want)
	}
}

// testPeriodFactsIssues: the issues that matter for a period are those
// reported before its end and either reported at most the look-back (8 days
// with the 2020 rules) before its start
// or dispatched, closed or rated inside it; they come in the order of their
// report and, for the same instant, of their numbers, also after a later
// change to one of them (which PostgreSQL stores anew, after the others).
func testPeriodFactsIssues(t *testing.T, s gridbot.Store) {
	a := seedStore(t, s, "滨海镇")
	from, to := at("2026-10-01 00:00:00.000"), at("2026-11-01 00:00:00.000")
	cases := []struct {
		desc                         string
		reported, dispatched, closed string
		in                           bool
	}{
		{"old, untouched", "2026-09-10 10:00:00.000", "", "", false},
		{"old, dispatched before", "2026-09-10 10:00:00.000", "2026-09-11 10:00:00.000", "", false},
		{"old, dispatched inside", "2026-09-10 10:00:00.000", "2026-10-02 10:00:00.000", "", true},
		{"old, closed inside", "2026-09-10 10:00:00.000", "2026-09-11 10:00:00.000", "2026-10-31 23:59:59.999", true},
		{"old, closed after", "2026-09-10 10:00:00.000", "2026-09-11 10:00:00.000", "2026-11-01 00:00:00.000", false},
		{"7 days before, open", "2026-09-24 00:00:00.000", "", "", true},
		{"8 days before, open", "2026-09-23 00:00:00.000", "", "", true},
		{"inside", "2026-10-15 10:00:00.000", "", "", true},
		{"at the end", "2026-11-01 00:00:00.000", "", "", false},
	}
	parse := func(s string) time.Time {
		if s == "" {
			return time.Time{}
		}
		return at(s)
	}
	nos := map[int64]string{} // the cases by issue number
	update(t, s, func(tx gridbot.Tx) error {
		for _, c := range cases {
			i := &gridbot.Issue{TownID: a.ID, GridID: a.Grid1.ID, Description: c.desc, ReportedBy: "U002", ReportedAt: parse(c.reported)}
			must(t, tx.AddIssue(i))
			nos[i.No] = c.desc
			if c.dispatched != "" {
				i.Assignee, i.DispatchedBy, i.DispatchedAt = "U002", "U001", parse(c.dispatched)
			}
			if c.closed != "" {
				i.ClosedBy, i.ClosedAt, i.Result = "U002", parse(c.closed), "done"
			}
			must(t, tx.UpdateIssue(*i))
		}
		return nil
	})
	update(t, s, func(tx gridbot.Tx) error {
		i, err := tx.IssueByNo(a.ID, 3) // "old, dispatched inside", closed now
		must(t, err)
		i.ClosedBy, i.ClosedAt, i.Result = "U002", at("2026-10-03 10:00:00.000"), "done"
		return tx.UpdateIssue(i)
	})
	view(t, s, func(tx gridbot.Tx) error {
		f, err := tx.PeriodFacts(a.ID, from, to, lookback)
		must(t, err)
		var order []string
		for _, i := range f.Issues {
			order = append(order, fmt.Sprint(i.ReportedAt.Format("01-02 15:04"), " #", i.No))
		}
		wantList(t, "issues", order, "09-10 10:00 #3", "09-10 10:00 #4", "09-23 00:00 #7", "09-24 00:00 #6", "10-15 10:00 #8")
		got := map[string]bool{}
		for _, i := range f.Issues {
			got[nos[i.No]] = true
		}
		for _, c := range cases {
			if got[c.desc] != c.in {
				t.Errorf("issue %q in the period: %v, want %v", c.desc, got[c.desc], c.in)
			}
		}
		return nil
	})
}
