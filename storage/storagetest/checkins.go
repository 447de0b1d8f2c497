package storagetest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"gridbot"
)

// testCheckinOncePerDay: a second check-in of a day is ECONFLICT and leaves
// the transaction usable (PostgreSQL aborts a transaction on a failed insert,
// so the store must not let one happen).
func testCheckinOncePerDay(t *testing.T, s gridbot.Store) {
	a := seedStore(t, s, "滨海镇")
	morning := at("2026-10-03 08:12:34.567")
	first := gridbot.Checkin{TownID: a.ID, UserID: "U002", At: morning, Source: gridbot.SourceChat,
		Lat: 28.38, Lng: 121.47, Record: rec("U002", "m-1", morning)}
	update(t, s, func(tx gridbot.Tx) error {
		c := first
		must(t, tx.AddCheckin(&c))
		if c.ID == 0 || c.Day != "2026-10-03" {
			t.Errorf("AddCheckin filled ID %d, Day %q", c.ID, c.Day)
		}
		second := gridbot.Checkin{TownID: a.ID, UserID: "U002", At: morning.Add(2 * time.Hour), Source: gridbot.SourceChat,
			Record: rec("U002", "m-2", morning)}
		wantCode(t, tx.AddCheckin(&second), gridbot.ECONFLICT)
		// The transaction goes on: someone else's check-in is stored.
		other := gridbot.Checkin{TownID: a.ID, UserID: "U003", At: morning, Source: gridbot.SourceChat, Record: rec("U003", "m-3", morning)}
		must(t, tx.AddCheckin(&other))
		return nil
	})
	// A later transaction is refused too, also for a check-in that only gives the day.
	err := s.Update(ctx, func(tx gridbot.Tx) error {
		return tx.AddCheckin(&gridbot.Checkin{TownID: a.ID, UserID: "U002", Day: "2026-10-03", Source: gridbot.SourceImport})
	})
	wantCode(t, err, gridbot.ECONFLICT)

	view(t, s, func(tx gridbot.Tx) error {
		got, err := tx.CheckinOn(a.ID, "U002", "2026-10-03")
		must(t, err)
		want := first
		want.ID, want.Day = got.ID, "2026-10-03"
		if got != want {
			t.Errorf("CheckinOn = %+v\nwant %+v", got, want)
		}
		if _, err := tx.CheckinOn(a.ID, "U003", "2026-10-03"); err != nil {
			t.Errorf("the check-in after the conflict was lost: %v", err)
		}
		_, err = tx.CheckinOn(a.ID, "U002", "2026-10-04")
		wantCode(t, err, gridbot.ENOTFOUND)
		return nil
	})
	// Next day is fine; a date-only check-in is placed at the day's midnight.
	update(t, s, func(tx gridbot.Tx) error {
		c := gridbot.Checkin{TownID: a.ID, UserID: "U002", Day: "2026-10-04", Source: gridbot.SourceImport}
		must(t, tx.AddCheckin(&c))
		got, err := tx.CheckinOn(a.ID, "U002", "2026-10-04")
		must(t, err)
		if !got.At.Equal(at("2026-10-04 00:00:00.000")) || got.Lat != 0 || got.MsgID != "" {
			t.Errorf("date-only check-in = %+v", got)
		}
		return nil
	})
}

// testCheckinsBulk: AddCheckins skips person-days already stored, also
// within the batch, and counts exactly what it added, across batch sizes.
func testCheckinsBulk(t *testing.T, s gridbot.Store) {
	a := seedStore(t, s, "滨海镇")
	day1 := at("2026-10-01 07:00:00.000")
	update(t, s, func(tx gridbot.Tx) error {
		return tx.AddCheckin(&gridbot.Checkin{TownID: a.ID, UserID: "P0000", At: day1, Source: gridbot.SourceChat, Record: rec("P0000", "m-1", day1)})
	})
	// 40 people x 30 days = 1200 check-ins, more than two batches, plus two
	// repeats inside the input; P0000's first day is already stored.
	var cs []gridbot.Checkin
	for p := range 40 {
		for d := range 30 {
			cs = append(cs, gridbot.Checkin{UserID: fmt.Sprintf("P%04d", p), At: day1.AddDate(0, 0, d).Add(time.Duration(p) * time.Minute),
				Source: gridbot.SourceImport, Record: gridbot.Record{Platform: "import"}})
		}
	}
	cs = append(cs, cs[5], cs[700])
	var added int
	update(t, s, func(tx gridbot.Tx) error {
		var err error
		added, err = tx.AddCheckins(a.ID, cs)
		return err
	})
	if added != 1199 {
		t.Errorf("AddCheckins added %d, want 1199", added)
	}
	update(t, s, func(tx gridbot.Tx) error {
		again, err := tx.AddCheckins(a.ID, cs[:100])
		must(t, err)
		if again != 0 {
			t.Errorf("re-importing added %d, want 0", again)
		}
		return nil
	})
	view(t, s, func(tx gridbot.Tx) error {
		n, err := tx.CountCheckins(a.ID, day1.AddDate(0, 0, -1), day1.AddDate(0, 1, 0))
		must(t, err)
		if n != 1200 {
			t.Errorf("CountCheckins = %d, want 1200", n)
		}
		c, err := tx.CheckinOn(a.ID, "P0000", "2026-10-01")
		must(t, err)
		if c.Source != gridbot.SourceChat {
			t.Errorf("the chat check-in was replaced by the import: %+v", c)
		}
		c, err = tx.CheckinOn(a.ID, "P0039", "2026-10-30")
		must(t, err)
		if want := day1.AddDate(0, 0, 29).Add(39 * time.Minute); !c.At.Equal(want) || c.Source != gridbot.SourceImport {
			t.Errorf("imported check-in = %+v, want at %v", c, want)
		}
		return nil
	})
}

// testMessageIDs: a platform message id is handled once per town, both by
// ClaimMessage and by the facts' own msg ids; another town may use the same id.
func testMessageIDs(t *testing.T, s gridbot.Store) {
	a := seedStore(t, s, "滨海镇")
	b := seedStore(t, s, "松门镇")
	now := at("2026-10-03 09:00:00.000")
	update(t, s, func(tx gridbot.Tx) error {
		must(t, tx.ClaimMessage(a.ID, "wecom", "m-1", now))
		wantCode(t, tx.ClaimMessage(a.ID, "wecom", "m-1", now), gridbot.ECONFLICT)
		must(t, tx.ClaimMessage(b.ID, "wecom", "m-1", now)) // same id, other town
		must(t, tx.ClaimMessage(a.ID, "wecom", "m-2", now)) // the transaction is still usable
		return nil
	})
	err := s.Update(ctx, func(tx gridbot.Tx) error { return tx.ClaimMessage(a.ID, "wecom", "m-2", now) })
	wantCode(t, err, gridbot.ECONFLICT)
	// MessageClaimed sees the committed claims, per town; a claim rolled back is none.
	s.Update(ctx, func(tx gridbot.Tx) error {
		must(t, tx.ClaimMessage(a.ID, "wecom", "m-3", now))
		return errors.New("rolled back")
	})
	view(t, s, func(tx gridbot.Tx) error {
		for _, c := range []struct {
			town int64
			id   string
			want bool
		}{{a.ID, "m-1", true}, {a.ID, "m-2", true}, {b.ID, "m-1", true}, {b.ID, "m-2", false}, {a.ID, "m-3", false}} {
			got, err := tx.MessageClaimed(c.town, c.id)
			must(t, err)
			if got != c.want {
				t.Errorf("MessageClaimed(town %d, %s) = %v, want %v", c.town, c.id, got, c.want)
			}
		}
		return nil
	})

	update(t, s, func(tx gridbot.Tx) error {
		i1 := &gridbot.Issue{TownID: a.ID, GridID: a.Grid1.ID, Description: "路灯坏了", ReportedBy: "U002", ReportedAt: now, Record: rec("U002", "m-10", now)}
		must(t, tx.AddIssue(i1))
		dup := *i1
		wantCode(t, tx.AddIssue(&dup), gridbot.ECONFLICT)
		// The number taken for the duplicate was given back.
		i2 := &gridbot.Issue{TownID: a.ID, GridID: a.Grid1.ID, Description: "井盖缺失", ReportedBy: "U002", ReportedAt: now, Record: rec("U002", "m-11", now)}
		must(t, tx.AddIssue(i2))
		if i1.No != 1 || i2.No != 2 {
			t.Errorf("issue numbers %d, %d around a duplicate; want 1, 2", i1.No, i2.No)
		}
		ib := &gridbot.Issue{TownID: b.ID, GridID: b.Grid1.ID, Description: "同号消息", ReportedBy: "U002", ReportedAt: now, Record: rec("U002", "m-10", now)}
		must(t, tx.AddIssue(ib))

		act := &gridbot.Activity{TownID: a.ID, GridID: a.Grid1.ID, Category: gridbot.ActivityCategories[0], Content: "宣讲",
			Leader: "U001", Participants: []string{"U001"}, At: now, Record: rec("U001", "m-20", now)}
		must(t, tx.AddActivity(act))
		dupAct := *act
		wantCode(t, tx.AddActivity(&dupAct), gridbot.ECONFLICT)

		c := &gridbot.Checkin{TownID: a.ID, UserID: "U001", At: now, Source: gridbot.SourceChat, Record: rec("U001", "m-30", now)}
		must(t, tx.AddCheckin(c))
		c2 := &gridbot.Checkin{TownID: a.ID, UserID: "U003", At: now, Source: gridbot.SourceChat, Record: rec("U003", "m-30", now)}
		wantCode(t, tx.AddCheckin(c2), gridbot.ECONFLICT)

		p := &gridbot.Publicity{TownID: a.ID, Level: gridbot.LevelTown, Title: "报道", Involved: []string{"U002"}, At: now, Record: rec("O001", "m-40", now)}
		must(t, tx.AddPublicity(p))
		p2 := *p
		wantCode(t, tx.AddPublicity(&p2), gridbot.ECONFLICT)
		p3 := &gridbot.Publicity{TownID: a.ID, Level: gridbot.LevelTown, Title: "另一篇", At: now, Record: rec("O001", "m-41", now)}
		must(t, tx.AddPublicity(p3))
		if p3.No != 2 {
			t.Errorf("publicity after a duplicate is #%d, want #2", p3.No)
		}
		// Imports have no message id: any number of them is fine.
		for range 2 {
			must(t, tx.AddAdjustment(&gridbot.Adjustment{TownID: a.ID, UserID: "U002", Points: 1, Reason: "导入", At: now, Record: gridbot.Record{Platform: "import"}}))
		}
		return nil
	})
}
