package gridbot

import "time"

// Notice kinds of the scheduler (spec/notices.md).
const (
	NoticeDispatchWarning   = "dispatch-warning"
	NoticeDispatchOverdue   = "dispatch-overdue"
	NoticeDispatchOverdue7d = "dispatch-overdue-7d"
	NoticeCloseWarning      = "close-warning"
	NoticeCloseOverdue      = "close-overdue"
	NoticeDeliberationEve   = "deliberation-eve"
	NoticeDeliberationDay   = "deliberation-day"
	NoticeWeeklyQuota       = "weekly-quota"
	NoticeCheckinNudge      = "checkin-nudge"
	NoticeMonthDraft        = "month-draft"
	NoticeHolidaysMissing   = "holidays-missing"
)

// States of a scheduled notice.
const (
	NoticePlanned = "planned" // waiting for DueAt
	NoticeSent    = "sent"    // queued to its recipients (the outbox delivers it)
	NoticeSkipped = "skipped" // not sent, for Reason
)

// Scheduled is one notice the scheduler plans and then sends or skips,
// exactly once: Key is unique per town ("dispatch-warning:#12:0.50",
// "checkin-nudge:U001:2026-10-05"), so planning it again inserts nothing,
// and it leaves NoticePlanned only in the transaction that queues it.
type Scheduled struct {
	ID      int64
	TownID  int64
	Key     string
	Kind    string // Notice*
	Ref     string // "#12", a grid's name, a day "2026-10-05", a month "2026-10"
	IssueNo int64  // the issue of a deadline notice; 0 for the calendar's
	// Threshold is the fraction of the deadline of a warning (0.5, 0.75); 0 otherwise.
	Threshold float64
	// Subject is whom a calendar notice is about: the member of a nudge, the
	// grid (by name) of a grid's notice; "" otherwise.
	Subject string
	// PlannedAt is the mark the notice is for (r+12h, Friday 16:00); DueAt is
	// when it is sent, after quiet hours.
	PlannedAt, DueAt time.Time
	// Deadline is the deadline a warning warns of; Expires is when a notice
	// not yet sent is no longer worth sending (zero: never).
	Deadline, Expires time.Time
	State             string
	Reason            string   // why it was skipped, or what it was sent for
	To                []string // user ids it was addressed or @-ed to (sent)
	Via               string   // "dm", "group:NAME", or several joined by ","
	Text              string
	DoneAt            time.Time
}

// Schedule is the part of a transaction that keeps the scheduler's notices.
type Schedule interface {
	// PlanNotices inserts ns as planned, skipping any whose key the town has
	// already (planned, sent or skipped): it says how many were new.
	PlanNotices(ns []Scheduled) (int, error)
	// PlanIssue plans the deadline notices of one issue (all of one town,
	// issue, ref and subject), skipping them when the first to fall due was
	// planned before. The store may keep them as one row until each falls
	// due; DueNotices, IssueNotices and ScheduledNotices give them as if
	// each had been planned on its own. Nothing is read back, so the store
	// may write them with the commit.
	PlanIssue(ns []Scheduled) error
	// DueNotices returns up to limit planned notices of every town due at
	// now, earliest first. In PostgreSQL they stay locked by this
	// transaction and another replica's call skips them.
	DueNotices(now time.Time, limit int) ([]Scheduled, error)
	// NextNoticeDue returns when the earliest planned notice is due; false
	// when none is planned.
	NextNoticeDue() (time.Time, bool, error)
	// FinishNotice records n's State (sent or skipped), Reason, To, Via,
	// Text and DoneAt; ECONFLICT when it is no longer planned.
	FinishNotice(n Scheduled) error
	// IssueNotices returns the notices of one issue, in planned order.
	IssueNotices(townID, issueNo int64) ([]Scheduled, error)
	// ScheduledNotices lists the town's notices in state ("": all), by due time.
	ScheduledNotices(townID int64, state string) ([]Scheduled, error)
	// AdvanceNoticePlan moves the town's calendar planning mark to now and
	// returns where it was (ok false the first time: nothing planned yet). In
	// PostgreSQL the mark stays locked until commit, so replicas plan in turn.
	AdvanceNoticePlan(townID int64, now time.Time) (prev time.Time, ok bool, err error)
	// SetNoticeOff stores a member's switch of one kind of notice.
	SetNoticeOff(townID int64, userID, kind string, off bool, at time.Time) error
	// NoticesOff returns the town's members who turned kind off.
	NoticesOff(townID int64, kind string) (map[string]bool, error)
	// CheckedIn returns who of the town has a check-in on day ("2006-01-02").
	CheckedIn(townID int64, day string) (map[string]bool, error)
	// GridCounts counts each grid's activities and reported issues in [from, to).
	GridCounts(townID int64, from, to time.Time) (map[int64]GridCount, error)
}

// GridCount is what a grid recorded in a while (weekly-quota).
type GridCount struct {
	Activities int
	Issues     int
}
