package storagetest

import (
	"testing"
	"time"

	"gridbot"
)

// testReview: exclusions are kept per (town, month, user) with every field,
// refused twice and undone once; a published period can be unpublished once
// and then published again; FirstRecord finds the earliest dated record of
// any kind at or after a time, per town, and zero when there is none.
func testReview(t *testing.T, s gridbot.Store) {
	a := seedStore(t, s, "海风镇")
	b := seedStore(t, s, "沙头镇")
	ex := gridbot.Exclusion{TownID: a.ID, Month: "2026-10", UserID: "U002", Reason: "例会多次缺席", By: "O001", At: at("2026-11-01 09:00")}
	update(t, s, func(tx gridbot.Tx) error {
		must(t, tx.AddExclusion(ex))
		must(t, tx.AddExclusion(gridbot.Exclusion{TownID: a.ID, Month: "2026-10", UserID: "U001", Reason: "x", By: "O001", At: at("2026-11-01 09:01")}))
		must(t, tx.AddExclusion(gridbot.Exclusion{TownID: b.ID, Month: "2026-10", UserID: "U003", Reason: "y", By: "O001", At: at("2026-11-01 09:02")}))
		return nil
	})
	err := s.Update(ctx, func(tx gridbot.Tx) error { return tx.AddExclusion(ex) })
	wantCode(t, err, gridbot.ECONFLICT)
	err = s.Update(ctx, func(tx gridbot.Tx) error {
		return tx.AddExclusion(gridbot.Exclusion{TownID: a.ID, Month: "2026-10", UserID: "U003", By: "O001", At: at("2026-11-01 09:00")})
	})
	wantCode(t, err, gridbot.EINVALID)
	var got []gridbot.Exclusion
	view(t, s, func(tx gridbot.Tx) (err error) { got, err = tx.Exclusions(a.ID, "2026-10"); return err })
	if len(got) != 2 || got[0].UserID != "U001" || got[1] != ex {
		t.Fatalf("exclusions = %+v, want U001 and %+v", got, ex)
	}
	update(t, s, func(tx gridbot.Tx) error { return tx.DeleteExclusion(a.ID, "2026-10", "U001") })
	err = s.Update(ctx, func(tx gridbot.Tx) error { return tx.DeleteExclusion(a.ID, "2026-10", "U001") })
	wantCode(t, err, gridbot.ENOTFOUND)
	view(t, s, func(tx gridbot.Tx) (err error) { got, err = tx.Exclusions(a.ID, "2026-10"); return err })
	if len(got) != 1 || got[0].UserID != "U002" {
		t.Errorf("after restoring U001: %+v", got)
	}
	view(t, s, func(tx gridbot.Tx) (err error) { got, err = tx.Exclusions(a.ID, "2026-11"); return err })
	if len(got) != 0 {
		t.Errorf("another month's exclusions: %+v", got)
	}

	// Unpublishing.
	update(t, s, func(tx gridbot.Tx) error {
		return tx.SavePublished(a.ID, "month", "2026-10", []byte(`{"v":1}`), at("2026-11-02 09:00"))
	})
	update(t, s, func(tx gridbot.Tx) error { return tx.DeletePublished(a.ID, "month", "2026-10") })
	err = s.Update(ctx, func(tx gridbot.Tx) error { return tx.DeletePublished(a.ID, "month", "2026-10") })
	wantCode(t, err, gridbot.ENOTFOUND)
	err = s.View(ctx, func(tx gridbot.Tx) error { _, err := tx.Published(a.ID, "month", "2026-10"); return err })
	wantCode(t, err, gridbot.ENOTFOUND)
	update(t, s, func(tx gridbot.Tx) error {
		return tx.SavePublished(a.ID, "month", "2026-10", []byte(`{"v":2}`), at("2026-11-03 09:00"))
	})
	view(t, s, func(tx gridbot.Tx) error {
		data, err := tx.Published(a.ID, "month", "2026-10")
		if string(data) != `{"v":2}` {
			t.Errorf("republished data = %s", data)
		}
		return err
	})

	// The first record.
	var zero, first, later time.Time
	view(t, s, func(tx gridbot.Tx) (err error) { zero, err = tx.FirstRecord(a.ID, time.Time{}); return err })
	if !zero.IsZero() {
		t.Errorf("first record of a town without records = %v", zero)
	}
	update(t, s, func(tx gridbot.Tx) error {
		must(t, tx.AddAdjustment(&gridbot.Adjustment{TownID: a.ID, UserID: "U002", Points: 1, Reason: "x", At: at("2026-09-20 10:00"), Record: rec("O001", "adj1", at("2026-09-20 10:00"))}))
		must(t, tx.AddIssue(&gridbot.Issue{TownID: a.ID, GridID: a.Grid1.ID, Description: "路灯", ReportedBy: "U002", ReportedAt: at("2026-09-18 10:00"), Record: rec("U002", "iss1", at("2026-09-18 10:00"))}))
		must(t, tx.AddCheckin(&gridbot.Checkin{TownID: a.ID, UserID: "U002", At: at("2026-10-02 08:00"), Source: gridbot.SourceChat, Record: rec("U002", "chk1", at("2026-10-02 08:00"))}))
		must(t, tx.AddCheckin(&gridbot.Checkin{TownID: b.ID, UserID: "U002", At: at("2026-08-02 08:00"), Source: gridbot.SourceChat, Record: rec("U002", "chk2", at("2026-08-02 08:00"))}))
		return nil
	})
	view(t, s, func(tx gridbot.Tx) (err error) {
		if first, err = tx.FirstRecord(a.ID, time.Time{}); err != nil {
			return err
		}
		later, err = tx.FirstRecord(a.ID, at("2026-09-19 00:00"))
		return err
	})
	if !first.Equal(at("2026-09-18 10:00")) || !later.Equal(at("2026-09-20 10:00")) {
		t.Errorf("first records = %v, %v; want the issue's report, then the adjustment", first, later)
	}
}
