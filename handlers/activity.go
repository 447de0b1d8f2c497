package handlers

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"gridbot"
)

// category returns the activity category (R-ACT-CAT) a word names: the full
// name or a prefix of two characters or more ("宣传", "服务中心").
func category(word string) (string, bool) {
	if utf8.RuneCountInString(word) < 2 {
		return "", false
	}
	for _, c := range gridbot.ActivityCategories {
		if strings.HasPrefix(c, word) {
			return c, true
		}
	}
	return "", false
}

// gridMembers resolves the mentions as members of the sender's grid: the
// participants of an activity or a deliberation, the leader included first.
func (c *Ctx) gridMembers(g gridbot.Grid) ([]gridbot.Person, error) {
	people, err := c.mentioned(c.scope())
	if err != nil {
		return nil, err
	}
	var outside []string
	parts := []gridbot.Person{c.Sender}
	for _, p := range people {
		switch {
		case p.UserID == c.Sender.UserID:
		case p.GridID != g.ID:
			outside = append(outside, fmt.Sprintf("%s(%s)", p.Name, where(p)))
		default:
			parts = append(parts, p)
		}
	}
	if len(outside) > 0 {
		return nil, c.usage("%s 不是%s的成员，只能记录本网格成员参加。请去掉他们再发送。", strings.Join(outside, "、"), g.Name)
	}
	return parts, nil
}

func userIDs(ps []gridbot.Person) []string {
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.UserID
	}
	return ids
}

// runActivity is 活动: a collective activity of the leader's grid.
func runActivity(c *Ctx) (*Reply, error) {
	if len(c.Call.Words) == 0 {
		return nil, c.usage("请写明活动类别和内容。")
	}
	cat, ok := category(c.Call.Words[0])
	if !ok {
		return nil, c.usage("「%s」不是活动类别。类别是：%s（也可只写前两个字）。", c.Call.Raw[0], strings.Join(gridbot.ActivityCategories, "、"))
	}
	content := c.Call.Text(1)
	if content == "" {
		return nil, c.usage("请写明活动内容。")
	}
	g, err := c.senderGrid()
	if err != nil {
		return nil, err
	}
	parts, err := c.gridMembers(g)
	if err != nil {
		return nil, err
	}
	if len(parts) < 2 {
		return nil, c.usage("集体活动须有网格长和至少一名本网格的其他成员参加，请 @ 参加的成员（至少一人）。")
	}
	a := &gridbot.Activity{TownID: c.TownID, GridID: g.ID, Category: cat, Content: content, Leader: c.Sender.UserID,
		Participants: userIDs(parts), At: c.Now, Record: c.record()}
	if err := c.Tx.AddActivity(a); err != nil {
		return nil, err
	}
	r := text("已记录 活动#%d（%s集体活动，%s）：%s。参加 %d 人：%s。", a.No, g.Name, cat, content, len(parts), names(parts))
	r.Ref = gridbot.RecordRef(gridbot.KindActivity, a.No)
	return r, nil
}
