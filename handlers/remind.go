package handlers

import (
	"fmt"
	"strings"

	"gridbot"
	"gridbot/present"
)

// runRemind is 提醒: without arguments, the sender's open deadlines and
// the reminders they get; 提醒 关 打卡 / 提醒 开 打卡 stores the switch of
// the daily check-in nudge.
func runRemind(c *Ctx) (*Reply, error) {
	words := c.Call.Words
	if len(words) > 0 {
		var off bool
		switch strings.ToLower(words[0]) {
		case "关", "关闭", "off", "停":
			off = true
		case "开", "打开", "开启", "on":
		default:
			return nil, c.usage("「%s」看不懂：请写 开 或 关。", words[0])
		}
		if len(words) > 2 || (len(words) == 2 && words[1] != "打卡") {
			return nil, c.usage("只有每天的打卡提醒可以开关（时限提醒和超时通知不能关闭）。")
		}
		if err := c.Tx.SetNoticeOff(c.TownID, c.Sender.UserID, gridbot.NoticeCheckinNudge, off, c.Now); err != nil {
			return nil, err
		}
		at := c.Rules.Notices.CheckinNudgeAt
		switch {
		case c.Sender.Role == gridbot.RoleOffice:
			return text("已记录。党建办人员本来就不收打卡提醒。"), nil
		case off:
			return text("已关闭每天 %s 的打卡提醒。要恢复请发送：提醒 开 打卡", at), nil
		}
		return text("已恢复打卡提醒：每天 %s 还没有打卡时提醒你。", at), nil
	}
	var b strings.Builder
	b.WriteString("【我的时限】")
	open, err := c.Tx.OpenIssues(c.TownID, 0)
	if err != nil {
		return nil, err
	}
	n := 0
	for _, i := range open {
		switch {
		case i.Assignee == c.Sender.UserID:
			fmt.Fprintf(&b, "\n· 问题#%d 请于 %s 前办结：%s", i.No, present.When(c.Rules.CloseDeadline(i.ReportedAt)), i.Description)
		case !i.Dispatched() && c.isLeaderOf(i.GridID):
			fmt.Fprintf(&b, "\n· 问题#%d 请于 %s 前派发：%s", i.No, present.When(c.Rules.DispatchDeadline(i.ReportedAt)), i.Description)
		default:
			continue
		}
		n++
	}
	if n == 0 {
		b.WriteString("\n没有要你派发或办结的问题。")
	}
	nt := c.Rules.Notices
	b.WriteString("\n【我会收到的提醒】")
	switch c.Sender.Role {
	case gridbot.RoleLeader:
		fmt.Fprintf(&b, "\n· 本网格问题的派发提醒（时限过半、过四分之三）和超时通知；办结提醒（过四分之三时）")
	case gridbot.RoleOffice:
		b.WriteString("\n· 各网格问题超时通知（无网格长的网格的提醒也发给党建办）；每月 " +
			fmt.Sprint(nt.MonthDraftDay) + " 日 " + nt.MonthDraftAt.String() + " 上月排名草稿")
	}
	if c.Sender.Role != gridbot.RoleOffice {
		b.WriteString("\n· 派发给你的问题的办结提醒和超时通知")
		b.WriteString("\n· 网格群：议事日前一天 " + nt.DeliberationEve.String() + " 和当天 " + nt.DeliberationDay.String() + " 的提醒，每周活动和问题数量不足的提醒")
		off, err := c.Tx.NoticesOff(c.TownID, gridbot.NoticeCheckinNudge)
		if err != nil {
			return nil, err
		}
		if off[c.Sender.UserID] {
			fmt.Fprintf(&b, "\n· 打卡提醒：已关闭（发送「提醒 开 打卡」恢复）")
		} else {
			fmt.Fprintf(&b, "\n· 打卡提醒：每天 %s 还没打卡时提醒（发送「提醒 关 打卡」关闭）", nt.CheckinNudgeAt)
		}
	}
	fmt.Fprintf(&b, "\n提醒不在 %s–%s 之间发送。", nt.QuietFrom, nt.QuietTo)
	return text("%s", b.String()), nil
}
