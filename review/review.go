// Package review is the office's review-and-publish loop, shared by the
// chat (发布, 确认发布, 取消排名, 恢复排名, 撤销发布), the command line
// (gridbot publish, gridbot unpublish) and the dashboard's buttons (发布's
// preview and 确认发布, 取消排名, 恢复排名 on /office): preview a period, keep
// members out of a month's ranking, freeze and announce a period to every level's
// groups, and unfreeze it with a correction notice. Each change is written
// to the audit log in its own transaction.
package review

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"gridbot"
	"gridbot/present"
	"gridbot/scoring"
)

// Kinds of periods, as stored by Published.
const (
	KindMonth   = gridbot.KindMonth
	KindQuarter = "quarter"
	KindYear    = "year"
)

// Near is how close (points, or one check-in day) to a tier boundary or to
// the ranking's conditions a member must be for the preview to warn.
const Near = 3

var (
	reMonth   = regexp.MustCompile(`^\d{4}-\d{2}$`)
	reQuarter = regexp.MustCompile(`^\d{4}Q[1-4]$`)
	reYear    = regexp.MustCompile(`^\d{4}$`)
)

// KindOf tells a period's kind from how it is written: "2026-10" a month,
// "2026Q4" a quarter, "2026" a year; "" for none of them.
func KindOf(period string) string {
	switch p := strings.ToUpper(period); {
	case reMonth.MatchString(p):
		return KindMonth
	case reQuarter.MatchString(p):
		return KindQuarter
	case reYear.MatchString(p):
		return KindYear
	}
	return ""
}

// Outcome is what a step of the loop says to the office, and the group
// notices it queues (through the notifier, in the same transaction).
type Outcome struct {
	// Text is the answer worded for chat (and the command line).
	Text    string
	Notices []gridbot.Notice
	// A month's preview and publish: the ranking announced to the town's
	// group, for the dashboard to show its own way.
	Ranking *present.Ranking
	// The preview's parts: what looks odd, the groups with a robot, and
	// whether 确认发布 may follow now (the period is over, every check met).
	Warnings []string
	Robots   int
	Ready    bool
}

// quarterOf and yearOf name the quarter and year a month is in.
func quarterOf(month string) string {
	from, _, _ := scoring.MonthBounds(month)
	return fmt.Sprintf("%dQ%d", from.Year(), (int(from.Month())+2)/3)
}

func yearOf(period string) string { return period[:4] }

func isPublished(tx gridbot.Published, townID int64, kind, period string) (bool, error) {
	_, err := tx.Published(townID, kind, period)
	switch gridbot.ErrorCode(err) {
	case "":
		return true, nil
	case gridbot.ENOTFOUND:
		return false, nil
	}
	return false, err
}

// monthsOf lists the months of a quarter or a year.
func monthsOf(kind, period string) ([]string, time.Time, error) {
	if kind == KindQuarter {
		_, to, months, err := scoring.QuarterBounds(period)
		return months, to, err
	}
	from, to, err := scoring.YearBounds(period)
	var months []string
	for m := from; m.Before(to); m = m.AddDate(0, 1, 0) {
		months = append(months, gridbot.Month(m))
	}
	return months, to, err
}

// groupNotice is a notice to one group, keyed so that it is queued once.
func groupNotice(townID int64, key, scope, name, markdown string, mentions []string, at time.Time) gridbot.Notice {
	return gridbot.Notice{TownID: townID, Key: fmt.Sprintf("%s:%d:%s:%s", key, at.UnixMilli(), scope, name),
		To: gridbot.Destination{Kind: gridbot.DestGroup, Scope: scope, Name: name}, Text: markdown, Markdown: true,
		Mentions: mentions, At: at}
}

func badPeriod(period string) error {
	return gridbot.Errorf(gridbot.EINVALID, "「%s」不是月份、季度或年份。请写 2026-10、2026Q4 或 2026。", period)
}
