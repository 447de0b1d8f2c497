package present

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"gridbot"
	"gridbot/scoring"
)

func ptr(i int) *int { return &i }

// month is a small month: places 1, 6 (shared), 21 and 51, and one member
// who is not eligible.
func month() *scoring.MonthResult {
	m := func(id, name string, total float64, rank *int, tier string, yuan int, tie bool) scoring.MemberResult {
		return scoring.MemberResult{UserID: id, Name: name, Grid: "滨海村一网格", Village: "滨海村", Role: gridbot.RoleMember,
			CheckinDays: 22, Total: total, Eligible: rank != nil, Rank: rank, Tier: tier, RewardYuan: yuan, Tie: tie}
	}
	notYet := m("U9", "赵丽", 40, nil, scoring.TierNone, 0, false)
	notYet.CheckinDays, notYet.MissingDays, notYet.MissingPoints = 17, 3, 10
	return &scoring.MonthResult{Month: "2026-10", AsAt: time.Date(2026, 10, 25, 10, 0, 0, 0, gridbot.Zone),
		Members: []scoring.MemberResult{
			notYet, // out of order on purpose: the model orders
			m("U1", "陈强", 90, ptr(1), "star", 500, false),
			m("U3", "张伟", 70, ptr(6), "300", 300, true),
			m("U2", "王海", 70, ptr(6), "300", 300, true),
			m("U4", "林小燕", 60.5, ptr(21), "100", 100, false),
			m("U5", "李明", 50, ptr(51), scoring.TierNone, 0, false),
		}}
}

func TestDefaultRulesWords(t *testing.T) {
	var titles []string
	for _, tr := range Tiers(scoring.DefaultRules()) {
		titles = append(titles, tr.Label+" | "+tr.Title())
	}
	if got, want := strings.Join(titles, "; "),
		"月度网格之星 | 月度网格之星（第1-5名，500元）; 300元奖励 | 300元奖励（第6-20名）; 100元奖励 | 100元奖励（第21-50名）"; got != want {
		t.Fatalf("tiers\n got %s\nwant %s", got, want)
	}
	rk := MonthRanking(month(), scoring.DefaultRules(), true)

	if got, want := RankingChat(rk), `2026-10 排行（已公布）
1. 陈强（滨海村一网格）90 分，打卡 22 天 · 月度网格之星
6.（并列） 王海（滨海村一网格）70 分，打卡 22 天 · 300元奖励
6.（并列） 张伟（滨海村一网格）70 分，打卡 22 天 · 300元奖励
21. 林小燕（滨海村一网格）60.5 分，打卡 22 天 · 100元奖励
另有 1 人暂未达到排名条件（积分 50 分以上且打卡 20 天以上）。发送「积分」查看自己还差多少。`; got != want {
		t.Errorf("排行\n got %s\nwant %s", got, want)
	}

	if got, want := Announcement(rk), `## 2026-10 党建网格积分排名

**月度网格之星（第1-5名，500元）**
1. 陈强（滨海村一网格）90 分

**300元奖励（第6-20名）**
6. 王海（滨海村一网格）70 分（并列）
6. 张伟（滨海村一网格）70 分（并列）

**100元奖励（第21-50名）**
21. 林小燕（滨海村一网格）60.5 分

发送「积分」查看个人明细。
`; got != want {
		t.Errorf("announcement\n got %s\nwant %s", got, want)
	}

	book := MonthSheets(Book{Town: "滨海镇"}, rk, nil)
	var tiers []string
	for _, r := range book[0].Rows {
		tiers = append(tiers, fmt.Sprintf("%v:%v:%v:%v", r[0], r[1], r[11], r[12]))
	}
	if got, want := strings.Join(tiers, " "), "1::月度网格之星:500 6:并列:300元奖励:300 6:并列:300元奖励:300 21::100元奖励:100 51:::0 :::0"; got != want {
		t.Errorf("排名 sheet\n got %s\nwant %s", got, want)
	}
	pay := book[2]
	if got := fmt.Sprint(pay.Total); len(pay.Rows) != 4 || got != "[合计  4 人     1200 2026-10]" {
		t.Errorf("发放清单 %d rows, total %s", len(pay.Rows), got)
	}
	if got := PayoutKind(rk.Tiers, "300"); got != "300元奖励" {
		t.Errorf("payout kind of 300: %q", got)
	}

	member := MemberChat(rk.Rows[1].MemberResult, scoring.DefaultRules(), "2026-10", Standing{Published: true}, time.Time{})
	if !strings.HasSuffix(member, "名次：第 6 名（并列），300元奖励，奖励 300 元。") {
		t.Errorf("积分: %s", member)
	}
	if member := MemberChat(rk.Rows[5].MemberResult, scoring.DefaultRules(), "2026-10", Standing{Published: true}, time.Time{}); !strings.HasSuffix(member,
		"暂未达到排名条件（积分 50 分以上且打卡 20 天以上）：还差 3 天打卡、10 分。") {
		t.Errorf("积分 of the unranked: %s", member)
	}
}

func TestTierWordsFromPlaces(t *testing.T) {
	r := scoring.DefaultRules()
	r.Ranking.Tiers = []scoring.Tier{{Name: "star", Label: "月度网格之星", ToPlace: 3, Yuan: 800},
		{Name: "300", ToPlace: 4, Yuan: 200}, {Name: "100", ToPlace: 10}}
	var got []string
	for _, tr := range Tiers(r) {
		got = append(got, tr.Label+" | "+tr.Title())
	}
	if want := "月度网格之星 | 月度网格之星（第1-3名，800元）; 第4名 | 第4名（200元）; 第5-10名 | 第5-10名"; strings.Join(got, "; ") != want {
		t.Fatalf("tiers\n got %s\nwant %s", strings.Join(got, "; "), want)
	}
	// A month published under other rules keeps its codes; an unknown one is shown as itself.
	if tr := tierNamed(Tiers(r), "gold"); tr == nil || tr.Label != "gold" || tr.Title() != "gold" {
		t.Fatalf("unknown tier: %+v", tr)
	}
	if tierNamed(Tiers(r), scoring.TierNone) != nil {
		t.Fatal("none is no tier")
	}
}
