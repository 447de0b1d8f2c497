package scoring

import (
	"fmt"
	"sync"
	"time"

	"gridbot"
	"gridbot/calendar"
)

// Notices holds the rules of what gridbot says first (spec/notices.md): the
// warnings before an issue's deadlines, the quiet hours, and the calendar's
// reminders. A rules file without a notices section gets DefaultNotices (the
// files of the years before notices had none); a section that is there must
// have every key.
type Notices struct {
	QuietFrom        TimeOfDay `yaml:"quiet_from"`         // 22:00
	QuietTo          TimeOfDay `yaml:"quiet_to"`           // 07:00
	DispatchWarnings []float64 `yaml:"dispatch_warnings"`  // [0.5, 0.75] of the dispatch deadline
	CloseWarnings    []float64 `yaml:"close_warnings"`     // [0.5, 0.75] of the close deadline
	CloseLeadersFrom float64   `yaml:"close_leaders_from"` // 0.75: from this threshold the grid's leaders get the close warning too
	DeliberationEve  TimeOfDay `yaml:"deliberation_eve"`   // 16:00 the day before
	DeliberationDay  TimeOfDay `yaml:"deliberation_day"`   // 08:00
	WeeklyQuotaDay   string    `yaml:"weekly_quota_day"`   // "friday" (English weekday names, lower case)
	WeeklyQuotaAt    TimeOfDay `yaml:"weekly_quota_at"`    // 16:00
	WeeklyActivities int       `yaml:"weekly_activities"`  // 1
	WeeklyIssues     int       `yaml:"weekly_issues"`      // 3
	CheckinNudgeAt   TimeOfDay `yaml:"checkin_nudge_at"`   // 10:30
	MonthDraftDay    int       `yaml:"month_draft_day"`    // 1
	MonthDraftAt     TimeOfDay `yaml:"month_draft_at"`     // 09:00
	HolidayPolicy    string    `yaml:"holiday_policy"`     // keep | next-workday
}

// TimeOfDay is a time of day in gridbot.Zone, in minutes after midnight
// (0–1439). In a rules file it is "HH:MM", quoted.
type TimeOfDay int

// String returns t as "HH:MM".
func (t TimeOfDay) String() string { return fmt.Sprintf("%02d:%02d", int(t)/60, int(t)%60) }

// On returns the instant at t on day's calendar day in gridbot.Zone.
func (t TimeOfDay) On(day time.Time) time.Time {
	y, m, d := day.In(gridbot.Zone).Date()
	return time.Date(y, m, d, int(t)/60, int(t)%60, 0, 0, gridbot.Zone)
}

// valid reports whether t is a time of day, 00:00 to 23:59.
func (t TimeOfDay) valid() bool { return t >= 0 && t < 24*60 }

// parseTimeOfDay parses "HH:MM", 00:00 to 23:59.
func parseTimeOfDay(s string) (TimeOfDay, error) {
	d, err := parseClock(s)
	if err != nil || d >= 24*time.Hour {
		return 0, fmt.Errorf("bad time of day %q", s)
	}
	return TimeOfDay(d / time.Minute), nil
}

// MarshalText gives t as "HH:MM" (YAML and JSON).
func (t TimeOfDay) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText reads "HH:MM" (YAML and JSON).
func (t *TimeOfDay) UnmarshalText(b []byte) error {
	v, err := parseTimeOfDay(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// weekdays are the names weekly_quota_day may take.
var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
}

// Weekday returns the day of the weekly-quota reminder. The name was
// validated; an unknown one (rules built in code and not validated) gives Friday.
func (n Notices) Weekday() time.Weekday {
	if d, ok := weekdays[n.WeeklyQuotaDay]; ok {
		return d
	}
	return time.Friday
}

// Policy returns what a 议事日 on a statutory holiday does.
func (n Notices) Policy() calendar.HolidayPolicy { return calendar.HolidayPolicy(n.HolidayPolicy) }

// The notices section of the embedded rules file, read once (DefaultNotices).
var (
	noticesOnce    sync.Once
	noticesDefault Notices
)

// DefaultNotices returns the notices rules a rules file without a notices
// section gets: those of the embedded default file (spec/notices.md's numbers).
// Each call returns a fresh value.
func DefaultNotices() Notices {
	noticesOnce.Do(func() { noticesDefault = DefaultRules().Notices })
	n := noticesDefault
	n.DispatchWarnings = append([]float64(nil), n.DispatchWarnings...)
	n.CloseWarnings = append([]float64(nil), n.CloseWarnings...)
	return n
}

// Messages of the notices section.
const (
	msgTimeOfDay = `期望时刻 "HH:MM"，00:00 到 23:59，如 "07:00" / expected a time of day "HH:MM", 00:00 to 23:59, e.g. "07:00"`
	msgFraction  = "应大于0且小于1，如 0.5 表示时限过半时 / must be between 0 and 1 (exclusive), e.g. 0.5 for half-way to the deadline"
)

func (r *Rules) validateNotices() error {
	n := r.Notices
	for _, t := range []struct {
		key string
		v   TimeOfDay
	}{{"quiet_from", n.QuietFrom}, {"quiet_to", n.QuietTo}, {"deliberation_eve", n.DeliberationEve},
		{"deliberation_day", n.DeliberationDay}, {"weekly_quota_at", n.WeeklyQuotaAt},
		{"checkin_nudge_at", n.CheckinNudgeAt}, {"month_draft_at", n.MonthDraftAt}} {
		if !t.v.valid() {
			return rulesError("notices."+t.key, msgTimeOfDay)
		}
	}
	if n.QuietFrom == n.QuietTo {
		return rulesError("notices.quiet_to", "应与 quiet_from 不同（可跨午夜，如 22:00 至 07:00）/ must differ from notices.quiet_from (the quiet hours may cross midnight, e.g. 22:00 to 07:00)")
	}
	for _, w := range []struct {
		key string
		v   []float64
	}{{"dispatch_warnings", n.DispatchWarnings}, {"close_warnings", n.CloseWarnings}} {
		for i, f := range w.v {
			p := fmt.Sprintf("notices.%s[%d]", w.key, i)
			switch {
			case !(f > 0 && f < 1):
				return rulesError(p, msgFraction)
			case i > 0 && f <= w.v[i-1]:
				return rulesError(p, "应大于前一项（从小到大排列）/ must be greater than the one before (in increasing order)")
			}
		}
	}
	if !(n.CloseLeadersFrom > 0 && n.CloseLeadersFrom <= 1) {
		return rulesError("notices.close_leaders_from", "应大于0且不大于1（1 表示网格长不收办结提醒）/ must be more than 0 and at most 1 (1: the leaders get no close warning)")
	}
	if _, ok := weekdays[n.WeeklyQuotaDay]; !ok {
		return rulesError("notices.weekly_quota_day", "应为英文小写的星期名，如 friday / must be a weekday in lower-case English, e.g. friday: "+
			"monday, tuesday, wednesday, thursday, friday, saturday, sunday")
	}
	switch {
	case n.WeeklyActivities < 0:
		return rulesError("notices.weekly_activities", msgNonNegative)
	case n.WeeklyIssues < 0:
		return rulesError("notices.weekly_issues", msgNonNegative)
	case n.MonthDraftDay < 1 || n.MonthDraftDay > 28:
		return rulesError("notices.month_draft_day", "应在1到28之间（每个月都有的日子）/ must be between 1 and 28 (a day every month has)")
	case !n.Policy().Valid():
		return rulesError("notices.holiday_policy", "应为 keep 或 next-workday / must be keep or next-workday")
	}
	// The nudge asks people to check in: it must come while they still can.
	from, to := r.window()
	if at := time.Duration(n.CheckinNudgeAt) * time.Minute; at < from || at >= to {
		return rulesError("notices.checkin_nudge_at", fmt.Sprintf("应在打卡时段 %s–%s 内 / must be inside the check-in window %s–%s",
			r.CheckinWindow.From, r.CheckinWindow.To, r.CheckinWindow.From, r.CheckinWindow.To))
	}
	return nil
}
