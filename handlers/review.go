package handlers

import (
	"strings"

	"gridbot"
	"gridbot/review"
)

// The office's review-and-publish loop in chat: 发布 previews, 确认发布
// freezes and announces to every level's groups, 取消排名 and 恢复排名 keep a
// member out of a month's ranking (综合表现), 撤销发布 unfreezes with a
// correction notice. The work is review's, shared with the command line.

// period reads the period argument: a month as 积分 takes it (2026-10,
// 10月, 上月), a quarter (2026Q4) or a year (2026).
func (c *Ctx) period(w, raw string) (string, error) {
	if m, ok := parseMonth(w, c.Now); ok {
		return m, nil
	}
	if p := strings.ToUpper(w); review.KindOf(p) != "" {
		return p, nil
	}
	return "", c.usage("「%s」不是月份、季度或年份。请写 2026-10、2026Q4 或 2026。", raw)
}

// by is who the audit log names for this message.
func (c *Ctx) by() string { return c.Msg.SenderID }

// notices turns the loop's outcome into a reply with its group notices.
func outcome(o *review.Outcome) *Reply {
	return &Reply{Text: o.Text, Also: o.Notices}
}

// runPreview is 发布: what publishing would announce; nothing changes.
func runPreview(c *Ctx) (*Reply, error) {
	if len(c.Call.Words) != 1 || len(c.Call.Mentions) > 0 {
		return nil, c.usage("请写明要发布的月份、季度或年份。")
	}
	p, err := c.period(c.Call.Words[0], c.Call.Raw[0])
	if err != nil {
		return nil, err
	}
	o, err := review.Preview(c.Tx, c.TownID, c.Rules, p, c.Now)
	if err != nil {
		return nil, err
	}
	return text("%s", o.Text), nil
}

// runPublish is 确认发布: freeze and announce.
func runPublish(c *Ctx) (*Reply, error) {
	if len(c.Call.Words) != 1 || len(c.Call.Mentions) > 0 {
		return nil, c.usage("请写明要发布的月份、季度或年份（先发送「发布 <月份>」预览）。")
	}
	p, err := c.period(c.Call.Words[0], c.Call.Raw[0])
	if err != nil {
		return nil, err
	}
	o, err := review.Publish(c.Tx, c.TownID, c.Rules, p, c.by(), c.Now)
	if err != nil {
		return nil, err
	}
	r := outcome(o)
	r.Text = p + " 已发布并冻结，公告已发往镇、各村和各网格的群。\n\n" + o.Text
	return r, nil
}

// runUnpublish is 撤销发布 <期间> <理由>.
func runUnpublish(c *Ctx) (*Reply, error) {
	if len(c.Call.Words) < 2 || len(c.Call.Mentions) > 0 {
		return nil, c.usage("请写明要撤销发布的月份、季度或年份和理由。")
	}
	p, err := c.period(c.Call.Words[0], c.Call.Raw[0])
	if err != nil {
		return nil, err
	}
	o, err := review.Unpublish(c.Tx, c.TownID, p, c.Call.Text(1), c.by(), c.Now)
	if err != nil {
		return nil, err
	}
	return outcome(o), nil
}

// excludeArgs reads @成员 <YYYY-MM> of 取消排名 and 恢复排名.
func (c *Ctx) excludeArgs() (gridbot.Person, string, error) {
	if len(c.Call.Mentions) != 1 {
		return gridbot.Person{}, "", c.usage("请 @ 一名成员（现在 @ 了 %d 人）。", len(c.Call.Mentions))
	}
	if len(c.Call.Words) == 0 {
		return gridbot.Person{}, "", c.usage("请写明月份。")
	}
	month, ok := parseMonth(c.Call.Words[0], c.Now)
	if !ok {
		return gridbot.Person{}, "", c.usage("「%s」不是月份。月份写 2026-10、10月 或 上月。", c.Call.Raw[0])
	}
	people, err := c.mentioned(c.scope())
	if err != nil {
		return gridbot.Person{}, "", err
	}
	return people[0], month, nil
}

// runExclude is 取消排名 @成员 <YYYY-MM> <理由>.
func runExclude(c *Ctx) (*Reply, error) {
	p, month, err := c.excludeArgs()
	if err != nil {
		return nil, err
	}
	// The reason is checked by review.Exclude, as for the dashboard's button.
	reason := c.Call.Text(1)
	if err := review.Exclude(c.Tx, c.TownID, month, p, reason, c.by(), c.Now); err != nil {
		return nil, err
	}
	return text("已取消 %s(%s) %s 的排名：%s。其积分照常计算，排在其后的名次依次递补。撤销：恢复排名 @%s %s", p.Name, where(p), month, reason, p.Name, month), nil
}

// runRestore is 恢复排名 @成员 <YYYY-MM>.
func runRestore(c *Ctx) (*Reply, error) {
	p, month, err := c.excludeArgs()
	if err != nil {
		return nil, err
	}
	if err := review.Restore(c.Tx, c.TownID, month, p, c.by(), c.Now); err != nil {
		return nil, err
	}
	return text("已恢复 %s(%s) %s 的排名。", p.Name, where(p), month), nil
}

// notStarted is the answer about a month before the town's first record:
// it was never scored (results.Started).
func notStarted(month string) *Reply {
	return text("本镇 %s 尚未开始使用 gridbot（该月结束前没有任何记录），没有积分和排名。", month)
}
