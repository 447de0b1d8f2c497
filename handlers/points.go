package handlers

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"gridbot"
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

// resultLabel says what results are: published, or live as at a time.
func resultLabel(published bool, at time.Time) string {
	if published {
		return "已公布"
	}
	return fmt.Sprintf("实时，截至 %s", fmtTime(at))
}

// tierLabel names a tier for members: "月度网格之星", "300元档".
func (c *Ctx) tierLabel(name string) string {
	for _, t := range c.Rules.Ranking.Tiers {
		if t.Name == name {
			return t.Label
		}
	}
	return ""
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
	// The member's items are exact as at now; their place is among the
	// others' points of the board's results (at most its TTL old).
	m, published, err := results.Member(c.Tx, c.Board, c.TownID, c.Rules, month, target.UserID, c.Now)
	if err != nil {
		return nil, err
	}
	if m == nil {
		return nil, gridbot.Errorf(gridbot.ENOTFOUND, "%s 在 %s 不在网格花名册中，没有积分。", target.Name, month)
	}
	return text("%s", c.renderMember(*m, month, resultLabel(published, c.Now))), nil
}

// renderMember writes a member's breakdown.
func (c *Ctx) renderMember(m scoring.MemberResult, month, label string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s（%s）%s 积分：%s 分，打卡 %d 天（%s）", m.Name, m.Grid, month, fmtNum(m.Total), m.CheckinDays, label)
	if len(m.Items) == 0 {
		b.WriteString("\n暂无加减分记录。")
	} else {
		b.WriteString("\n明细：")
	}
	for _, it := range m.Items {
		fmt.Fprintf(&b, "\n· %s %s", it.Name, fmtPoints(it.Points))
		var ref []string
		for _, s := range []string{it.Ref, it.Note, it.Date} {
			if s != "" {
				ref = append(ref, s)
			}
		}
		if len(ref) > 0 {
			fmt.Fprintf(&b, "（%s）", strings.Join(ref, "，"))
		}
	}
	r := c.Rules.Ranking
	switch {
	case m.Eligible && m.Rank != nil:
		fmt.Fprintf(&b, "\n名次：第 %d 名", *m.Rank)
		if m.Tie {
			b.WriteString("（并列）")
		}
		if t := c.tierLabel(m.Tier); t != "" {
			fmt.Fprintf(&b, "，%s，奖励 %d 元", t, m.RewardYuan)
		}
		b.WriteString("。")
	case m.Eligible:
		b.WriteString("\n已达到排名条件。")
	default:
		var miss []string
		if m.MissingDays > 0 {
			miss = append(miss, fmt.Sprintf("%d 天打卡", m.MissingDays))
		}
		if m.MissingPoints > 0 {
			miss = append(miss, fmt.Sprintf("%s 分", fmtNum(m.MissingPoints)))
		}
		fmt.Fprintf(&b, "\n暂未达到排名条件（积分 %s 分以上且打卡 %d 天以上）：还差 %s。", fmtNum(r.MinPoints), r.MinCheckinDays, strings.Join(miss, "、"))
	}
	return b.String()
}

// listed is how many places 排行 lists: the last tier's last place (50).
func (c *Ctx) listed() int {
	if n := len(c.Rules.Ranking.Tiers); n > 0 {
		return c.Rules.Ranking.Tiers[n-1].ToPlace
	}
	return 50
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
	var b strings.Builder
	fmt.Fprintf(&b, "%s 排行（%s）", month, resultLabel(published, res.AsAt))
	ranked, others := 0, 0
	for _, m := range sortedByRank(res.Members) {
		if m.Rank == nil {
			others++
			continue
		}
		if *m.Rank > c.listed() {
			continue
		}
		ranked++
		tie := ""
		if m.Tie {
			tie = "（并列）"
		}
		fmt.Fprintf(&b, "\n%d.%s %s（%s）%s 分，打卡 %d 天", *m.Rank, tie, m.Name, m.Grid, fmtNum(m.Total), m.CheckinDays)
		if t := c.tierLabel(m.Tier); t != "" {
			fmt.Fprintf(&b, " · %s", t)
		}
	}
	if ranked == 0 {
		b.WriteString("\n暂无人达到排名条件。")
	}
	if others > 0 {
		fmt.Fprintf(&b, "\n另有 %d 人暂未达到排名条件（积分 %s 分以上且打卡 %d 天以上）。发送「积分」查看自己还差多少。",
			others, fmtNum(c.Rules.Ranking.MinPoints), c.Rules.Ranking.MinCheckinDays)
	}
	return text("%s", b.String()), nil
}

// sortedByRank returns the ranked members by place, then name; the unranked after.
func sortedByRank(ms []scoring.MemberResult) []scoring.MemberResult {
	out := append([]scoring.MemberResult(nil), ms...)
	rank := func(m scoring.MemberResult) int {
		if m.Rank == nil {
			return 1 << 30
		}
		return *m.Rank
	}
	sort.SliceStable(out, func(i, j int) bool {
		if rank(out[i]) != rank(out[j]) {
			return rank(out[i]) < rank(out[j])
		}
		return out[i].UserID < out[j].UserID
	})
	return out
}
