package bot

import (
	"fmt"
	"strings"
	"time"

	"gridbot"
	"gridbot/handlers"
)

// render turns a reply into notices: the answer on the message's own reply
// channel (with the sender @-ed in a group), keyed by the message so that
// it is queued once whatever retries come, then the reply's other notices.
func render(m gridbot.Message, r *handlers.Reply) []gridbot.Notice {
	to := m.Reply
	to.Kind = gridbot.DestReply
	if to.Chat == "" {
		to.Chat = m.ChatID
	}
	if to.UserID == "" {
		to.UserID = m.SenderID
	}
	var mentions []string
	if m.ChatKind == gridbot.ChatGroup {
		mentions = append(mentions, m.SenderID)
	}
	for _, u := range r.Mentions {
		if u != m.SenderID || m.ChatKind != gridbot.ChatGroup {
			mentions = append(mentions, u)
		}
	}
	key := ""
	if m.MsgID != "" {
		key = "reply:" + m.Platform + ":" + m.MsgID
	}
	out := []gridbot.Notice{{TownID: m.TownID, Key: key, To: to, Text: r.Text, Mentions: mentions, At: m.At}}
	for _, n := range r.Also {
		if n.TownID == 0 {
			n.TownID = m.TownID
		}
		if n.At.IsZero() {
			n.At = m.At
		}
		out = append(out, n)
	}
	return out
}

// outbound is how the console shows notices: each addressed to a chat id.
func outbound(ns []gridbot.Notice) []gridbot.Outbound {
	if len(ns) == 0 {
		return nil
	}
	out := make([]gridbot.Outbound, len(ns))
	for i, n := range ns {
		out[i] = gridbot.Outbound{At: n.At, To: n.To.ChatID(), Text: n.Text, Mentions: n.Mentions, Markdown: n.Markdown}
	}
	return out
}

// limitedText is the answer to a member over GRIDBOT_USER_RATE (commands a
// minute per member of a town), in Chinese, with how long to wait.
func limitedText(rate int, wait time.Duration) string {
	secs := int(wait.Seconds() + 0.999)
	return fmt.Sprintf("你发送命令太频繁了：每人每分钟最多 %d 条。请 %d 秒后再发送，刚才这条没有处理。", rate, max(secs, 1))
}

// StripBotNames removes every "@name" (or "＠name") of the bot from text, so
// that "@网格助手 打卡" and "打卡 @网格助手" both read "打卡".
func StripBotNames(text string, names []string) string {
	for _, n := range names {
		if n == "" {
			continue
		}
		for _, mark := range []string{"@", "＠"} {
			text = strings.ReplaceAll(text, mark+n, " ")
		}
	}
	return strings.TrimSpace(text)
}
