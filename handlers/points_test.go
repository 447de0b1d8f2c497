package handlers_test

import (
	"fmt"
	"strings"
	"testing"

	"gridbot"
	"gridbot/internal/bottest"
	"gridbot/internal/testkit"
	"gridbot/results"
)

// rankedTown gives 滨海村一网格 22 check-in days each in October 2026 and base
// points, so that its four people are ranked: 陈强 70, 王海 60 and 张伟 60
// (tied), 林小燕 55 (base +5 for 20 days −5 −5 for the grid's issues and activities).
func rankedTown(t *testing.T) *bottest.Town {
	t.Helper()
	return rankedTownOn(t, testkit.OpenSQLite(t))
}

// rankedTownOn is rankedTown on the store st.
func rankedTownOn(t *testing.T, st gridbot.Store) *bottest.Town {
	t.Helper()
	tw := bottest.New(t, st)
	base := map[string]float64{bottest.Leader1: 75, bottest.Member1: 65, bottest.ZhangWei1: 65, bottest.Member1b: 60}
	err := tw.Store.Update(ctx, func(tx gridbot.Tx) error {
		var cs []gridbot.Checkin
		var bps []gridbot.BasePoint
		for u, p := range base {
			for d := 1; d <= 22; d++ {
				at := testkit.At(fmt.Sprintf("2026-10-%02d 07:30", d))
				cs = append(cs, gridbot.Checkin{TownID: tw.ID, UserID: u, Day: gridbot.Day(at), At: at, Source: gridbot.SourceImport,
					Record: gridbot.Record{RecordedBy: "import", RecordedAt: at, Platform: "import"}})
			}
			bps = append(bps, gridbot.BasePoint{UserID: u, Month: "2026-10", Points: p})
		}
		if _, err := tx.AddCheckins(tw.ID, cs); err != nil {
			return err
		}
		return tx.SetBasePoints(tw.ID, "2026-10", bps)
	})
	if err != nil {
		t.Fatal(err)
	}
	return tw
}

// completeBase imports base points 0 for the people rankedTown gave none, so
// that every member's base points are in.
func completeBase(t *testing.T, tw *bottest.Town) {
	t.Helper()
	var bps []gridbot.BasePoint
	for _, u := range []string{"U201", "U202", "U203", "U204", "U301", "U302", "U303"} {
		bps = append(bps, gridbot.BasePoint{UserID: u, Month: "2026-10", Points: 0})
	}
	err := tw.Store.Update(ctx, func(tx gridbot.Tx) error { return tx.SetBasePoints(tw.ID, "2026-10", bps) })
	if err != nil {
		t.Fatal(err)
	}
}

func TestPoints(t *testing.T) {
	tw := rankedTown(t)
	at := "2026-10-25 10:00"
	// Mid-month, 4 of 11 base points in: the parts; the place leaves base
	// points out for everyone.
	if got, want := tw.Must(at, bottest.Member1, "积分"), `王海（滨海村一网格）2026-10 积分：已计入 65 分，打卡 22 天（实时，截至 10月25日 10:00）
已计入：
· 基础积分 +65（基础积分 2026-10）
月底结算（按月底情况定，现在不计入）：
· 打卡 22 天：月底满20天 +5、全勤 +10，10天及以下 -5（已满20天）
· 本网格本月办结 0 条，月底少于5条全网格 -5
· 本网格本月活动 0 条，月底少于2条全网格 -5
接下来：
· 本网格本月再办结 5 条问题，可免全网格 -5
· 本网格本月再开展 2 次集体活动，可免全网格 -5
暂列第 1 名（并列，共 11 人，按已计入积分排，月底结算项和基础积分都不计；10月25日 10:00 计算）。`; got != want {
		t.Errorf("积分 mid-month\n got %s\nwant %s", got, want)
	}
	contains(t, tw.Must(at, bottest.Leader1, "积分 @张伟"), "张伟（滨海村一网格）", "暂列第 1 名（并列，")
	// No base points, no days left for 20: said so, with no target for points.
	if got, want := tw.Must(at, bottest.Office, "积分 @张伟#U302"), `张伟（东海村二网格）2026-10 积分：已计入 0 分，打卡 0 天（实时，截至 10月25日 10:00）
已计入：
· 暂无
月底结算（按月底情况定，现在不计入）：
· 打卡 0 天：月底满20天 +5、全勤 +10，10天及以下 -5（月底最多 7 天，已满不了20天）
· 本网格本月办结 0 条，月底少于5条全网格 -5
· 本网格本月活动 0 条，月底少于2条全网格 -5
尚未知道：基础积分待导入
接下来：
· 本月还可打卡 7 天，月底最多 7 天，满不了20天：本月已不能参加排名
· 月底最多打卡 7 天，「打卡10天以下 -5」已免不了
· 本网格本月再办结 5 条问题，可免全网格 -5
· 本网格本月再开展 2 次集体活动，可免全网格 -5
暂列第 5 名（并列，共 11 人，按已计入积分排，月底结算项和基础积分都不计；10月25日 10:00 计算）。`; got != want {
		t.Errorf("积分 of a member who can no longer rank\n got %s\nwant %s", got, want)
	}
	contains(t, tw.Must(at, bottest.ZhangWei3, "积分 2026-09"), "本镇 2026-09 尚未开始使用 gridbot")
	contains(t, tw.Must(at, bottest.Member1, "积分 @王海"), "王海（滨海村一网格）")

	// Everyone's base points in: mid-month places count them.
	completeBase(t, tw)
	contains(t, tw.Must(at, bottest.Member1, "积分"), "已计入 65 分",
		"暂列第 2 名（并列，共 11 人，按已计入积分（含基础积分）排，月底结算项都不计；10月25日 10:00 计算）。")
	// The month over, not published: a draft with the month-end items.
	end := "2026-11-01 08:00"
	contains(t, tw.Must(end, bottest.Member1, "积分 上月"), "王海（滨海村一网格）2026-10 积分：60 分，打卡 22 天（草稿，截至 11月1日 08:00，尚未发布）",
		"打卡20天以上 +5", "网格问题处置少于5条 -5", "名次：第 2 名（并列），月度网格之星，奖励 500 元（草稿，以发布为准）。")
	contains(t, tw.Must(end, bottest.Office, "积分 @林小燕#U104 2026-10"), "林小燕（滨海村一网格）2026-10 积分：55 分", "第 4 名，月度网格之星")
	contains(t, tw.Must(end, bottest.Office, "积分 @张伟#U302 2026-10"), "张伟（东海村二网格）", "暂未达到排名条件", "还差 20 天打卡、65 分")

	// Day 1 of the next month: nothing counts yet, last month's base points as a hint.
	if got, want := tw.Must(end, bottest.Member1, "积分"), `王海（滨海村一网格）2026-11 积分：已计入 0 分，打卡 0 天（实时，截至 11月1日 08:00）
已计入：
· 暂无
月底结算（按月底情况定，现在不计入）：
· 打卡 0 天：月底满20天 +5、全勤 +10，10天及以下 -5
· 本网格本月办结 0 条，月底少于5条全网格 -5
· 本网格本月活动 0 条，月底少于2条全网格 -5
尚未知道：基础积分待导入（上月 65 分）
接下来：
· 还需打卡 20 天，满20天才能参加排名（本月还可打卡 30 天）
· 本网格本月再办结 5 条问题，可免全网格 -5
· 本网格本月再开展 2 次集体活动，可免全网格 -5
· 排名要总分 50 分以上：已计入 0 分，月底满20天 +5，网格两项按达到计，基础积分导入后需 45 分以上
暂列第 1 名（并列，共 11 人，按已计入积分排，月底结算项和基础积分都不计；11月1日 08:00 计算）。`; got != want {
		t.Errorf("积分 on day 1\n got %s\nwant %s", got, want)
	}

	contains(t, tw.Refused(at, bottest.Member1, "积分 @张伟", gridbot.EFORBIDDEN), "网格员只能查自己的积分")
	contains(t, tw.Refused(at, bottest.Leader2, "积分 @王海", gridbot.EFORBIDDEN), "网格长只能查本网格成员的积分，王海 在滨海村一网格")
	contains(t, tw.Refused(at, bottest.Office, "积分", gridbot.EINVALID), "党建办人员不参与积分", "积分 @成员")
	contains(t, tw.Refused(at, bottest.Office, "积分 @郑敏", gridbot.EINVALID), "不参与积分")
	contains(t, tw.Refused(at, bottest.Stranger, "积分", gridbot.EFORBIDDEN), "不在本镇的网格花名册中")
	contains(t, tw.Refused(at, bottest.Member1, "积分 十月", gridbot.EINVALID), "「十月」不是月份", "积分 [@成员] [YYYY-MM]")
	contains(t, tw.Refused(at, bottest.Member1, "积分 2026-10 多余", gridbot.EINVALID), "多了「多余」")
	contains(t, tw.Refused(at, bottest.Member1, "积分 2026-12", gridbot.EINVALID), "2026-12 还没有开始")
	contains(t, tw.Refused(at, bottest.Office, "积分 @王海 @张伟", gridbot.EINVALID), "一次只能查一人")
	contains(t, tw.Refused(at, bottest.Office, "积分 @张伟", gridbot.EINVALID), "@张伟 有2人")
	contains(t, tw.Refused(at, bottest.Office, "积分 @孙悟空", gridbot.EINVALID), "不在花名册中")
}

func TestRanking(t *testing.T) {
	tw := rankedTown(t)
	got := tw.Must("2026-10-25 10:00", bottest.Member2, "排行")
	contains(t, got, "2026-10 排行（实时，截至 10月25日 10:00）\n暂列名次，按已计入积分排，月底结算项和基础积分都不计；"+
		"月底结算后才定排名资格（积分 50 分以上且打卡 20 天以上）和奖励。\n1.（并列） 陈强（滨海村一网格）暂计 0 分，打卡 22 天",
		"5.（并列） 张伟（东海村二网格）暂计 0 分，打卡 0 天")
	// 排行 and 积分 agree: the same place on the same points.
	contains(t, tw.Must("2026-10-25 10:00", bottest.Office, "积分 @张伟#U302"), "已计入 0 分", "暂列第 5 名（并列，共 11 人")
	completeBase(t, tw)
	got = tw.Must("2026-10-25 10:00", bottest.Member2, "排行")
	contains(t, got, "暂列名次，按已计入积分（含基础积分）排，月底结算项都不计", "1. 陈强（滨海村一网格）暂计 75 分，打卡 22 天",
		"2.（并列） 王海（滨海村一网格）暂计 65 分")
	contains(t, tw.Must("2026-10-25 10:00", bottest.Member1, "积分"), "已计入 65 分", "暂列第 2 名（并列，")
	got = tw.Must("2026-11-01 08:00", bottest.Member2, "排行 上月")
	contains(t, got, "2026-10 排行（草稿，截至 11月1日 08:00，尚未发布）",
		"1. 陈强（滨海村一网格）70 分，打卡 22 天 · 月度网格之星",
		"2.（并列） 王海（滨海村一网格）60 分",
		"2.（并列） 张伟（滨海村一网格）60 分",
		"4. 林小燕（滨海村一网格）55 分",
		"另有 7 人暂未达到排名条件", "草稿：发布后为准。")
	if strings.Index(got, "陈强") > strings.Index(got, "王海") || strings.Index(got, "王海") > strings.Index(got, "林小燕") {
		t.Errorf("ranking out of order: %q", got)
	}
	contains(t, tw.Must("2026-10-25 10:00", bottest.Office, "排行 2026-09"), "本镇 2026-09 尚未开始使用 gridbot")
	contains(t, tw.Refused("2026-10-25 10:00", bottest.Member2, "排行 @王海", gridbot.EINVALID), "排行不用 @ 成员")
	contains(t, tw.Refused("2026-10-25 10:00", bottest.Member2, "排行 明年", gridbot.EINVALID), "「明年」不是月份")
	contains(t, tw.Refused("2026-10-25 10:00", bottest.Stranger, "排行", gridbot.EFORBIDDEN), "不在本镇的网格花名册中")

	// A published month is shown frozen: later facts do not change it.
	err := tw.Store.Update(ctx, func(tx gridbot.Tx) error {
		_, err := results.PublishMonth(tx, tw.ID, tw.Rules, "2026-10", testkit.At("2026-11-01 09:00"))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	tw.Must("2026-11-02 10:00", bottest.Office, "调整 @王海 +1 更正")
	got = tw.Must("2026-11-02 10:00", bottest.Member1, "排行 上月")
	contains(t, got, "2026-10 排行（已公布）", "2.（并列） 王海")
	contains(t, tw.Must("2026-11-02 10:00", bottest.Member1, "积分 2026-10"), "60 分", "（已公布）")
}
