// Package review is the office's review-and-publish loop, shared by the
// chat (发布, 确认发布, 取消排名, 恢复排名, 撤销发布), the command line
// (gridbot publish, gridbot unpublish) and the dashboard's buttons (取消排名,
// 恢复排名 on /office): preview a period, keep members out
// of a month's ranking, freeze and announce a period to every level's
// groups, and unfreeze it with a correction notice. Each change is written
// to the audit log in its own transaction.
package review

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"gridbot"
	"gridbot/present"
	"gridbot/results"
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
	Text    string
	Notices []gridbot.Notice
}

// Summary of a period's frozen data, for the audit log.
func summary(kind string, data []byte) string {
	switch kind {
	case KindMonth:
		var res scoring.MonthResult
		if json.Unmarshal(data, &res) != nil {
			return ""
		}
		ranked, yuan, ex := 0, 0, 0
		var top []string
		for _, m := range res.Members {
			if m.Rank != nil {
				ranked++
				if *m.Rank <= 3 {
					top = append(top, fmt.Sprintf("%d.%s(%s)%s分", *m.Rank, m.Name, m.UserID, present.Num(m.Total)))
				}
			}
			if m.Excluded != "" {
				ex++
			}
			yuan += m.RewardYuan
		}
		return fmt.Sprintf("原结果截至 %s：%d 人，%d 人进入排名，%d 人取消排名，奖励合计 %d 元；前列 %s",
			res.AsAt.In(gridbot.Zone).Format("2006-01-02 15:04"), len(res.Members), ranked, ex, yuan, strings.Join(top, " "))
	case KindQuarter:
		var res scoring.QuarterResult
		if json.Unmarshal(data, &res) != nil {
			return ""
		}
		return fmt.Sprintf("原结果：%d 个团队，奖励合计 %d 元", len(res.Teams), res.TotalYuan)
	case KindYear:
		var res scoring.YearResult
		if json.Unmarshal(data, &res) != nil {
			return ""
		}
		return fmt.Sprintf("原结果：%d 人，%d 个村（居）", len(res.Members), len(res.Villages))
	}
	return ""
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

// everyGroup returns notices of text to the town's group and to each
// village's and grid's group of the town.
func everyGroup(tx gridbot.Roster, townID int64, key, text string, at time.Time) ([]gridbot.Notice, error) {
	out := []gridbot.Notice{groupNotice(townID, key, gridbot.ScopeTown, "", text, nil, at)}
	vs, err := tx.Villages(townID)
	if err != nil {
		return nil, err
	}
	for _, v := range vs {
		out = append(out, groupNotice(townID, key, gridbot.ScopeVillage, v.Name, text, nil, at))
	}
	gs, err := tx.Grids(townID)
	if err != nil {
		return nil, err
	}
	for _, g := range gs {
		out = append(out, groupNotice(townID, key, gridbot.ScopeGrid, g.Name, text, nil, at))
	}
	return out, nil
}

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

// monthAnnouncements are the notices of a published month: the town's
// ranking to the town's group, each village's people to its group, each
// grid's members to its group, with the stars @-ed.
func monthAnnouncements(townID int64, rk *present.Ranking, at time.Time) []gridbot.Notice {
	key := "publish:" + rk.Month
	out := []gridbot.Notice{groupNotice(townID, key, gridbot.ScopeTown, "", present.Announcement(rk), rk.Stars(rk.Rows), at)}
	for _, v := range rk.Villages() {
		out = append(out, groupNotice(townID, key, gridbot.ScopeVillage, v, present.VillageAnnouncement(rk, v), rk.Stars(rk.Where(v, "")), at))
	}
	for _, g := range rk.Grids() {
		out = append(out, groupNotice(townID, key, gridbot.ScopeGrid, g, present.GridAnnouncement(rk, g), rk.Stars(rk.Where("", g)), at))
	}
	return out
}

// checkMonth refuses a month that cannot be published as at at: not over,
// published already, or without a single record.
func checkMonth(tx gridbot.Tx, townID int64, month string, at time.Time) error {
	_, to, err := scoring.MonthBounds(month)
	if err != nil {
		return err
	}
	if pub, err := isPublished(tx, townID, KindMonth, month); err != nil {
		return err
	} else if pub {
		return gridbot.Errorf(gridbot.ECONFLICT, "%s 已发布，结果已冻结。如需更正：撤销发布 %s <理由>，或在本月用「调整」。", month, month)
	}
	if ok, err := results.RecordsIn(tx, townID, month); err != nil {
		return err
	} else if !ok {
		return gridbot.Errorf(gridbot.EINVALID, "%s 本镇没有任何记录（打卡、活动、问题……），不能发布：发布会给每个人记上全月未打卡和网格的扣分。请先导入该月的打卡记录（gridbot import checkins）。", month)
	}
	if !at.IsZero() && at.Before(to) { // zero: the preview, which may look at a running month
		return gridbot.Errorf(gridbot.EINVALID, "%s 尚未结束（%s 起才能发布）。", month, to.Format("2006-01-02 15:04"))
	}
	return nil
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
		if _, to, _ := scoring.MonthBounds(period); at.Before(to) {
			warnings = append([]string{fmt.Sprintf("%s 尚未结束，以下是截至现在的结果；%s 起才能确认发布。", period, to.Format("2006-01-02 15:04"))}, warnings...)
		}
		n, err := robots(tx, townID)
		if err != nil {
			return nil, err
		}
		return &Outcome{Text: present.Preview(rk, warnings, n)}, nil
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
		return &Outcome{Text: b.String()}, nil
	}
	return nil, badPeriod(period)
}

func badPeriod(period string) error {
	return gridbot.Errorf(gridbot.EINVALID, "「%s」不是月份、季度或年份。请写 2026-10、2026Q4 或 2026。", period)
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

// checkPeriod refuses a quarter or a year that cannot be published as at
// at: not over, published already, without records, or with a month that
// has records and is not published yet (a quarter's payouts are its
// months' published rankings). Months before the town's first record and
// months without records are left out. It returns a note of the months used.
func checkPeriod(tx gridbot.Tx, townID int64, kind, period string, at time.Time) (string, error) {
	months, to, err := monthsOf(kind, period)
	if err != nil {
		return "", err
	}
	if pub, err := isPublished(tx, townID, kind, period); err != nil {
		return "", err
	} else if pub {
		return "", gridbot.Errorf(gridbot.ECONFLICT, "%s 已发布。如需更正：撤销发布 %s <理由>。", period, period)
	}
	if at.Before(to) {
		return "", gridbot.Errorf(gridbot.EINVALID, "%s 尚未结束（%s 起才能发布）。", period, to.Format("2006-01-02 15:04"))
	}
	var used, missing []string
	for _, m := range months {
		ok, err := results.RecordsIn(tx, townID, m)
		if err != nil {
			return "", err
		}
		if !ok {
			continue
		}
		used = append(used, m)
		if pub, err := isPublished(tx, townID, KindMonth, m); err != nil {
			return "", err
		} else if !pub {
			missing = append(missing, m)
		}
	}
	if len(used) == 0 {
		return "", gridbot.Errorf(gridbot.EINVALID, "%s 本镇没有任何记录，不能发布。", period)
	}
	if len(missing) > 0 {
		return "", gridbot.Errorf(gridbot.EINVALID, "%s 还有月份未发布：%s。请先逐月发布（发布 %s）。", period, strings.Join(missing, "、"), missing[0])
	}
	return fmt.Sprintf("\n计入的月份：%s（没有记录的月份不计入）。", strings.Join(used, "、")), nil
}

// Publish is 确认发布 and gridbot publish: it freezes the period, writes
// the audit log and returns the announcements to queue.
func Publish(tx gridbot.Tx, townID int64, rules *scoring.Rules, period, by string, at time.Time) (*Outcome, error) {
	kind := KindOf(period)
	var out Outcome
	var detail string
	switch kind {
	case KindMonth:
		if err := checkMonth(tx, townID, period, at); err != nil {
			return nil, err
		}
		res, err := results.PublishMonth(tx, townID, rules, period, at)
		if err != nil {
			return nil, err
		}
		rk := present.MonthRanking(res, rules, true)
		out.Text = present.Announcement(rk)
		out.Notices = monthAnnouncements(townID, rk, at)
		detail = fmt.Sprintf("%d 人，%d 人获奖，奖励合计 %d 元，取消排名 %d 人", len(res.Members), len(rk.Payouts), rk.TotalYuan, len(rk.Excluded()))
	case KindQuarter, KindYear:
		if _, err := checkPeriod(tx, townID, kind, period, at); err != nil {
			return nil, err
		}
		text, res, err := periodResult(tx, townID, rules, kind, period, at)
		if err != nil {
			return nil, err
		}
		data, err := json.Marshal(res)
		if err != nil {
			return nil, err
		}
		if err := tx.SavePublished(townID, kind, period, data, at); err != nil {
			return nil, err
		}
		out.Text = text
		out.Notices = []gridbot.Notice{groupNotice(townID, "publish:"+period, gridbot.ScopeTown, "", text, nil, at)}
		if q, ok := res.(*scoring.QuarterResult); ok {
			for _, t := range q.Teams {
				out.Notices = append(out.Notices, groupNotice(townID, "publish:"+period, gridbot.ScopeGrid, t.Grid, present.TeamAnnouncement(q, t.Grid), nil, at))
			}
			detail = fmt.Sprintf("%d 个团队，奖励合计 %d 元", len(q.Teams), q.TotalYuan)
		}
	default:
		return nil, badPeriod(period)
	}
	err := tx.AddAudit(&gridbot.AuditEntry{TownID: townID, At: at, By: by, Action: gridbot.AuditPublish, Ref: period, Detail: detail})
	return &out, err
}

// Unpublish is 撤销发布 and gridbot unpublish: it removes the frozen
// result (the audit log keeps its summary and the reason) and returns the
// correction notice to every group. A month inside a published quarter or
// year, or a quarter inside a published year, is refused: that must be
// unpublished first.
func Unpublish(tx gridbot.Tx, townID int64, period, reason, by string, at time.Time) (*Outcome, error) {
	kind := KindOf(period)
	if kind == "" {
		return nil, badPeriod(period)
	}
	if strings.TrimSpace(reason) == "" {
		return nil, gridbot.Errorf(gridbot.EINVALID, "撤销发布须写明理由，例如：撤销发布 %s 漏导入打卡记录", period)
	}
	var above []string
	switch kind {
	case KindMonth:
		above = []string{quarterOf(period), yearOf(period)}
	case KindQuarter:
		above = []string{yearOf(period)}
	}
	for _, p := range above {
		if pub, err := isPublished(tx, townID, KindOf(p), p); err != nil {
			return nil, err
		} else if pub {
			return nil, gridbot.Errorf(gridbot.ECONFLICT, "%s 包含在已发布的 %s 中，请先撤销发布 %s（撤销发布 %s <理由>），再撤销 %s。", period, p, p, p, period)
		}
	}
	data, err := tx.Published(townID, kind, period)
	if gridbot.ErrorCode(err) == gridbot.ENOTFOUND {
		return nil, gridbot.Errorf(gridbot.ENOTFOUND, "%s 尚未发布，无需撤销。", period)
	} else if err != nil {
		return nil, err
	}
	if err := tx.DeletePublished(townID, kind, period); err != nil {
		return nil, err
	}
	if err := tx.AddAudit(&gridbot.AuditEntry{TownID: townID, At: at, By: by, Action: gridbot.AuditUnpublish, Ref: period,
		Reason: reason, Detail: summary(kind, data)}); err != nil {
		return nil, err
	}
	what := map[string]string{KindMonth: "排名", KindQuarter: "季度考核结果", KindYear: "年度评比结果"}[kind]
	text := present.Correction(period, what, reason)
	notices, err := everyGroup(tx, townID, "unpublish:"+period, text, at)
	if err != nil {
		return nil, err
	}
	return &Outcome{Text: fmt.Sprintf("%s 已撤销发布，结果恢复为实时计算；已通知各群：%s\n更正后请重新「发布 %s」预览并「确认发布 %s」。", period, text, period, period), Notices: notices}, nil
}
