package handlers

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"gridbot"
	"gridbot/present"
	"gridbot/results"
	"gridbot/scoring"
)

var (
	monthDash = regexp.MustCompile(`^(\d{4})[-/.](\d{1,2})$`)
	monthCJK  = regexp.MustCompile(`^(?:(\d{4})年)?(\d{1,2})月份?$`)
)

// parseMonth reads a month as members write it: 2026-10, 2026/10, 2026年10月,
// 10月 (the latest October up to now), 本月, 上月.
func parseMonth(w string, now time.Time) (string, bool) {
	now = now.In(gridbot.Zone)
	switch w {
	case "本月", "这个月", "当月":
		return gridbot.Month(now), true
	case "上月", "上个月":
		return gridbot.Month(time.Date(now.Year(), now.Month()-1, 1, 0, 0, 0, 0, gridbot.Zone)), true
	}
	var y, m int
	if s := monthDash.FindStringSubmatch(w); s != nil {
		y, _ = strconv.Atoi(s[1])
		m, _ = strconv.Atoi(s[2])
	} else if s := monthCJK.FindStringSubmatch(w); s != nil {
		m, _ = strconv.Atoi(s[2])
		if s[1] != "" {
			y, _ = strconv.Atoi(s[1])
		} else if y = now.Year(); m > int(now.Month()) {
			y--
		}
	} else {
		return "", false
	}
	if m < 1 || m > 12 || y < 2000 {
		return "", false
	}
	return fmt.Sprintf("%04d-%02d", y, m), true
}

// month reads the optional month argument of 积分 and 排行; the current month
// when there is none.
func (c *Ctx) month() (string, error) {
	switch len(c.Call.Words) {
	case 0:
		return gridbot.Month(c.Now), nil
	case 1:
		if m, ok := parseMonth(c.Call.Words[0], c.Now); ok {
			return m, nil
		}
		return "", c.usage("「%s」不是月份。月份写 2026-10、2026年10月、10月、本月 或 上月。", c.Call.Raw[0])
	}
	return "", c.usage("多了「%s」。", c.Call.Text(1))
}

// notStarted refuses a month that has not begun.
func (c *Ctx) notStarted(month string) error {
	if from, _, _ := scoring.MonthBounds(month); c.Now.Before(from) {
		return gridbot.Errorf(gridbot.EINVALID, "%s 还没有开始。发送「%s」查看本月。", month, c.Call.Cmd.Name)
	}
	return nil
}

// runPoints is 积分: one member's itemized month.
func runPoints(c *Ctx) (*Reply, error) {
	month, err := c.month()
	if err != nil {
		return nil, err
	}
	target := c.Sender
	switch len(c.Call.Mentions) {
	case 0:
		if !c.Sender.Role.Ranked() {
			return nil, gridbot.Errorf(gridbot.EINVALID, "党建办人员不参与积分。查成员的积分请发送：积分 @成员")
		}
	case 1:
		people, err := c.mentioned(c.scope())
		if err != nil {
			return nil, err
		}
		target = people[0]
	default:
		return nil, c.usage("一次只能查一人的积分（现在 @ 了 %d 人）。", len(c.Call.Mentions))
	}
	switch {
	case target.UserID == c.Sender.UserID || c.Sender.Role == gridbot.RoleOffice:
	case c.Sender.Role == gridbot.RoleLeader && target.GridID == c.Sender.GridID:
	case c.Sender.Role == gridbot.RoleLeader:
		return nil, gridbot.Errorf(gridbot.EFORBIDDEN, "网格长只能查本网格成员的积分，%s 在%s。查自己的请发送：积分", target.Name, where(target))
	default:
		return nil, gridbot.Errorf(gridbot.EFORBIDDEN, "网格员只能查自己的积分，请发送：积分")
	}
	if !target.Role.Ranked() {
		return nil, gridbot.Errorf(gridbot.EINVALID, "%s 是%s人员，不参与积分。", target.Name, target.Role)
	}
	if err := c.notStarted(month); err != nil {
		return nil, err
	}
	if ok, err := results.Started(c.Tx, c.TownID, month, c.Now); err != nil || !ok {
		return notStarted(month), err
	}
	// The member's items are exact as at now; their place is among the
	// others' points of the board's results (at most its TTL old).
	m, town, published, err := results.Member(c.Tx, c.Board, c.TownID, c.Rules, month, target.UserID, c.Now)
	if err != nil {
		return nil, err
	}
	if m == nil {
		return nil, gridbot.Errorf(gridbot.ENOTFOUND, "%s 在 %s 不在网格花名册中，没有积分。", target.Name, month)
	}
	return text("%s", present.MemberChat(*m, c.Rules, month, present.StandingOf(town, published), c.Now)), nil
}

// runRanking is 排行: the month's ranking, live until published.
func runRanking(c *Ctx) (*Reply, error) {
	if len(c.Call.Mentions) > 0 {
		return nil, c.usage("排行不用 @ 成员；查某人的积分请发送：积分 @成员")
	}
	month, err := c.month()
	if err != nil {
		return nil, err
	}
	if err := c.notStarted(month); err != nil {
		return nil, err
	}
	res, published, err := c.Board.Month(c.Tx, c.TownID, c.Rules, month, c.Now)
	if err != nil {
		return nil, err
	}
	if res.NotStarted {
		return notStarted(month), nil
	}
	return text("%s", present.RankingChat(present.MonthRanking(res, c.Rules, published))), nil
}
