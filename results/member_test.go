package results

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"gridbot"
	"gridbot/internal/testkit"
	"gridbot/scoring"
)

// TestMemberMatchesMonth: with a board that settles every time, Member gives
// each member exactly their entry of Month — items, place, tier — as at
// instants through the month, and the frozen entry once it is published, on
// both engines.
func TestMemberMatchesMonth(t *testing.T) { testkit.Engines(t, testMemberMatchesMonth) }

func testMemberMatchesMonth(t *testing.T, s gridbot.Store) {
	ctx := context.Background()
	town := storeAsAtTown(t, s)
	rules := scoring.DefaultRules()
	compare := func(at time.Time, wantPublished bool) {
		t.Helper()
		err := s.View(ctx, func(tx gridbot.Tx) error {
			month, published, err := Month(tx, town, rules, "2026-10", at)
			if err != nil {
				return err
			}
			for _, u := range []string{"L1", "M1", "M2"} {
				got, _, gotPublished, err := Member(tx, &Board{}, town, rules, "2026-10", u, at)
				if err != nil {
					return err
				}
				want := find(month, u)
				g, _ := json.Marshal(got)
				w, _ := json.Marshal(want)
				if string(g) != string(w) || gotPublished != published || published != wantPublished {
					t.Errorf("as at %s, %s (published %v, %v):\n got %s\nwant %s", at, u, gotPublished, published, g, w)
				}
			}
			if got, _, _, err := Member(tx, &Board{}, town, rules, "2026-10", "O1", at); err != nil || got != nil {
				t.Errorf("someone off the roster: %+v, %v", got, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, at := range []string{"2026-10-03 10:00:00.001", "2026-10-15 12:00:00.000", "2026-10-26 10:00:00.000",
		"2026-11-02 09:00:00.000"} {
		compare(ts(at), false)
	}
	publishAt := ts("2026-11-03 09:00:00.000")
	err := s.Update(ctx, func(tx gridbot.Tx) error {
		_, err := PublishMonth(tx, town, scoring.DefaultRules(), "2026-10", publishAt)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	compare(publishAt.Add(time.Hour), true)
}

// TestBoardReusesTheRankingForItsTTL: within its TTL the board gives the
// ranking it settled, while Member still gives a member's own items and
// total exactly; after it, the board settles again.
func TestBoardReusesTheRankingForItsTTL(t *testing.T) {
	ctx := context.Background()
	s := testkit.OpenSQLite(t)
	town := storeAsAtTown(t, s)
	rules := scoring.DefaultRules()
	clock := testkit.NewClock(time.Date(2026, 10, 20, 9, 0, 0, 0, gridbot.Zone))
	board := &Board{TTL: 30 * time.Second, Clock: clock}
	at := ts("2026-10-28 12:00:00.000")
	live := func() *scoring.MonthResult {
		var res *scoring.MonthResult
		err := s.View(ctx, func(tx gridbot.Tx) (err error) {
			res, err = board.Live(tx, town, rules, "2026-10", at)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	first := live()
	before := find(first, "M2").Total
	err := s.Update(ctx, func(tx gridbot.Tx) error {
		return tx.AddAdjustment(&gridbot.Adjustment{TownID: town, UserID: "M2", Points: 7, Reason: "补记", Category: "基础工作",
			At: ts("2026-10-28 11:00:00.000"), Record: gridbot.Record{RecordedBy: "O1", RecordedAt: ts("2026-10-28 11:00:00.000"), Platform: "console", MsgID: "adj-board"}})
	})
	if err != nil {
		t.Fatal(err)
	}
	clock.Add(29 * time.Second)
	if again := live(); again != first {
		t.Errorf("within the TTL the board settled again")
	}
	err = s.View(ctx, func(tx gridbot.Tx) error {
		m, _, _, err := Member(tx, board, town, rules, "2026-10", "M2", at)
		if err != nil {
			return err
		}
		if m.Total != before+7 {
			t.Errorf("Member's total %v, want the exact %v", m.Total, before+7)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	clock.Add(time.Second)
	if after := live(); after == first || find(after, "M2").Total != before+7 {
		t.Errorf("after the TTL: M2 %v, want a new settlement with %v", find(after, "M2").Total, before+7)
	}
}

// storeAsAtTown stores asAtTown and returns the town's id.
func storeAsAtTown(t *testing.T, s gridbot.Store) int64 {
	t.Helper()
	var town int64
	err := s.Update(context.Background(), func(tx gridbot.Tx) (err error) {
		town, _, err = asAtTown(tx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return town
}
