package storagetest

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"gridbot"
)

// testPeriodFactsLists: each fact of the period gets its own list of people,
// in the order they were named, also when facts share an instant and when
// some have no list at all.
func testPeriodFactsLists(t *testing.T, s gridbot.Store) {
	a := seedStore(t, s, "滨海镇")
	b := seedStore(t, s, "松门镇")
	when := at("2026-10-09 15:00:00.000")
	lists := [][]string{{"U003", "U001", "U002"}, nil, {"U002"}, {"U002", "U001"}, nil}
	update(t, s, func(tx gridbot.Tx) error {
		for _, tw := range []town{b, a} {
			for k, ps := range lists {
				at := when.Add(time.Duration(k%2) * time.Hour) // facts 0, 2, 4 share an instant, after 1 and 3
				must(t, tx.AddActivity(&gridbot.Activity{TownID: tw.ID, GridID: tw.Grid1.ID, Category: gridbot.ActivityCategories[0],
					Content: fmt.Sprint(k), Leader: "U001", Participants: ps, At: at, Record: rec("U001", fmt.Sprint("act", k), at)}))
				must(t, tx.AddPublicity(&gridbot.Publicity{TownID: tw.ID, Level: gridbot.LevelTown, Title: fmt.Sprint(k),
					Involved: ps, At: at, Record: rec("O001", fmt.Sprint("pub", k), at)}))
			}
		}
		return nil
	})
	view(t, s, func(tx gridbot.Tx) error {
		f, err := tx.PeriodFacts(a.ID, at("2026-10-01 00:00:00.000"), at("2026-11-01 00:00:00.000"), lookback)
		must(t, err)
		var acts, pubs []string
		for _, x := range f.Activities {
			acts = append(acts, fmt.Sprint(x.Content, x.Participants))
		}
		for _, x := range f.Publicity {
			pubs = append(pubs, fmt.Sprint(x.Title, x.Involved))
		}
		want := []string{"0[U003 U001 U002]", "2[U002]", "4[]", "1[]", "3[U002 U001]"}
		wantList(t, "activities", acts, want...)
		wantList(t, "publicity", pubs, want...)
		return nil
	})
}

// testPeriodFactsShape: PeriodFacts gives the roster as People and
// Memberships do — a move and a departure included — and whole issues.
func testPeriodFactsShape(t *testing.T, s gridbot.Store) {
	a := seedStore(t, s, "滨海镇")
	seedStore(t, s, "松门镇")
	move, leave := at("2026-10-10 09:00:00.000"), at("2026-10-20 09:00:00.000")
	reported := at("2026-10-05 10:00:00.000")
	var issue gridbot.Issue
	update(t, s, func(tx gridbot.Tx) error {
		_, err := tx.SetMembership(a.ID, a.People["U002"].ID, a.Grid2.ID, gridbot.RoleLeader, move)
		must(t, err)
		_, err = tx.SetMembership(a.ID, a.People["U003"].ID, 0, "", leave)
		must(t, err)
		issue = gridbot.Issue{TownID: a.ID, GridID: a.Grid1.ID, Description: "路灯坏了", ReportedBy: "U002", ReportedAt: reported,
			Record: rec("U002", "iss-1", reported)}
		must(t, tx.AddIssue(&issue))
		issue.Assignee, issue.DispatchedBy, issue.DispatchedAt = "U003", "U001", reported.Add(time.Hour)
		issue.ClosedBy, issue.ClosedAt, issue.Result = "U003", reported.Add(48*time.Hour), "已修好"
		issue.Rating, issue.RatedBy, issue.RatedAt = gridbot.Ratings[1], "U002", reported.Add(49*time.Hour)
		return tx.UpdateIssue(issue)
	})
	view(t, s, func(tx gridbot.Tx) error {
		f, err := tx.PeriodFacts(a.ID, at("2026-10-01 00:00:00.000"), at("2026-11-01 00:00:00.000"), lookback)
		must(t, err)
		people, err := tx.People(a.ID)
		must(t, err)
		ms, err := tx.Memberships(a.ID)
		must(t, err)
		if !reflect.DeepEqual(f.People, people) {
			t.Errorf("people:\n got %+v\nwant %+v", f.People, people)
		}
		if !reflect.DeepEqual(f.Memberships, ms) {
			t.Errorf("memberships:\n got %+v\nwant %+v", f.Memberships, ms)
		}
		if p := f.People[1]; p.UserID != "U002" || p.GridID != a.Grid2.ID || p.Grid != a.Grid2.Name || p.Village != "海风村" {
			t.Errorf("U002 now: %+v", p)
		}
		if len(f.Issues) != 1 || !reflect.DeepEqual(f.Issues[0], issue) {
			t.Errorf("issues = %+v\nwant [%+v]", f.Issues, issue)
		}
		return nil
	})
}
