package handlers

import (
	"strings"
	"testing"
	"unicode"

	"gridbot"
)

// FuzzParse checks that parsing never panics and keeps its invariants: a
// call has a command, its folded words line up with the raw ones, no word
// holds a space or an @ mark, and a refusal is a Chinese EINVALID message.
func FuzzParse(f *testing.F) {
	r := NewRegistry()
	for _, c := range r.Commands() {
		f.Add(c.Example)
	}
	for _, s := range []string{"", "打卡。", "派发#12@王海", "派发　＃１２　＠王海＃U102", "@", "@#", "＠＠＠",
		"积分2026-10", "上报路灯坏了", "调整 @王海 ＋５ 理由", "问题#", "\u2005@王海\u2005", "打卡\xff", "议事确认#9999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		call, err := r.Parse(text)
		if err != nil {
			msg := gridbot.ErrorMessage(err)
			if gridbot.ErrorCode(err) != gridbot.EINVALID || msg == "" || !strings.Contains(msg, "帮助") {
				t.Fatalf("Parse(%q) refusal %v: want an EINVALID message pointing to 帮助", text, err)
			}
			return
		}
		if call.Cmd == nil || call.Cmd.run == nil {
			t.Fatalf("Parse(%q): no command", text)
		}
		if len(call.Words) != len(call.Raw) {
			t.Fatalf("Parse(%q): %d words, %d raw", text, len(call.Words), len(call.Raw))
		}
		for i, w := range call.Words {
			if w != fold(call.Raw[i]) {
				t.Fatalf("Parse(%q): word %q is not fold(%q)", text, w, call.Raw[i])
			}
			if w == "" || strings.ContainsFunc(w, unicode.IsSpace) || strings.ContainsAny(call.Raw[i], "@＠") {
				t.Fatalf("Parse(%q): bad word %q", text, call.Raw[i])
			}
		}
		for _, m := range call.Mentions {
			if m.Name == "" && m.UserID == "" {
				t.Fatalf("Parse(%q): empty mention", text)
			}
			if strings.ContainsAny(m.Name, "@＠#") || strings.ContainsFunc(m.Name+m.UserID, unicode.IsSpace) {
				t.Fatalf("Parse(%q): bad mention %+v", text, m)
			}
		}
		// Parsing is a function of the text.
		again, err := r.Parse(text)
		if err != nil || again.Cmd != call.Cmd || !same(again.Raw, call.Raw) || !same(again.Mentions, call.Mentions) {
			t.Fatalf("Parse(%q) is not deterministic", text)
		}
	})
}
