package handlers_test

import (
	"strings"
	"testing"

	"gridbot"
	"gridbot/internal/bottest"
	"gridbot/internal/testkit"
)

func issueNo(t *testing.T, tw *bottest.Town, no int64) gridbot.Issue {
	t.Helper()
	var i gridbot.Issue
	tw.View(func(tx gridbot.Tx) (err error) { i, err = tx.IssueByNo(tw.ID, no); return })
	return i
}

func TestIssueLoop(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, st gridbot.Store) {
		tw := bottest.New(t, st)
		got := tw.Must("2026-10-03 08:12", bottest.Member1, "上报 海滨路3号路灯不亮")
		contains(t, got, "问题#1", "滨海村一网格", "海滨路3号路灯不亮", "请网格长于 10月4日 08:12 前派发", "派发 #1 @成员")
		i := issueNo(t, tw, 1)
		if i.ReportedBy != bottest.Member1 || i.Description != "海滨路3号路灯不亮" || i.Dispatched() || i.MsgID == "" {
			t.Fatalf("stored issue %+v", i)
		}

		r := tw.Send("2026-10-03 10:00", bottest.Leader1, "派发 #1 @张伟")
		contains(t, bottest.Reply(r), "问题#1 已派发给 张伟", "未超时", "请于 10月10日 08:12 前办结", "7 日内办结")
		if len(r.Out) != 2 || r.Out[1].To != gridbot.DM(bottest.ZhangWei1) {
			t.Fatalf("dispatch outbound %+v, want a DM to the assignee", r.Out)
		}
		contains(t, r.Out[1].Text, "陈强 把 问题#1 派发给你", "海滨路3号路灯不亮")
		if i := issueNo(t, tw, 1); i.Assignee != bottest.ZhangWei1 || i.DispatchedBy != bottest.Leader1 || !i.DispatchedAt.Equal(testkit.At("2026-10-03 10:00")) {
			t.Fatalf("dispatched issue %+v", i)
		}

		got = tw.Must("2026-10-05 16:00", bottest.ZhangWei1, "办结 #1 已联系电力所更换灯泡")
		contains(t, got, "问题#1 已办结", "在 7 日内", "已联系电力所更换灯泡", "评价 #1")
		if i := issueNo(t, tw, 1); i.ClosedBy != bottest.ZhangWei1 || i.Result != "已联系电力所更换灯泡" {
			t.Fatalf("closed issue %+v", i)
		}

		contains(t, tw.Must("2026-10-06 09:00", bottest.Member1b, "评价 #1 满意"), "问题#1 的村民评价已记录：满意")
		if i := issueNo(t, tw, 1); i.Rating != "满意" || i.RatedBy != bottest.Member1b {
			t.Fatalf("rated issue %+v", i)
		}
	})
}

func TestReportKeepsNames(t *testing.T) {
	tw := bottest.New(t, testkit.OpenSQLite(t))
	contains(t, tw.Must("2026-10-03 08:12", bottest.Member1, "@网格助手 上报　村民@王海 反映路灯坏了。"), "村民@王海 反映路灯坏了")
	if d := issueNo(t, tw, 1).Description; d != "村民@王海 反映路灯坏了" {
		t.Errorf("description %q", d)
	}
	contains(t, tw.Must("2026-10-03 08:12", bottest.Member1, "@王海 上报 路灯坏了"), "路灯坏了")
}

func TestIssueLateDispatchAndLeaderClose(t *testing.T) {
	tw := bottest.New(t, testkit.OpenSQLite(t))
	tw.Must("2026-10-03 08:12", bottest.Member1, "上报 垃圾桶满了")
	contains(t, tw.Must("2026-10-04 20:00", bottest.Office, "派发 #1 @王海"), "已超过 24 小时", "1天11小时")
	tw.Must("2026-10-01 08:00", bottest.Member2, "上报 狗咬人")
	contains(t, tw.Must("2026-10-09 09:00", bottest.Leader2, "派发 #2 @赵丽"), "已超过 7 天", "7 日办结时限（10月8日 08:00）已过，请尽快办结")
	// The grid's leader may close an issue assigned to someone else; after the target it says so.
	contains(t, tw.Must("2026-10-12 09:00", bottest.Leader1, "办结 #1 已清运"), "超过了 7 日的办结时限")
	// The office may rate.
	contains(t, tw.Must("2026-10-12 10:00", bottest.Office, "评价 #1 基本满意"), "基本满意")
}

func TestIssueRefusals(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, st gridbot.Store) {
		tw := bottest.New(t, st)
		tw.Must("2026-10-03 08:12", bottest.Member1, "上报 海滨路3号路灯不亮") // #1 in 滨海村一网格
		tw.Must("2026-10-03 08:20", bottest.ZhangWei3, "上报 码头护栏松动")  // #2 in 东海村二网格
		at := "2026-10-03 09:00"

		// 上报
		contains(t, tw.Refused(at, bottest.Member1, "上报", gridbot.EINVALID), "请写明问题的内容", "格式：上报 <描述>", "例如：上报")
		contains(t, tw.Refused(at, bottest.Office, "上报 路灯", gridbot.EFORBIDDEN), "只有网格员、网格长可以使用")
		contains(t, tw.Refused(at, bottest.Stranger, "上报 路灯", gridbot.EFORBIDDEN), "不在本镇的网格花名册中")

		// 派发: role, grid, names, numbers, state.
		contains(t, tw.Refused(at, bottest.Member1, "派发 #1 @王海", gridbot.EFORBIDDEN), "只有该网格的网格长、党建办可以使用", "你是网格员")
		contains(t, tw.Refused(at, bottest.Leader2, "派发 #1 @王海", gridbot.EFORBIDDEN), "问题#1 属于滨海村一网格")
		contains(t, tw.Refused(at, bottest.Leader1, "派发 #1 @王芳", gridbot.EINVALID), "王芳(滨海村二网格) 不是滨海村一网格的成员")
		contains(t, tw.Refused(at, bottest.Leader1, "派发 #1 @王梅", gridbot.EINVALID), "@王梅 不在花名册中，相近的有: 王海(滨海村一网格)")
		contains(t, tw.Refused(at, bottest.Office, "派发 #2 @林小燕", gridbot.EINVALID), "@林小燕 有2人: 林小燕(滨海村一网格) 林小燕(滨海村二网格)", "请用 @林小燕#U104 指定")
		contains(t, tw.Refused(at, bottest.Leader1, "派发 #9 @王海", gridbot.ENOTFOUND), "没有 问题#9", "发送「问题」")
		contains(t, tw.Refused(at, bottest.Leader1, "派发 @王海", gridbot.EINVALID), "请写明问题编号", "派发 #<号> @成员")
		contains(t, tw.Refused(at, bottest.Leader1, "派发 #1", gridbot.EINVALID), "请 @ 一名承办的成员（现在 @ 了 0 人）")
		contains(t, tw.Refused(at, bottest.Leader1, "派发 #1 @王海 @张伟", gridbot.EINVALID), "现在 @ 了 2 人")
		if issueNo(t, tw, 1).Dispatched() {
			t.Fatal("a refused dispatch was stored")
		}
		// For the office, names resolve in the issue's grid first: @张伟 is U302 for #2.
		tw.Must(at, bottest.Office, "派发 #2 @张伟")
		if i := issueNo(t, tw, 2); i.Assignee != bottest.ZhangWei3 {
			t.Fatalf("assignee %s, want %s", i.Assignee, bottest.ZhangWei3)
		}
		contains(t, tw.Refused(at, bottest.Leader3, "派发 #2 @王芳", gridbot.ECONFLICT), "问题#2 已于 10月3日 09:00 派发给 张伟，不能重复派发")

		// 办结: before dispatch, by someone else, without a result, twice.
		contains(t, tw.Refused(at, bottest.Leader1, "办结 #1 已修好", gridbot.EINVALID), "还没有派发", "派发 #1 @成员")
		tw.Must(at, bottest.Leader1, "派发 #1 @王海")
		contains(t, tw.Refused(at, bottest.ZhangWei1, "办结 #1 已修好", gridbot.EFORBIDDEN), "只能由承办人 王海 或该网格的网格长办结")
		contains(t, tw.Refused(at, bottest.Leader2, "办结 #1 已修好", gridbot.EFORBIDDEN), "只能由承办人 王海")
		contains(t, tw.Refused(at, bottest.Office, "办结 #1 已修好", gridbot.EFORBIDDEN), "只有承办人、该网格的网格长可以使用")
		contains(t, tw.Refused(at, bottest.Member1, "办结 #1", gridbot.EINVALID), "请写明办理结果", "办结 #<号> <结果>")
		contains(t, tw.Refused(at, bottest.Member1, "办结", gridbot.EINVALID), "请写明问题编号")

		// 评价: before closing, bad rating, other grid, twice.
		contains(t, tw.Refused(at, bottest.Member1b, "评价 #1 满意", gridbot.EINVALID), "还没有办结，办结后才能评价")
		tw.Must(at, bottest.Member1, "办结 #1 已修好")
		contains(t, tw.Refused(at, bottest.Member1, "办结 #1 又修了一次", gridbot.ECONFLICT), "已于 10月3日 09:00 办结，不能重复办结")
		contains(t, tw.Refused(at, bottest.Leader1, "派发 #1 @张伟", gridbot.ECONFLICT), "已于 10月3日 09:00 办结，不能再派发")
		contains(t, tw.Refused(at, bottest.Member1b, "评价 #1 很好", gridbot.EINVALID), "满意、基本满意、不满意")
		contains(t, tw.Refused(at, bottest.Member1b, "评价 #1", gridbot.EINVALID), "满意、基本满意、不满意")
		contains(t, tw.Refused(at, bottest.Member2, "评价 #1 满意", gridbot.EFORBIDDEN), "问题#1 属于滨海村一网格，只有该网格的成员或党建办可以评价")
		contains(t, tw.Refused(at, bottest.Stranger, "评价 #1 满意", gridbot.EFORBIDDEN), "不在本镇的网格花名册中")
		tw.Must(at, bottest.Member1b, "评价 #1 不满意")
		contains(t, tw.Refused(at, bottest.Office, "评价 #1 满意", gridbot.ECONFLICT), "已于 10月3日 09:00 评价为「不满意」（评价人：林小燕），每个问题只评价一次")
	})
}

func TestIssues(t *testing.T) {
	tw := bottest.New(t, testkit.OpenSQLite(t))
	contains(t, tw.Must("2026-10-03 08:00", bottest.Member1, "问题"), "滨海村一网格目前没有未办结的问题")
	tw.Must("2026-10-03 08:12", bottest.Member1, "上报 海滨路3号路灯不亮")
	tw.Must("2026-10-03 08:30", bottest.Member1b, "上报 化粪池满溢")
	tw.Must("2026-10-03 08:40", bottest.ZhangWei3, "上报 码头护栏松动")
	tw.Must("2026-10-03 09:00", bottest.Leader1, "派发 #2 @林小燕")

	got := tw.Must("2026-10-04 10:00", bottest.Member1, "问题")
	contains(t, got, "滨海村一网格未办结的问题 2 个", "问题#1 海滨路3号路灯不亮 —— 待派发，已超过派发时限 1小时48分钟（应于 10月4日 08:12 前）",
		"问题#2 化粪池满溢 —— 已派发给 林小燕，请于 10月10日 08:30 前办结")
	if strings.Contains(got, "码头") {
		t.Errorf("another grid's issue listed: %q", got)
	}
	contains(t, tw.Must("2026-10-04 10:00", bottest.Office, "问题"), "全镇未办结的问题 3 个", "（东海村二网格）")

	tw.Must("2026-10-05 10:00", bottest.Member1b, "办结 #2 已清掏")
	got = tw.Must("2026-10-05 11:00", bottest.Leader1, "问题 #2")
	contains(t, got, "问题#2（滨海村一网格）：化粪池满溢", "10月3日 08:30 林小燕 上报", "10月3日 09:00 陈强 派发给 林小燕",
		"10月5日 10:00 林小燕 办结：已清掏", "现在：待评价")
	contains(t, tw.Must("2026-10-05 11:00", bottest.Office, "问题#3"), "码头护栏松动", "待派发，已超过派发时限 1天2小时（应于 10月4日 08:40 前）")
	contains(t, tw.Refused("2026-10-05 11:00", bottest.Member1, "问题 #3", gridbot.EFORBIDDEN), "问题#3 属于东海村二网格")
	contains(t, tw.Refused("2026-10-05 11:00", bottest.Member1, "问题 #30", gridbot.ENOTFOUND), "没有 问题#30")
	contains(t, tw.Refused("2026-10-05 11:00", bottest.Stranger, "问题", gridbot.EFORBIDDEN), "不在本镇的网格花名册中")
}
