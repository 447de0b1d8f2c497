package scoring

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"gridbot"
	"gridbot/calendar"
)

// wantNotices are the numbers of spec/notices.md, typed by hand.
func wantNotices() Notices {
	return Notices{
		QuietFrom: 22 * 60, QuietTo: 7 * 60,
		DispatchWarnings: []float64{0.5, 0.75}, CloseWarnings: []float64{0.5, 0.75}, CloseLeadersFrom: 0.75,
		DeliberationEve: 16 * 60, DeliberationDay: 8 * 60,
		WeeklyQuotaDay: "friday", WeeklyQuotaAt: 16 * 60, WeeklyActivities: 1, WeeklyIssues: 3,
		CheckinNudgeAt: 10*60 + 30, MonthDraftDay: 1, MonthDraftAt: 9 * 60,
		HolidayPolicy: "keep",
	}
}

func TestDefaultNotices(t *testing.T) {
	if got := DefaultRules().Notices; !reflect.DeepEqual(got, wantNotices()) {
		t.Fatalf("default notices %+v\nwant %+v", got, wantNotices())
	}
	if got := DefaultNotices(); !reflect.DeepEqual(got, wantNotices()) {
		t.Fatalf("DefaultNotices() = %+v", got)
	}
	n := DefaultNotices()
	n.DispatchWarnings[0] = 0.1
	if DefaultNotices().DispatchWarnings[0] != 0.5 {
		t.Fatal("DefaultNotices shares its lists between calls")
	}
	if n.Weekday() != time.Friday || n.Policy() != calendar.Keep {
		t.Errorf("Weekday %v, Policy %q", n.Weekday(), n.Policy())
	}
	if s := n.QuietFrom.String() + " " + n.CheckinNudgeAt.String() + " " + TimeOfDay(0).String(); s != "22:00 10:30 00:00" {
		t.Errorf("String() = %s", s)
	}
	day := time.Date(2026, 10, 24, 23, 30, 0, 0, time.UTC) // 2026-10-25 07:30 in Beijing
	if got, want := n.QuietTo.On(day), time.Date(2026, 10, 25, 7, 0, 0, 0, gridbot.Zone); !got.Equal(want) || got.Location() != gridbot.Zone {
		t.Errorf("07:00 On(%v) = %v, want %v", day, got, want)
	}
}

// TestRulesWithoutNotices: a file written before notices (no section at all)
// gets the defaults; every file of testdata loads.
func TestRulesWithoutNotices(t *testing.T) {
	old, err := os.ReadFile("testdata/before-notices.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(old), "notices:") {
		t.Fatal("testdata/before-notices.yaml has a notices section")
	}
	r, err := ParseRules(old)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(r.Notices, wantNotices()) {
		t.Fatalf("notices of a file without the section: %+v", r.Notices)
	}
	// With a check-in window the default nudge (10:30) falls outside, the file
	// is refused, saying to add the section.
	_, err = ParseRules([]byte(strings.Replace(string(old), `to: "12:00"`, `to: "10:00"`, 1)))
	if msg := gridbot.ErrorMessage(err); !strings.HasPrefix(msg, "rules: notices: 规则文件没有 notices 部分") ||
		!strings.Contains(msg, "notices.checkin_nudge_at") {
		t.Errorf("defaults that do not fit: %v", err)
	}
	files, _ := filepath.Glob("testdata/*.yaml")
	files = append(files, "rules/binhai-2020.yaml")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ParseRules(data); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func TestNoticesRefusedWithKeyPath(t *testing.T) {
	for _, tc := range []struct{ name, old, new, want string }{
		{"missing key", "  weekly_issues: 3\n", "", "rules: notices.weekly_issues: 缺少此项 / missing key"},
		{"unknown key", "  weekly_issues: 3", "  weekly_issue: 3", "rules: notices.weekly_issue: 未知的键"},
		{"bad time", `quiet_from: "22:00"`, `quiet_from: "22h"`, "rules: notices.quiet_from: 期望时刻"},
		{"time out of range", `deliberation_eve: "16:00"`, `deliberation_eve: "24:00"`, "rules: notices.deliberation_eve: 期望时刻"},
		{"minutes out of range", `month_draft_at: "09:00"`, `month_draft_at: "09:60"`, "rules: notices.month_draft_at: 期望时刻"},
		{"time as number", `weekly_quota_at: "16:00"`, `weekly_quota_at: 16`, "rules: notices.weekly_quota_at: 期望时刻"},
		{"empty quiet hours", `quiet_to: "07:00"`, `quiet_to: "22:00"`, "rules: notices.quiet_to: 应与 quiet_from 不同"},
		{"fraction 0", "dispatch_warnings: [0.5, 0.75]", "dispatch_warnings: [0, 0.75]", "rules: notices.dispatch_warnings[0]: 应大于0且小于1"},
		{"fraction 1", "close_warnings: [0.5, 0.75]", "close_warnings: [0.5, 1]", "rules: notices.close_warnings[1]: 应大于0且小于1"},
		{"fractions decreasing", "close_warnings: [0.5, 0.75]", "close_warnings: [0.75, 0.5]", "rules: notices.close_warnings[1]: 应大于前一项"},
		{"fractions repeated", "dispatch_warnings: [0.5, 0.75]", "dispatch_warnings: [0.5, 0.5]", "rules: notices.dispatch_warnings[1]: 应大于前一项"},
		{"fraction not a number", "dispatch_warnings: [0.5, 0.75]", "dispatch_warnings: [half]", "rules: notices.dispatch_warnings[0]: 期望数字"},
		{"leaders from", "close_leaders_from: 0.75", "close_leaders_from: 0", "rules: notices.close_leaders_from: 应大于0且不大于1"},
		{"leaders from above 1", "close_leaders_from: 0.75", "close_leaders_from: 1.5", "rules: notices.close_leaders_from: 应大于0且不大于1"},
		{"weekday", "weekly_quota_day: friday", "weekly_quota_day: Friday", "rules: notices.weekly_quota_day: 应为英文小写的星期名"},
		{"weekday in Chinese", "weekly_quota_day: friday", "weekly_quota_day: 周五", "rules: notices.weekly_quota_day: 应为英文小写的星期名"},
		{"negative activities", "weekly_activities: 1", "weekly_activities: -1", "rules: notices.weekly_activities: 不能为负数"},
		{"negative issues", "weekly_issues: 3", "weekly_issues: -3", "rules: notices.weekly_issues: 不能为负数"},
		{"draft day 0", "month_draft_day: 1", "month_draft_day: 0", "rules: notices.month_draft_day: 应在1到28之间"},
		{"draft day 29", "month_draft_day: 1", "month_draft_day: 29", "rules: notices.month_draft_day: 应在1到28之间"},
		{"policy", "holiday_policy: keep", "holiday_policy: next_workday", "rules: notices.holiday_policy: 应为 keep 或 next-workday"},
		{"nudge outside the window", `checkin_nudge_at: "10:30"`, `checkin_nudge_at: "12:30"`, "rules: notices.checkin_nudge_at: 应在打卡时段 05:00–12:00 内"},
		{"section not a mapping", "notices:\n", "notices: off\nold_notices:\n", "rules: notices: 期望键值表"},
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

func TestNoticesAccepted(t *testing.T) {
	r, err := ParseRules(edit(t, "holiday_policy: keep", "holiday_policy: next-workday"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Notices.Policy() != calendar.NextWorkday {
		t.Errorf("policy %q", r.Notices.Policy())
	}
	// Quiet hours that do not cross midnight, no warnings at all, a Monday quota, no quota.
	data := strings.NewReplacer(`quiet_from: "22:00"`, `quiet_from: "00:00"`, `quiet_to: "07:00"`, `quiet_to: "06:30"`,
		"dispatch_warnings: [0.5, 0.75]", "dispatch_warnings: []").Replace(string(binhai2020))
	r, err = ParseRules([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if r.Notices.QuietFrom != 0 || r.Notices.QuietTo != 6*60+30 || len(r.Notices.DispatchWarnings) != 0 {
		t.Errorf("notices %+v", r.Notices)
	}
	r, err = ParseRules(edit(t, "weekly_quota_day: friday", "weekly_quota_day: monday"))
	if err != nil || r.Notices.Weekday() != time.Monday {
		t.Fatalf("monday: %v", err)
	}
	// Rules built in code are validated too.
	r = DefaultRules()
	r.Notices.MonthDraftAt = 24 * 60
	if err := r.Validate(); err == nil || !strings.Contains(err.Error(), "notices.month_draft_at") {
		t.Errorf("Validate of 24:00 in code: %v", err)
	}
}
