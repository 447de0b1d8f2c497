package handlers

import (
	"fmt"
	"strings"
	"time"

	"gridbot"
	"gridbot/present"
)

// maxListed bounds the open issues listed in one reply.
const maxListed = 20

// runIssues is 问题: the open issues of the sender's grid (the whole town for
// the office) with their deadlines, or one issue's history.
func runIssues(c *Ctx) (*Reply, error) {
	if len(c.Call.Words) > 0 {
		return issueHistory(c)
	}
	gridID, title := c.Sender.GridID, c.Sender.Grid
	if c.Sender.Role == gridbot.RoleOffice {
		gridID, title = 0, "全镇"
	} else if gridID == 0 {
		return nil, gridbot.Errorf(gridbot.EFORBIDDEN, "你目前不属于任何网格，没有可查看的问题。请联系党建办核对花名册。")
	}
	open, err := c.Tx.OpenIssues(c.TownID, gridID)
	if err != nil {
		return nil, err
	}
	if len(open) == 0 {
		return text("%s目前没有未办结的问题。", title), nil
	}
	var assignees []string
	for _, i := range open[:min(len(open), maxListed)] {
		if i.Dispatched() {
			assignees = append(assignees, i.Assignee)
		}
	}
	if err := c.knowNames(assignees); err != nil {
		return nil, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s未办结的问题 %d 个：", title, len(open))
	for n, i := range open {
		if n == maxListed {
			fmt.Fprintf(&b, "\n……另有 %d 个，发送「问题 #号」查看某一个。", len(open)-maxListed)
			break
		}
		fmt.Fprintf(&b, "\n· 问题#%d %s —— %s", i.No, short(i.Description, 20), c.issueState(i))
		if gridID == 0 {
			if g, err := c.Grid(i.GridID); err == nil {
				fmt.Fprintf(&b, "（%s）", g.Name)
			}
		}
	}
	return text("%s", b.String()), nil
}

// issueState says where an open issue stands and what is due next.
func (c *Ctx) issueState(i gridbot.Issue) string {
	if !i.Dispatched() {
		due := c.Rules.DispatchDeadline(i.ReportedAt)
		if c.Now.After(due) {
			return fmt.Sprintf("待派发，已超过派发时限 %s（应于 %s 前）", present.Span(c.Now.Sub(due)), present.When(due))
		}
		return fmt.Sprintf("待派发，请于 %s 前派发", present.When(due))
	}
	due := c.Rules.CloseDeadline(i.ReportedAt)
	state := fmt.Sprintf("已派发给 %s，请于 %s 前办结", c.nameOf(i.Assignee), present.When(due))
	if c.Now.After(due) {
		state = fmt.Sprintf("已派发给 %s，已超过办结时限 %s", c.nameOf(i.Assignee), present.Span(c.Now.Sub(due)))
	}
	return state
}

// issueHistory is 问题 #N: one issue from report to rating.
func issueHistory(c *Ctx) (*Reply, error) {
	i, _, err := c.issue()
	if err != nil {
		return nil, err
	}
	g, err := c.Grid(i.GridID)
	if err != nil {
		return nil, err
	}
	if c.Sender.Role != gridbot.RoleOffice && c.Sender.GridID != i.GridID {
		return nil, gridbot.Errorf(gridbot.EFORBIDDEN, "问题#%d 属于%s，只有该网格的成员或党建办可以查看。", i.No, g.Name)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "问题#%d（%s）：%s", i.No, g.Name, i.Description)
	fmt.Fprintf(&b, "\n· %s %s 上报", present.When(i.ReportedAt), c.nameOf(i.ReportedBy))
	if err := c.imageCount(&b, gridbot.KindIssue, i.No); err != nil {
		return nil, err
	}
	if i.Dispatched() {
		if err := c.dispatchHistory(&b, i); err != nil {
			return nil, err
		}
	}
	if i.Closed() {
		fmt.Fprintf(&b, "\n· %s %s 办结：%s", present.When(i.ClosedAt), c.nameOf(i.ClosedBy), i.Result)
	}
	if i.Rating != "" {
		fmt.Fprintf(&b, "\n· %s 村民评价：%s（评价人：%s）", present.When(i.RatedAt), i.Rating, c.nameOf(i.RatedBy))
	}
	if i.Withdrawn() {
		fmt.Fprintf(&b, "\n· %s %s 撤回：%s\n现在：已撤回，不再办理，不计分。", present.When(i.WithdrawnAt), c.nameOf(i.WithdrawnBy), i.WithdrawReason)
		return text("%s", b.String()), nil
	}
	switch {
	case !i.Closed():
		fmt.Fprintf(&b, "\n现在：%s", c.issueState(i))
	case i.Rating == "":
		fmt.Fprintf(&b, "\n现在：待评价，请发送：评价 #%d 满意 / 基本满意 / 不满意", i.No)
	}
	return text("%s", b.String()), nil
}

// short cuts s to n characters.
func short(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// dispatchHistory writes an issue's dispatch and its reassignments (改派,
// from the audit log since the dispatch): the first assignee is the one the
// first reassignment moved it from.
func (c *Ctx) dispatchHistory(b *strings.Builder, i gridbot.Issue) error {
	log, err := c.Tx.AuditLog(c.TownID, i.DispatchedAt, time.Time{})
	if err != nil {
		return err
	}
	ref := gridbot.RecordRef(gridbot.KindIssue, i.No)
	var moves []gridbot.AuditEntry
	for _, e := range log {
		if e.Action == gridbot.AuditReassign && e.Ref == ref {
			moves = append(moves, e)
		}
	}
	first := c.nameOf(i.Assignee)
	if len(moves) > 0 {
		first, _, _ = strings.Cut(moves[0].Detail, "(")
	}
	fmt.Fprintf(b, "\n· %s %s 派发给 %s", present.When(i.DispatchedAt), c.nameOf(i.DispatchedBy), first)
	for _, e := range moves {
		_, to, _ := strings.Cut(e.Detail, "→ ")
		to, _, _ = strings.Cut(to, "(")
		fmt.Fprintf(b, "\n· %s %s 改派给 %s", present.When(e.At), c.nameOf(e.By), to)
		if e.Reason != "" {
			fmt.Fprintf(b, "（%s）", e.Reason)
		}
	}
	return nil
}
