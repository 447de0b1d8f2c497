package results

import (
	"context"
	"testing"

	"gridbot"
	"gridbot/internal/testkit"
	"gridbot/scoring"
)

// TestNotStartedAndExcluded: with the town's first record on September 27
// (an issue), August is not started (no members, no −15s); the third
// quarter leaves out July and August, and September too, which has no
// check-in and is not published; while a month still running is not "not started"; an exclusion
// keeps a member out of the live month's ranking. On both engines.
func TestNotStartedAndExcluded(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, s gridbot.Store) {
		ctx := context.Background()
		rules := scoring.DefaultRules()
		var town int64
		err := s.Update(ctx, func(tx gridbot.Tx) error {
			var err error
			town, _, err = asAtTown(tx)
			if err != nil {
				return err
			}
			return tx.AddExclusion(gridbot.Exclusion{TownID: town, Month: "2026-10", UserID: "M1", Reason: "综合表现", By: "O1", At: ts("2026-11-01 09:00:00.000")})
		})
		if err != nil {
			t.Fatal(err)
		}
		err = s.View(ctx, func(tx gridbot.Tx) error {
			at := ts("2026-11-05 09:00:00.000")
			aug, _, err := Month(tx, town, rules, "2026-08", at)
			if err != nil {
				return err
			}
			if !aug.NotStarted || len(aug.Members) != 0 {
				t.Errorf("August: %+v", aug)
			}
			if sep, _, err := Month(tx, town, rules, "2026-09", at); err != nil || sep.NotStarted {
				t.Errorf("September, with an issue reported, is not started: %v", err)
			}
			if ok, _ := Started(tx, town, "2026-11", at); !ok {
				t.Error("a running month is not started")
			}
			q, err := Quarter(tx, town, rules, "2026Q3", at)
			if err != nil {
				return err
			}
			if len(q.Months) != 0 {
				t.Errorf("2026Q3 counts months %v", q.Months)
			}
			oct, _, err := Month(tx, town, rules, "2026-10", at)
			if err != nil {
				return err
			}
			for _, m := range oct.Members {
				if m.UserID == "M1" && (m.Rank != nil || m.Excluded != "综合表现") {
					t.Errorf("excluded M1 = %+v", m)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
