package wecom

import (
	"strings"
	"unicode/utf8"
)

// Size limits of the group webhook robot (消息推送), in UTF-8 bytes.
const (
	MaxTextBytes     = 2048
	MaxMarkdownBytes = 4096
)

// WebhookText is the body of a text message to POST to
// /cgi-bin/webhook/send?key=KEY; mentioned holds userids or "@all":
//
//	{"msgtype":"text","text":{"content":"…","mentioned_list":["U1","@all"]}}
//
// Markdown cannot @ anybody, so an announcement that must @ people sends a
// short text like this beside its markdown.
func WebhookText(content string, mentioned []string) []byte {
	type text struct {
		Content       string   `json:"content"`
		MentionedList []string `json:"mentioned_list,omitempty"`
	}
	return mustMarshal(struct {
		MsgType string `json:"msgtype"`
		Text    text   `json:"text"`
	}{"text", text{content, mentioned}})
}

// WebhookMarkdown is the body of a markdown message for the webhook robot:
//
//	{"msgtype":"markdown","markdown":{"content":"…"}}
func WebhookMarkdown(content string) []byte { return MarkdownReply(content) }

// SplitMarkdown cuts s into messages of at most maxBytes UTF-8 bytes
// (MaxMarkdownBytes for markdown, MaxTextBytes for text), at line
// boundaries: as many whole lines as fit go into each message. A line longer
// than maxBytes is cut at rune boundaries. Blank lines at the edges of a
// message are dropped and so are blank messages, because WeCom refuses empty
// content. A maxBytes below utf8.UTFMax counts as utf8.UTFMax.
func SplitMarkdown(s string, maxBytes int) []string {
	maxBytes = max(maxBytes, utf8.UTFMax)
	if len(s) <= maxBytes {
		// One message (most replies): the loop below would rebuild s with
		// its edge blank lines dropped, which is what Trim gives.
		if t := strings.Trim(s, "\n"); strings.TrimSpace(t) != "" {
			return []string{t}
		}
		return nil
	}
	var out []string
	var cur strings.Builder
	flush := func() {
		if t := strings.Trim(cur.String(), "\n"); strings.TrimSpace(t) != "" {
			out = append(out, t)
		}
		cur.Reset()
	}
	for _, line := range strings.Split(s, "\n") {
		if cur.Len() > 0 && cur.Len()+1+len(line) > maxBytes {
			flush()
		}
		for len(line) > maxBytes {
			cut := runeCut(line, maxBytes)
			cur.WriteString(line[:cut])
			flush()
			line = line[cut:]
		}
		if cur.Len() > 0 {
			cur.WriteByte('\n')
		}
		cur.WriteString(line)
	}
	flush()
	return out
}

// runeCut is the largest index ≤ n that does not split a rune of s
// (n < len(s)); it is positive when n ≥ utf8.UTFMax.
func runeCut(s string, n int) int {
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	if cut == 0 { // invalid UTF-8: continuation bytes only; cut anywhere
		return n
	}
	return cut
}
