package handlers_test

import (
	"testing"

	"gridbot"
	"gridbot/internal/bottest"
	"gridbot/internal/testkit"
)

// TestFrozenMonthRefusesRecords: with 2026-10 published, every command that
// records a fact dated in October (a transcript replayed late) is refused
// with the month named and 调整 suggested, and records nothing; 调整 says it
// would count in the frozen month and records nothing; November is open.
// On both engines.
func TestFrozenMonthRefusesRecords(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, st gridbot.Store) {
		tw := bottest.New(t, st)
		tw.Must("2026-10-12 09:00", bottest.Member1, "上报 路灯坏了")
		err := tw.Store.Update(ctx, func(tx gridbot.Tx) error {
			return tx.SavePublished(tw.ID, gridbot.KindMonth, "2026-10", []byte(`{"month":"2026-10","members":[]}`), testkit.At("2026-11-02 09:00"))
		})
		if err != nil {
			t.Fatal(err)
		}
		at := "2026-10-20 09:00"
		for _, tc := range []struct{ who, text string }{
			{bottest.Member1, "打卡"},
			{bottest.Leader1, "活动 宣传 入户宣传 @王海"},
			{bottest.Member1, "上报 路灯又坏了"},
			{bottest.Leader1, "派发 #1 @王海"},
			{bottest.Leader1, "议事 商议停车 @王海"},
			{bottest.Office, "报道 市级 标题 @王海"},
			{bottest.Office, "照片 3 @王海"},
			{bottest.Office, "故事 滨海村 标题"},
		} {
			contains(t, tw.Refused(at, tc.who, tc.text, gridbot.ECONFLICT), "2026-10 已发布，结果已冻结", "请在本月用「调整」")
		}
		got := tw.Refused(at, bottest.Office, "调整 @王海 +5 更正", gridbot.ECONFLICT)
		contains(t, got, "调整计入发送当月（2026-10）", "不会计入", "没有记录")
		f := periodFacts(t, tw)
		if len(f.Issues) != 1 || len(f.Activities)+len(f.Publicity)+len(f.Photos)+len(f.Stories)+len(f.Adjustments)+len(f.Deliberations) != 0 {
			t.Fatalf("facts recorded in a frozen month: %+v", f)
		}
		contains(t, tw.Must("2026-11-03 09:00", bottest.Office, "调整 @王海 +5 更正 10月漏记"), "计入 2026-11")
	})
}
