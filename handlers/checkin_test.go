package handlers_test

import (
	"strings"
	"testing"

	"gridbot"
	"gridbot/bot"
	"gridbot/internal/bottest"
	"gridbot/internal/testkit"
)

// near is a point about 110 m from 滨海村委会 (inside its 300 m); far is about 1.1 km away.
const (
	nearLat = bottest.CheckpointLat + 0.001
	farLat  = bottest.CheckpointLat + 0.01
	lng     = bottest.CheckpointLng
)

func contains(t *testing.T, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("reply %q lacks %q", got, w)
		}
	}
}

func checkins(t *testing.T, tw *bottest.Town, userID, day string) int {
	t.Helper()
	n := 0
	tw.View(func(tx gridbot.Tx) error {
		_, err := tx.CheckinOn(tw.ID, userID, day)
		if err == nil {
			n = 1
		} else if gridbot.ErrorCode(err) != gridbot.ENOTFOUND {
			return err
		}
		return nil
	})
	return n
}

func TestCheckin(t *testing.T) {
	tw := bottest.New(t, testkit.OpenSQLite(t))
	r := tw.SendAt("2026-10-03 08:12", bottest.Member1, "打卡", nearLat, lng)
	if r.Code != bot.OK {
		t.Fatalf("check-in refused: %q", bottest.Reply(r))
	}
	contains(t, bottest.Reply(r), "王海 打卡成功", "10月3日 08:12", "滨海村委会")
	if checkins(t, tw, bottest.Member1, "2026-10-03") != 1 {
		t.Fatal("check-in not stored")
	}
	var c gridbot.Checkin
	tw.View(func(tx gridbot.Tx) (err error) { c, err = tx.CheckinOn(tw.ID, bottest.Member1, "2026-10-03"); return })
	if c.Lat != nearLat || c.Lng != lng || c.Source != gridbot.SourceChat || c.MsgID == "" || c.RecordedBy != bottest.Member1 {
		t.Errorf("stored check-in %+v", c)
	}

	// The second check-in of the day changes nothing.
	// Whether it comes without a location, from the check-in point or from
	// far away, the member is told they checked in already.
	got := tw.Refused("2026-10-03 09:30", bottest.Member1, "打卡", gridbot.ECONFLICT)
	contains(t, got, "今日已打卡", "08:12")
	for _, lat := range []float64{nearLat, farLat} {
		r := tw.SendAt("2026-10-03 09:31", bottest.Member1, "打卡", lat, lng)
		if r.Code != gridbot.ECONFLICT || !strings.Contains(bottest.Reply(r), "今日已打卡（08:12）") {
			t.Errorf("second check-in at %v: %s %q", lat, r.Code, bottest.Reply(r))
		}
	}
	if checkins(t, tw, bottest.Member1, "2026-10-03") != 1 {
		t.Fatal("a second check-in was stored")
	}
	// The next day is a new day; a leader may check in too; a bare location is a check-in.
	tw.P.Process(ctx, withLoc(tw.Msg("2026-10-04 07:00", bottest.Member1, ""), nearLat, lng))
	if checkins(t, tw, bottest.Member1, "2026-10-04") != 1 {
		t.Error("a bare location message did not check in")
	}
	if r := tw.SendAt("2026-10-04 07:00", bottest.Leader1, "@网格助手 打卡", nearLat, lng); r.Code != bot.OK {
		t.Errorf("leader check-in refused: %q", bottest.Reply(r))
	}
}

func withLoc(m gridbot.Message, lat, lng float64) gridbot.Message {
	m.Location = &gridbot.Location{Lat: lat, Lng: lng}
	return m
}

func TestCheckinRefusals(t *testing.T) {
	tw := bottest.New(t, testkit.OpenSQLite(t))
	// Checkpoints exist and no location: say how to check in.
	contains(t, tw.Refused("2026-10-03 08:12", bottest.Member1, "打卡", gridbot.EINVALID), "发送位置", "滨海村委会", "300 米")
	// Too far.
	r := tw.SendAt("2026-10-03 08:12", bottest.Member1, "打卡", farLat, lng)
	if r.Code != gridbot.EINVALID {
		t.Fatalf("far check-in: code %q", r.Code)
	}
	contains(t, bottest.Reply(r), "滨海村委会", "1.1 公里", "300 米")
	// Outside the window, both ends.
	for _, at := range []string{"2026-10-03 04:59", "2026-10-03 12:00", "2026-10-03 18:30"} {
		r := tw.SendAt(at, bottest.Member1, "打卡", nearLat, lng)
		if r.Code != gridbot.EINVALID {
			t.Fatalf("check-in at %s: code %q", at, r.Code)
		}
		contains(t, bottest.Reply(r), "不在打卡时间内", "05:00–12:00")
	}
	if checkins(t, tw, bottest.Member1, "2026-10-03") != 0 {
		t.Fatal("a refused check-in was stored")
	}
	// Wrong role and a stranger.
	contains(t, tw.Refused("2026-10-03 08:12", bottest.Office, "打卡", gridbot.EFORBIDDEN), "只有网格员、网格长可以使用", "党建办人员不需要打卡")
	contains(t, tw.Refused("2026-10-03 08:12", bottest.Stranger, "打卡", gridbot.EFORBIDDEN), "不在本镇的网格花名册中")
	// Window edges: 05:00 is in.
	if r := tw.SendAt("2026-10-03 05:00", bottest.Member1, "打卡", nearLat, lng); r.Code != bot.OK {
		t.Errorf("05:00 refused: %q", bottest.Reply(r))
	}
}

func TestCheckinWithoutCheckpoints(t *testing.T) {
	tw := bottest.New(t, testkit.OpenSQLite(t))
	// 东海村 has no check-in point: a plain 打卡 is enough.
	contains(t, tw.Must("2026-10-03 08:12", bottest.ZhangWei3, "打卡"), "张伟 打卡成功")
	if checkins(t, tw, bottest.ZhangWei3, "2026-10-03") != 1 {
		t.Fatal("not stored")
	}
}
