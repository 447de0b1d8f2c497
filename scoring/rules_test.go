package scoring

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"gridbot"
)

// want2020 is the 2020 Binhai scheme, typed by hand from the scheme's text.
func want2020() *Rules {
	return &Rules{
		Name:          "2020年滨海镇党建网格积分考核奖励实施方案",
		CheckinWindow: CheckinWindow{From: "05:00", To: "12:00"},
		Monthly: Monthly{
			Attendance:   Attendance{FullPoints: 10, ManyDays: 20, ManyPoints: 5, FewDays: 10, FewPoints: -5},
			Deliberation: Deliberation{Points: 10, MaxPerMonth: 1},
			Grid:         GridRules{MinIssuesClosed: 5, IssuesPoints: -5, MinActivities: 2, ActivitiesPoints: -5},
			Overdue: Overdue{DispatchHours: 24, DispatchPoints: -2, DispatchLateDays: 7, DispatchLatePoints: -10,
				CloseDays: 7},
		},
		Publicity: Publicity{
			Town:      Level{Points: 10, Yuan: 0, Comprehensive: 0},
			County:    Level{Points: 20, Yuan: 100, Comprehensive: 0.5},
			City:      Level{Points: 50, Yuan: 200, Comprehensive: 0.5},
			Province:  Level{Points: 100, Yuan: 1000, Comprehensive: 0.5},
			PhotoYuan: 5, StoryYuan: 50, StoryVillagePoints: 5,
		},
		Ranking: Ranking{MinPoints: 50, MinCheckinDays: 20,
			Tiers:    []Tier{{"star", "月度网格之星", 5, 500}, {"300", "300元奖励", 20, 300}, {"100", "100元奖励", 50, 100}},
			TieBreak: []string{TieCheckinDays, TieIssuesClosed, TieActivities}},
		Quarterly: Quarterly{Team: Team{Score: TeamScoreMean, Winners: 10, AwardYuan: 1000}},
		Yearly: Yearly{Villages: Villages{Winners: 8, AwardYuan: 2000, BottomFraction: 0.5},
			Leaders: Award{Winners: 15, AwardYuan: 1000}, Members: Award{Winners: 30, AwardYuan: 1000}, PartyConsecutiveStars: 2},
		Index: IndexRules{
			Weights:          Weights{CheckinRate: 0.2, Activities: 0.15, IssuesClosed: 0.15, OnTime: 0.15, Satisfaction: 0.15, Office: 0.2},
			Targets:          Targets{ActivitiesPerMonth: 4, IssuesClosedPerMonth: 12},
			Ratings:          Ratings{Satisfied: 100, Basic: 60, Unsatisfied: 0},
			OfficeCategories: []string{"基础工作", "应知应到", "组织纪律"},
		},
		Notices: wantNotices(),
	}
}

func TestDefaultFileParsesAndEqualsDefaultRules(t *testing.T) {
	parsed, err := ParseRules(binhai2020)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(parsed, DefaultRules()) {
		t.Fatalf("parsed file differs from DefaultRules")
	}
	if !reflect.DeepEqual(parsed, want2020()) {
		t.Fatalf("default rules differ from the 2020 scheme:\n got %+v\nwant %+v", parsed, want2020())
	}
	// DefaultRules hands out fresh values.
	a := DefaultRules()
	a.Ranking.Tiers[0].Yuan = 1
	if DefaultRules().Ranking.Tiers[0].Yuan != 500 {
		t.Fatal("DefaultRules shares state between calls")
	}
}

// edit replaces old with new in the default file, once.
func edit(t *testing.T, old, new string) []byte {
	t.Helper()
	s := string(binhai2020)
	if !strings.Contains(s, old) {
		t.Fatalf("default file has no %q", old)
	}
	return []byte(strings.Replace(s, old, new, 1))
}

func TestParseRulesRefusesWithKeyPath(t *testing.T) {
	for _, tc := range []struct{ name, old, new, want string }{
		{"wrong key", "full_points: 10", "full_point: 10", "rules: monthly.attendance.full_point: 未知的键"},
		{"wrong type", "full_points: 10", "full_points: ten", "rules: monthly.attendance.full_points: 期望数字 / expected a number"},
		{"bool for number", "full_points: 10", "full_points: true", "rules: monthly.attendance.full_points: 期望数字"},
		{"decimal for count", "many_days: 20", "many_days: 20.5", "rules: monthly.attendance.many_days: 期望整数 / expected a whole number"},
		{"quoted number", "many_days: 20", `many_days: "20"`, "rules: monthly.attendance.many_days: 期望整数"},
		{"wrong bool", "close_penalty: false", "close_penalty: no-way", "rules: monthly.overdue.close_penalty: 期望 true 或 false"},
		{"missing key", "    few_points: -5", "", "rules: monthly.attendance.few_points: 缺少此项 / missing key"},
		{"missing value", "full_points: 10", "full_points:", "rules: monthly.attendance.full_points: 缺少值"},
		{"list expected", "tie_break: [checkin_days, issues_closed, activities]", "tie_break: checkin_days",
			"rules: ranking.tie_break: 期望列表"},
		{"key in a list", `- { name: "300",  label: "300元奖励",   to_place: 20`, `- { name: "300",  label: "300元奖励",   places: 20`,
			"rules: ranking.tiers[1].places: 未知的键"},
		{"mapping expected", "  team:\n", "  team: 3\n  old_team:\n", "rules: quarterly.team: 期望键值表"},
		{"tiers out of order", "to_place: 20", "to_place: 5", "rules: ranking.tiers[1].to_place: 应大于上一档的名次"},
		{"tier pays more", "to_place: 20, yuan: 300", "to_place: 20, yuan: 600", "rules: ranking.tiers[1].yuan:"},
		{"unknown tie key", "tie_break: [checkin_days, issues_closed, activities]", "tie_break: [checkin_days, points]",
			"rules: ranking.tie_break[1]: 应为 checkin_days"},
		{"zero winners", "winners: 10", "winners: 0", "rules: quarterly.team.winners: 应为正数"},
		{"weights", "checkin_rate: 0.20", "checkin_rate: 0.30", "rules: index.weights: 权重之和应为1"},
		{"positive deduction", "few_points: -5", "few_points: 5", "rules: monthly.attendance.few_points: 扣分应写成负数"},
		{"few above many", "few_days: 10", "few_days: 20", "rules: monthly.attendance.few_days: 应小于 many_days"},
		{"window", `to: "12:00"`, `to: "12h"`, "rules: checkin_window.to: 期望时刻"},
		{"team score mode", "    score: mean\n", "    score: median\n", "rules: quarterly.team.score: 应为 mean 或 index"},
		{"label names another amount", `label: "300元奖励",   to_place: 20, yuan: 300`, `label: "300元奖励",   to_place: 20, yuan: 200`,
			"rules: ranking.tiers[1].label: 显示名写的是「300元」，但 yuan 是 200"},
		{"label names other places", `label: "100元奖励"`, `label: "第21-40名"`,
			"rules: ranking.tiers[2].label: 显示名写的是「第21-40名」，但这一档是第21-50名"},
		{"label twice", `label: "100元奖励"`, `label: "月度网格之星"`, "rules: ranking.tiers[2].label: 档次显示名重复"},
		{"dispatch_late_days beyond the look-back bound", "dispatch_late_days: 7", "dispatch_late_days: 61",
			"rules: monthly.overdue.dispatch_late_days: 不能超过60天"},
		{"close_days beyond the look-back bound", "close_days: 7", "close_days: 90", "rules: monthly.overdue.close_days: 不能超过60天"},
		{"factor", "comprehensive: 0.5 }   # 温岭", "comprehensive: 1.5 }   # 温岭", "rules: publicity.county.comprehensive: 应在0到1之间"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseRules(edit(t, tc.old, tc.new))
			if err == nil {
				t.Fatal("accepted")
			}
			if gridbot.ErrorCode(err) != gridbot.EINVALID {
				t.Errorf("code %q, want invalid", gridbot.ErrorCode(err))
			}
			if msg := gridbot.ErrorMessage(err); !strings.HasPrefix(msg, tc.want) {
				t.Errorf("message %q\nwant prefix %q", msg, tc.want)
			}
		})
	}
}

func TestParseRulesSyntaxAndEmpty(t *testing.T) {
	if _, err := ParseRules([]byte("")); err == nil || !strings.Contains(gridbot.ErrorMessage(err), "为空") {
		t.Fatalf("empty file: %v", err)
	}
	_, err := ParseRules([]byte("name: x\n  bad: [\n"))
	if err == nil || !strings.Contains(gridbot.ErrorMessage(err), "YAML 格式错误") {
		t.Fatalf("syntax error: %v", err)
	}
}

func TestParseRulesAcceptsAnEditedYear(t *testing.T) {
	r, err := ParseRules(edit(t, "full_points: 10", "full_points: 12.5"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Monthly.Attendance.FullPoints != 12.5 {
		t.Fatalf("full_points = %v", r.Monthly.Attendance.FullPoints)
	}
}

func TestCheckinWindow(t *testing.T) {
	r := DefaultRules()
	for s, want := range map[string]bool{
		"2026-10-03 04:59": false, "2026-10-03 05:00": true, "2026-10-03 11:59": true,
		"2026-10-03 12:00": false, "2026-10-03 23:00": false,
	} {
		if got := r.CheckinOpen(ts(s)); got != want {
			t.Errorf("CheckinOpen(%s) = %v", s, got)
		}
	}
	// An instant given in UTC is judged in Beijing time: 22:00 UTC is 06:00 next day.
	if !r.CheckinOpen(ts("2026-10-04 06:00").UTC()) {
		t.Error("UTC instant judged in the wrong zone")
	}
	if got := r.DispatchDeadline(ts("2026-10-03 08:00")); !got.Equal(ts("2026-10-04 08:00")) {
		t.Errorf("DispatchDeadline = %v", got)
	}
	if got := r.DispatchLateDeadline(ts("2026-10-03 08:00")); !got.Equal(ts("2026-10-10 08:00")) {
		t.Errorf("DispatchLateDeadline = %v", got)
	}
}

// TestTierLabelIsOptional: a tier may leave its label out (the only optional
// key); labels that agree with the tier's numbers are accepted.
func TestTierLabelIsOptional(t *testing.T) {
	r, err := ParseRules(edit(t, `{ name: "300",  label: "300元奖励",   to_place: 20`, `{ name: "300", to_place: 20`))
	if err != nil {
		t.Fatal(err)
	}
	if r.Ranking.Tiers[1].Label != "" || r.Ranking.Tiers[1].ToPlace != 20 {
		t.Fatalf("tier without a label: %+v", r.Ranking.Tiers[1])
	}
	if _, err := ParseRules(edit(t, `label: "100元奖励"`, `label: "第21-50名 100 元"`)); err != nil {
		t.Fatalf("a label that agrees with its tier: %v", err)
	}
	if _, err := ParseRules(edit(t, `to_place: 5,  yuan: 500`, `yuan: 500`)); err == nil ||
		!strings.Contains(err.Error(), "ranking.tiers[0].to_place: 缺少此项") {
		t.Fatalf("a tier without to_place: %v", err)
	}
}

// TestIssueLookback: settling reads issues as far back as the longest
// deadline in force reaches, and a day more.
func TestIssueLookback(t *testing.T) {
	day := 24 * time.Hour
	if got := DefaultRules().IssueLookback(); got != 8*day {
		t.Errorf("2020 rules: %v, want 8 days", got)
	}
	for _, tc := range []struct {
		old, new string
		want     time.Duration
	}{
		{"dispatch_late_days: 7", "dispatch_late_days: 10", 11 * day},
		{"close_days: 7", "close_days: 30", 31 * day},
		{"dispatch_late_days: 7", "dispatch_late_days: 60", 61 * day},
	} {
		r, err := ParseRules(edit(t, tc.old, tc.new))
		if err != nil {
			t.Fatal(err)
		}
		if got := r.IssueLookback(); got != tc.want {
			t.Errorf("%s: IssueLookback = %v, want %v", tc.new, got, tc.want)
		}
	}
}
