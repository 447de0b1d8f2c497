package handlers

import (
	"fmt"

	"gridbot"
	"gridbot/notices"
	"gridbot/present"
)

// The issue loop: 上报 → 派发 (within 24 hours) → 办结 (generally within 7
// days) → 评价. Each step refuses when the issue is not in the state it needs.

// runReport is 上报: a new issue in the sender's grid.
func runReport(c *Ctx) (*Reply, error) {
	desc := c.Call.Full // a description may name people: keep their @
	if desc == "" {
		desc = c.Call.Text(0)
	}
	if desc == "" {
		return nil, c.usage("请写明问题的内容（地点、什么事）。")
	}
	g, err := c.senderGrid()
	if err != nil {
		return nil, err
	}
	i := &gridbot.Issue{TownID: c.TownID, GridID: g.ID, Description: desc, ReportedBy: c.Sender.UserID,
		ReportedAt: c.Now, Record: c.record()}
	if err := c.Tx.AddIssue(i); err != nil {
		return nil, err
	}
	// Its warnings and alerts commit with it (spec/notices.md).
	if err := notices.PlanIssue(c.Tx, c.Rules, *i); err != nil {
		return nil, err
	}
	o := c.Rules.Monthly.Overdue
	r := text("已登记 问题#%d（%s）：%s\n请网格长于 %s 前派发：派发 #%d @成员（超过 %d 小时未派发，全网格每人扣 %s 分）。",
		i.No, g.Name, desc, present.When(c.Rules.DispatchDeadline(i.ReportedAt)), i.No,
		o.DispatchHours, present.Deduction(o.DispatchPoints))
	r.Ref = gridbot.RecordRef(gridbot.KindIssue, i.No)
	return r, nil
}

// issue finds the issue the call refers to by its number.
func (c *Ctx) issue() (gridbot.Issue, int, error) {
	no, at, ok := findRef(c.Call.Words)
	if !ok {
		return gridbot.Issue{}, -1, c.usage("请写明问题编号，例如 #12。")
	}
	i, err := c.Tx.IssueByNo(c.TownID, no)
	if gridbot.ErrorCode(err) == gridbot.ENOTFOUND {
		return i, at, gridbot.Errorf(gridbot.ENOTFOUND, "没有 问题#%d。发送「问题」查看本网格未办结的问题。", no)
	}
	return i, at, err
}

// without returns the words other than the one at i.
func without(words []string, i int) []string {
	out := make([]string, 0, len(words))
	for j, w := range words {
		if j != i {
			out = append(out, w)
		}
	}
	return out
}

// assignee resolves the one member the call @-s to take issue i of grid g
// (who: how the reply names them; verb: 派发, 改派); they must be in g.
func (c *Ctx) assignee(i gridbot.Issue, g gridbot.Grid, who, verb string) (gridbot.Person, error) {
	if len(c.Call.Mentions) != 1 {
		return gridbot.Person{}, c.usage("请 @ 一名%s（现在 @ 了 %d 人）。", who, len(c.Call.Mentions))
	}
	sc, err := c.gridScope(i.GridID)
	if err != nil {
		return gridbot.Person{}, err
	}
	people, err := c.mentioned(sc)
	if err != nil {
		return gridbot.Person{}, err
	}
	a := people[0]
	if a.GridID != i.GridID {
		return a, gridbot.Errorf(gridbot.EINVALID, "%s(%s) 不是%s的成员。问题#%d 只能%s给%s的成员。", a.Name, where(a), g.Name, i.No, verb, g.Name)
	}
	return a, nil
}

// runDispatch is 派发: the grid's leader (or the office) hands an issue to a
// member of the issue's grid, once.
func runDispatch(c *Ctx) (*Reply, error) {
	i, _, g, err := c.leadersIssue("派发")
	if err != nil {
		return nil, err
	}
	if i.Closed() {
		return nil, gridbot.Errorf(gridbot.ECONFLICT, "问题#%d 已于 %s 办结，不能再派发。", i.No, present.When(i.ClosedAt))
	}
	if i.Dispatched() {
		return nil, gridbot.Errorf(gridbot.ECONFLICT, "问题#%d 已于 %s 派发给 %s，不能重复派发。", i.No, present.When(i.DispatchedAt), c.nameOf(i.Assignee))
	}
	a, err := c.assignee(i, g, "承办的成员", "派发")
	if err != nil {
		return nil, err
	}
	i.Assignee, i.DispatchedBy, i.DispatchedAt = a.UserID, c.Sender.UserID, c.Now
	if err := c.Tx.UpdateIssue(i); err != nil {
		return nil, err
	}
	took := c.Now.Sub(i.ReportedAt)
	timing := fmt.Sprintf("上报后 %s 派发，未超时", present.Span(took))
	if c.Now.After(c.Rules.DispatchLateDeadline(i.ReportedAt)) {
		timing = fmt.Sprintf("上报后 %s 才派发，已超过 %d 天", present.Span(took), c.Rules.Monthly.Overdue.DispatchLateDays)
	} else if c.Now.After(c.Rules.DispatchDeadline(i.ReportedAt)) {
		timing = fmt.Sprintf("上报后 %s 才派发，已超过 %d 小时", present.Span(took), c.Rules.Monthly.Overdue.DispatchHours)
	}
	due := c.Rules.CloseDeadline(i.ReportedAt)
	deadline := fmt.Sprintf("请于 %s 前办结", present.When(due))
	if c.Now.After(due) {
		deadline = fmt.Sprintf("%d 日办结时限（%s）已过，请尽快办结", c.Rules.Monthly.Overdue.CloseDays, present.When(due))
	}
	r := text("问题#%d 已派发给 %s（%s）。%s（一般 %d 日内办结），办结后发送：办结 #%d 办理结果",
		i.No, a.Name, timing, deadline, c.Rules.Monthly.Overdue.CloseDays, i.No)
	r.Mentions = []string{a.UserID}
	if a.UserID != c.Sender.UserID {
		// Keyed by the issue: an issue is dispatched once, so its notice is
		// queued once, whichever message or retry carries the 派发.
		r.Also = []gridbot.Notice{{TownID: c.TownID, Key: fmt.Sprintf("dispatch:%d", i.No), At: c.Now,
			To:   gridbot.ToPerson(a.UserID),
			Text: fmt.Sprintf("%s 把 问题#%d 派发给你：%s\n%s，办结后发送：办结 #%d 办理结果", c.Sender.Name, i.No, i.Description, deadline, i.No)}}
	}
	return r, nil
}

// nameOf returns the name of a user id, or the id when it is unknown.
func (c *Ctx) nameOf(userID string) string {
	if name, ok := c.names[userID]; ok {
		return name
	}
	p, err := c.Tx.PersonByUserID(c.TownID, userID)
	if err != nil {
		return userID
	}
	return p.Name
}

// knowNames looks the user ids up in one read, for nameOf: a list of
// issues names their assignees without a read each.
func (c *Ctx) knowNames(userIDs []string) error {
	ps, err := c.Tx.PeopleByUserIDs(c.TownID, userIDs)
	if err != nil {
		return err
	}
	if c.names == nil {
		c.names = make(map[string]string, len(ps))
	}
	for _, p := range ps {
		c.names[p.UserID] = p.Name
	}
	return nil
}

// runClose is 办结: the assignee or the grid's leader closes a dispatched issue.
func runClose(c *Ctx) (*Reply, error) {
	i, at, err := c.liveIssue()
	if err != nil {
		return nil, err
	}
	if c.Sender.UserID != i.Assignee && !c.isLeaderOf(i.GridID) {
		who := "承办人或该网格的网格长"
		if i.Assignee != "" {
			who = fmt.Sprintf("承办人 %s 或该网格的网格长", c.nameOf(i.Assignee))
		}
		return nil, gridbot.Errorf(gridbot.EFORBIDDEN, "问题#%d 只能由%s办结。", i.No, who)
	}
	if i.Closed() {
		return nil, gridbot.Errorf(gridbot.ECONFLICT, "问题#%d 已于 %s 办结，不能重复办结。", i.No, present.When(i.ClosedAt))
	}
	if !i.Dispatched() {
		return nil, gridbot.Errorf(gridbot.EINVALID, "问题#%d 还没有派发，不能办结。请网格长先派发：派发 #%d @成员", i.No, i.No)
	}
	c.Call.Raw = without(c.Call.Raw, at)
	result := c.Call.Text(0)
	if result == "" {
		return nil, c.usage("请写明办理结果。")
	}
	i.ClosedBy, i.ClosedAt, i.Result = c.Sender.UserID, c.Now, result
	if err := c.Tx.UpdateIssue(i); err != nil {
		return nil, err
	}
	target := c.Rules.CloseDeadline(i.ReportedAt)
	timing := fmt.Sprintf("上报后 %s 办结，在 %d 日内", present.Span(c.Now.Sub(i.ReportedAt)), c.Rules.Monthly.Overdue.CloseDays)
	if c.Now.After(target) {
		timing = fmt.Sprintf("上报后 %s 办结，超过了 %d 日的办结时限", present.Span(c.Now.Sub(i.ReportedAt)), c.Rules.Monthly.Overdue.CloseDays)
	}
	return text("问题#%d 已办结（%s）：%s\n请回访村民后发送：评价 #%d 满意 / 基本满意 / 不满意", i.No, timing, result, i.No), nil
}

// runRate is 评价: the villager's satisfaction with a closed issue, recorded
// once by a member of the issue's grid or the office.
func runRate(c *Ctx) (*Reply, error) {
	i, at, err := c.liveIssue()
	if err != nil {
		return nil, err
	}
	if c.Sender.Role != gridbot.RoleOffice && c.Sender.GridID != i.GridID {
		g, err := c.Grid(i.GridID)
		if err != nil {
			return nil, err
		}
		return nil, gridbot.Errorf(gridbot.EFORBIDDEN, "问题#%d 属于%s，只有该网格的成员或党建办可以评价。", i.No, g.Name)
	}
	words := without(c.Call.Words, at)
	if len(words) != 1 || !isRating(words[0]) {
		return nil, c.usage("评价只能是 满意、基本满意、不满意 之一。")
	}
	if !i.Closed() {
		return nil, gridbot.Errorf(gridbot.EINVALID, "问题#%d 还没有办结，办结后才能评价。承办人办结请发送：办结 #%d 办理结果", i.No, i.No)
	}
	if i.Rating != "" {
		return nil, gridbot.Errorf(gridbot.ECONFLICT, "问题#%d 已于 %s 评价为「%s」（评价人：%s），每个问题只评价一次。",
			i.No, present.When(i.RatedAt), i.Rating, c.nameOf(i.RatedBy))
	}
	if i.Assignee == c.Sender.UserID {
		return nil, gridbot.Errorf(gridbot.EFORBIDDEN, "承办人不能评价自己办理的问题，请由网格其他成员代村民评价。")
	}
	i.Rating, i.RatedBy, i.RatedAt = words[0], c.Sender.UserID, c.Now
	if err := c.Tx.UpdateIssue(i); err != nil {
		return nil, err
	}
	return text("问题#%d 的村民评价已记录：%s（评价人：%s）。问题闭环完成。", i.No, i.Rating, c.Sender.Name), nil
}

func isRating(w string) bool {
	for _, r := range gridbot.Ratings {
		if w == r {
			return true
		}
	}
	return false
}
