package handlers_test

import (
	"slices"
	"strings"
	"testing"

	"gridbot"
	"gridbot/internal/bottest"
	"gridbot/internal/testkit"
)

// group returns the text and mentions of the notice the result queued for a
// group chat ("group:镇", "group:滨海村一网格"); ok false when there is none.
func group(r interface{ Outs() []gridbot.Outbound }, chat string) (gridbot.Outbound, bool) {
	for _, o := range r.Outs() {
		if o.To == chat {
			return o, true
		}
	}
	return gridbot.Outbound{}, false
}

type outs []gridbot.Outbound

func (o outs) Outs() []gridbot.Outbound { return o }

// TestReviewLoop walks a month through the office's loop on both engines:
// 发布 previews and changes nothing; 取消排名 keeps 陈强 out (the two
// behind move up to a shared first place) and shows why in the preview,
// 排行 and his 积分; 恢复排名 undoes it; 确认发布 freezes and announces to the
// town's group (stars @-ed), the villages' and the grids' groups (each
// member's result or what they miss); a published month refuses 取消排名;
// 撤销发布 needs a reason, unfreezes and sends the correction notice; a
// quarter needs its months published, and a published quarter or year must
// be unpublished before its months; an empty month cannot be published.
// The audit log has every step.
func TestReviewLoop(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, st gridbot.Store) {
		tw := rankedTownOn(t, st)
		completeBase(t, tw) // the office reviews once the month's base points are in: final places
		at := "2026-11-02 09:00"
		o := bottest.Office
		published := func(kind, period string) bool {
			var err error
			tw.View(func(tx gridbot.Tx) error { _, err = tx.Published(tw.ID, kind, period); return nil })
			return err == nil
		}

		got := tw.Must(at, o, "发布 2026-10")
		contains(t, got, "【发布预览】2026-10 尚未发布", "月度网格之星", "1. 陈强（滨海村一网格）70 分", "奖励：4 人，合计 2000 元", "确认发布 2026-10")
		if published("month", "2026-10") {
			t.Fatal("the preview published the month")
		}

		contains(t, tw.Must(at, o, "取消排名 @陈强 2026-10 例会多次无故缺席"), "已取消 陈强(滨海村一网格) 2026-10 的排名：例会多次无故缺席")
		contains(t, tw.Refused(at, o, "取消排名 @陈强 2026-10 又一次", gridbot.ECONFLICT), "已被取消排名")
		contains(t, tw.Refused(at, o, "取消排名 @陈强 2026-10", gridbot.EINVALID), "请写明取消排名的理由")
		contains(t, tw.Refused(at, o, "取消排名 @王海 2026-10 "+strings.Repeat("缺", 201), gridbot.EINVALID), "最多 200 个字（现在 201 个字）")
		got = tw.Must(at, bottest.Member2, "排行 2026-10")
		contains(t, got, "1.（并列） 王海（滨海村一网格）60 分", "3. 林小燕", "陈强（滨海村一网格）本月因综合表现不参加排名：例会多次无故缺席")
		contains(t, tw.Must(at, bottest.Leader1, "积分 2026-10"), "本月因综合表现不参加排名：例会多次无故缺席")
		contains(t, tw.Must(at, o, "发布 2026-10"), "陈强（滨海村一网格）70 分，已取消排名：例会多次无故缺席", "奖励：3 人，合计 1500 元")
		contains(t, tw.Must(at, o, "恢复排名 @陈强 2026-10"), "已恢复 陈强")
		contains(t, tw.Refused(at, o, "恢复排名 @陈强 2026-10", gridbot.ENOTFOUND), "没有被取消排名")
		contains(t, tw.Must(at, bottest.Member2, "排行 2026-10"), "1. 陈强")
		tw.Must(at, o, "取消排名 @陈强 2026-10 例会多次无故缺席")

		r := tw.Send(at, o, "确认发布 2026-10")
		if r.Code != "" {
			t.Fatalf("确认发布: %s %q", r.Code, bottest.Reply(r))
		}
		contains(t, bottest.Reply(r), "2026-10 已发布并冻结")
		town, ok := group(outs(r.Out), "group:"+gridbot.ScopeTown)
		if !ok || !strings.Contains(town.Text, "1. 王海（滨海村一网格）60 分（并列）") || strings.Contains(town.Text, "陈强") {
			t.Errorf("town's announcement: %+v", town)
		}
		if !slices.Contains(town.Mentions, bottest.Member1) || slices.Contains(town.Mentions, bottest.Leader1) {
			t.Errorf("town's announcement @s %v: want the stars, not the excluded", town.Mentions)
		}
		village, ok := group(outs(r.Out), "group:滨海村")
		if !ok || !strings.Contains(village.Text, "王海（滨海村一网格）60 分 · 全镇第 1 名（并列）") || strings.Contains(village.Text, "东海村") {
			t.Errorf("village's announcement: %+v", village)
		}
		grid, ok := group(outs(r.Out), "group:滨海村一网格")
		if !ok || !strings.Contains(grid.Text, "陈强 70 分，打卡 22 天，本月因综合表现不参加排名：例会多次无故缺席") ||
			!strings.Contains(grid.Text, "王海 60 分，打卡 22 天，全镇第 1 名（并列） · 月度网格之星，奖励 500 元") {
			t.Errorf("grid's announcement: %+v", grid)
		}
		other, ok := group(outs(r.Out), "group:东海村二网格")
		if !ok || !strings.Contains(other.Text, "张伟 -15 分，打卡 0 天，未达排名条件，还差 20 天打卡、65 分") || strings.Contains(other.Text, "王海") {
			t.Errorf("another grid's announcement: %+v", other)
		}
		if !published("month", "2026-10") {
			t.Fatal("确认发布 did not publish")
		}
		contains(t, tw.Refused(at, o, "确认发布 2026-10", gridbot.ECONFLICT), "已发布")
		contains(t, tw.Refused(at, o, "取消排名 @王海 2026-10 x", gridbot.ECONFLICT), "2026-10 已发布，排名已冻结", "撤销发布 2026-10")
		contains(t, tw.Must(at, bottest.Member1, "排行 2026-10"), "（已公布）", "陈强（滨海村一网格）本月因综合表现不参加排名")

		contains(t, tw.Refused(at, o, "撤销发布 2026-10", gridbot.EINVALID), "理由")
		r = tw.Send(at, o, "撤销发布 2026-10 漏导入部分打卡记录")
		contains(t, bottest.Reply(r), "2026-10 已撤销发布")
		for _, chat := range []string{"group:" + gridbot.ScopeTown, "group:滨海村", "group:东海村", "group:滨海村二网格"} {
			if n, ok := group(outs(r.Out), chat); !ok || n.Text != "2026-10 排名撤销发布：漏导入部分打卡记录。更正后将重新发布。" {
				t.Errorf("correction to %s: %+v", chat, n)
			}
		}
		if published("month", "2026-10") {
			t.Fatal("撤销发布 left the month published")
		}

		// Quarters and years.
		later := "2027-01-03 09:00"
		contains(t, tw.Refused(later, o, "确认发布 2026Q4", gridbot.EINVALID), "2026Q4 还有月份未发布：2026-10")
		contains(t, tw.Refused(later, o, "确认发布 2026-11", gridbot.EINVALID), "2026-11 本镇没有任何记录", "不能发布")
		tw.Must(later, o, "确认发布 2026-10")
		contains(t, tw.Must(later, o, "发布 2026Q4"), "2026Q4 季度考核结果", "计入的月份：2026-10")
		contains(t, tw.Must(later, o, "确认发布 2026q4"), "2026Q4 已发布并冻结")
		contains(t, tw.Refused(later, o, "撤销发布 2026-10 x", gridbot.ECONFLICT), "请先撤销发布 2026Q4")
		contains(t, tw.Must(later, o, "确认发布 2026"), "2026 年度评比结果")
		contains(t, tw.Refused(later, o, "撤销发布 2026Q4 x", gridbot.ECONFLICT), "请先撤销发布 2026")
		contains(t, tw.Must(later, o, "撤销发布 2026 评比办法调整"), "2026 已撤销发布")
		contains(t, tw.Must(later, o, "撤销发布 2026Q4 团队人数有误"), "2026Q4 已撤销发布")

		var log []gridbot.AuditEntry
		tw.View(func(tx gridbot.Tx) (err error) {
			log, err = tx.AuditLog(tw.ID, testkit.At("2026-01-01 00:00"), testkit.At("2028-01-01 00:00"))
			return
		})
		var steps []string
		for _, e := range log {
			steps = append(steps, e.Action+" "+e.Ref)
		}
		want := "exclude U101 2026-10,restore U101 2026-10,exclude U101 2026-10,publish 2026-10,unpublish 2026-10," +
			"publish 2026-10,publish 2026Q4,publish 2026,unpublish 2026,unpublish 2026Q4"
		if strings.Join(steps, ",") != want {
			t.Errorf("audit log:\n%s\nwant\n%s", strings.Join(steps, ","), want)
		}
		if e := log[4]; e.By != o || e.Reason != "漏导入部分打卡记录" || !strings.Contains(e.Detail, "原结果") || !strings.Contains(e.Detail, "王海") {
			t.Errorf("unpublish entry %+v", e)
		}
	})
}
