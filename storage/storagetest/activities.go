package storagetest

import (
	"slices"
	"testing"
	"time"

	"gridbot"
)

// testActivities: the office's page of activities reads a month's
// activities of a town (or of one of its grids), newest first, with their
// participants, the withdrawn left out, at most a limit; and the photos of
// many records at once.
func testActivities(t *testing.T, s gridbot.Store) {
	a := seedStore(t, s, "滨海镇")
	b := seedStore(t, s, "松门镇")
	from, to := at("2026-10-01 00:00:00.000"), at("2026-11-01 00:00:00.000")
	act := func(tw town, grid gridbot.Grid, when time.Time, content string, participants ...string) *gridbot.Activity {
		return &gridbot.Activity{TownID: tw.ID, GridID: grid.ID, Category: gridbot.ActivityCategories[1], Content: content,
			Leader: "U001", Participants: participants, At: when, Record: rec("U001", "", when)}
	}
	jpeg := []byte{0xff, 0xd8, 0xff}
	update(t, s, func(tx gridbot.Tx) error {
		for _, f := range []*gridbot.Activity{
			act(a, a.Grid1, from.Add(-time.Millisecond), "九月底", "U001", "U002"),   // 活动#1: September
			act(a, a.Grid1, from, "月初", "U001", "U002"),                           // #2: the first instant of October
			act(a, a.Grid2, at("2026-10-10 09:00:00.000"), "二网格", "U003", "U001"), // #3
			act(a, a.Grid1, at("2026-10-20 15:30:00.000"), "撤回的", "U001", "U002"), // #4: withdrawn below
			act(a, a.Grid1, at("2026-10-31 23:59:59.999"), "月末", "U002", "U001"),  // #5
			act(a, a.Grid1, to, "十一月", "U001", "U002"),                            // #6: November
			act(b, b.Grid1, at("2026-10-15 10:00:00.000"), "别的镇", "U001", "U002"), // 松门镇's 活动#1
		} {
			must(t, tx.AddActivity(f))
		}
		must(t, tx.Withdraw(a.ID, gridbot.KindActivity, 4, gridbot.Withdrawal{WithdrawnBy: "U001",
			WithdrawnAt: at("2026-10-20 16:00:00.000"), WithdrawReason: "重复记录"}))
		// Photos: two of 活动#5, one of #3; 问题#1 and 松门镇's 活动#1 have one each.
		must(t, tx.AddIssue(&gridbot.Issue{TownID: a.ID, GridID: a.Grid1.ID, Description: "路灯", ReportedBy: "U002", ReportedAt: from}))
		for _, im := range []gridbot.Image{
			{TownID: a.ID, Kind: gridbot.KindActivity, No: 5, Width: 1},
			{TownID: a.ID, Kind: gridbot.KindActivity, No: 3, Width: 2},
			{TownID: a.ID, Kind: gridbot.KindActivity, No: 5, Width: 3},
			{TownID: a.ID, Kind: gridbot.KindIssue, No: 1, Width: 4},
			{TownID: b.ID, Kind: gridbot.KindActivity, No: 1, Width: 5},
		} {
			im.Height, im.Mime, im.Data, im.At = 1, "image/jpeg", jpeg, from
			must(t, tx.AddImage(&im))
		}
		return nil
	})
	view(t, s, func(tx gridbot.Tx) error {
		nos := func(acts []gridbot.Activity) []int64 {
			var out []int64
			for _, a := range acts {
				out = append(out, a.No)
			}
			return out
		}
		for _, c := range []struct {
			grid  int64
			limit int
			want  []int64
		}{
			{0, 100, []int64{5, 3, 2}},
			{a.Grid1.ID, 100, []int64{5, 2}},
			{a.Grid2.ID, 100, []int64{3}},
			{b.Grid1.ID, 100, nil}, // another town's grid
			{0, 2, []int64{5, 3}},
		} {
			acts, err := tx.Activities(a.ID, c.grid, from, to, c.limit)
			must(t, err)
			if got := nos(acts); !slices.Equal(got, c.want) {
				t.Errorf("Activities(grid %d, limit %d) = %v, want %v", c.grid, c.limit, got, c.want)
			}
		}
		acts, err := tx.Activities(a.ID, 0, from, to, 100)
		must(t, err)
		last := acts[0]
		if last.TownID != a.ID || last.GridID != a.Grid1.ID || last.Content != "月末" || last.Category != gridbot.ActivityCategories[1] ||
			last.Leader != "U001" || last.RecordedBy != "U001" || !last.At.Equal(at("2026-10-31 23:59:59.999")) || last.ID == 0 ||
			!slices.Equal(last.Participants, []string{"U002", "U001"}) {
			t.Errorf("活动#5 = %+v", last)
		}
		if !slices.Equal(acts[1].Participants, []string{"U003", "U001"}) {
			t.Errorf("活动#3's participants = %v (in the order recorded)", acts[1].Participants)
		}
		if acts, err := tx.Activities(b.ID, 0, from, to, 100); err != nil || len(acts) != 1 || acts[0].Content != "别的镇" {
			t.Errorf("松门镇's activities = %+v, %v", acts, err)
		}

		ims, err := tx.RecordImages(a.ID, gridbot.KindActivity, []int64{5, 3, 2, 1})
		must(t, err)
		widths := map[int64][]int{}
		for no, list := range ims {
			for _, im := range list {
				widths[no] = append(widths[no], im.Width)
				if im.No != no || im.Kind != gridbot.KindActivity || im.TownID != a.ID || len(im.Data) != 0 || im.ID == 0 || im.Mime != "image/jpeg" || im.Height != 1 {
					t.Errorf("RecordImages listed %+v under %d", im, no)
				}
			}
		}
		if len(widths) != 2 || !slices.Equal(widths[5], []int{1, 3}) || !slices.Equal(widths[3], []int{2}) {
			t.Errorf("RecordImages(活动#5, #3, #2, #1) = widths %v, want 5: [1 3] (oldest first), 3: [2]", widths)
		}
		if ims, err := tx.RecordImages(a.ID, gridbot.KindIssue, []int64{1, 5}); err != nil || len(ims) != 1 || len(ims[1]) != 1 || ims[1][0].Width != 4 {
			t.Errorf("RecordImages(问题#1, #5) = %+v, %v", ims, err)
		}
		if ims, err := tx.RecordImages(b.ID, gridbot.KindActivity, []int64{1, 3, 5}); err != nil || len(ims) != 1 || ims[1][0].Width != 5 {
			t.Errorf("松门镇's RecordImages = %+v, %v", ims, err)
		}
		if ims, err := tx.RecordImages(a.ID, gridbot.KindActivity, nil); err != nil || len(ims) != 0 {
			t.Errorf("RecordImages(none) = %+v, %v", ims, err)
		}
		return nil
	})
	// More records than one query asks for: every photo still found.
	many := make([]int64, 2500)
	for i := range many {
		many[i] = int64(len(many) - i)
	}
	view(t, s, func(tx gridbot.Tx) error {
		ims, err := tx.RecordImages(a.ID, gridbot.KindActivity, many)
		if err != nil || len(ims) != 2 || len(ims[5]) != 2 || len(ims[3]) != 1 {
			t.Errorf("RecordImages of 2500 records = %d records, %v", len(ims), err)
		}
		return nil
	})
}
