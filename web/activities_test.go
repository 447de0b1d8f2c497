package web_test

import (
	"bytes"
	"image"
	"image/png"
	"io"
	"net/http"
	"strings"
	"testing"

	"gridbot"
	"gridbot/internal/bottest"
	"gridbot/internal/testkit"
)

// TestOfficeActivities: an activity logged in chat with a picture shows on
// the office's page of the month's activities with its number, grid,
// content (escaped), who logged it, its participants and its photo, which
// is served to the office; another town's photo is not; another month's
// activity is not listed; the grid's filter keeps the grid's; no session
// leads to the login help.
func TestOfficeActivities(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, st gridbot.Store) {
		s := newSite(t, st)
		var b bytes.Buffer
		png.Encode(&b, image.NewGray(image.Rect(0, 0, 90, 60)))
		s.tw.P.Images = onePicture{b.Bytes()}
		s.tw.Must("2026-09-20 10:00", bottest.Leader2, "活动 服务 九月的走访 @赵丽")      // 活动#1, September
		s.tw.Must("2026-10-04 10:00", bottest.Leader2, "活动 调处 调解邻里纠纷 @赵丽 @王芳") // 活动#2, 滨海村二网格
		m := s.tw.Msg("2026-10-05 09:00", bottest.Leader1, "活动 宣传 入户宣传<b>防诈骗</b> @王海")
		m.Images = []gridbot.ImageRef{{Source: "test", Ref: "x"}}
		if r := s.tw.P.Process(ctx, m); !strings.Contains(bottest.Reply(r), "已将图片附到 活动#3") {
			t.Fatalf("活动 with a picture: %q", bottest.Reply(r))
		}
		var photo gridbot.Image
		var grid1 gridbot.Grid
		s.tw.View(func(tx gridbot.Tx) error {
			ims, err := tx.Images(s.tw.ID, gridbot.KindActivity, 3)
			if err != nil || len(ims) != 1 {
				t.Fatalf("activity photos: %+v, %v", ims, err)
			}
			if photo, err = tx.Image(s.tw.ID, ims[0].ID); err != nil {
				return err
			}
			grids, err := tx.Grids(s.tw.ID)
			for _, g := range grids {
				if g.Name == "滨海村一网格" {
					grid1 = g
				}
			}
			return err
		})
		// Another town's activity photo, on the same store.
		other := bottest.NewNamed(t, st, "别的镇")
		var otherPhoto gridbot.Image
		err := st.Update(ctx, func(tx gridbot.Tx) error {
			grids, err := tx.Grids(other.ID)
			if err != nil {
				return err
			}
			at := testkit.At("2026-10-05 08:00")
			act := gridbot.Activity{TownID: other.ID, GridID: grids[0].ID, Category: gridbot.ActivityCategories[0], Content: "别镇的活动",
				Leader: bottest.Leader1, Participants: []string{bottest.Leader1, bottest.Member1}, At: at}
			if err := tx.AddActivity(&act); err != nil {
				return err
			}
			otherPhoto = gridbot.Image{TownID: other.ID, Kind: gridbot.KindActivity, No: act.No, Mime: "image/jpeg", Width: 4, Height: 3,
				Data: []byte{0xff, 0xd8, 0xff}, At: at}
			return tx.AddImage(&otherPhoto)
		})
		if err != nil {
			t.Fatal(err)
		}

		// Without a session: to the login help.
		if code, _ := status(t, client(), "GET", s.srv.URL+"/office/activities", nil); code != http.StatusSeeOther {
			t.Fatalf("/office/activities without a session: %d", code)
		}
		c := client()
		if code, _ := status(t, c, "GET", loginLink(t, s), nil); code != http.StatusSeeOther {
			t.Fatal("login")
		}
		if !strings.Contains(get(t, c, s.srv.URL+"/office"), `href="/office/activities"`) {
			t.Error("the dashboard's navigation has no link to the activities")
		}
		page := get(t, c, s.srv.URL+"/office/activities") // October, by the clock
		for _, want := range []string{"2026-10 集体活动", "活动#3", "滨海村一网格", "宣传政策法规", "入户宣传&lt;b&gt;防诈骗&lt;/b&gt;",
			"<strong>2 人</strong>：陈强、王海", "活动#2", "滨海村二网格", "调处纠纷矛盾", "<strong>3 人</strong>：李明、赵丽、王芳",
			`<a href="/office/photo/` + itoa(photo.ID) + `"><img src="/office/photo/` + itoa(photo.ID) + `" alt="活动照片" width="90" height="60"`,
			"共 2 次活动，附照片 1 张", `<option value="` + itoa(grid1.ID) + `">滨海村一网格</option>`} {
			if !strings.Contains(page, want) {
				t.Errorf("the page lacks %q", want)
			}
		}
		if strings.Contains(page, "<b>防诈骗") || strings.Contains(page, "活动#1<") || strings.Contains(page, "九月的走访") {
			t.Errorf("the page shows typed HTML or September's activity:\n%s", page)
		}
		if strings.Index(page, "活动#3") > strings.Index(page, "活动#2") {
			t.Error("not newest first")
		}
		// Who logged it: 陈强 for 活动#3, in its own cell.
		if !strings.Contains(page, "</td><td>陈强</td>") || !strings.Contains(page, "</td><td>李明</td>") {
			t.Errorf("who logged the activities is missing:\n%s", page)
		}

		// The photo, to the office; another town's id, 404.
		resp, err := c.Get(s.srv.URL + "/office/photo/" + itoa(photo.ID))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" || !bytes.Equal(body, photo.Data) || len(body) == 0 {
			t.Errorf("activity photo: %d %s, %d bytes", resp.StatusCode, resp.Header.Get("Content-Type"), len(body))
		}
		if code, _ := status(t, c, "GET", s.srv.URL+"/office/photo/"+itoa(otherPhoto.ID), nil); code != http.StatusNotFound {
			t.Errorf("another town's photo: %d", code)
		}

		// September: its activity only, with the month chosen in the form.
		sept := get(t, c, s.srv.URL+"/office/activities?month=2026-09")
		if !strings.Contains(sept, "活动#1") || !strings.Contains(sept, "九月的走访") || strings.Contains(sept, "活动#3") ||
			!strings.Contains(sept, `<option value="2026-09" selected>2026-09</option>`) || !strings.Contains(sept, "附照片 0 张") {
			t.Errorf("September:\n%s", sept)
		}
		// The grid's filter: 滨海村一网格 only, chosen in the select.
		g1 := get(t, c, s.srv.URL+"/office/activities?month=2026-10&grid="+itoa(grid1.ID))
		if !strings.Contains(g1, "活动#3") || strings.Contains(g1, "活动#2") ||
			!strings.Contains(g1, `<option value="`+itoa(grid1.ID)+`" selected>滨海村一网格</option>`) ||
			!strings.Contains(g1, `href="/office/activities?month=2026-09&amp;grid=`+itoa(grid1.ID)+`"`) {
			t.Errorf("滨海村一网格's activities:\n%s", g1)
		}
		// A month long ago: chosen in the select too, after the last 24.
		if old := get(t, c, s.srv.URL+"/office/activities?month=2020-01"); !strings.Contains(old, `<option value="2024-11">2024-11</option><option value="2020-01" selected>2020-01</option></select>`) {
			t.Errorf("2020-01's month select:\n%s", old)
		}
		// A month without any, for that grid.
		if empty := get(t, c, s.srv.URL+"/office/activities?month=2026-09&grid="+itoa(grid1.ID)); !strings.Contains(empty, "2026-09 滨海村一网格 没有集体活动记录") {
			t.Errorf("an empty month:\n%s", empty)
		}
	})
}
