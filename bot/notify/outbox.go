// Package outbox delivers the bot's pushes to group robots: WeCom group
// webhooks (消息推送) and DingTalk custom robots. Commands queue messages in
// their own transaction (Announce, Remind, Enqueue), so a push commits with
// the command that made it and nothing is lost when the process restarts or
// a platform is down; a Worker claims due jobs from the store, paces them to
// 20 a minute per robot, delivers them and retries failures with backoff.
package notify

import (
	"strings"
	"time"

	"gridbot"
)

// Message is what to push to a group: Markdown, Text, or both (the text
// after the markdown), and whom to @. Markdown cannot @ anybody on WeCom, so
// mentions ride on the text; with mentions and no text, MentionText is sent.
type Message struct {
	Markdown string
	Text     string
	Mentions []string // platform user ids; "@all" for everyone
}

// MentionText is the text sent beside a markdown message to @ people.
const MentionText = "请查看上方消息。"

// Enqueue queues msg in tx for every robot of the town's group (scope,
// name): one job per robot (a group may have a WeCom and a DingTalk robot).
// It returns how many were queued; 0 when the group has no robot, which is
// not an error: the caller says so. name is "" for ScopeTown.
func Enqueue(tx gridbot.Tx, townID int64, scope, name string, msg Message, at time.Time) (int, error) {
	if !gridbot.ValidScope(scope) {
		return 0, gridbot.Errorf(gridbot.EINVALID, "推送范围「%s」不对，应为 镇、村 或 网格。", scope)
	}
	if strings.TrimSpace(msg.Markdown) == "" && strings.TrimSpace(msg.Text) == "" {
		return 0, gridbot.Errorf(gridbot.EINVALID, "推送消息内容为空。")
	}
	hooks, err := tx.Webhooks(townID)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, h := range hooks {
		if h.Scope != scope || h.Name != name {
			continue
		}
		j := &gridbot.OutboundJob{TownID: townID, WebhookID: h.ID, Markdown: msg.Markdown, Text: msg.Text,
			Mentions: msg.Mentions, CreatedAt: at}
		if err := tx.EnqueueJob(j); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// Announce queues a markdown announcement to a group, with a short text
// @-ing mentions beside it when there are any. For the monthly ranking:
//
//	n, err := notify.Announce(tx, townID, gridbot.ScopeTown, "", present.Announcement(present.MonthRanking(res, rules, true)), nil, now)
func Announce(tx gridbot.Tx, townID int64, scope, name, markdown string, mentions []string, at time.Time) (int, error) {
	return Enqueue(tx, townID, scope, name, Message{Markdown: markdown, Mentions: mentions}, at)
}
