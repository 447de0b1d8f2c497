package review

import (
	"strings"
	"time"
	"unicode/utf8"

	"gridbot"
	"gridbot/scoring"
)

// MaxReason is the longest reason for keeping a member out of a ranking, in
// characters: it is shown in the preview, 排行, the member's 积分 and the
// grid's announcement.
const MaxReason = 200

// Exclude is 取消排名, in chat and on the dashboard: the member is kept out of
// the month's ranking for reason (综合表现). Refused for a month that is
// published, a member who is not ranked anyway (the office), an empty or
// overlong reason, and a member excluded already; the audit log gets the
// entry in the same transaction.
func Exclude(tx gridbot.Tx, townID int64, month string, p gridbot.Person, reason, by string, at time.Time) error {
	if err := open(tx, townID, month, "取消排名"); err != nil {
		return err
	}
	if !p.Role.Ranked() {
		return gridbot.Errorf(gridbot.EINVALID, "%s 是%s人员，本来就不参加排名。", p.Name, p.Role)
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return gridbot.Errorf(gridbot.EINVALID, "请写明取消排名的理由（综合表现），例如：例会多次无故缺席。理由会显示在预览、排行和本人的积分里。")
	}
	if n := utf8.RuneCountInString(reason); n > MaxReason {
		return gridbot.Errorf(gridbot.EINVALID, "取消排名的理由最多 %d 个字（现在 %d 个字），请写简短些：它会显示在排行和网格群的公告里。", MaxReason, n)
	}
	err := tx.AddExclusion(gridbot.Exclusion{TownID: townID, Month: month, UserID: p.UserID, Reason: reason, By: by, At: at})
	if gridbot.ErrorCode(err) == gridbot.ECONFLICT {
		return gridbot.Errorf(gridbot.ECONFLICT, "%s 在 %s 已被取消排名。如需改理由，请先「恢复排名 @%s %s」。", p.Name, month, p.Name, month)
	} else if err != nil {
		return err
	}
	return tx.AddAudit(&gridbot.AuditEntry{TownID: townID, At: at, By: by, Action: gridbot.AuditExclude,
		Ref: p.UserID + " " + month, Reason: reason, Detail: p.Name})
}

// Restore is 恢复排名, in chat and on the dashboard: an exclusion undone,
// audit-logged; refused for a published month or a member not excluded.
func Restore(tx gridbot.Tx, townID int64, month string, p gridbot.Person, by string, at time.Time) error {
	if err := open(tx, townID, month, "恢复排名"); err != nil {
		return err
	}
	err := tx.DeleteExclusion(townID, month, p.UserID)
	if gridbot.ErrorCode(err) == gridbot.ENOTFOUND {
		return gridbot.Errorf(gridbot.ENOTFOUND, "%s 在 %s 没有被取消排名，无需恢复。", p.Name, month)
	} else if err != nil {
		return err
	}
	return tx.AddAudit(&gridbot.AuditEntry{TownID: townID, At: at, By: by, Action: gridbot.AuditRestore,
		Ref: p.UserID + " " + month, Detail: p.Name})
}

// open refuses changing the ranking of a published month.
func open(tx gridbot.Tx, townID int64, month, what string) error {
	if _, _, err := scoring.MonthBounds(month); err != nil {
		return err
	}
	if pub, err := isPublished(tx, townID, KindMonth, month); err != nil {
		return err
	} else if pub {
		return gridbot.Errorf(gridbot.ECONFLICT, "%s 已发布，排名已冻结，不能%s。如需更改，请先「撤销发布 %s <理由>」。", month, what, month)
	}
	return nil
}
