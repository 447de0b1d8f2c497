package handlers_test

import (
	"slices"
	"testing"

	"gridbot"
	"gridbot/internal/bottest"
	"gridbot/internal/testkit"
)

func TestPublicity(t *testing.T) {
	tw := bottest.New(t, testkit.OpenSQLite(t))
	at := "2026-10-12 10:00"
	tests := []struct {
		text, level string
		comp        bool
		reply       string
	}{
		{"报道 市级 海风镇网格员雨夜转移群众 @王海 @林小燕#U104", gridbot.LevelCity, false, "已记录 报道#1（市级）：海风镇网格员雨夜转移群众。涉及 2 人：王海、林小燕"},
		{"报道 温岭 综合 网格治理经验 @王海", gridbot.LevelCounty, true, "报道#2（县级，综合性）"},
		{"报道 台州 标题 @王海", gridbot.LevelCity, false, "报道#3（市级）"},
		{"报道 省级及以上 标题 @周杰", gridbot.LevelProvince, false, "报道#4（省级）"},
		{"报道 镇级 综合性 标题 @张伟#U302", gridbot.LevelTown, true, "涉及 1 人：张伟"},
		{"报道 县级 标题 @周杰", gridbot.LevelCounty, false, "报道#6（县级）"},
	}
	for _, tc := range tests {
		contains(t, tw.Must(at, bottest.Office, tc.text), tc.reply)
	}
	pubs := periodFacts(t, tw).Publicity
	if len(pubs) != len(tests) {
		t.Fatalf("%d reports stored", len(pubs))
	}
	for i, tc := range tests {
		if p := pubs[i]; p.Level != tc.level || p.Comprehensive != tc.comp {
			t.Errorf("%q stored as %s comprehensive=%v", tc.text, p.Level, p.Comprehensive)
		}
	}
	if p := pubs[0]; p.Title != "海风镇网格员雨夜转移群众" || !slices.Equal(p.Involved, []string{bottest.Member1, bottest.Member1b}) {
		t.Errorf("report %+v", p)
	}
	if p := pubs[4]; !slices.Equal(p.Involved, []string{bottest.ZhangWei3}) {
		t.Errorf("@张伟#U302 stored as %v", p.Involved)
	}

	contains(t, tw.Refused(at, bottest.Leader1, "报道 市级 标题 @王海", gridbot.EFORBIDDEN), "只有党建办可以使用")
	contains(t, tw.Refused(at, bottest.Office, "报道 国际级 标题 @王海", gridbot.EINVALID), "「国际级」不是报道级别", "温岭")
	contains(t, tw.Refused(at, bottest.Office, "报道 市级 @王海", gridbot.EINVALID), "请写明报道标题")
	contains(t, tw.Refused(at, bottest.Office, "报道 市级 综合 @王海", gridbot.EINVALID), "请写明报道标题")
	contains(t, tw.Refused(at, bottest.Office, "报道 市级 标题", gridbot.EINVALID), "请 @ 涉及的成员")
	contains(t, tw.Refused(at, bottest.Office, "报道", gridbot.EINVALID), "报道 <级别> [综合] <标题> @成员...")
	contains(t, tw.Refused(at, bottest.Office, "报道 市级 标题 @张伟", gridbot.EINVALID), "@张伟 有2人")
	contains(t, tw.Refused(at, bottest.Office, "报道 市级 标题 @孙悟空", gridbot.EINVALID), "@孙悟空 不在花名册中")
}

func TestPhotoAndStory(t *testing.T) {
	tw := bottest.New(t, testkit.OpenSQLite(t))
	at := "2026-10-12 10:00"
	contains(t, tw.Must(at, bottest.Office, "照片 3 @王海 @赵丽"), "已记录 照片#1：采用 3 张，涉及 2 人：王海、赵丽")
	contains(t, tw.Must(at, bottest.Office, "照片 ５张 @周杰"), "采用 5 张")
	contains(t, tw.Must(at, bottest.Office, "故事 滨海村 渔港边的“老娘舅”"), "已记录 故事#1（滨海村）：渔港边的“老娘舅”")
	contains(t, tw.Must(at, bottest.Office, "故事 东海 护网先锋"), "故事#2（东海村）")
	f := periodFacts(t, tw)
	if len(f.Photos) != 2 || f.Photos[0].Count != 3 || !slices.Equal(f.Photos[0].Involved, []string{bottest.Member1, bottest.Member2}) {
		t.Errorf("photos %+v", f.Photos)
	}
	if len(f.Stories) != 2 || f.Stories[0].Village != "滨海村" || f.Stories[0].VillageID == 0 || f.Stories[1].Title != "护网先锋" {
		t.Errorf("stories %+v", f.Stories)
	}

	contains(t, tw.Refused(at, bottest.Leader1, "照片 3 @王海", gridbot.EFORBIDDEN), "只有党建办可以使用")
	contains(t, tw.Refused(at, bottest.Office, "照片 三 @王海", gridbot.EINVALID), "张数应是 1 到 999 的整数，而不是「三」")
	contains(t, tw.Refused(at, bottest.Office, "照片 0 @王海", gridbot.EINVALID), "1 到 999")
	contains(t, tw.Refused(at, bottest.Office, "照片 @王海", gridbot.EINVALID), "请写明采用的照片张数")
	contains(t, tw.Refused(at, bottest.Office, "照片 3", gridbot.EINVALID), "请 @ 涉及的成员")
	contains(t, tw.Refused(at, bottest.Office, "照片 3 @王芳", gridbot.EINVALID), "@王芳 有2人")
	contains(t, tw.Refused(at, bottest.Office, "照片 3 @孙悟空", gridbot.EINVALID), "@孙悟空 不在花名册中")
	contains(t, tw.Refused(at, bottest.Stranger, "照片 3 @王海", gridbot.EFORBIDDEN), "不在本镇的网格花名册中")
	contains(t, tw.Refused(at, bottest.Member1, "故事 滨海村 标题", gridbot.EFORBIDDEN), "只有党建办可以使用")
	contains(t, tw.Refused(at, bottest.Office, "故事 西海村 标题", gridbot.EINVALID), "本镇没有「西海村」", "滨海村、东海村")
	contains(t, tw.Refused(at, bottest.Office, "故事 滨海村", gridbot.EINVALID), "请写明村名和故事标题")
}

func TestAdjust(t *testing.T) {
	tw := bottest.New(t, testkit.OpenSQLite(t))
	at := "2026-10-12 10:00"
	contains(t, tw.Must(at, bottest.Office, "调整 @王海 -2 组织纪律 例会无故缺席"), "已记录 调整#1：为 王海(滨海村一网格) 调整 -2 分（组织纪律 例会无故缺席），计入 2026-10")
	contains(t, tw.Must(at, bottest.Office, "调整 @张伟#U302 ＋0.5 应知应到测试满分"), "调整 +0.5 分")
	adj := periodFacts(t, tw).Adjustments
	if len(adj) != 2 || adj[0].UserID != bottest.Member1 || adj[0].Points != -2 || adj[0].Category != "组织纪律" ||
		adj[0].Reason != "组织纪律 例会无故缺席" || adj[1].UserID != bottest.ZhangWei3 || adj[1].Points != 0.5 || adj[1].Category != "应知应到" {
		t.Errorf("adjustments %+v", adj)
	}

	contains(t, tw.Refused(at, bottest.Leader1, "调整 @王海 +5 好", gridbot.EFORBIDDEN), "只有党建办可以使用")
	contains(t, tw.Refused(at, bottest.Office, "调整 @王海 5 表现好", gridbot.EINVALID), "分数「5」要带正负号", "调整 @成员 <+N|-N> <理由>")
	contains(t, tw.Refused(at, bottest.Office, "调整 @王海 +500 表现好", gridbot.EINVALID), "-100 到 +100")
	contains(t, tw.Refused(at, bottest.Office, "调整 @王海 +5", gridbot.EINVALID), "请写明调整理由")
	contains(t, tw.Refused(at, bottest.Office, "调整 @王海", gridbot.EINVALID), "请写明加扣的分数")
	contains(t, tw.Refused(at, bottest.Office, "调整 +5 表现好", gridbot.EINVALID), "请 @ 一名成员（现在 @ 了 0 人）")
	contains(t, tw.Refused(at, bottest.Office, "调整 @王海 @赵丽 +5 表现好", gridbot.EINVALID), "现在 @ 了 2 人")
	contains(t, tw.Refused(at, bottest.Office, "调整 @张伟 +5 表现好", gridbot.EINVALID), "@张伟 有2人", "请用 @张伟#U302 指定")
	contains(t, tw.Refused(at, bottest.Office, "调整 @孙悟空 +5 表现好", gridbot.EINVALID), "不在花名册中")
	contains(t, tw.Refused(at, bottest.Office, "调整 @郑敏 +5 表现好", gridbot.EINVALID), "郑敏 是党建办人员，不参与积分")
	if n := len(periodFacts(t, tw).Adjustments); n != 2 {
		t.Fatalf("%d adjustments after refusals, want 2", n)
	}
}
