package review

import (
	"fmt"
	"strings"
	"time"

	"gridbot"
	"gridbot/present"
	"gridbot/results"
	"gridbot/scoring"
)

// robots counts the town's registered group robots (for the preview's words).
func robots(tx gridbot.Tx, townID int64) (int, error) {
	hooks, err := tx.Webhooks(townID)
	if err != nil {
		return 0, err
	}
	groups := map[string]bool{}
	for _, h := range hooks {
		groups[h.Scope+"/"+h.Name] = true
	}
	return len(groups), nil
}

// Preview is 发布: what publishing the period would announce, the payouts,
// and what looks odd; nothing is changed.
func Preview(tx gridbot.Tx, townID int64, rules *scoring.Rules, period string, at time.Time) (*Outcome, error) {
	switch KindOf(period) {
	case KindMonth:
		if err := checkMonth(tx, townID, period, time.Time{}); err != nil {
			return nil, err
		}
		res, _, err := results.Month(tx, townID, rules, period, at)
		if err != nil {
			return nil, err
		}
		rk := present.MonthRanking(res, rules, false)
		warnings := present.Warnings(rk, Near)
		_, to, _ := scoring.MonthBounds(period)
		if at.Before(to) {
			warnings = append([]string{fmt.Sprintf("%s 尚未结束，以下是截至现在的结果；%s 起才能确认发布。", period, to.Format("2006-01-02 15:04"))}, warnings...)
		}
		n, err := robots(tx, townID)
		if err != nil {
			return nil, err
		}
		return &Outcome{Text: present.Preview(rk, warnings, n), Ranking: rk, Warnings: warnings, Robots: n, Ready: !at.Before(to)}, nil
	case KindQuarter, KindYear:
		kind := KindOf(period)
		text, _, err := periodResult(tx, townID, rules, kind, period, at)
		if err != nil {
			return nil, err
		}
		warn, err := checkPeriod(tx, townID, kind, period, at)
		var b strings.Builder
		fmt.Fprintf(&b, "【发布预览】%s 尚未发布，以下是确认发布后将公告的内容：\n\n%s", period, text)
		if err != nil {
			fmt.Fprintf(&b, "\n⚠ 现在还不能发布：%s", gridbot.ErrorMessage(err))
		} else {
			b.WriteString(warn)
			fmt.Fprintf(&b, "\n核对无误请发送：确认发布 %s", period)
		}
		return &Outcome{Text: b.String(), Ready: err == nil}, nil
	}
	return nil, badPeriod(period)
}

// periodResult settles a quarter or a year and words its announcement.
func periodResult(tx gridbot.Tx, townID int64, rules *scoring.Rules, kind, period string, at time.Time) (string, any, error) {
	if kind == KindQuarter {
		res, err := results.Quarter(tx, townID, rules, period, at)
		if err != nil {
			return "", nil, err
		}
		return present.QuarterAnnouncement(res), res, nil
	}
	res, err := results.Year(tx, townID, rules, period, at)
	if err != nil {
		return "", nil, err
	}
	return present.YearAnnouncement(res), res, nil
}
