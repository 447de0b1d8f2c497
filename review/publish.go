package review

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"gridbot"
	"gridbot/present"
	"gridbot/results"
	"gridbot/scoring"
)

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
		out.Text, out.Ranking = present.Announcement(rk), rk
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
