package storagetest

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"sync"
	"testing"
	"time"

	"gridbot"
)

// testNumbering: issues, deliberations, publicity, photos and stories are
// numbered from 1 per town and per kind, in the order accepted.
func testNumbering(t *testing.T, s gridbot.Store) {
	a := seedStore(t, s, "滨海镇")
	b := seedStore(t, s, "松门镇")
	now := at("2026-10-03 09:00:00.000")
	update(t, s, func(tx gridbot.Tx) error {
		for want := int64(1); want <= 3; want++ {
			i := &gridbot.Issue{TownID: a.ID, GridID: a.Grid1.ID, Description: "问题", ReportedBy: "U002", ReportedAt: now}
			must(t, tx.AddIssue(i))
			if i.No != want || i.ID == 0 {
				t.Errorf("issue %d of town a got #%d (id %d)", want, i.No, i.ID)
			}
		}
		for want := int64(1); want <= 2; want++ {
			d := &gridbot.Deliberation{TownID: a.ID, GridID: a.Grid1.ID, Minutes: "纪要", Leader: "U001", Participants: []string{"U001"}, At: now}
			must(t, tx.AddDeliberation(d))
			if d.No != want {
				t.Errorf("deliberation %d of town a got #%d", want, d.No)
			}
		}
		p := &gridbot.Publicity{TownID: a.ID, Level: gridbot.LevelCounty, Title: "报道", At: now}
		must(t, tx.AddPublicity(p))
		ph := &gridbot.Photo{TownID: a.ID, Count: 3, At: now}
		must(t, tx.AddPhoto(ph))
		st := &gridbot.Story{TownID: a.ID, Village: "海风村", Title: "故事", At: now}
		must(t, tx.AddStory(st))
		if p.No != 1 || ph.No != 1 || st.No != 1 {
			t.Errorf("first publicity, photo, story of town a got #%d, #%d, #%d; want #1 each", p.No, ph.No, st.No)
		}
		if st.VillageID != a.Village.ID {
			t.Errorf("story village id %d, want %d", st.VillageID, a.Village.ID)
		}
		ib := &gridbot.Issue{TownID: b.ID, GridID: b.Grid1.ID, Description: "问题", ReportedBy: "U002", ReportedAt: now}
		must(t, tx.AddIssue(ib))
		db := &gridbot.Deliberation{TownID: b.ID, GridID: b.Grid1.ID, Minutes: "纪要", Leader: "U001", At: now}
		must(t, tx.AddDeliberation(db))
		if ib.No != 1 || db.No != 1 {
			t.Errorf("town b's first issue and deliberation got #%d, #%d; want #1", ib.No, db.No)
		}
		wantCode(t, tx.AddStory(&gridbot.Story{TownID: a.ID, Village: "无此村", Title: "x", At: now}), gridbot.ENOTFOUND)
		return nil
	})
	update(t, s, func(tx gridbot.Tx) error {
		i := &gridbot.Issue{TownID: a.ID, GridID: a.Grid2.ID, Description: "问题", ReportedBy: "U003", ReportedAt: now}
		must(t, tx.AddIssue(i))
		if i.No != 4 {
			t.Errorf("town a's next issue in a new transaction got #%d, want #4", i.No)
		}
		return nil
	})
}

// testIssueLifecycle: UpdateIssue round-trips every lifecycle field, times to
// the millisecond.
func testIssueLifecycle(t *testing.T, s gridbot.Store) {
	a := seedStore(t, s, "滨海镇")
	reported := at("2026-10-03 09:00:00.001")
	issue := gridbot.Issue{TownID: a.ID, GridID: a.Grid1.ID, Description: "村口路灯不亮", ReportedBy: "U002", ReportedAt: reported,
		Record: rec("U002", "m-1", reported)}
	update(t, s, func(tx gridbot.Tx) error { return tx.AddIssue(&issue) })

	view(t, s, func(tx gridbot.Tx) error {
		got, err := tx.IssueByNo(a.ID, issue.No)
		must(t, err)
		if !reflect.DeepEqual(got, issue) {
			t.Errorf("IssueByNo = %+v\nwant %+v", got, issue)
		}
		return nil
	})

	// Sub-millisecond digits are dropped by the store: the contract is milliseconds.
	ms := func(s string) time.Time { return at(s).Add(456 * time.Microsecond) }
	issue.Assignee, issue.DispatchedBy, issue.DispatchedAt = "U002", "U001", ms("2026-10-03 10:11:12.345")
	issue.ClosedBy, issue.ClosedAt, issue.Result = "U002", ms("2026-10-05 16:00:00.999"), "已更换灯泡"
	issue.Rating, issue.RatedBy, issue.RatedAt = "满意", "U003", ms("2026-10-06 08:00:00.000")
	update(t, s, func(tx gridbot.Tx) error { return tx.UpdateIssue(issue) })

	want := issue
	want.DispatchedAt = want.DispatchedAt.Truncate(time.Millisecond)
	want.ClosedAt = want.ClosedAt.Truncate(time.Millisecond)
	want.RatedAt = want.RatedAt.Truncate(time.Millisecond)
	view(t, s, func(tx gridbot.Tx) error {
		got, err := tx.IssueByNo(a.ID, issue.No)
		must(t, err)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("after UpdateIssue = %+v\nwant %+v", got, want)
		}
		if !got.Dispatched() || !got.Closed() {
			t.Error("the issue is not dispatched and closed")
		}
		open, err := tx.OpenIssues(a.ID, 0)
		must(t, err)
		if len(open) != 0 {
			t.Errorf("a closed issue is open: %+v", open)
		}
		_, err = tx.IssueByNo(a.ID, 99)
		wantCode(t, err, gridbot.ENOTFOUND)
		return nil
	})
	err := s.Update(ctx, func(tx gridbot.Tx) error { return tx.UpdateIssue(gridbot.Issue{TownID: a.ID, No: 99}) })
	wantCode(t, err, gridbot.ENOTFOUND)

	// Clearing fields stores zero times as "not yet", and OpenIssues filters by grid.
	update(t, s, func(tx gridbot.Tx) error {
		reopened := want
		reopened.ClosedBy, reopened.ClosedAt, reopened.Result = "", time.Time{}, ""
		must(t, tx.UpdateIssue(reopened))
		other := &gridbot.Issue{TownID: a.ID, GridID: a.Grid2.ID, Description: "另一个", ReportedBy: "U003", ReportedAt: reported.Add(-time.Hour)}
		must(t, tx.AddIssue(other))
		g1, err := tx.OpenIssues(a.ID, a.Grid1.ID)
		must(t, err)
		if len(g1) != 1 || g1[0].No != issue.No || !g1[0].ClosedAt.IsZero() {
			t.Errorf("OpenIssues(grid 1) = %+v", g1)
		}
		all, err := tx.OpenIssues(a.ID, 0)
		must(t, err)
		if len(all) != 2 || all[0].No != other.No {
			t.Errorf("OpenIssues(all) = %+v, want the older issue first", all)
		}
		return nil
	})
}

func testDeliberationConfirm(t *testing.T, s gridbot.Store) {
	a := seedStore(t, s, "滨海镇")
	held := at("2026-10-10 19:30:00.000")
	d := gridbot.Deliberation{TownID: a.ID, GridID: a.Grid1.ID, Minutes: "讨论停车问题", Leader: "U001",
		Participants: []string{"U001", "U002", "U001", "U003"}, At: held, Record: rec("U001", "m-1", held)}
	update(t, s, func(tx gridbot.Tx) error { return tx.AddDeliberation(&d) })
	if want := []string{"U001", "U002", "U003"}; !reflect.DeepEqual(d.Participants, want) {
		t.Errorf("participants stored as %v, want %v", d.Participants, want)
	}
	confirmed := at("2026-10-12 10:00:00.250")
	update(t, s, func(tx gridbot.Tx) error { return tx.ConfirmDeliberation(a.ID, d.No, "O001", confirmed) })
	view(t, s, func(tx gridbot.Tx) error {
		got, err := tx.DeliberationByNo(a.ID, d.No)
		must(t, err)
		want := d
		want.ConfirmedBy, want.ConfirmedAt = "O001", confirmed
		if !reflect.DeepEqual(got, want) {
			t.Errorf("DeliberationByNo = %+v\nwant %+v", got, want)
		}
		_, err = tx.DeliberationByNo(a.ID, 7)
		wantCode(t, err, gridbot.ENOTFOUND)
		return nil
	})
	err := s.Update(ctx, func(tx gridbot.Tx) error { return tx.ConfirmDeliberation(a.ID, d.No, "O001", confirmed.Add(time.Hour)) })
	wantCode(t, err, gridbot.ECONFLICT)
	err = s.Update(ctx, func(tx gridbot.Tx) error { return tx.ConfirmDeliberation(a.ID, 7, "O001", confirmed) })
	wantCode(t, err, gridbot.ENOTFOUND)
	view(t, s, func(tx gridbot.Tx) error {
		got, err := tx.DeliberationByNo(a.ID, d.No)
		must(t, err)
		if !got.ConfirmedAt.Equal(confirmed) {
			t.Errorf("a second confirmation changed the time to %v", got.ConfirmedAt)
		}
		return nil
	})
}

func testPublished(t *testing.T, s gridbot.Store) {
	a := seedStore(t, s, "滨海镇")
	data := []byte(`{"month":"2026-10","members":[]}`)
	now := at("2026-11-01 10:00:00.000")
	update(t, s, func(tx gridbot.Tx) error { return tx.SavePublished(a.ID, "month", "2026-10", data, now) })
	err := s.Update(ctx, func(tx gridbot.Tx) error {
		return tx.SavePublished(a.ID, "month", "2026-10", []byte(`{"changed":true}`), now)
	})
	wantCode(t, err, gridbot.ECONFLICT)
	update(t, s, func(tx gridbot.Tx) error { return tx.SavePublished(a.ID, "quarter", "2026-10", []byte("q"), now) })
	view(t, s, func(tx gridbot.Tx) error {
		got, err := tx.Published(a.ID, "month", "2026-10")
		must(t, err)
		if !bytes.Equal(got, data) {
			t.Errorf("Published = %s, want %s", got, data)
		}
		_, err = tx.Published(a.ID, "month", "2026-11")
		wantCode(t, err, gridbot.ENOTFOUND)
		return nil
	})
}

func testBasePoints(t *testing.T, s gridbot.Store) {
	a := seedStore(t, s, "滨海镇")
	update(t, s, func(tx gridbot.Tx) error {
		return tx.SetBasePoints(a.ID, "2026-10", []gridbot.BasePoint{{UserID: "U001", Points: 10}, {UserID: "U002", Points: 20.5}})
	})
	update(t, s, func(tx gridbot.Tx) error {
		return tx.SetBasePoints(a.ID, "2026-10", []gridbot.BasePoint{{UserID: "U001", Points: 1}, {UserID: "U001", Points: 15}})
	})
	err := s.Update(ctx, func(tx gridbot.Tx) error { return tx.SetBasePoints(a.ID, "2026-13", nil) })
	wantCode(t, err, gridbot.EINVALID)
	view(t, s, func(tx gridbot.Tx) error {
		f, err := tx.PeriodFacts(a.ID, at("2026-10-01 00:00:00.000"), at("2026-11-01 00:00:00.000"), lookback)
		must(t, err)
		want := []gridbot.BasePoint{{UserID: "U001", Month: "2026-10", Points: 15}, {UserID: "U002", Month: "2026-10", Points: 20.5}}
		if !reflect.DeepEqual(f.BasePoints, want) {
			t.Errorf("base points = %+v, want %+v", f.BasePoints, want)
		}
		return nil
	})
}

// testRollback: an Update whose fn fails leaves nothing behind, numbers included.
func testRollback(t *testing.T, s gridbot.Store) {
	a := seedStore(t, s, "滨海镇")
	now := at("2026-10-03 09:00:00.000")
	boom := errors.New("boom")
	err := s.Update(ctx, func(tx gridbot.Tx) error {
		if _, err := tx.CreateTown("石塘镇"); err != nil {
			return err
		}
		must(t, tx.AddIssue(&gridbot.Issue{TownID: a.ID, GridID: a.Grid1.ID, Description: "x", ReportedBy: "U002", ReportedAt: now}))
		must(t, tx.ClaimMessage(a.ID, "wecom", "m-1", now))
		must(t, tx.AddCheckin(&gridbot.Checkin{TownID: a.ID, UserID: "U002", At: now, Source: gridbot.SourceChat}))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update returned %v, want fn's error", err)
	}
	view(t, s, func(tx gridbot.Tx) error {
		_, err := tx.TownByName("石塘镇")
		wantCode(t, err, gridbot.ENOTFOUND)
		_, err = tx.CheckinOn(a.ID, "U002", "2026-10-03")
		wantCode(t, err, gridbot.ENOTFOUND)
		return nil
	})
	update(t, s, func(tx gridbot.Tx) error {
		must(t, tx.ClaimMessage(a.ID, "wecom", "m-1", now))
		i := &gridbot.Issue{TownID: a.ID, GridID: a.Grid1.ID, Description: "y", ReportedBy: "U002", ReportedAt: now}
		must(t, tx.AddIssue(i))
		if i.No != 1 {
			t.Errorf("the first issue after a rollback got #%d, want #1", i.No)
		}
		return nil
	})
}

// testConcurrentWriters: transactions that read and then write, run at once,
// all commit (no deadlock, no busy error) and never share a number.
func testConcurrentWriters(t *testing.T, s gridbot.Store) {
	a := seedStore(t, s, "滨海镇")
	const workers, rounds = 8, 10
	now := at("2026-10-03 09:00:00.000")
	nos := make([][]int64, workers)
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			for r := range rounds {
				err := s.Update(ctx, func(tx gridbot.Tx) error {
					if _, err := tx.PersonByUserID(a.ID, "U002"); err != nil {
						return err
					}
					if err := tx.ClaimMessage(a.ID, "wecom", fmt.Sprintf("m-%d-%d", w, r), now); err != nil {
						return err
					}
					i := &gridbot.Issue{TownID: a.ID, GridID: a.Grid1.ID, Description: "并发", ReportedBy: "U002", ReportedAt: now}
					if err := tx.AddIssue(i); err != nil {
						return err
					}
					nos[w] = append(nos[w], i.No)
					return nil
				})
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent update: %v", err)
	}
	var all []int64
	for _, ns := range nos {
		all = append(all, ns...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	for i, no := range all {
		if no != int64(i+1) {
			t.Fatalf("issue numbers %v, want 1..%d", all, workers*rounds)
		}
	}
}
