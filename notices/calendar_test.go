package notices_test

import (
	"strings"
	"testing"

	"gridbot"
	"gridbot/internal/bottest"
	"gridbot/internal/testkit"
	"gridbot/notices"
	"gridbot/scoring"
)

// TestDeliberationLeapMonth: the 16th of a leap month (闰六月十六,
// 2025-08-09) has its 议事日 reminders, in every grid's group.
func TestDeliberationLeapMonth(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, st gridbot.Store) {
		f := newFixture(t, st, "2025-08-08 00:00")
		sent := f.run("2025-08-09 12:00")
		eve, day := only(sent, gridbot.NoticeDeliberationEve), only(sent, gridbot.NoticeDeliberationDay)
		if len(eve) != 3 || len(day) != 3 {
			t.Fatalf("eve %d, day %d notices, want 3 each (one per grid)", len(eve), len(day))
		}
		f.want("deliberation-eve:滨海村一网格:2025-08-09", gridbot.NoticeSent, "2025-08-08 16:00")
		n := f.want("deliberation-day:东海村二网格:2025-08-09", gridbot.NoticeSent, "2025-08-09 08:00")
		if n.Via != "group:东海村二网格" || len(n.To) != 0 || !strings.Contains(n.Text, "农历十六") {
			t.Errorf("deliberation day notice %+v", n)
		}
	})
}

// TestDeliberationOnHoliday: the lunar 16th 2025-10-07 is a statutory
// holiday (国庆): kept under keep, moved to 2025-10-09 under next-workday.
func TestDeliberationOnHoliday(t *testing.T) {
	for _, c := range []struct{ policy, day, eve string }{
		{"keep", "2025-10-07 08:00", "2025-10-06 16:00"},
		{"next-workday", "2025-10-09 08:00", "2025-10-08 16:00"},
	} {
		t.Run(c.policy, func(t *testing.T) {
			testkit.Engines(t, func(t *testing.T, st gridbot.Store) {
				rules := scoring.DefaultRules()
				rules.Notices.HolidayPolicy = c.policy
				f := &fixture{t: t, tw: bottest.New(t, st), r: &notices.Runner{Store: st, Rules: rules}}
				f.run("2025-10-05 00:00")
				sent := only(f.run("2025-10-12 00:00"), gridbot.NoticeDeliberationDay)
				if len(sent) != 3 || !sent[0].At.Equal(testkit.At(c.day)) {
					t.Fatalf("deliberation-day %+v, want at %s", sent, c.day)
				}
				d := testkit.At(c.day).Format("2006-01-02")
				f.want("deliberation-eve:滨海村二网格:"+d, gridbot.NoticeSent, c.eve)
				if moved := c.policy != "keep"; moved != strings.Contains(sent[0].Text, "顺延") {
					t.Errorf("text %q", sent[0].Text)
				}
			})
		})
	}
}

// TestWeeklyQuota: on Friday 16:00 a grid that met its quota since Monday
// is skipped; the others' groups are told what is missing, @-ing the leader.
func TestWeeklyQuota(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, st gridbot.Store) {
		f := newFixture(t, st, "2026-10-05 00:00") // a Monday
		f.tw.Must("2026-10-05 09:00", bottest.Leader1, "活动 宣传 入户宣传 @王海")
		for i, at := range []string{"2026-10-06 09:00", "2026-10-07 09:00", "2026-10-08 09:00"} {
			f.tw.Must(at, bottest.Member1, "上报 问题"+string(rune('A'+i)))
		}
		f.tw.Must("2026-10-08 10:00", bottest.Member2, "上报 一个问题")
		f.run("2026-10-09 17:00")
		n := f.want("weekly-quota:滨海村一网格:2026-10-09", gridbot.NoticeSkipped, "2026-10-09 16:00")
		if !strings.Contains(n.Reason, "达标") {
			t.Errorf("reason %q", n.Reason)
		}
		n = f.want("weekly-quota:滨海村二网格:2026-10-09", gridbot.NoticeSent, "2026-10-09 16:00", bottest.Leader2)
		if n.Via != "group:滨海村二网格" || !strings.Contains(n.Text, "集体活动 0 次") || !strings.Contains(n.Text, "上报问题 1 个") {
			t.Errorf("weekly quota %+v", n)
		}
	})
}

// TestCheckinNudge: 10:30 one-to-one to each member without a check-in
// that day; 提醒 关 打卡 turns it off (recorded as skipped), 提醒 开 打卡 on.
func TestCheckinNudge(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, st gridbot.Store) {
		f := newFixture(t, st, "2026-10-06 00:00")
		if r := f.tw.Must("2026-10-06 08:00", bottest.Member1, "提醒 关 打卡"); !strings.Contains(r, "已关闭") {
			t.Errorf("提醒 关 打卡: %q", r)
		}
		f.tw.SendAt("2026-10-06 09:00", bottest.Member1b, "打卡", bottest.CheckpointLat, bottest.CheckpointLng)
		sent := only(f.run("2026-10-06 11:00"), gridbot.NoticeCheckinNudge)
		if len(sent) != 9 { // 11 members and leaders, less one off and one checked in
			t.Errorf("%d nudges, want 9", len(sent))
		}
		n := f.want("checkin-nudge:"+bottest.Member1+":2026-10-06", gridbot.NoticeSkipped, "2026-10-06 10:30")
		if !strings.Contains(n.Reason, "关闭") {
			t.Errorf("reason %q", n.Reason)
		}
		n = f.want("checkin-nudge:"+bottest.Member1b+":2026-10-06", gridbot.NoticeSkipped, "2026-10-06 10:30")
		if !strings.Contains(n.Reason, "已打卡") {
			t.Errorf("reason %q", n.Reason)
		}
		f.want("checkin-nudge:"+bottest.ZhangWei1+":2026-10-06", gridbot.NoticeSent, "2026-10-06 10:30", bottest.ZhangWei1)
		if _, ok := f.rows()["checkin-nudge:"+bottest.Office+":2026-10-06"]; ok {
			t.Error("the office got a check-in nudge")
		}
		r := f.tw.Must("2026-10-06 12:00", bottest.Member1, "提醒")
		if !strings.Contains(r, "打卡提醒：已关闭") {
			t.Errorf("提醒: %q", r)
		}
		f.tw.Must("2026-10-06 12:01", bottest.Member1, "提醒 开 打卡")
		f.run("2026-10-07 11:00")
		f.want("checkin-nudge:"+bottest.Member1+":2026-10-07", gridbot.NoticeSent, "2026-10-07 10:30", bottest.Member1)
	})
}

// TestMonthDraftAndHolidays: the 1st at 09:00 the office gets last month's
// draft one-to-one; in December it is told when next year's holidays are
// missing from the calendar data (2031 is not in it; 2027 is).
func TestMonthDraftAndHolidays(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, st gridbot.Store) {
		f := newFixture(t, st, "2026-11-30 23:00")
		f.run("2026-12-01 10:00")
		n := f.want("month-draft:2026-11", gridbot.NoticeSent, "2026-12-01 09:00", bottest.Office)
		if !strings.Contains(n.Text, "2026-11 排名草稿") || !strings.Contains(n.Text, "发布 2026-11") {
			t.Errorf("draft %q", n.Text)
		}
		f.want("holidays-missing:2027", gridbot.NoticeSkipped, "2026-12-01 09:00")
		f.run("2030-11-30 23:00")
		f.run("2030-12-01 10:00")
		n = f.want("holidays-missing:2031", gridbot.NoticeSent, "2030-12-01 09:00", bottest.Office)
		if !strings.Contains(n.Text, "2031 年的法定节假日") {
			t.Errorf("holidays %q", n.Text)
		}
	})
}

// TestCatchUp: a scheduler that was down sends, when it comes back, what is
// still true, skips warnings overtaken by a later one and reminders whose
// time has passed, and records why.
func TestCatchUp(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, st gridbot.Store) {
		f := newFixture(t, st, "2026-10-05 00:00")
		f.tw.Must("2026-10-05 08:00", bottest.Member1, "上报 路灯不亮")
		f.tw.Must("2026-10-05 10:00", bottest.Member2, "上报 垃圾满溢")
		// Down from here until 10-06 09:00; back, it runs on the wall clock.
		if _, err := f.r.RunOnce(ctx, testkit.At("2026-10-06 09:00")); err != nil {
			t.Fatal(err)
		}
		// #2's 50% warning (22:00) was overtaken by its 75% one (07:00).
		n := f.want("dispatch-warning:#2:0.50", gridbot.NoticeSkipped, "2026-10-05 22:00")
		if !strings.Contains(n.Reason, "取代") {
			t.Errorf("reason %q", n.Reason)
		}
		f.want("dispatch-warning:#2:0.75", gridbot.NoticeSent, "2026-10-06 07:00", bottest.Leader2)
		n = f.want("dispatch-warning:#1:0.50", gridbot.NoticeSkipped, "2026-10-05 20:00")
		if !strings.Contains(n.Reason, "时限已过") {
			t.Errorf("reason %q", n.Reason)
		}
		f.want("dispatch-warning:#1:0.75", gridbot.NoticeSkipped, "2026-10-06 07:00")
		f.want("dispatch-overdue:#1", gridbot.NoticeSent, "2026-10-06 08:00", bottest.Leader1, bottest.Office)
		n = f.want("checkin-nudge:"+bottest.Member1+":2026-10-05", gridbot.NoticeSkipped, "2026-10-05 10:30")
		if !strings.Contains(n.Reason, "过期") {
			t.Errorf("reason %q", n.Reason)
		}
	})
}
