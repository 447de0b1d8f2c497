package gridbot

import "time"

// Exclusion keeps a member out of one month's ranking (取消排名, 综合表现):
// the scheme has the office rank "根据积分及综合表现情况". The member's
// points still count; the places below theirs move up. It is stored per
// (town, month, user) with who decided it, when and why, and can be undone
// (恢复排名) until the month is published.
type Exclusion struct {
	TownID int64
	Month  string // "2026-10"
	UserID string
	Reason string
	By     string // the office member's user id; "cli" for the command line
	At     time.Time
}

// Review is the part of a transaction that the office's review-and-publish
// loop needs besides the published results themselves (Published).
type Review interface {
	// AddExclusion stores e; ECONFLICT (ReasonExcluded) when the member is
	// already excluded from that month, EINVALID for an invalid month or an
	// empty user id or reason.
	AddExclusion(e Exclusion) error
	// DeleteExclusion undoes one; ENOTFOUND (ReasonNotExcluded) when there is none.
	DeleteExclusion(townID int64, month, userID string) error
	// Exclusions returns the month's exclusions, by user id.
	Exclusions(townID int64, month string) ([]Exclusion, error)
	// DeletePublished removes the frozen result of a period (撤销发布; the
	// audit log keeps what it was); ENOTFOUND (ReasonNotPublished) when the
	// period is not published.
	DeletePublished(townID int64, kind, period string) error
	// FirstRecord returns the time of the town's first dated record at or
	// after from (a check-in, an activity, an issue's report, a deliberation,
	// a publicity report, a photo, a story, an adjustment); zero when there
	// is none. FirstRecord(town, time.Time{}) is when the town started using
	// gridbot.
	FirstRecord(townID int64, from time.Time) (time.Time, error)
}

// Validate refuses an exclusion without a month, a member or a reason.
func (e Exclusion) Validate() error {
	if !ValidMonth(e.Month) {
		return Refuse(ReasonMonth, e.Month)
	}
	if e.UserID == "" {
		return Refuse(ReasonUserIDEmpty)
	}
	if e.Reason == "" || e.By == "" {
		return Errorf(EINVALID, "取消排名须写明理由。")
	}
	return nil
}
