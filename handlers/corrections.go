package handlers

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"gridbot"
	"gridbot/present"
	"gridbot/results"
)

// Corrections in chat (issue 12): the duplicate guard in front of every
// record-making command and its 确认, 撤回 (withdraw a record) and 改派
// (reassign an issue).

// dupWindow is how long the same text from the same sender is taken for a
// repeat, and how long a repeat waits for 确认.
const dupWindow = 10 * time.Minute

// withdrawWindow is how long whoever recorded something may withdraw it.
const withdrawWindow = 24 * time.Hour

// dupKey is what two messages must share to be "the same text": the command
// (whichever alias was typed), its words folded and the people named, so
// that spacing, full-width characters and trailing punctuation do not tell
// them apart.
func dupKey(call *Call) string {
	var b strings.Builder
	b.WriteString(call.Cmd.Name)
	for _, w := range call.Words {
		b.WriteByte(' ')
		b.WriteString(w)
	}
	for _, m := range call.Mentions {
		b.WriteByte(' ')
		b.WriteString(m.String())
	}
	return b.String()
}

// guarded runs a record-making command unless its sender recorded something
// with the same text within dupWindow: then it records nothing, keeps the
// message for 确认 and asks. A platform's retry of one message never gets
// here: the pipeline's claim of its id drops it first.
func (c *Ctx) guarded() (*Reply, error) {
	if c.Sender.UserID == gridbot.Villager {
		// Villagers share one reporter id and have no chat to answer
		// 「确认」 in; their page's form id already stops a double submit.
		return c.Call.Cmd.run(c)
	}
	key := dupKey(c.Call)
	ref, at, err := c.Tx.LastRecorded(c.TownID, c.Sender.UserID, key, c.Now.Add(-dupWindow))
	switch gridbot.ErrorCode(err) {
	case gridbot.ENOTFOUND:
		return c.makeRecord()
	case "":
	default:
		return nil, err
	}
	if err := c.Tx.SetPending(c.TownID, c.Sender.UserID, c.Call.Source, c.Now); err != nil {
		return nil, err
	}
	mins := int(c.Now.Sub(at) / time.Minute)
	if mins < 1 {
		mins = 1
	}
	r := text("你在 %d 分钟前发过同样的内容（已记录 %s）。如果这是一条新记录，请在 %d 分钟内回复「确认」。",
		mins, ref, int(dupWindow/time.Minute))
	if len(c.Msg.Images) > 0 {
		r.Text += "这条消息里的图片没有保存：确认记录后，请再发一次图片。"
	}
	return r, nil
}

// makeRecord runs the record-making command and remembers the record it
// made by its text, for the duplicate guard.
func (c *Ctx) makeRecord() (*Reply, error) {
	r, err := c.Call.Cmd.run(c)
	if err != nil || r.Ref == "" {
		return r, err
	}
	if err := c.Tx.NoteRecorded(c.TownID, c.Sender.UserID, c.Msg.ChatID, dupKey(c.Call), r.Ref, c.Now, c.Now.Add(-dupWindow)); err != nil {
		return nil, err
	}
	return c.withImages(r)
}

// runConfirmPending is 确认: records the sender's message the duplicate
// guard held back, if they sent it within dupWindow. It runs as it would
// have then, but as of now and as this message.
func runConfirmPending(c *Ctx) (*Reply, error) {
	src, _, err := c.Tx.TakePending(c.TownID, c.Sender.UserID, c.Now.Add(-dupWindow))
	if gridbot.ErrorCode(err) == gridbot.ENOTFOUND {
		return nil, gridbot.Errorf(gridbot.ENOTFOUND, "没有等待你确认的记录。只有 %d 分钟内重复发送同样的记录内容时，才需要回复「确认」；超过 %d 分钟请重新发送。",
			int(dupWindow/time.Minute), int(dupWindow/time.Minute))
	} else if err != nil {
		return nil, err
	}
	call, err := c.Registry.Parse(src)
	if err != nil {
		return nil, err
	}
	if err := Authorize(call.Cmd, c.Sender); err != nil {
		return nil, err
	}
	held := *c
	held.Call, held.grids = call, nil
	return held.makeRecord()
}

// recordRef reads a record's name from the words: "活动#7", "活动 #7",
// "问题12", and a bare "#12" for an issue. It returns the kind, the number
// and the index of the first word after it.
func recordRef(words []string) (kind string, no int64, next int, ok bool) {
	if len(words) == 0 {
		return "", 0, 0, false
	}
	w := strings.ReplaceAll(words[0], "＃", "#")
	for _, k := range gridbot.RecordKinds {
		rest, found := strings.CutPrefix(w, k.Name)
		if !found {
			continue
		}
		if rest == "" && len(words) > 1 {
			if n, ok := plainRef(words[1]); ok {
				return k.Kind, n, 2, true
			}
			return "", 0, 0, false
		}
		if n, ok := plainRef(rest); ok {
			return k.Kind, n, 1, true
		}
		return "", 0, 0, false
	}
	if strings.HasPrefix(w, "#") {
		if n, ok := plainRef(w); ok {
			return gridbot.KindIssue, n, 1, true
		}
	}
	return "", 0, 0, false
}

// plainRef reads "#12", "12" or "12号".
func plainRef(w string) (int64, bool) {
	w = strings.TrimSuffix(strings.TrimPrefix(w, "#"), "号")
	if w == "" || len(w) > 9 || w[0] < '0' || w[0] > '9' {
		return 0, false
	}
	n, err := strconv.ParseInt(w, 10, 64)
	return n, err == nil && n > 0
}

// runWithdraw is 撤回: a record no longer counts. Whoever recorded it may
// withdraw it within withdrawWindow, the office at any time; a record of a
// published month is corrected by 调整 instead, and an issue only while it
// is not dispatched. The record stays stored with who, when and why, the
// audit log keeps it, and the record's group is told.
func runWithdraw(c *Ctx) (*Reply, error) {
	kind, no, next, ok := recordRef(c.Call.Words)
	if !ok {
		return nil, c.usage("请写明要撤回的记录编号，例如 活动#7、问题#12、调整#5。")
	}
	reason := c.Call.Text(next)
	if reason == "" {
		return nil, c.usage("请写明撤回的理由。")
	}
	r, err := c.Tx.RecordByNo(c.TownID, kind, no)
	if err != nil {
		return nil, err
	}
	ref := r.Ref()
	if r.Withdrawn() {
		return nil, gridbot.Errorf(gridbot.ECONFLICT, "%s 已于 %s 由 %s 撤回（理由：%s），无需再撤回。",
			ref, present.When(r.WithdrawnAt), c.nameOf(r.WithdrawnBy), r.WithdrawReason)
	}
	if c.Sender.Role != gridbot.RoleOffice {
		if r.RecordedBy != c.Sender.UserID {
			return nil, gridbot.Errorf(gridbot.EFORBIDDEN, "%s 是 %s 记录的，只有记录人（24 小时内）或党建办可以撤回。请联系党建办。",
				ref, c.nameOf(r.RecordedBy))
		}
		if c.Now.Sub(r.RecordedAt) > withdrawWindow {
			return nil, gridbot.Errorf(gridbot.EFORBIDDEN, "%s 记录于 %s，已超过 24 小时，记录人不能再撤回。请联系党建办撤回。",
				ref, present.When(r.RecordedAt))
		}
	}
	if kind == gridbot.KindIssue && r.Dispatched {
		return nil, gridbot.Errorf(gridbot.ECONFLICT, "%s 已经派发，不能撤回。派错了人请网格长「改派 #%d @成员」；不需办理的，请承办人「办结 #%d 说明情况」。",
			ref, no, no)
	}
	month := gridbot.Month(r.At)
	_, err = c.Tx.Published(c.TownID, results.KindMonth, month)
	switch gridbot.ErrorCode(err) {
	case "":
		return nil, gridbot.Errorf(gridbot.ECONFLICT, "%s 是 %s 的记录，该月结果已公布冻结，不能撤回。如需更正，请党建办在本月用：调整 @成员 <+N|-N> 更正 %s %s",
			ref, month, ref, reason)
	case gridbot.ENOTFOUND:
	default:
		return nil, err
	}
	w := gridbot.Withdrawal{WithdrawnBy: c.Sender.UserID, WithdrawnAt: c.Now, WithdrawReason: reason}
	if err := c.Tx.Withdraw(c.TownID, kind, no, w); err != nil {
		return nil, err
	}
	what, err := c.describe(r)
	if err != nil {
		return nil, err
	}
	if err := c.Tx.AddAudit(&gridbot.AuditEntry{TownID: c.TownID, At: c.Now, By: c.Sender.UserID, Action: gridbot.AuditWithdraw,
		Ref: ref, Reason: reason, Detail: fmt.Sprintf("%s；%s 记录于 %s", what, c.nameOf(r.RecordedBy), present.When(r.RecordedAt))}); err != nil {
		return nil, err
	}
	reply := text("已撤回 %s（%s），理由：%s。记录保留备查，不再计分。", ref, what, reason)
	if to, ok := c.recordGroup(r); ok {
		reply.Also = []gridbot.Notice{{TownID: c.TownID, Key: "withdraw:" + kind + ":" + strconv.FormatInt(no, 10), At: c.Now, To: to,
			Text: fmt.Sprintf("%s 撤回了 %s（%s），理由：%s。该记录不再计分。", c.Sender.Name, ref, what, reason)}}
	}
	return reply, nil
}

// describe says in a few words what a record is: "滨海村一网格 入户宣传", "王海 +2 分".
func (c *Ctx) describe(r gridbot.RecordInfo) (string, error) {
	about := short(r.Summary, 20)
	switch {
	case r.GridID != 0:
		g, err := c.Grid(r.GridID)
		if err != nil {
			return "", err
		}
		return g.Name + " " + about, nil
	case r.Kind == gridbot.KindPhoto:
		return "采用 " + r.Summary + " 张", nil
	case r.Kind == gridbot.KindAdjustment:
		return c.nameOf(r.UserID) + " " + about, nil
	}
	return about, nil
}

// recordGroup is where a withdrawal is announced: the grid's group for a
// grid's record, the village's for a story, the member for an adjustment,
// the town's group for the office's publicity and photos.
func (c *Ctx) recordGroup(r gridbot.RecordInfo) (gridbot.Destination, bool) {
	switch {
	case r.GridID != 0:
		g, err := c.Grid(r.GridID)
		if err != nil {
			return gridbot.Destination{}, false
		}
		return gridbot.Destination{Kind: gridbot.DestGroup, Scope: gridbot.ScopeGrid, Name: g.Name}, true
	case r.Kind == gridbot.KindStory:
		vs, err := c.Tx.Villages(c.TownID)
		if err != nil {
			return gridbot.Destination{}, false
		}
		for _, v := range vs {
			if v.ID == r.VillageID {
				return gridbot.Destination{Kind: gridbot.DestGroup, Scope: gridbot.ScopeVillage, Name: v.Name}, true
			}
		}
		return gridbot.Destination{}, false
	case r.Kind == gridbot.KindAdjustment:
		if r.UserID == c.Sender.UserID {
			return gridbot.Destination{}, false
		}
		return gridbot.ToPerson(r.UserID), true
	}
	return gridbot.Destination{Kind: gridbot.DestGroup, Scope: gridbot.ScopeTown}, true
}

// liveIssue is issue, refusing an issue that was withdrawn.
func (c *Ctx) liveIssue() (gridbot.Issue, int, error) {
	i, at, err := c.issue()
	if err == nil && i.Withdrawn() {
		return i, at, gridbot.Errorf(gridbot.ECONFLICT, "问题#%d 已于 %s 由 %s 撤回（理由：%s），不再办理。",
			i.No, present.When(i.WithdrawnAt), c.nameOf(i.WithdrawnBy), i.WithdrawReason)
	}
	return i, at, err
}

// leadersIssue loads the live issue the call names for what only its grid's
// leader or the office may do (verb: 派发, 改派), with the index of the
// "#N" word among the call's words and the issue's grid.
func (c *Ctx) leadersIssue(verb string) (gridbot.Issue, int, gridbot.Grid, error) {
	i, at, err := c.liveIssue()
	if err != nil {
		return i, at, gridbot.Grid{}, err
	}
	g, err := c.Grid(i.GridID)
	if err != nil {
		return i, at, g, err
	}
	if c.Sender.Role == gridbot.RoleLeader && !c.isLeaderOf(i.GridID) {
		return i, at, g, gridbot.Errorf(gridbot.EFORBIDDEN, "问题#%d 属于%s，只有该网格的网格长或党建办可以%s。", i.No, g.Name, verb)
	}
	return i, at, g, nil
}

// runReassign is 改派: the grid's leader or the office moves a dispatched,
// open issue to another member of its grid. Its deadlines stay those of its
// report; both people are told, and the audit log keeps it.
func runReassign(c *Ctx) (*Reply, error) {
	i, at, g, err := c.leadersIssue("改派")
	if err != nil {
		return nil, err
	}
	if i.Closed() {
		return nil, gridbot.Errorf(gridbot.ECONFLICT, "问题#%d 已于 %s 办结，不能再改派。", i.No, present.When(i.ClosedAt))
	}
	if !i.Dispatched() {
		return nil, gridbot.Errorf(gridbot.EINVALID, "问题#%d 还没有派发，请直接派发：派发 #%d @成员", i.No, i.No)
	}
	a, err := c.assignee(i, g, "新的承办成员", "改派")
	if err != nil {
		return nil, err
	}
	if a.UserID == i.Assignee {
		return nil, gridbot.Errorf(gridbot.EINVALID, "问题#%d 的承办人已经是 %s，无需改派。", i.No, a.Name)
	}
	c.Call.Raw = without(c.Call.Raw, at)
	reason := c.Call.Text(0)
	old := i.Assignee
	oldName := c.nameOf(old)
	i.Assignee = a.UserID
	if err := c.Tx.UpdateIssue(i); err != nil {
		return nil, err
	}
	e := &gridbot.AuditEntry{TownID: c.TownID, At: c.Now, By: c.Sender.UserID, Action: gridbot.AuditReassign,
		Ref: gridbot.RecordRef(gridbot.KindIssue, i.No), Reason: reason,
		Detail: fmt.Sprintf("%s(%s) → %s(%s)", oldName, old, a.Name, a.UserID)}
	if err := c.Tx.AddAudit(e); err != nil {
		return nil, err
	}
	due := c.Rules.CloseDeadline(i.ReportedAt)
	deadline := fmt.Sprintf("办结时限不变：%s 前", present.When(due))
	if c.Now.After(due) {
		deadline = fmt.Sprintf("%d 日办结时限（%s）已过，请尽快办结", c.Rules.Monthly.Overdue.CloseDays, present.When(due))
	}
	why := ""
	if reason != "" {
		why = "，理由：" + reason
	}
	r := text("问题#%d 已由 %s 改派给 %s%s。%s，办结后发送：办结 #%d 办理结果", i.No, oldName, a.Name, why, deadline, i.No)
	r.Mentions = []string{a.UserID}
	key := fmt.Sprintf("reassign:%d:%d", i.No, e.ID)
	if a.UserID != c.Sender.UserID {
		r.Also = append(r.Also, gridbot.Notice{TownID: c.TownID, Key: key + ":to", At: c.Now, To: gridbot.ToPerson(a.UserID),
			Text: fmt.Sprintf("%s 把 问题#%d 改派给你（原承办人 %s%s）：%s\n%s，办结后发送：办结 #%d 办理结果",
				c.Sender.Name, i.No, oldName, why, i.Description, deadline, i.No)})
	}
	if old != "" && old != c.Sender.UserID {
		r.Also = append(r.Also, gridbot.Notice{TownID: c.TownID, Key: key + ":from", At: c.Now, To: gridbot.ToPerson(old),
			Text: fmt.Sprintf("%s 把 问题#%d（%s）改派给了 %s%s，你不再承办。", c.Sender.Name, i.No, short(i.Description, 20), a.Name, why)})
	}
	return r, nil
}
