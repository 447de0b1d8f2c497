package notify

import (
	"encoding/json"
	"strings"
	"unicode/utf8"

	"gridbot"
	"gridbot/bot/dingtalk"
	"gridbot/bot/wecom"
)

// Parts returns the JSON bodies that deliver j to its robot, in order: the
// markdown cut at line boundaries, then the text cut the same way, the last
// text part carrying the mentions. They depend on the job alone, so a retry
// resumes at part j.Sent of the same list.
func Parts(j gridbot.OutboundJob) [][]byte {
	ding := j.Webhook.Platform == gridbot.PlatformDingTalk
	var parts [][]byte
	title := markdownTitle(j.Markdown)
	for _, p := range wecom.SplitMarkdown(j.Markdown, MaxMarkdownBytes) {
		if ding {
			parts = append(parts, dingtalk.MarkdownBody(title, p))
		} else {
			parts = append(parts, wecom.WebhookMarkdown(p))
		}
	}
	text := j.Text
	if strings.TrimSpace(text) == "" && len(j.Mentions) > 0 {
		text = MentionText
	}
	// DingTalk shows an @ only where the content names the person, so the
	// ids go into the last part's content: keep room for them.
	suffix := ""
	if ding && len(j.Mentions) > 0 {
		suffix = "\n" + dingMentions(j.Mentions)
	}
	texts := wecom.SplitMarkdown(text, MaxTextBytes-len(suffix))
	for i, p := range texts {
		var mentions []string
		if i == len(texts)-1 {
			mentions = j.Mentions
		}
		switch {
		case !ding:
			parts = append(parts, wecom.WebhookText(p, mentions))
		case len(mentions) > 0:
			parts = append(parts, dingText(p+suffix, mentions))
		default:
			parts = append(parts, dingtalk.TextBody(p, nil))
		}
	}
	return parts
}

// markdownTitle is the first line of markdown without its heading marks: a
// DingTalk markdown message needs a title for the notification.
func markdownTitle(markdown string) string {
	for _, line := range strings.Split(markdown, "\n") {
		line = strings.TrimSpace(strings.Trim(strings.TrimSpace(line), "#*>"))
		if line == "" {
			continue
		}
		if utf8.RuneCountInString(line) > maxTitleRunes {
			line = string([]rune(line)[:maxTitleRunes]) + "…"
		}
		return line
	}
	return "通知"
}

// dingMentions is how the content names the people @-ed: "@U1 @U2", or
// "@所有人" for everyone.
func dingMentions(ids []string) string {
	var b strings.Builder
	for _, id := range ids {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		if id == "@all" {
			b.WriteString("@所有人")
		} else {
			b.WriteString("@" + id)
		}
	}
	return b.String()
}

// dingText is a DingTalk text @-ing ids: dingtalk.TextBody, or for "@all"
// the custom robot's isAtAll, which that codec does not write.
func dingText(content string, ids []string) []byte {
	all := false
	var users []string
	for _, id := range ids {
		if id == "@all" {
			all = true
		} else {
			users = append(users, id)
		}
	}
	if !all {
		return dingtalk.TextBody(content, users)
	}
	type text struct {
		Content string `json:"content"`
	}
	type at struct {
		AtUserIDs []string `json:"atUserIds,omitempty"`
		IsAtAll   bool     `json:"isAtAll"`
	}
	b, err := json.Marshal(struct {
		MsgType string `json:"msgtype"`
		Text    text   `json:"text"`
		At      at     `json:"at"`
	}{"text", text{content}, at{users, true}})
	if err != nil {
		panic(err) // strings only: cannot fail
	}
	return b
}
