// Package notices is gridbot's scheduler (spec/notices.md): it plans the
// warnings and alerts of every issue's deadlines in the transaction of its
// 上报, plans the calendar's reminders when their time comes, and sends each
// notice exactly once through the notifier — re-checked, recipients chosen
// and text written in the transaction that sends it, or recorded as skipped
// with the reason. The state lives in the store's schedule table
// (gridbot.Schedule): a unique key per town and notice makes "exactly once"
// the database's business, not a process's, across restarts and replicas.
package notices

import (
	"fmt"
	"time"

	"gridbot"
	"gridbot/calendar"
	"gridbot/scoring"
)

// Quiet moves a notice planned at planned out of the quiet hours: one
// planned inside them (strictly: at exactly their start or end it stays) is
// sent at their end; but a warning whose end of quiet hours would not be
// before its deadline is sent at their start instead.
func Quiet(n scoring.Notices, planned, deadline time.Time, warning bool) time.Time {
	from := time.Duration(n.QuietFrom) * time.Minute
	to := time.Duration(n.QuietTo) * time.Minute
	p := planned.In(gridbot.Zone)
	y, m, d := p.Date()
	midnight := time.Date(y, m, d, 0, 0, 0, 0, gridbot.Zone)
	tod := p.Sub(midnight)
	var inside bool
	if from > to { // across midnight: 22:00–07:00
		inside = tod > from || tod < to
	} else {
		inside = tod > from && tod < to
	}
	if !inside {
		return planned
	}
	end := n.QuietTo.On(p)
	if !end.After(p) {
		end = n.QuietTo.On(midnight.AddDate(0, 0, 1))
	}
	if !warning || deadline.IsZero() || end.Before(deadline) {
		return end
	}
	start := n.QuietFrom.On(p)
	if start.After(p) {
		start = n.QuietFrom.On(midnight.AddDate(0, 0, -1))
	}
	return start
}

// fraction writes a warning's threshold in its key: "0.50".
func fraction(f float64) string { return fmt.Sprintf("%.2f", f) }

// IssueNotices are the deadline notices of an issue, planned by the rules
// in force at its report (a later change of the rules leaves them be).
func IssueNotices(rules *scoring.Rules, i gridbot.Issue) []gridbot.Scheduled {
	n := rules.Notices
	r := i.ReportedAt
	dispatch, late, closeBy := rules.DispatchDeadline(r), rules.DispatchLateDeadline(r), rules.CloseDeadline(r)
	ref := fmt.Sprintf("#%d", i.No)
	var out []gridbot.Scheduled
	add := func(kind, key string, f float64, planned, deadline time.Time, warning bool) {
		s := gridbot.Scheduled{TownID: i.TownID, Key: key, Kind: kind, Ref: ref, IssueNo: i.No, Threshold: f,
			PlannedAt: planned, DueAt: Quiet(n, planned, deadline, warning), Deadline: deadline}
		if warning {
			s.Expires = deadline
		}
		out = append(out, s)
	}
	at := func(f float64, deadline time.Time) time.Time {
		return r.Add(time.Duration(f * float64(deadline.Sub(r)))).Truncate(time.Second)
	}
	for _, f := range n.DispatchWarnings {
		add(gridbot.NoticeDispatchWarning, fmt.Sprintf("%s:%s:%s", gridbot.NoticeDispatchWarning, ref, fraction(f)), f, at(f, dispatch), dispatch, true)
	}
	add(gridbot.NoticeDispatchOverdue, gridbot.NoticeDispatchOverdue+":"+ref, 0, dispatch, dispatch, false)
	add(gridbot.NoticeDispatchOverdue7d, gridbot.NoticeDispatchOverdue7d+":"+ref, 0, late, late, false)
	for _, f := range n.CloseWarnings {
		add(gridbot.NoticeCloseWarning, fmt.Sprintf("%s:%s:%s", gridbot.NoticeCloseWarning, ref, fraction(f)), f, at(f, closeBy), closeBy, true)
	}
	add(gridbot.NoticeCloseOverdue, gridbot.NoticeCloseOverdue+":"+ref, 0, closeBy, closeBy, false)
	return out
}

// PlanIssue plans an issue's deadline notices in tx, the transaction of its
// 上报 (handlers call it), so that they commit with the issue or not at all.
func PlanIssue(tx gridbot.Schedule, rules *scoring.Rules, i gridbot.Issue) error {
	return tx.PlanIssue(IssueNotices(rules, i))
}

// maxCatchUp bounds how far back the calendar is planned after a downtime:
// older reminders would only be skipped as expired.
const maxCatchUp = 31 * 24 * time.Hour

// day is the midnight of t's day.
func day(t time.Time) time.Time {
	y, m, d := t.In(gridbot.Zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, gridbot.Zone)
}

// checkinClose is when the check-in window closes on d.
func checkinClose(rules *scoring.Rules, d time.Time) time.Time {
	var t scoring.TimeOfDay
	if err := t.UnmarshalText([]byte(rules.CheckinWindow.To)); err != nil {
		return day(d).AddDate(0, 0, 1)
	}
	return t.On(d)
}

// CalendarNotices are the calendar's notices of a town whose planned time
// lies in (from, to]: per grid (议事日, weekly quota), per 网格员 and 网格长
// (check-in nudge), per town (month draft, missing holidays), with the
// grids and people of the town as they are now, that is when they fall due.
func CalendarNotices(rules *scoring.Rules, townID int64, grids []gridbot.Grid, people []gridbot.Person, from, to time.Time) []gridbot.Scheduled {
	n := rules.Notices
	if to.Sub(from) > maxCatchUp {
		from = to.Add(-maxCatchUp)
	}
	var out []gridbot.Scheduled
	in := func(t time.Time) bool { return t.After(from) && !t.After(to) }
	add := func(s gridbot.Scheduled) {
		s.TownID = townID
		s.DueAt = Quiet(n, s.PlannedAt, time.Time{}, false)
		out = append(out, s)
	}
	perGrid := func(kind string, d, planned, expires time.Time) {
		ds := d.Format(time.DateOnly)
		for _, g := range grids {
			add(gridbot.Scheduled{Key: kind + ":" + g.Name + ":" + ds, Kind: kind, Ref: g.Name, Subject: g.Name,
				PlannedAt: planned, Expires: expires, Deadline: d})
		}
	}
	first, last := day(from), day(to)
	for _, d := range calendar.DeliberationDays(first, last.AddDate(0, 0, 2), n.Policy()) {
		if eve := n.DeliberationEve.On(d.AddDate(0, 0, -1)); in(eve) {
			perGrid(gridbot.NoticeDeliberationEve, d, eve, d)
		}
		if at := n.DeliberationDay.On(d); in(at) {
			perGrid(gridbot.NoticeDeliberationDay, d, at, d.AddDate(0, 0, 1))
		}
	}
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		ds := d.Format(time.DateOnly)
		if at := n.WeeklyQuotaAt.On(d); d.Weekday() == n.Weekday() && in(at) {
			perGrid(gridbot.NoticeWeeklyQuota, d, at, d.AddDate(0, 0, 1))
		}
		if at := n.CheckinNudgeAt.On(d); in(at) {
			for _, p := range people {
				if p.Active && p.GridID != 0 && (p.Role == gridbot.RoleMember || p.Role == gridbot.RoleLeader) {
					add(gridbot.Scheduled{Key: gridbot.NoticeCheckinNudge + ":" + p.UserID + ":" + ds, Kind: gridbot.NoticeCheckinNudge,
						Ref: ds, Subject: p.UserID, PlannedAt: at, Expires: checkinClose(rules, d)})
				}
			}
		}
		if at := n.MonthDraftAt.On(d); d.Day() == n.MonthDraftDay && in(at) {
			month := d.AddDate(0, -1, 0).Format("2006-01")
			add(gridbot.Scheduled{Key: gridbot.NoticeMonthDraft + ":" + month, Kind: gridbot.NoticeMonthDraft, Ref: month,
				PlannedAt: at, Expires: d.AddDate(0, 1, 1-d.Day())})
		}
		// In December: are next year's holidays in the calendar data?
		if at := n.MonthDraftAt.On(d); d.Month() == time.December && d.Day() == 1 && in(at) {
			year := fmt.Sprint(d.Year() + 1)
			add(gridbot.Scheduled{Key: gridbot.NoticeHolidaysMissing + ":" + year, Kind: gridbot.NoticeHolidaysMissing, Ref: year,
				PlannedAt: at, Expires: d.AddDate(1, 0, 0)})
		}
	}
	return out
}
