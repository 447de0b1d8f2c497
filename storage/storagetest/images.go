package storagetest

import (
	"bytes"
	"errors"
	"slices"
	"testing"
	"time"

	"gridbot"
)

// testRecordImages: photos belong to an issue or an activity of a town,
// (kind, number) apart; listed without their data, read one by one with it.
func testRecordImages(t *testing.T, s gridbot.Store) {
	a := seedStore(t, s, "滨海镇")
	b := seedStore(t, s, "松门镇")
	now := at("2026-10-03 09:00:00.000")
	jpeg := func(n byte) []byte { return []byte{0xff, 0xd8, 0xff, n} }
	var ids []int64
	update(t, s, func(tx gridbot.Tx) error {
		// 问题#1 and #2 and 活动#1 of a, 问题#1 of b.
		for _, tw := range []town{a, a, b} {
			must(t, tx.AddIssue(&gridbot.Issue{TownID: tw.ID, GridID: tw.Grid1.ID, Description: "路灯不亮", ReportedBy: "U002", ReportedAt: now}))
		}
		must(t, tx.AddActivity(&gridbot.Activity{TownID: a.ID, GridID: a.Grid1.ID, Category: gridbot.ActivityCategories[0],
			Content: "入户宣传", Leader: "U001", Participants: []string{"U001", "U002"}, At: now}))
		for i, im := range []gridbot.Image{
			{TownID: a.ID, Kind: gridbot.KindIssue, No: 1, Width: 4, Height: 3},
			{TownID: a.ID, Kind: gridbot.KindActivity, No: 1, Width: 5, Height: 3},
			{TownID: a.ID, Kind: gridbot.KindIssue, No: 1, Width: 6, Height: 3},
			{TownID: a.ID, Kind: gridbot.KindIssue, No: 2, Width: 7, Height: 3},
			{TownID: b.ID, Kind: gridbot.KindIssue, No: 1, Width: 8, Height: 3},
		} {
			im.Mime, im.Data, im.At = "image/jpeg", jpeg(byte(i)), now.Add(time.Duration(i)*time.Second)
			must(t, tx.AddImage(&im))
			if im.ID == 0 {
				t.Fatal("AddImage left ID 0")
			}
			ids = append(ids, im.ID)
		}
		for _, bad := range []gridbot.Image{
			{TownID: a.ID, Kind: gridbot.KindDeliberation, No: 1},
			{TownID: a.ID, Kind: "", No: 1},
			{TownID: a.ID, Kind: gridbot.KindIssue, No: 0},
		} {
			bad.Mime, bad.Data, bad.At = "image/jpeg", jpeg(9), now
			wantCode(t, tx.AddImage(&bad), gridbot.EINVALID)
		}
		// A record the town does not have takes none.
		for _, missing := range []gridbot.Image{
			{TownID: a.ID, Kind: gridbot.KindIssue, No: 3},
			{TownID: b.ID, Kind: gridbot.KindActivity, No: 1},
		} {
			missing.Mime, missing.Data, missing.At = "image/jpeg", jpeg(9), now
			err := tx.AddImage(&missing)
			var e *gridbot.Error
			if !errors.As(err, &e) || e.Reason != gridbot.ReasonRecordUnknown || e.Code != gridbot.ENOTFOUND {
				t.Errorf("AddImage to %s of town %d: %v", gridbot.RecordRef(missing.Kind, missing.No), missing.TownID, err)
			}
		}
		return nil
	})
	// A record keeps at most gridbot.MaxRecordImages: the next is refused.
	update(t, s, func(tx gridbot.Tx) error {
		im := gridbot.Image{TownID: a.ID, Kind: gridbot.KindIssue, No: 1, Mime: "image/jpeg", Width: 9, Height: 3, Data: jpeg(7), At: now}
		must(t, tx.AddImage(&im))
		im.ID = 0
		err := tx.AddImage(&im)
		var e *gridbot.Error
		if !errors.As(err, &e) || e.Code != gridbot.ECONFLICT || e.Reason != gridbot.ReasonImagesFull || e.Message != "问题#1 的照片已满：每条记录最多 3 张。" {
			t.Errorf("a fourth photo: %v", err)
		}
		return nil
	})
	view(t, s, func(tx gridbot.Tx) error {
		for _, c := range []struct {
			town   int64
			kind   string
			no     int64
			widths []int
		}{
			{a.ID, gridbot.KindIssue, 1, []int{4, 6, 9}},
			{a.ID, gridbot.KindActivity, 1, []int{5}},
			{a.ID, gridbot.KindIssue, 2, []int{7}},
			{a.ID, gridbot.KindActivity, 2, nil},
			{b.ID, gridbot.KindIssue, 1, []int{8}},
			{b.ID, gridbot.KindActivity, 1, nil},
		} {
			ims, err := tx.Images(c.town, c.kind, c.no)
			must(t, err)
			var widths []int
			for _, im := range ims {
				widths = append(widths, im.Width)
				if len(im.Data) != 0 || im.Kind != c.kind || im.No != c.no || im.TownID != c.town || im.Mime != "image/jpeg" || im.At.IsZero() {
					t.Errorf("Images(%d, %s, %d) listed %+v", c.town, c.kind, c.no, im)
				}
			}
			if !slices.Equal(widths, c.widths) {
				t.Errorf("Images(%d, %s, %d) = widths %v, want %v (oldest first)", c.town, c.kind, c.no, widths, c.widths)
			}
		}
		im, err := tx.Image(a.ID, ids[1])
		must(t, err)
		if im.Kind != gridbot.KindActivity || im.No != 1 || !bytes.Equal(im.Data, jpeg(1)) || !im.At.Equal(now.Add(time.Second)) {
			t.Errorf("Image = %+v", im)
		}
		_, err = tx.Image(b.ID, ids[1]) // another town's photo
		wantCode(t, err, gridbot.ENOTFOUND)
		return nil
	})
}

// testRecordedIn: the duplicate guard's notes say in which chat each record
// was made; a member's records of one chat since a time, newest first.
func testRecordedIn(t *testing.T, s gridbot.Store) {
	a := seedStore(t, s, "滨海镇")
	b := seedStore(t, s, "松门镇")
	now := at("2026-10-03 09:00:00.000")
	since := now.Add(-10 * time.Minute)
	update(t, s, func(tx gridbot.Tx) error {
		must(t, tx.NoteRecorded(a.ID, "U001", "G1", "上报 路灯", "问题#1", now.Add(-11*time.Minute), since.Add(-time.Hour)))
		must(t, tx.NoteRecorded(a.ID, "U001", "G1", "上报 水管", "问题#2", now.Add(-5*time.Minute), since.Add(-time.Hour)))
		must(t, tx.NoteRecorded(a.ID, "U001", "G1", "活动 宣传 x", "活动#1", now.Add(-2*time.Minute), since.Add(-time.Hour)))
		must(t, tx.NoteRecorded(a.ID, "U001", "dm:U001", "上报 井盖", "问题#3", now.Add(-time.Minute), since.Add(-time.Hour)))
		must(t, tx.NoteRecorded(a.ID, "U002", "G1", "上报 围墙", "问题#4", now, since.Add(-time.Hour)))
		must(t, tx.NoteRecorded(b.ID, "U001", "G1", "上报 路灯", "问题#1", now, since.Add(-time.Hour)))
		return nil
	})
	view(t, s, func(tx gridbot.Tx) error {
		recs, err := tx.RecordedIn(a.ID, "U001", "G1", since)
		must(t, err)
		if len(recs) != 2 || recs[0].Ref != "活动#1" || recs[1].Ref != "问题#2" || !recs[0].At.Equal(now.Add(-2*time.Minute)) {
			t.Errorf("RecordedIn(G1) = %+v, want 活动#1 then 问题#2", recs)
		}
		if recs, err := tx.RecordedIn(a.ID, "U001", "dm:U001", since); err != nil || len(recs) != 1 || recs[0].Ref != "问题#3" {
			t.Errorf("RecordedIn(dm) = %+v, %v", recs, err)
		}
		if recs, err := tx.RecordedIn(a.ID, "U003", "G1", since); err != nil || len(recs) != 0 {
			t.Errorf("RecordedIn(nobody's) = %+v, %v", recs, err)
		}
		return nil
	})
	// The same text again, from another chat, moves the note there.
	update(t, s, func(tx gridbot.Tx) error {
		return tx.NoteRecorded(a.ID, "U001", "dm:U001", "上报 水管", "问题#5", now, since)
	})
	view(t, s, func(tx gridbot.Tx) error {
		if recs, err := tx.RecordedIn(a.ID, "U001", "G1", since); err != nil || len(recs) != 1 || recs[0].Ref != "活动#1" {
			t.Errorf("RecordedIn(G1) after the note moved = %+v, %v", recs, err)
		}
		if recs, err := tx.RecordedIn(a.ID, "U001", "dm:U001", since); err != nil || len(recs) != 2 || recs[0].Ref != "问题#5" {
			t.Errorf("RecordedIn(dm) after the note moved = %+v, %v", recs, err)
		}
		return nil
	})
}

// testRecordImagesRace: two transactions storing a record's last photo at
// once (two replicas) cannot both succeed: the second waits for the first
// and is refused.
func testRecordImagesRace(t *testing.T, s gridbot.Store) {
	a := seedStore(t, s, "滨海镇")
	now := at("2026-10-03 09:00:00.000")
	photo := gridbot.Image{TownID: a.ID, Kind: gridbot.KindIssue, No: 1, Mime: "image/jpeg", Width: 4, Height: 3,
		Data: []byte{0xff, 0xd8, 0xff}, At: now}
	update(t, s, func(tx gridbot.Tx) error {
		must(t, tx.AddIssue(&gridbot.Issue{TownID: a.ID, GridID: a.Grid1.ID, Description: "路灯不亮", ReportedBy: "U002", ReportedAt: now}))
		for range gridbot.MaxRecordImages - 1 {
			p := photo
			must(t, tx.AddImage(&p))
		}
		return nil
	})
	stored := make(chan struct{})
	errs := make(chan error, 2)
	go func() {
		errs <- s.Update(ctx, func(tx gridbot.Tx) error {
			p := photo
			if err := tx.AddImage(&p); err != nil {
				return err
			}
			close(stored)
			time.Sleep(200 * time.Millisecond) // the other transaction comes meanwhile
			return nil
		})
	}()
	go func() {
		<-stored
		errs <- s.Update(ctx, func(tx gridbot.Tx) error { p := photo; return tx.AddImage(&p) })
	}()
	var refused int
	for range 2 {
		var e *gridbot.Error
		if err := <-errs; errors.As(err, &e) && e.Reason == gridbot.ReasonImagesFull {
			refused++
		} else if err != nil {
			t.Fatal(err)
		}
	}
	view(t, s, func(tx gridbot.Tx) error {
		ims, err := tx.Images(a.ID, gridbot.KindIssue, 1)
		if len(ims) != gridbot.MaxRecordImages || refused != 1 {
			t.Errorf("%d photos, %d refused; want %d and 1", len(ims), refused, gridbot.MaxRecordImages)
		}
		return err
	})
}
