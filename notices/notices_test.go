package notices_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"gridbot"
	"gridbot/internal/bottest"
	"gridbot/internal/testkit"
	"gridbot/notices"
	"gridbot/scoring"
)

var ctx = context.Background()

// fixture is the test town and a scheduler on its store, run on the
// test's clock: run(until) sends everything due up to until.
type fixture struct {
	t  *testing.T
	tw *bottest.Town
	r  *notices.Runner
}

func newFixture(t *testing.T, st gridbot.Store, start string) *fixture {
	f := &fixture{t: t, tw: bottest.New(t, st), r: &notices.Runner{Store: st, Rules: scoring.DefaultRules()}}
	f.run(start) // the calendar is planned from here on
	return f
}

func (f *fixture) run(until string) []notices.Sent {
	f.t.Helper()
	sent, err := f.r.RunUntil(ctx, testkit.At(until))
	if err != nil {
		f.t.Fatal(err)
	}
	return sent
}

// rows returns the town's scheduled notices by key.
func (f *fixture) rows() map[string]gridbot.Scheduled {
	f.t.Helper()
	out := map[string]gridbot.Scheduled{}
	f.tw.View(func(tx gridbot.Tx) error {
		ns, err := tx.ScheduledNotices(f.tw.ID, "")
		for _, n := range ns {
			out[n.Key] = n
		}
		return err
	})
	return out
}

func (f *fixture) row(key string) gridbot.Scheduled {
	f.t.Helper()
	n, ok := f.rows()[key]
	if !ok {
		f.t.Fatalf("no notice %s", key)
	}
	return n
}

// want checks one notice's outcome: its state, when it is due, and to whom.
func (f *fixture) want(key, state, due string, to ...string) gridbot.Scheduled {
	f.t.Helper()
	n := f.row(key)
	if n.State != state || !n.DueAt.Equal(testkit.At(due)) {
		f.t.Errorf("%s: %s due %s (%s), want %s due %s", key, n.State, n.DueAt.Format(time.DateTime), n.Reason, state, due)
	}
	if state == gridbot.NoticeSent && !slices.Equal(n.To, to) {
		f.t.Errorf("%s: to %v, want %v", key, n.To, to)
	}
	return n
}

func only(sent []notices.Sent, kind string) []notices.Sent {
	var out []notices.Sent
	for _, s := range sent {
		if s.Kind == kind {
			out = append(out, s)
		}
	}
	return out
}

// TestIssueNotices: every deadline notice of an issue at its planned time,
// quiet hours applied, to the right people, and each once.
func TestIssueNotices(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, st gridbot.Store) {
		f := newFixture(t, st, "2026-10-03 08:00")
		// #1 is never dispatched; #2 is dispatched and never closed.
		f.tw.Must("2026-10-03 08:12", bottest.Member1, "上报 海滨路3号路灯不亮")
		f.tw.Must("2026-10-03 08:20", bottest.Member2, "上报 村口垃圾满溢")
		f.run("2026-10-03 09:00")
		f.tw.Must("2026-10-03 09:00", bottest.Leader2, "派发 #2 @赵丽")
		var sent []notices.Sent
		for _, s := range f.run("2026-10-11 00:00") {
			if strings.HasPrefix(s.Ref, "#") {
				sent = append(sent, s)
			}
		}
		leader1, office := bottest.Leader1, bottest.Office
		f.want("dispatch-warning:#1:0.50", gridbot.NoticeSent, "2026-10-03 20:12", leader1)
		f.want("dispatch-warning:#1:0.75", gridbot.NoticeSent, "2026-10-04 07:00", leader1) // 02:12 is quiet
		f.want("dispatch-overdue:#1", gridbot.NoticeSent, "2026-10-04 08:12", leader1, office)
		f.want("dispatch-overdue-7d:#1", gridbot.NoticeSent, "2026-10-10 08:12", leader1, office)
		f.want("close-overdue:#1", gridbot.NoticeSkipped, "2026-10-10 08:12")
		f.want("close-warning:#1:0.50", gridbot.NoticeSkipped, "2026-10-06 20:12")
		f.want("dispatch-warning:#2:0.50", gridbot.NoticeSkipped, "2026-10-03 20:20")
		f.want("close-warning:#2:0.50", gridbot.NoticeSent, "2026-10-06 20:20", bottest.Member2)
		f.want("close-warning:#2:0.75", gridbot.NoticeSent, "2026-10-08 14:20", bottest.Leader2, bottest.Member2)
		f.want("close-overdue:#2", gridbot.NoticeSent, "2026-10-10 08:20", bottest.Leader2, bottest.Member2, office)
		if n := len(sent); n != 7 {
			t.Errorf("sent %d notices, want 7: %+v", n, sent)
		}
		for _, s := range sent {
			if s.Via != "dm" || !strings.Contains(s.Text, "问题#") {
				t.Errorf("notice %+v", s)
			}
		}
		w := only(sent, gridbot.NoticeDispatchWarning)
		if len(w) != 2 || !strings.Contains(w[0].Text, "10月4日 08:12 前派发") || !strings.Contains(w[0].Text, "派发 #1 @成员") {
			t.Errorf("dispatch warnings %+v", w)
		}
		// Again: nothing twice.
		if again := f.run("2026-10-20 00:00"); len(only(again, gridbot.NoticeDispatchWarning))+len(only(again, gridbot.NoticeCloseOverdue)) != 0 {
			t.Errorf("sent again: %+v", again)
		}
	})
}

// TestIssueNoticeEdges: quiet hours moving a warning back to 22:00, a
// superseded 50% warning, a warning skipped because the issue was dispatched
// a second before, an alert sent although the issue was dispatched late,
// and a leaderless grid's notices going to the office.
func TestIssueNoticeEdges(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, st gridbot.Store) {
		f := newFixture(t, st, "2026-10-03 00:00")
		// #1 at 04:30: 75% is 22:30, and 07:00 would be after its deadline
		// (04:30): moved back to 22:00.
		f.tw.Must("2026-10-03 04:30", bottest.Member1, "上报 一")
		// #2 at 11:00: 50% (23:00) and 75% (05:00) both move to 07:00, where
		// the 75% one supersedes the 50% one.
		f.tw.Must("2026-10-03 11:00", bottest.Member2, "上报 二")
		// #3 at 12:00: dispatched a second before its 50% warning (24:00 →
		// 07:00); its deadline alert (12:00) is sent though dispatched late.
		f.tw.Must("2026-10-03 12:00", bottest.Member1, "上报 三")
		f.run("2026-10-04 06:59:59")
		f.tw.Must("2026-10-04 06:59:59", bottest.Leader1, "派发 #3 @王海")
		f.tw.Must("2026-10-04 06:59:59", bottest.Leader1, "派发 #1 @张伟#U103")
		f.run("2026-10-04 12:00")
		f.want("dispatch-warning:#1:0.50", gridbot.NoticeSent, "2026-10-03 16:30", bottest.Leader1)
		f.want("dispatch-warning:#1:0.75", gridbot.NoticeSent, "2026-10-03 22:00", bottest.Leader1)
		// #1's deadline (04:30) lies in the quiet hours: the alert, due at
		// 07:00, is sent although #1 was dispatched (late) at 06:59:59.
		n := f.want("dispatch-overdue:#1", gridbot.NoticeSent, "2026-10-04 07:00", bottest.Leader1, bottest.Office)
		if !strings.Contains(n.Text, "才派发") {
			t.Errorf("late-dispatch alert: %q", n.Text)
		}
		n = f.want("dispatch-warning:#2:0.50", gridbot.NoticeSkipped, "2026-10-04 07:00")
		if !strings.Contains(n.Reason, "取代") {
			t.Errorf("superseded warning: reason %q", n.Reason)
		}
		f.want("dispatch-warning:#2:0.75", gridbot.NoticeSent, "2026-10-04 07:00", bottest.Leader2)
		n = f.want("dispatch-warning:#3:0.50", gridbot.NoticeSkipped, "2026-10-04 07:00")
		if !strings.Contains(n.Reason, "派发") {
			t.Errorf("dispatched warning: reason %q", n.Reason)
		}
		f.want("dispatch-overdue:#3", gridbot.NoticeSkipped, "2026-10-04 12:00")

		// 东海村二网格 loses its leader: its notices go to the office, once.
		err := st.Update(ctx, func(tx gridbot.Tx) error {
			p, err := tx.PersonByUserID(f.tw.ID, bottest.Leader3)
			if err != nil {
				return err
			}
			_, err = tx.SetMembership(f.tw.ID, p.ID, 0, "", testkit.At("2026-10-04 12:00"))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		f.tw.Must("2026-10-04 13:00", bottest.ZhangWei3, "上报 四")
		f.run("2026-10-05 13:00")
		n = f.want("dispatch-warning:#4:0.75", gridbot.NoticeSent, "2026-10-05 07:00", bottest.Office)
		if !strings.Contains(n.Text, "暂无网格长") {
			t.Errorf("leaderless: %q", n.Text)
		}
		f.want("dispatch-overdue:#4", gridbot.NoticeSent, "2026-10-05 13:00", bottest.Office)
	})
}
