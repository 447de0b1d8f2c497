package handlers_test

import (
	"slices"
	"testing"

	"gridbot"
	"gridbot/internal/bottest"
	"gridbot/internal/testkit"
	"gridbot/results"
	"gridbot/scoring"
)

func periodFacts(t *testing.T, tw *bottest.Town) *gridbot.Facts {
	t.Helper()
	var f *gridbot.Facts
	tw.View(func(tx gridbot.Tx) (err error) {
		f, err = tx.PeriodFacts(tw.ID, testkit.At("2026-09-01 00:00"), testkit.At("2026-12-01 00:00"), scoring.DefaultRules().IssueLookback())
		return
	})
	return f
}

func TestActivity(t *testing.T) {
	tw := bottest.New(t, testkit.OpenSQLite(t))
	got := tw.Must("2026-10-03 15:00", bottest.Leader1, "活动 宣传 入户宣传垃圾分类 @王海 @林小燕")
	contains(t, got, "已记录 活动#1（滨海村一网格集体活动，宣传政策法规）：入户宣传垃圾分类", "参加 3 人：陈强、王海、林小燕")
	// Names glued together, the full category, the leader naming himself.
	tw.Must("2026-10-04 15:00", bottest.Leader1, "活动 调处纠纷矛盾 调解邻里纠纷@张伟@陈强")
	acts := periodFacts(t, tw).Activities
	if len(acts) != 2 {
		t.Fatalf("%d activities stored", len(acts))
	}
	a := acts[0]
	if a.Category != "宣传政策法规" || a.Content != "入户宣传垃圾分类" || a.Leader != bottest.Leader1 ||
		!slices.Equal(a.Participants, []string{bottest.Leader1, bottest.Member1, bottest.Member1b}) {
		t.Errorf("activity %+v", a)
	}
	if p := acts[1].Participants; !slices.Equal(p, []string{bottest.Leader1, bottest.ZhangWei1}) {
		t.Errorf("participants %v", p)
	}
}

func TestActivityRefusals(t *testing.T) {
	tw := bottest.New(t, testkit.OpenSQLite(t))
	at := "2026-10-03 15:00"
	contains(t, tw.Refused(at, bottest.Member1, "活动 宣传 入户宣传 @王海", gridbot.EFORBIDDEN), "只有网格长可以使用", "请告诉本网格的网格长发送")
	contains(t, tw.Refused(at, bottest.Office, "活动 宣传 入户宣传 @王海", gridbot.EFORBIDDEN), "只有网格长可以使用")
	contains(t, tw.Refused(at, bottest.Leader1, "活动 学习 入户宣传 @王海", gridbot.EINVALID), "「学习」不是活动类别", "宣传政策法规、服务中心工作")
	contains(t, tw.Refused(at, bottest.Leader1, "活动 宣传 @王海", gridbot.EINVALID), "请写明活动内容", "活动 <类别> <内容> @成员...")
	contains(t, tw.Refused(at, bottest.Leader1, "活动", gridbot.EINVALID), "请写明活动类别和内容")
	contains(t, tw.Refused(at, bottest.Leader1, "活动 宣传 入户宣传 @王芳", gridbot.EINVALID), "王芳(滨海村二网格) 不是滨海村一网格的成员")
	contains(t, tw.Refused(at, bottest.Leader1, "活动 宣传 入户宣传 @王海 @孙悟空", gridbot.EINVALID), "@孙悟空 不在花名册中")
	contains(t, tw.Refused(at, bottest.Leader3, "活动 宣传 入户宣传 @林小燕", gridbot.EINVALID), "@林小燕 有2人")
	if n := len(periodFacts(t, tw).Activities); n != 0 {
		t.Fatalf("%d activities stored by refused commands", n)
	}
}

func TestDeliberation(t *testing.T) {
	tw := bottest.New(t, testkit.OpenSQLite(t))
	got := tw.Must("2026-10-16 19:00", bottest.Leader1, "议事 商议海滨路停车难问题 @王海 @张伟")
	contains(t, got, "已记录 议事#1（滨海村一网格，参加 3 人：陈强、王海、张伟）", "议事确认 #1")
	tw.Must("2026-10-16 19:30", bottest.Leader2, "议事 商议村道拓宽 @赵丽")
	got = tw.Must("2026-10-20 10:00", bottest.Office, "议事确认 ＃1")
	contains(t, got, "议事#1（滨海村一网格，10月16日 19:00）台账已确认", "参加的 3 人按规则各加 10 分")
	var d gridbot.Deliberation
	tw.View(func(tx gridbot.Tx) (err error) { d, err = tx.DeliberationByNo(tw.ID, 1); return })
	if d.ConfirmedBy != bottest.Office || !d.ConfirmedAt.Equal(testkit.At("2026-10-20 10:00")) || len(d.Participants) != 3 {
		t.Fatalf("deliberation %+v", d)
	}

	at := "2026-10-20 11:00"
	contains(t, tw.Refused(at, bottest.Office, "议事确认 #1", gridbot.ECONFLICT), "议事#1 已于 10月20日 10:00 确认过")
	contains(t, tw.Refused(at, bottest.Office, "议事确认 #7", gridbot.ENOTFOUND), "没有 议事#7")
	contains(t, tw.Refused(at, bottest.Office, "议事确认", gridbot.EINVALID), "请写明议事编号", "议事确认 #<号>")
	contains(t, tw.Refused(at, bottest.Leader2, "议事确认 #2", gridbot.EFORBIDDEN), "只有党建办可以使用", "请联系党建办记录")
	contains(t, tw.Refused(at, bottest.Member1, "议事 随便聊聊 @王海", gridbot.EFORBIDDEN), "只有网格长可以使用")
	contains(t, tw.Refused(at, bottest.Leader1, "议事", gridbot.EINVALID), "请写明议事纪要")
	contains(t, tw.Refused(at, bottest.Leader1, "议事 商议 @赵丽", gridbot.EINVALID), "赵丽(滨海村二网格) 不是滨海村一网格的成员")
	contains(t, tw.Refused(at, bottest.Leader3, "议事 商议 @林小燕", gridbot.EINVALID), "@林小燕 有2人")
	contains(t, tw.Refused(at, bottest.Leader1, "议事 商议 @孙悟空", gridbot.EINVALID), "@孙悟空 不在花名册中")
}

func TestConfirmPublishedMonth(t *testing.T) {
	tw := bottest.New(t, testkit.OpenSQLite(t))
	tw.Must("2026-09-16 19:00", bottest.Leader1, "议事 九月议事 @王海")
	err := tw.Store.Update(ctx, func(tx gridbot.Tx) error {
		return tx.SavePublished(tw.ID, results.KindMonth, "2026-09", []byte(`{"month":"2026-09","members":[]}`), testkit.At("2026-10-02 09:00"))
	})
	if err != nil {
		t.Fatal(err)
	}
	got := tw.Refused("2026-10-05 10:00", bottest.Office, "议事确认 #1", gridbot.ECONFLICT)
	contains(t, got, "议事#1 是 2026-09 的议事，该月结果已公布冻结，不能再确认", "调整 @成员 +10")
	var d gridbot.Deliberation
	tw.View(func(tx gridbot.Tx) (err error) { d, err = tx.DeliberationByNo(tw.ID, 1); return })
	if !d.ConfirmedAt.IsZero() {
		t.Fatal("a deliberation of a published month was confirmed")
	}
}
