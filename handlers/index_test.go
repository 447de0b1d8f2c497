package handlers_test

import (
	"testing"

	"gridbot"
	"gridbot/internal/bottest"
	"gridbot/internal/testkit"
)

// TestIndexCommand is 指数: a member sees their own grid's index with its parts, not another
// grid's; the office sees every grid, or any one; on both engines.
func TestIndexCommand(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, st gridbot.Store) {
		tw := bottest.New(t, st)
		at := "2026-10-20 10:00"
		tw.SendAt("2026-10-20 08:00", bottest.Member1, "打卡", bottest.CheckpointLat, bottest.CheckpointLng)
		got := tw.Must(at, bottest.Member1, "指数")
		contains(t, got, "滨海村一网格（滨海村）2026-10 网格运行指数：", "- 打卡率：", "（权重 20%）",
			"- 满意度：无数据（权重 15%，本月不计入）", "本月尚未结束")
		contains(t, tw.Must(at, bottest.Leader1, "指数 滨海村一网格 本月"), "滨海村一网格（滨海村）2026-10")
		contains(t, tw.Refused(at, bottest.Member1, "指数 东海村二网格", gridbot.EFORBIDDEN), "只能查看本网格（滨海村一网格）的指数")
		contains(t, tw.Refused(at, bottest.Office, "指数 西山村一网格", gridbot.ENOTFOUND), "没有名为「西山村一网格」的网格")
		list := tw.Must(at, bottest.Office, "指数")
		contains(t, list, "2026-10 网格运行指数（3 个网格）", "滨海村一网格", "滨海村二网格", "东海村二网格")
		contains(t, tw.Must(at, bottest.Office, "指数 东海村二网格 2026-10"), "东海村二网格（东海村）2026-10 网格运行指数")
		contains(t, tw.Must(at, bottest.Office, "帮助 指数"), "格式：指数 [网格名] [YYYY-MM]", "例如：指数 海风村第一网格 2026-10")
	})
}
