package storagetest

import (
	"testing"
	"time"

	"gridbot"
)

// testNumberingActivitiesAdjustments: activities and adjustments are numbered
// from 1 per town like the other records, and a duplicate message gives its
// number back.
func testNumberingActivitiesAdjustments(t *testing.T, s gridbot.Store) {
	a := seedStore(t, s, "滨海镇")
	b := seedStore(t, s, "松门镇")
	now := at("2026-10-03 09:00:00.000")
	update(t, s, func(tx gridbot.Tx) error {
		for want := int64(1); want <= 2; want++ {
			act := &gridbot.Activity{TownID: a.ID, GridID: a.Grid1.ID, Category: gridbot.ActivityCategories[0], Content: "宣传",
				Leader: "U001", Participants: []string{"U001", "U002"}, At: now, Record: rec("U001", "m-a"+string(rune('0'+want)), now)}
			must(t, tx.AddActivity(act))
			if act.No != want {
				t.Errorf("activity %d of town a got #%d", want, act.No)
			}
		}
		dup := &gridbot.Activity{TownID: a.ID, GridID: a.Grid1.ID, Category: gridbot.ActivityCategories[0], Content: "宣传",
			Leader: "U001", Participants: []string{"U001", "U002"}, At: now, Record: rec("U001", "m-a1", now)}
		wantCode(t, tx.AddActivity(dup), gridbot.ECONFLICT)
		adj := &gridbot.Adjustment{TownID: a.ID, UserID: "U002", Points: 2, Reason: "好", At: now}
		must(t, tx.AddAdjustment(adj))
		adjB := &gridbot.Adjustment{TownID: b.ID, UserID: "U002", Points: -1, Reason: "差", At: now}
		must(t, tx.AddAdjustment(adjB))
		actB := &gridbot.Activity{TownID: b.ID, GridID: b.Grid1.ID, Category: gridbot.ActivityCategories[1], Content: "服务",
			Leader: "U001", Participants: []string{"U001", "U002"}, At: now}
		must(t, tx.AddActivity(actB))
		if adj.No != 1 || adjB.No != 1 || actB.No != 1 {
			t.Errorf("first adjustments and town b's first activity got #%d, #%d, #%d; want #1", adj.No, adjB.No, actB.No)
		}
		act := &gridbot.Activity{TownID: a.ID, GridID: a.Grid1.ID, Category: gridbot.ActivityCategories[0], Content: "宣传",
			Leader: "U001", Participants: []string{"U001", "U002"}, At: now}
		must(t, tx.AddActivity(act))
		if act.No != 3 {
			t.Errorf("town a's activity after a duplicate got #%d, want #3 (no gap)", act.No)
		}
		return nil
	})
	view(t, s, func(tx gridbot.Tx) error {
		f, err := tx.PeriodFacts(a.ID, at("2026-10-01 00:00:00.000"), at("2026-11-01 00:00:00.000"), 0)
		must(t, err)
		if len(f.Activities) != 3 || f.Activities[2].No != 3 || len(f.Adjustments) != 1 || f.Adjustments[0].No != 1 {
			t.Errorf("PeriodFacts does not read the numbers: %+v %+v", f.Activities, f.Adjustments)
		}
		return nil
	})
}

// testWithdraw: a withdrawn record of every kind stays readable by number
// with who, when and why, and PeriodFacts, MemberFacts and OpenIssues leave
// it out; a second withdrawal, a dispatched issue and an unknown number are
// refused.
func testWithdraw(t *testing.T, s gridbot.Store) {
	a := seedStore(t, s, "滨海镇")
	now := at("2026-10-03 09:00:00.000")
	from, to := at("2026-10-01 00:00:00.000"), at("2026-11-01 00:00:00.000")
	var refs []gridbot.RecordInfo
	var dispatched gridbot.Issue
	update(t, s, func(tx gridbot.Tx) error {
		for i := 0; i < 2; i++ { // two of each: one withdrawn, one kept
			is := &gridbot.Issue{TownID: a.ID, GridID: a.Grid1.ID, Description: "路灯", ReportedBy: "U002", ReportedAt: now}
			must(t, tx.AddIssue(is))
			d := &gridbot.Deliberation{TownID: a.ID, GridID: a.Grid1.ID, Minutes: "纪要", Leader: "U001", Participants: []string{"U001", "U002"}, At: now}
			must(t, tx.AddDeliberation(d))
			act := &gridbot.Activity{TownID: a.ID, GridID: a.Grid1.ID, Category: gridbot.ActivityCategories[0], Content: "宣传",
				Leader: "U001", Participants: []string{"U001", "U002"}, At: now, Record: rec("U001", "", now)}
			must(t, tx.AddActivity(act))
			p := &gridbot.Publicity{TownID: a.ID, Level: gridbot.LevelCity, Title: "报道", Involved: []string{"U002"}, At: now}
			must(t, tx.AddPublicity(p))
			ph := &gridbot.Photo{TownID: a.ID, Count: 3, Involved: []string{"U002"}, At: now}
			must(t, tx.AddPhoto(ph))
			st := &gridbot.Story{TownID: a.ID, VillageID: a.Village.ID, Title: "故事", At: now}
			must(t, tx.AddStory(st))
			adj := &gridbot.Adjustment{TownID: a.ID, UserID: "U002", Points: 2, Reason: "好", At: now}
			must(t, tx.AddAdjustment(adj))
			if i == 0 {
				for _, r := range []struct {
					kind string
					no   int64
				}{{gridbot.KindIssue, is.No}, {gridbot.KindDeliberation, d.No}, {gridbot.KindActivity, act.No},
					{gridbot.KindPublicity, p.No}, {gridbot.KindPhoto, ph.No}, {gridbot.KindStory, st.No}, {gridbot.KindAdjustment, adj.No}} {
					info, err := tx.RecordByNo(a.ID, r.kind, r.no)
					must(t, err)
					refs = append(refs, info)
				}
			}
		}
		dispatched = gridbot.Issue{TownID: a.ID, GridID: a.Grid1.ID, Description: "已派发", ReportedBy: "U002", ReportedAt: now}
		must(t, tx.AddIssue(&dispatched))
		dispatched.Assignee, dispatched.DispatchedBy, dispatched.DispatchedAt = "U002", "U001", now.Add(time.Hour)
		must(t, tx.UpdateIssue(dispatched))
		return nil
	})
	if refs[0].GridID != a.Grid1.ID || refs[0].Summary != "路灯" || refs[0].Dispatched || !refs[0].At.Equal(now) {
		t.Errorf("RecordByNo(issue) = %+v", refs[0])
	}
	if refs[5].VillageID != a.Village.ID || refs[6].UserID != "U002" || refs[4].Summary != "3" {
		t.Errorf("RecordByNo of a story, an adjustment, photos = %+v / %+v / %+v", refs[5], refs[6], refs[4])
	}
	count := func(f *gridbot.Facts) [7]int {
		return [7]int{len(f.Issues), len(f.Deliberations), len(f.Activities), len(f.Publicity), len(f.Photos), len(f.Stories), len(f.Adjustments)}
	}
	view(t, s, func(tx gridbot.Tx) error {
		f, err := tx.PeriodFacts(a.ID, from, to, 0)
		must(t, err)
		if got, want := count(f), [7]int{3, 2, 2, 2, 2, 2, 2}; got != want {
			t.Fatalf("before withdrawing, PeriodFacts has %v, want %v", got, want)
		}
		return nil
	})

	w := gridbot.Withdrawal{WithdrawnBy: "O001", WithdrawnAt: now.Add(2 * time.Hour), WithdrawReason: "重复记录"}
	update(t, s, func(tx gridbot.Tx) error {
		for _, r := range refs {
			must(t, tx.Withdraw(a.ID, r.Kind, r.No, w))
		}
		return nil
	})
	err := s.Update(ctx, func(tx gridbot.Tx) error { return tx.Withdraw(a.ID, gridbot.KindActivity, refs[2].No, w) })
	wantCode(t, err, gridbot.ECONFLICT)
	if gridbot.ErrorMessage(err) != "活动#1 已经撤回过了。" {
		t.Errorf("second withdrawal: %q", gridbot.ErrorMessage(err))
	}
	err = s.Update(ctx, func(tx gridbot.Tx) error { return tx.Withdraw(a.ID, gridbot.KindIssue, dispatched.No, w) })
	wantCode(t, err, gridbot.ECONFLICT)
	err = s.Update(ctx, func(tx gridbot.Tx) error { return tx.Withdraw(a.ID, gridbot.KindPhoto, 99, w) })
	wantCode(t, err, gridbot.ENOTFOUND)
	err = s.Update(ctx, func(tx gridbot.Tx) error { return tx.Withdraw(a.ID, "checkin", 1, w) })
	wantCode(t, err, gridbot.EINVALID)

	view(t, s, func(tx gridbot.Tx) error {
		for _, r := range refs {
			got, err := tx.RecordByNo(a.ID, r.Kind, r.No)
			must(t, err)
			if got.WithdrawnBy != "O001" || !got.WithdrawnAt.Equal(w.WithdrawnAt) || got.WithdrawReason != "重复记录" {
				t.Errorf("%s after withdrawing: %+v", r.Ref(), got.Withdrawal)
			}
		}
		i, err := tx.IssueByNo(a.ID, refs[0].No)
		must(t, err)
		if !i.Withdrawn() || i.WithdrawReason != "重复记录" {
			t.Errorf("IssueByNo of a withdrawn issue: %+v", i.Withdrawal)
		}
		open, err := tx.OpenIssues(a.ID, 0)
		must(t, err)
		if len(open) != 2 {
			t.Errorf("OpenIssues has %d issues, want the 2 not withdrawn", len(open))
		}
		f, err := tx.PeriodFacts(a.ID, from, to, 0)
		must(t, err)
		if got, want := count(f), [7]int{2, 1, 1, 1, 1, 1, 1}; got != want {
			t.Errorf("after withdrawing, PeriodFacts has %v, want %v", got, want)
		}
		for _, is := range f.Issues {
			if is.No == refs[0].No {
				t.Error("PeriodFacts has the withdrawn issue")
			}
		}
		m, err := tx.MemberFacts(a.ID, "U002", from, to, 0)
		must(t, err)
		if got, want := count(m), [7]int{2, 1, 1, 1, 0, 0, 1}; got != want {
			t.Errorf("after withdrawing, MemberFacts(U002) has %v, want %v", got, want)
		}
		for _, act := range m.Activities {
			if act.No == refs[2].No {
				t.Error("MemberFacts has the withdrawn activity")
			}
		}
		return nil
	})
}

// testDuplicateGuard: the notes of what a member recorded with which text,
// and the one message waiting for 确认.
func testDuplicateGuard(t *testing.T, s gridbot.Store) {
	a := seedStore(t, s, "滨海镇")
	b := seedStore(t, s, "松门镇")
	now := at("2026-10-03 09:00:00.000")
	update(t, s, func(tx gridbot.Tx) error {
		must(t, tx.NoteRecorded(a.ID, "U001", "G1", "上报 路灯", "问题#1", now, now.Add(-10*time.Minute)))
		must(t, tx.NoteRecorded(a.ID, "U001", "G1", "上报 水管", "问题#2", now.Add(time.Minute), now.Add(-9*time.Minute)))
		ref, when, err := tx.LastRecorded(a.ID, "U001", "上报 路灯", now.Add(-10*time.Minute))
		must(t, err)
		if ref != "问题#1" || !when.Equal(now) {
			t.Errorf("LastRecorded = %s %v", ref, when)
		}
		_, _, err = tx.LastRecorded(a.ID, "U001", "上报 路灯", now.Add(time.Second))
		wantCode(t, err, gridbot.ENOTFOUND)
		_, _, err = tx.LastRecorded(b.ID, "U001", "上报 路灯", now.Add(-time.Hour))
		wantCode(t, err, gridbot.ENOTFOUND)
		_, _, err = tx.LastRecorded(a.ID, "U002", "上报 路灯", now.Add(-time.Hour))
		wantCode(t, err, gridbot.ENOTFOUND)
		// The same text again moves the note on; old notes are forgotten.
		must(t, tx.NoteRecorded(a.ID, "U001", "G1", "上报 路灯", "问题#3", now.Add(20*time.Minute), now.Add(10*time.Minute)))
		if ref, _, err := tx.LastRecorded(a.ID, "U001", "上报 路灯", now); err != nil || ref != "问题#3" {
			t.Errorf("LastRecorded after a second note = %s, %v", ref, err)
		}
		if _, _, err := tx.LastRecorded(a.ID, "U001", "上报 水管", now.Add(-time.Hour)); gridbot.ErrorCode(err) != gridbot.ENOTFOUND {
			t.Errorf("a note older than since was kept: %v", err)
		}

		must(t, tx.SetPending(a.ID, "U001", "活动 宣传 x @李娜", now))
		must(t, tx.SetPending(a.ID, "U001", "上报 路灯", now.Add(time.Minute)))
		text, when, err := tx.TakePending(a.ID, "U001", now)
		must(t, err)
		if text != "上报 路灯" || !when.Equal(now.Add(time.Minute)) {
			t.Errorf("TakePending = %q %v, want the latest", text, when)
		}
		_, _, err = tx.TakePending(a.ID, "U001", now)
		wantCode(t, err, gridbot.ENOTFOUND)
		must(t, tx.SetPending(a.ID, "U001", "上报 路灯", now))
		_, _, err = tx.TakePending(a.ID, "U001", now.Add(11*time.Minute))
		wantCode(t, err, gridbot.ENOTFOUND)
		_, _, err = tx.TakePending(a.ID, "U001", now.Add(-time.Hour))
		wantCode(t, err, gridbot.ENOTFOUND) // the stale one went with the first take
		return nil
	})
}
