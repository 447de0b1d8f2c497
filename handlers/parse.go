package handlers

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"gridbot"
)

// Call is a parsed command message: the command, its words and the people it
// names. Words are folded to half-width (for numbers, "#", signs and
// months); Raw keeps what the member typed, for free text.
type Call struct {
	Cmd      *Command
	Typed    string   // the command word as typed (folded)
	Words    []string // folded words after the command, mentions removed
	Raw      []string // the same words as typed
	Mentions []Mention
	// Full is the text after the command word as typed, mentions included,
	// for free text that may name people (上报 <描述>); "" when the message
	// does not begin with the command.
	Full string
	// Source is the text parsed, as given: what the duplicate guard keeps
	// for 确认 to parse again.
	Source string
}

// Mention is an "@姓名" or "@姓名#USERID" in a message.
type Mention struct {
	Name   string
	UserID string // set by the "#USERID" form
}

// String renders the mention as it would be typed.
func (m Mention) String() string {
	if m.UserID != "" {
		return "@" + m.Name + "#" + m.UserID
	}
	return "@" + m.Name
}

// Text joins the raw words from i on: the free text of a command (a
// description, minutes, a title, a reason).
func (c *Call) Text(from int) string {
	if from >= len(c.Raw) {
		return ""
	}
	return strings.Join(c.Raw[from:], " ")
}

// fold turns full-width ASCII (ＡＢ１２＃＠＋) into half-width and the
// full-width space into a space. Each rune maps to one rune, so folded and
// raw text line up rune by rune.
func fold(s string) string {
	return strings.Map(foldRune, s)
}

func foldRune(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		return r - 0xFEE0
	case r == 0x3000:
		return ' '
	}
	return r
}

// trailing is what a member may end a command with.
const trailing = "。！!.，,？?；;～~、"

// isMark reports whether r starts a mention ("@" or full-width "＠").
func isMark(r rune) bool { return r == '@' || r == '＠' }

// Parse reads a message text (the bot's own @name already stripped) into a
// call. An unknown command is refused with the closest commands; an empty
// text is refused with a pointer to 帮助.
func (r *Registry) Parse(text string) (*Call, error) {
	// Invalid bytes become U+FFFD first, so that folded and raw words line up.
	text = strings.ToValidUTF8(text, "\uFFFD")
	text = strings.TrimRightFunc(text, func(c rune) bool {
		return unicode.IsSpace(c) || strings.ContainsRune(trailing, c)
	})
	c := &Call{Source: text}
	for _, field := range strings.FieldsFunc(text, unicode.IsSpace) {
		c.addField(field)
	}
	if len(c.Raw) == 0 {
		if len(c.Mentions) > 0 {
			return nil, gridbot.Errorf(gridbot.EINVALID, "没有看到命令。请在 @成员 前写命令，例如：%s。发送「帮助」查看全部命令。", r.MustGet("积分").Example)
		}
		return nil, gridbot.Errorf(gridbot.EINVALID, "请在 @我 后写命令，例如「打卡」「积分」。发送「帮助」查看全部命令。")
	}
	typed := c.Words[0]
	cmd := r.Lookup(typed)
	if cmd == nil {
		// "派发#12", "积分2026-10": the command glued to a number or "#".
		if p, rest := r.lookupPrefix(typed); p != nil {
			cmd = p
			head, restRaw := splitRunes(c.Raw[0], utf8.RuneCountInString(typed)-utf8.RuneCountInString(rest))
			c.Words = append([]string{typed[:len(typed)-len(rest)], rest}, c.Words[1:]...)
			c.Raw = append([]string{head, restRaw}, c.Raw[1:]...)
		}
	}
	if cmd == nil {
		return nil, r.unknown(typed, c.Text(1))
	}
	c.Cmd, c.Typed = cmd, typed
	if rest, ok := strings.CutPrefix(strings.TrimLeftFunc(text, unicode.IsSpace), c.Raw[0]); ok {
		c.Full = strings.TrimSpace(rest)
	}
	c.Words, c.Raw = c.Words[1:], c.Raw[1:]
	return c, nil
}

// addField splits one whitespace-separated field at its @ marks: "内容@张三@李四"
// is the word "内容" and two mentions.
func (c *Call) addField(field string) {
	parts := splitMarks(field)
	for _, p := range parts {
		if !isMark([]rune(p)[0]) {
			c.Raw = append(c.Raw, p)
			c.Words = append(c.Words, fold(p))
			continue
		}
		name := strings.TrimFunc(fold(p[utf8.RuneLen([]rune(p)[0]):]), func(r rune) bool {
			return strings.ContainsRune(trailing+"：:()（）", r)
		})
		if name == "" {
			continue // a lone "@" says nothing
		}
		m := Mention{Name: name}
		if i := strings.IndexByte(name, '#'); i >= 0 {
			m.Name, m.UserID = name[:i], name[i+1:]
		}
		if m.Name == "" && m.UserID == "" {
			continue // "@#" says nothing either
		}
		c.Mentions = append(c.Mentions, m)
	}
}

// splitRunes cuts s after its first n runes.
func splitRunes(s string, n int) (string, string) {
	for i := range s {
		if n == 0 {
			return s[:i], s[i:]
		}
		n--
	}
	return s, ""
}

// splitMarks cuts s before each @ mark.
func splitMarks(s string) []string {
	var parts []string
	start := 0
	for i, r := range s {
		if isMark(r) && i > start {
			parts = append(parts, s[start:i])
			start = i
		}
	}
	return append(parts, s[start:])
}

// lookupPrefix finds the longest command word or alias that typed starts
// with, when what follows is structural ("#12", "12", "+5", "2026-10"): a
// command glued to its first argument. Free text glued to a command
// ("上报的问题怎么处理") is not taken as a command.
func (r *Registry) lookupPrefix(typed string) (*Command, string) {
	var best *Command
	var bestLen int
	for word, cmd := range r.byWord {
		if len(word) > bestLen && len(word) < len(typed) && strings.HasPrefix(typed, word) {
			next, _ := utf8.DecodeRuneInString(typed[len(word):])
			if next == '#' || next == '+' || next == '-' || (next >= '0' && next <= '9') {
				best, bestLen = cmd, len(word)
			}
		}
	}
	if best == nil {
		return nil, ""
	}
	return best, typed[bestLen:]
}

// parseRef reads an issue or deliberation number: "#12", "12", "问题#12",
// "议事#3", "12号".
func parseRef(word string) (int64, bool) {
	w := strings.TrimRight(word, trailing)
	for _, p := range []string{"问题", "议事", "No.", "no."} {
		w = strings.TrimPrefix(w, p)
	}
	w = strings.TrimPrefix(w, "#")
	w = strings.TrimSuffix(w, "号")
	if w == "" || len(w) > 9 {
		return 0, false
	}
	n, err := strconv.ParseInt(w, 10, 64)
	if err != nil || n <= 0 || w[0] == '+' {
		return 0, false
	}
	return n, true
}

// findRef returns the first word that is a number reference and the words
// without it.
func findRef(words []string) (int64, int, bool) {
	for i, w := range words {
		if n, ok := parseRef(w); ok {
			return n, i, true
		}
	}
	return 0, -1, false
}
