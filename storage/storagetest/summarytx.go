package storagetest

import (
	"errors"
	"testing"

	"gridbot"
)

// testCheckinsReadInTheirTransaction: check-ins stored earlier in a
// transaction count in a period read later in the same one (the month
// summaries are saved before they are read), count after it commits, and
// count nowhere when it rolls back.
func testCheckinsReadInTheirTransaction(t *testing.T, s gridbot.Store) {
	var a town
	update(t, s, func(tx gridbot.Tx) error { a = seed(t, tx, "海风镇"); return nil })
	from, to := at("2026-10-01 00:00:00.000"), at("2026-11-01 00:00:00.000")
	daysOf := func(tx gridbot.Tx, userID string) uint32 {
		f, err := tx.PeriodFacts(a.ID, from, to, lookback)
		must(t, err)
		var days uint32
		for _, c := range f.CheckinDays {
			if c.UserID == userID {
				days |= c.Days
			}
		}
		return days
	}
	update(t, s, func(tx gridbot.Tx) error {
		must(t, tx.AddCheckin(&gridbot.Checkin{TownID: a.ID, UserID: "U002", At: at("2026-10-02 08:00:00.000"), Source: gridbot.SourceChat,
			Record: gridbot.Record{RecordedBy: "U002", RecordedAt: at("2026-10-02 08:00:00.000"), Platform: "console", MsgID: "s-1"}}))
		if got := daysOf(tx, "U002"); got != 1<<1 {
			t.Errorf("after AddCheckin, in its transaction: days %b, want day 2", got)
		}
		_, err := tx.AddCheckins(a.ID, []gridbot.Checkin{
			{UserID: "U002", At: at("2026-10-03 08:00:00.000"), Source: gridbot.SourceImport},
			{UserID: "U002", At: at("2026-10-04 08:00:00.000"), Source: gridbot.SourceImport}})
		must(t, err)
		if got := daysOf(tx, "U002"); got != 1<<1|1<<2|1<<3 {
			t.Errorf("after AddCheckins, in its transaction: days %b, want days 2-4", got)
		}
		must(t, tx.AddCheckin(&gridbot.Checkin{TownID: a.ID, UserID: "U002", At: at("2026-10-05 08:00:00.000"), Source: gridbot.SourceChat,
			Record: gridbot.Record{RecordedBy: "U002", RecordedAt: at("2026-10-05 08:00:00.000"), Platform: "console", MsgID: "s-2"}}))
		return nil
	})
	view(t, s, func(tx gridbot.Tx) error {
		if got := daysOf(tx, "U002"); got != 1<<1|1<<2|1<<3|1<<4 {
			t.Errorf("after commit: days %b, want days 2-5", got)
		}
		return nil
	})
	rollback := errors.New("roll back")
	err := s.Update(ctx, func(tx gridbot.Tx) error {
		must(t, tx.AddCheckin(&gridbot.Checkin{TownID: a.ID, UserID: "U003", At: at("2026-10-06 08:00:00.000"), Source: gridbot.SourceChat,
			Record: gridbot.Record{RecordedBy: "U003", RecordedAt: at("2026-10-06 08:00:00.000"), Platform: "console", MsgID: "s-3"}}))
		return rollback
	})
	if !errors.Is(err, rollback) {
		t.Fatalf("update: %v", err)
	}
	view(t, s, func(tx gridbot.Tx) error {
		if got := daysOf(tx, "U003"); got != 0 {
			t.Errorf("after a rollback: U003's days %b, want none", got)
		}
		return nil
	})
}
