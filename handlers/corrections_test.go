package handlers_test

import (
	"context"
	"strings"
	"testing"

	"gridbot"
	"gridbot/bot"
	"gridbot/internal/bottest"
	"gridbot/internal/testkit"
	"gridbot/results"
)

// outTo returns the text of the outbound message to chat, or "".
func outTo(r bot.Result, chat string) string {
	for _, o := range r.Out {
		if o.To == chat {
			return o.Text
		}
	}
	return ""
}

func auditLog(t *testing.T, tw *bottest.Town) []gridbot.AuditEntry {
	t.Helper()
	var log []gridbot.AuditEntry
	tw.View(func(tx gridbot.Tx) (err error) {
		log, err = tx.AuditLog(tw.ID, testkit.At("2026-01-01 00:00"), testkit.At("2027-01-01 00:00"))
		return
	})
	return log
}

// TestRecordsNamed: every reply that records something names its record,
// numbered per kind from 1.
func TestRecordsNamed(t *testing.T) {
	tw := bottest.New(t, testkit.OpenSQLite(t))
	at := "2026-10-03 10:00"
	for _, c := range []struct{ user, text, want string }{
		{bottest.Member1, "上报 路灯坏了", "问题#1"},
		{bottest.Member1, "上报 水管漏水", "问题#2"},
		{bottest.Leader1, "活动 宣传 入户宣传 @王海", "已记录 活动#1"},
		{bottest.Leader2, "活动 服务 走访 @赵丽", "已记录 活动#2"},
		{bottest.Leader1, "议事 商议停车 @王海", "已记录 议事#1"},
		{bottest.Office, "报道 市级 标题 @王海", "已记录 报道#1"},
		{bottest.Office, "照片 3 @王海", "已记录 照片#1"},
		{bottest.Office, "故事 滨海村 标题", "已记录 故事#1"},
		{bottest.Office, "调整 @王海 +1 理由", "已记录 调整#1"},
		{bottest.Office, "调整 @赵丽 -1 理由", "已记录 调整#2"},
	} {
		contains(t, tw.Must(at, c.user, c.text), c.want)
	}
}

// TestActivityNeedsAnotherMember: a collective activity needs the leader and
// at least one other member.
func TestActivityNeedsAnotherMember(t *testing.T) {
	tw := bottest.New(t, testkit.OpenSQLite(t))
	at := "2026-10-03 10:00"
	contains(t, tw.Refused(at, bottest.Leader1, "活动 宣传 入户宣传", gridbot.EINVALID), "至少一名本网格的其他成员", "@ 参加的成员")
	contains(t, tw.Refused(at, bottest.Leader1, "活动 宣传 入户宣传 @陈强", gridbot.EINVALID), "至少一名本网格的其他成员")
	if n := len(periodFacts(t, tw).Activities); n != 0 {
		t.Fatalf("%d activities stored", n)
	}
	contains(t, tw.Must(at, bottest.Leader1, "活动 宣传 入户宣传 @王海"), "参加 2 人：陈强、王海")
}

// TestRateNamesRater: a 评价 names who gave it, and the assignee may not rate.
func TestRateNamesRater(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, st gridbot.Store) {
		tw := bottest.New(t, st)
		at := "2026-10-03 10:00"
		tw.Must(at, bottest.Member1, "上报 路灯坏了")
		tw.Must(at, bottest.Leader1, "派发 #1 @王海")
		tw.Must(at, bottest.Member1, "办结 #1 已修好")
		if got := tw.Refused(at, bottest.Member1, "评价 #1 满意", gridbot.EFORBIDDEN); got != "承办人不能评价自己办理的问题，请由网格其他成员代村民评价。" {
			t.Errorf("the assignee rating: %q", got)
		}
		contains(t, tw.Must(at, bottest.Member1b, "评价 #1 满意"), "问题#1 的村民评价已记录：满意（评价人：林小燕）")
		if i := issueNo(t, tw, 1); i.RatedBy != bottest.Member1b {
			t.Errorf("rated by %q", i.RatedBy)
		}
		contains(t, tw.Must(at, bottest.Member1, "问题 #1"), "村民评价：满意（评价人：林小燕）")
	})
}

// TestWithdraw: 撤回 by whoever recorded it within 24 hours or the office
// any time; the record stays stored, no longer counts, the group is told and
// the audit log keeps it.
func TestWithdraw(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, st gridbot.Store) {
		tw := bottest.New(t, st)
		tw.Must("2026-10-03 15:00", bottest.Leader1, "活动 宣传 入户宣传 @王海")
		contains(t, tw.Refused("2026-10-03 16:00", bottest.Member1, "撤回 活动#1 重复", gridbot.EFORBIDDEN),
			"活动#1 是 陈强 记录的，只有记录人（24 小时内）或党建办可以撤回")
		contains(t, tw.Refused("2026-10-03 16:00", bottest.Leader1, "撤回 活动#1", gridbot.EINVALID), "请写明撤回的理由", "撤回 <记录> <理由>")
		contains(t, tw.Refused("2026-10-03 16:00", bottest.Leader1, "撤回 打卡 记错了", gridbot.EINVALID), "请写明要撤回的记录编号")
		contains(t, tw.Refused("2026-10-03 16:00", bottest.Office, "撤回 照片#9 记错了", gridbot.ENOTFOUND), "没有 照片#9")

		r := tw.Send("2026-10-03 16:00", bottest.Leader1, "撤回 活动＃1 重复记录")
		if r.Code != bot.OK {
			t.Fatalf("撤回: %q %q", r.Code, bottest.Reply(r))
		}
		contains(t, bottest.Reply(r), "已撤回 活动#1（滨海村一网格 入户宣传），理由：重复记录。记录保留备查，不再计分。")
		contains(t, outTo(r, "group:滨海村一网格"), "陈强 撤回了 活动#1", "理由：重复记录")
		if n := len(periodFacts(t, tw).Activities); n != 0 {
			t.Errorf("a withdrawn activity counts: %d activities", n)
		}
		contains(t, tw.Refused("2026-10-03 16:10", bottest.Office, "撤回 活动#1 再撤一次", gridbot.ECONFLICT), "活动#1 已于 10月3日 16:00 由 陈强 撤回")
		log := auditLog(t, tw)
		if len(log) != 1 || log[0].Action != gridbot.AuditWithdraw || log[0].Ref != "活动#1" || log[0].Reason != "重复记录" ||
			log[0].By != bottest.Leader1 || !strings.Contains(log[0].Detail, "入户宣传") {
			t.Fatalf("audit log %+v", log)
		}

		// After 24 hours only the office may.
		tw.Must("2026-10-04 09:00", bottest.Leader1, "议事 商议停车 @王海")
		contains(t, tw.Refused("2026-10-05 09:01", bottest.Leader1, "撤回 议事#1 记错", gridbot.EFORBIDDEN), "已超过 24 小时", "请联系党建办撤回")
		contains(t, tw.Must("2026-10-05 09:01", bottest.Office, "撤回 议事 #1 记错"), "已撤回 议事#1")
		contains(t, tw.Refused("2026-10-05 10:00", bottest.Office, "议事确认 #1", gridbot.ECONFLICT), "议事#1 已于", "撤回", "不能确认")

		// An issue only while not dispatched; a bare #N is an issue.
		tw.Must("2026-10-05 10:00", bottest.Member1, "上报 路灯坏了")
		contains(t, tw.Must("2026-10-05 10:05", bottest.Member1, "撤回 #1 已经修好了"), "已撤回 问题#1")
		contains(t, tw.Refused("2026-10-05 10:06", bottest.Leader1, "派发 #1 @王海", gridbot.ECONFLICT), "问题#1 已于 10月5日 10:05 由 王海 撤回")
		contains(t, tw.Must("2026-10-05 10:06", bottest.Member1, "问题 #1"), "王海 撤回：已经修好了", "现在：已撤回")
		contains(t, tw.Must("2026-10-05 10:06", bottest.Member1, "问题"), "目前没有未办结的问题")
		tw.Must("2026-10-05 10:10", bottest.Member1, "上报 水管漏水")
		tw.Must("2026-10-05 10:20", bottest.Leader1, "派发 #2 @王海")
		contains(t, tw.Refused("2026-10-05 10:30", bottest.Office, "撤回 问题#2 记错", gridbot.ECONFLICT), "问题#2 已经派发，不能撤回", "改派")
		if is := periodFacts(t, tw).Issues; len(is) != 1 || is[0].No != 2 {
			t.Errorf("issues counted %+v, want 问题#2 only", is)
		}

		// The member is told of a withdrawn adjustment; a published month is refused.
		r = tw.Send("2026-10-05 11:00", bottest.Office, "调整 @王海 +2 好人好事")
		r = tw.Send("2026-10-05 11:01", bottest.Office, "撤回 调整#1 分数记错")
		contains(t, outTo(r, gridbot.DM(bottest.Member1)), "郑敏 撤回了 调整#1", "分数记错")
		tw.Must("2026-09-20 11:00", bottest.Office, "调整 @王海 +3 九月的")
		if err := st.Update(context.Background(), func(tx gridbot.Tx) error {
			return tx.SavePublished(tw.ID, results.KindMonth, "2026-09", []byte("{}"), testkit.At("2026-10-02 09:00"))
		}); err != nil {
			t.Fatal(err)
		}
		contains(t, tw.Refused("2026-10-05 11:02", bottest.Office, "撤回 调整#2 记错", gridbot.ECONFLICT),
			"调整#2 是 2026-09 的记录，该月结果已公布冻结，不能撤回", "调整 @成员")
		if n := len(auditLog(t, tw)); n != 4 {
			t.Errorf("%d audit entries, want 4 withdrawals", n)
		}
	})
}

// TestReassign: 改派 moves a dispatched, open issue within its grid; its
// deadlines stay, both people are told, the history and the audit log show it.
func TestReassign(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, st gridbot.Store) {
		tw := bottest.New(t, st)
		tw.Must("2026-10-03 08:12", bottest.Member1, "上报 路灯坏了")
		contains(t, tw.Refused("2026-10-03 09:00", bottest.Leader1, "改派 #1 @林小燕", gridbot.EINVALID), "还没有派发", "派发 #1 @成员")
		tw.Must("2026-10-03 09:00", bottest.Leader1, "派发 #1 @王海")
		before := issueNo(t, tw, 1)

		contains(t, tw.Refused("2026-10-04 09:00", bottest.Leader2, "改派 #1 @林小燕", gridbot.EFORBIDDEN), "只有该网格的网格长或党建办可以改派")
		contains(t, tw.Refused("2026-10-04 09:00", bottest.Office, "改派 #1 @赵丽", gridbot.EINVALID), "赵丽(滨海村二网格) 不是滨海村一网格的成员")
		contains(t, tw.Refused("2026-10-04 09:00", bottest.Leader1, "改派 #1 @王海", gridbot.EINVALID), "承办人已经是 王海")
		contains(t, tw.Refused("2026-10-04 09:00", bottest.Leader1, "改派 #1", gridbot.EINVALID), "请 @ 一名新的承办成员")

		r := tw.Send("2026-10-04 09:00", bottest.Leader1, "改派 #1 @林小燕 王海外出培训")
		if r.Code != bot.OK {
			t.Fatalf("改派: %q %q", r.Code, bottest.Reply(r))
		}
		contains(t, bottest.Reply(r), "问题#1 已由 王海 改派给 林小燕，理由：王海外出培训", "办结时限不变：10月10日 08:12 前")
		contains(t, outTo(r, gridbot.DM(bottest.Member1b)), "陈强 把 问题#1 改派给你", "原承办人 王海", "路灯坏了")
		contains(t, outTo(r, gridbot.DM(bottest.Member1)), "改派给了 林小燕", "你不再承办")
		after := issueNo(t, tw, 1)
		if after.Assignee != bottest.Member1b || !after.DispatchedAt.Equal(before.DispatchedAt) || after.DispatchedBy != before.DispatchedBy {
			t.Errorf("reassigned issue %+v", after)
		}
		log := auditLog(t, tw)
		if len(log) != 1 || log[0].Action != gridbot.AuditReassign || log[0].Ref != "问题#1" || log[0].Reason != "王海外出培训" ||
			log[0].Detail != "王海(U102) → 林小燕(U104)" {
			t.Fatalf("audit log %+v", log)
		}
		contains(t, tw.Must("2026-10-04 10:00", bottest.Member1, "问题 #1"), "陈强 派发给 王海", "陈强 改派给 林小燕（王海外出培训）")
		contains(t, tw.Refused("2026-10-04 10:00", bottest.Member1, "办结 #1 修好了", gridbot.EFORBIDDEN), "承办人 林小燕")
		tw.Must("2026-10-04 11:00", bottest.Member1b, "办结 #1 修好了")
		contains(t, tw.Refused("2026-10-04 12:00", bottest.Office, "改派 #1 @王海", gridbot.ECONFLICT), "已于 10月4日 11:00 办结，不能再改派")
	})
}

// TestDuplicateGuard: the same text from the same sender within 10 minutes
// asks for 确认 instead of recording twice; a platform's retry of one
// message is still the claim's.
func TestDuplicateGuard(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, st gridbot.Store) {
		tw := bottest.New(t, st)
		contains(t, tw.Must("2026-10-03 09:00", bottest.Member1, "上报 路灯坏了"), "问题#1")
		got := tw.Must("2026-10-03 09:05", bottest.Member1, "报事　路灯坏了。")
		if want := "你在 5 分钟前发过同样的内容（已记录 问题#1）。如果这是一条新记录，请在 10 分钟内回复「确认」。"; got != want {
			t.Fatalf("repeat: %q\nwant %q", got, want)
		}
		if n := len(periodFacts(t, tw).Issues); n != 1 {
			t.Fatalf("%d issues after the repeat", n)
		}
		// Someone else's same text, or other words, record at once.
		contains(t, tw.Must("2026-10-03 09:06", bottest.ZhangWei1, "上报 路灯坏了"), "问题#2")
		contains(t, tw.Must("2026-10-03 09:06", bottest.Member1, "上报 路灯又坏了"), "问题#3")
		contains(t, tw.Refused("2026-10-03 09:07", bottest.ZhangWei1, "确认", gridbot.ENOTFOUND), "没有等待你确认的记录")
		contains(t, tw.Must("2026-10-03 09:07", bottest.Member1, "确认"), "已登记 问题#4", "路灯坏了")
		contains(t, tw.Refused("2026-10-03 09:08", bottest.Member1, "确认", gridbot.ENOTFOUND), "没有等待你确认的记录")
		// After 10 minutes the same text records again; a 确认 after 10 minutes is too late.
		contains(t, tw.Must("2026-10-03 09:18", bottest.Member1, "上报 路灯坏了"), "问题#5")
		contains(t, tw.Must("2026-10-03 09:19", bottest.Member1, "上报 路灯坏了"), "你在 1 分钟前发过同样的内容（已记录 问题#5）")
		contains(t, tw.Refused("2026-10-03 09:30", bottest.Member1, "确认", gridbot.ENOTFOUND), "没有等待你确认的记录")

		// The office's records and 活动 too.
		tw.Must("2026-10-03 10:00", bottest.Office, "报道 市级 标题 @王海")
		contains(t, tw.Must("2026-10-03 10:01", bottest.Office, "报道 市级 标题 @王海"), "已记录 报道#1", "确认")
		tw.Must("2026-10-03 10:00", bottest.Leader1, "活动 宣传 入户宣传 @王海")
		contains(t, tw.Must("2026-10-03 10:02", bottest.Leader1, "活动 宣传 入户宣传 @王海"), "已记录 活动#1")
		contains(t, tw.Must("2026-10-03 10:03", bottest.Leader1, "确认"), "已记录 活动#2")
		f := periodFacts(t, tw)
		if len(f.Publicity) != 1 || len(f.Activities) != 2 || len(f.Issues) != 5 {
			t.Errorf("stored %d publicity, %d activities, %d issues; want 1, 2, 5", len(f.Publicity), len(f.Activities), len(f.Issues))
		}

		// A platform's retry (the same message id) is dropped by the claim.
		m := tw.Msg("2026-10-03 11:00", bottest.Member2, "上报 井盖丢了")
		if r := tw.P.Process(context.Background(), m); r.Code != bot.OK || !strings.Contains(bottest.Reply(r), "问题#6") {
			t.Fatalf("first copy: %q %q", r.Code, bottest.Reply(r))
		}
		if r := tw.P.Process(context.Background(), m); r.Code != bot.Duplicate || len(r.Out) != 0 {
			t.Fatalf("retry: %q %q, want a duplicate without reply", r.Code, bottest.Reply(r))
		}
	})
}
