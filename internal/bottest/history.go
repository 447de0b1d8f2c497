package bottest

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"gridbot"
)

// History gives the town a past month of work, as a town that has used
// gridbot for a while has: every member checks in each day and reports two
// issues, which their leader dispatches to them within hours and they
// close; each leader records a weekly activity. Benchmarks then measure a
// store with history, not an empty one. The month must end before the
// benchmark's messages begin.
func (lt *LargeTown) History(t testing.TB, month string) {
	t.Helper()
	start, err := time.ParseInLocation("2006-01", month, gridbot.Zone)
	if err != nil {
		t.Fatalf("history month %q: %v", month, err)
	}
	days := start.AddDate(0, 1, -1).Day()
	rec := func(by string, at time.Time, kind string, n int) gridbot.Record {
		return gridbot.Record{RecordedBy: by, RecordedAt: at, Platform: "history", MsgID: fmt.Sprintf("h-%s-%s-%d", month, kind, n)}
	}
	err = lt.Store.Update(context.Background(), func(tx gridbot.Tx) error {
		grids, err := tx.Grids(lt.ID)
		if err != nil {
			return err
		}
		var cs []gridbot.Checkin
		n := 0
		for g := 0; g < lt.Grids; g++ {
			leader := lt.LeaderOf(g)
			for i := 0; i < lt.PerGrid; i++ {
				u := lt.MemberOf(g, i)
				for d := 0; d < days; d++ {
					at := start.AddDate(0, 0, d).Add(7*time.Hour + time.Duration(i)*time.Minute)
					n++
					cs = append(cs, gridbot.Checkin{TownID: lt.ID, UserID: u, At: at, Source: gridbot.SourceChat, Record: rec(u, at, "c", n)})
				}
				if i == 0 {
					continue
				}
				for k := 0; k < 2; k++ {
					at := start.AddDate(0, 0, 3+10*k).Add(9*time.Hour + time.Duration(i)*time.Minute)
					n++
					is := gridbot.Issue{TownID: lt.ID, GridID: grids[g].ID, Description: "往月问题", ReportedBy: u, ReportedAt: at,
						Assignee: u, DispatchedBy: leader, DispatchedAt: at.Add(2 * time.Hour), ClosedBy: u,
						ClosedAt: at.Add(26 * time.Hour), Result: "已处理", Record: rec(u, at, "i", n)}
					if err := tx.AddIssue(&is); err != nil {
						return err
					}
				}
			}
			for w := 0; w < 4; w++ {
				at := start.AddDate(0, 0, 2+7*w).Add(15 * time.Hour)
				n++
				a := gridbot.Activity{TownID: lt.ID, GridID: grids[g].ID, Category: gridbot.ActivityCategories[w%5], Content: "往月活动",
					Leader: leader, Participants: []string{leader, lt.MemberOf(g, 1), lt.MemberOf(g, 2)}, At: at, Record: rec(leader, at, "a", n)}
				if err := tx.AddActivity(&a); err != nil {
					return err
				}
			}
		}
		_, err = tx.AddCheckins(lt.ID, cs)
		return err
	})
	if err != nil {
		t.Fatalf("history of %s: %v", month, err)
	}
}

// Analyze has the engine gather statistics on the tables commands use, as
// PostgreSQL's autovacuum does on its own after enough changes (the
// benchmark machine runs with autovacuum off, and a plan chosen for an empty
// table would be kept for the whole run). SQLite's planner uses them too.
func Analyze(t testing.TB, st gridbot.Store) {
	t.Helper()
	db, ok := st.(interface{ SQL() *sql.DB })
	if !ok {
		t.Fatalf("Analyze: %T has no SQL handle", st)
	}
	for _, table := range []string{"people", "memberships", "grids", "villages", "checkpoints", "messages", "counters",
		"checkins", "checkin_months", "issues", "activities", "activity_participants", "deliberations", "publicity",
		"adjustments", "base_points", "published"} {
		if _, err := db.SQL().Exec("ANALYZE " + table); err != nil {
			t.Fatalf("analyze %s: %v", table, err)
		}
	}
}
