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

func TestPoints(t *testing.T) {
	tw := rankedTown(t)
	at := "2026-10-25 10:00"
	got := tw.Must(at, bottest.Member1, "积分")
	contains(t, got, "王海（滨海村一网格）2026-10 积分：60 分，打卡 22 天（实时，截至 10月25日 10:00）",
		"打卡20天以上 +5", "网格问题处置少于5条 -5", "名次：第 2 名（并列），月度网格之星，奖励 500 元。")
	// The base points item names its month.
	if !strings.Contains(got, "+65") {
		t.Errorf("no base points item in %q", got)
	}
	contains(t, tw.Must(at, bottest.Leader1, "积分 @张伟"), "张伟（滨海村一网格）", "第 2 名（并列）")
	contains(t, tw.Must(at, bottest.Office, "积分 @林小燕#U104 2026-10"), "林小燕（滨海村一网格）2026-10 积分：55 分", "第 4 名，月度网格之星")
	contains(t, tw.Must(at, bottest.Office, "积分 @张伟#U302"), "张伟（东海村二网格）", "暂未达到排名条件", "还差 20 天打卡、")
	contains(t, tw.Must(at, bottest.ZhangWei3, "积分 2026-09"), "本镇 2026-09 尚未开始使用 gridbot")
	contains(t, tw.Must(at, bottest.Member1, "积分 @王海"), "王海（滨海村一网格）")

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
	contains(t, got, "2026-10 排行（实时，截至 10月25日 10:00）",
		"1. 陈强（滨海村一网格）70 分，打卡 22 天 · 月度网格之星",
		"2.（并列） 王海（滨海村一网格）60 分",
		"2.（并列） 张伟（滨海村一网格）60 分",
		"4. 林小燕（滨海村一网格）55 分",
		"另有 7 人暂未达到排名条件")
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
