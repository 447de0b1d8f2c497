package review

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"gridbot"
	"gridbot/present"
	"gridbot/scoring"
)

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
