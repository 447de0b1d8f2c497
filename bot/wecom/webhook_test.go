package wecom

import (
	"math/rand/v2"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestWebhookBodies(t *testing.T) {
	got := WebhookText("请各网格长今日18:00前提交 <周报> & 照片", []string{"U1", "@all"})
	want := `{"msgtype":"text","text":{"content":"请各网格长今日18:00前提交 <周报> & 照片","mentioned_list":["U1","@all"]}}`
	if string(got) != want {
		t.Errorf("WebhookText =\n%s\nwant\n%s", got, want)
	}
	if got := WebhookText("hi", nil); string(got) != `{"msgtype":"text","text":{"content":"hi"}}` {
		t.Errorf("WebhookText without mentions = %s", got)
	}
	if got := WebhookMarkdown("# 公告\n> 第二行"); string(got) != `{"msgtype":"markdown","markdown":{"content":"# 公告\n> 第二行"}}` {
		t.Errorf("WebhookMarkdown = %s", got)
	}
}

func TestSplitMarkdown(t *testing.T) {
	cases := []struct {
		s    string
		max  int
		want []string
	}{
		{"", 10, nil},
		{"\n\n", 10, nil},
		{"short", 10, []string{"short"}},
		{"aaaa\nbbbb\ncc", 10, []string{"aaaa\nbbbb", "cc"}},
		{"aaaa\nbbbbb", 10, []string{"aaaa\nbbbbb"}}, // exactly 10 bytes
		{"aaaa\nbbbbbb", 10, []string{"aaaa", "bbbbbb"}},
		{"0123456789\nx", 10, []string{"0123456789", "x"}},
		{"0123456789ab\nx", 10, []string{"0123456789", "ab\nx"}},
		{"一二三四五", 10, []string{"一二三", "四五"}}, // 9 bytes, then 6: no rune is cut
		{"a一二三四", 10, []string{"a一二三", "四"}}, // 10 bytes exactly
		{"ab\n\n\ncd", 4, []string{"ab", "cd"}},
		{"ab\n\ncd", 6, []string{"ab\n\ncd"}},
		{"😀😀😀", 1, []string{"😀", "😀", "😀"}}, // a limit below one rune counts as 4
	}
	for _, c := range cases {
		if got := SplitMarkdown(c.s, c.max); !reflect.DeepEqual(got, c.want) {
			t.Errorf("SplitMarkdown(%q, %d) = %q, want %q", c.s, c.max, got, c.want)
		}
	}
}

// TestSplitMarkdownProperties checks random texts: every part fits, is
// valid UTF-8, and nothing but newlines is lost or reordered.
func TestSplitMarkdownProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "b", "中", "网", "😀", "\n", "\n"}
	for i := 0; i < 500; i++ {
		var b strings.Builder
		for n := r.IntN(200); n > 0; n-- {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		s, max := b.String(), 4+r.IntN(40)
		parts := SplitMarkdown(s, max)
		for _, p := range parts {
			if len(p) > max || !utf8.ValidString(p) || p == "" || p[0] == '\n' || p[len(p)-1] == '\n' {
				t.Fatalf("SplitMarkdown(%q, %d): bad part %q", s, max, p)
			}
		}
		if strings.ReplaceAll(strings.Join(parts, ""), "\n", "") != strings.ReplaceAll(s, "\n", "") {
			t.Fatalf("SplitMarkdown(%q, %d) lost text: %q", s, max, parts)
		}
	}
}

// A long announcement at WeCom's real limit: lines are never cut.
func TestSplitMarkdownAnnouncement(t *testing.T) {
	var lines []string
	for i := 0; i < 300; i++ {
		lines = append(lines, "- 第"+strings.Repeat("三", i%20)+"网格：本月走访入户记录已核实，积分已计入。")
	}
	parts := SplitMarkdown(strings.Join(lines, "\n"), MaxMarkdownBytes)
	if len(parts) < 2 {
		t.Fatalf("%d parts", len(parts))
	}
	var back []string
	for i, p := range parts {
		if len(p) > MaxMarkdownBytes {
			t.Fatalf("part %d has %d bytes", i, len(p))
		}
		// Greedy: the next part's first line would not have fitted.
		if i+1 < len(parts) && len(p)+1+len(strings.SplitN(parts[i+1], "\n", 2)[0]) <= MaxMarkdownBytes {
			t.Fatalf("part %d could have taken another line", i)
		}
		back = append(back, strings.Split(p, "\n")...)
	}
	if !reflect.DeepEqual(back, lines) {
		t.Fatal("lines were cut or reordered")
	}
}

func TestCheckResponse(t *testing.T) {
	if err := CheckResponse(200, []byte(`{"errcode":0,"errmsg":"ok"}`)); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		status              int
		body                string
		code                int
		limited, tokenAgain bool
	}{
		{200, `{"errcode":45009,"errmsg":"api freq out of limit"}`, 45009, true, false},
		{200, `{"errcode":93000,"errmsg":"invalid webhook url"}`, 93000, false, false},
		{200, `{"errcode":-1,"errmsg":"system busy"}`, -1, false, false},
		{200, `{"errcode":42001,"errmsg":"access_token expired"}`, 42001, false, true},
		{200, `{"errcode":40014,"errmsg":"invalid access_token"}`, 40014, false, true},
		{200, `<html>bad gateway</html>`, 0, false, false},
		{200, `{"errmsg":"ok"}`, 0, false, false},
		{502, ``, 0, false, false},
		{429, ``, 0, true, false},
	}
	for _, c := range cases {
		err := CheckResponse(c.status, []byte(c.body))
		e, ok := err.(*APIError)
		if !ok || e.Code != c.code || e.HTTPStatus != c.status || e.RateLimited() != c.limited || e.TokenExpired() != c.tokenAgain {
			t.Errorf("CheckResponse(%d, %s) = %#v", c.status, c.body, err)
			continue
		}
		if wait := e.RetryAfter(); (wait == time.Minute) != c.limited {
			t.Errorf("%s: RetryAfter %v", c.body, wait)
		}
	}
	if !strings.Contains(CheckResponse(http.StatusBadGateway, nil).Error(), "502") {
		t.Error("error text lacks the status")
	}
}
