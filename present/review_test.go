package present

import (
	"strings"
	"testing"

	"gridbot/scoring"
)

// TestWarnings: the preview warns of base points not imported, of two
// members on either side of a tier boundary within Near points, of a member
// one day short of the ranking, of an excluded member with the reason, and
// of a month without check-ins; a plain month warns of nothing it need not.
func TestWarnings(t *testing.T) {
	r := scoring.DefaultRules()
	res := month()
	// 林小燕 last in the 300 tier (20th, 60.5), 李明 first after it (21st, 59);
	// 赵丽 one day short; 周杰 excluded; no base points anywhere.
	for i := range res.Members {
		switch res.Members[i].UserID {
		case "U4":
			res.Members[i].Rank, res.Members[i].Tier, res.Members[i].RewardYuan = ptr(20), "300", 300
		case "U5":
			res.Members[i].Rank, res.Members[i].Tier, res.Members[i].RewardYuan, res.Members[i].Total = ptr(21), "100", 100, 59
		case "U9":
			res.Members[i].CheckinDays, res.Members[i].MissingDays, res.Members[i].MissingPoints = 19, 1, 0
		}
	}
	res.Members = append(res.Members, scoring.MemberResult{UserID: "U7", Name: "周杰", Grid: "东海村二网格", Total: 80,
		CheckinDays: 25, Eligible: true, Tier: scoring.TierNone, Excluded: "例会多次无故缺席"})
	got := strings.Join(Warnings(MonthRanking(res, r, false), 3), "\n")
	for _, want := range []string{
		"本月基础积分（平台积分）尚未导入：gridbot import base-points 2026-10",
		"第 20 名 林小燕（60.5 分）与第 21 名 李明（59 分）相差 1.5 分，正处在「300元奖励」的边界",
		"差一点达到排名条件：赵丽（滨海村一网格）还差 1 天打卡",
		"周杰（东海村二网格）80 分，已取消排名：例会多次无故缺席（恢复：恢复排名 @周杰 2026-10）",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("warnings lack %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "没有任何打卡") {
		t.Errorf("a month with check-ins warned of none:\n%s", got)
	}
	for i := range res.Members {
		res.Members[i].CheckinDays = 0
	}
	if got := strings.Join(Warnings(MonthRanking(res, r, false), 3), "\n"); !strings.Contains(got, "本月没有任何打卡记录") {
		t.Errorf("a month without check-ins:\n%s", got)
	}
}
