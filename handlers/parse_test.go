package handlers

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"gridbot"
)

func TestParseCanonicalForms(t *testing.T) {
	r := NewRegistry()
	// Every registry example parses to its own command.
	for _, c := range r.Commands() {
		call, err := r.Parse(c.Example)
		if err != nil {
			t.Errorf("example %q: %v", c.Example, err)
			continue
		}
		if call.Cmd != c {
			t.Errorf("example %q parsed as %s, want %s", c.Example, call.Cmd.Name, c.Name)
		}
	}
}

func TestParseTolerance(t *testing.T) {
	r := NewRegistry()
	tests := []struct {
		text     string
		cmd      string
		words    []string
		raw      []string
		mentions []Mention
	}{
		{"打卡", "打卡", nil, nil, nil},
		{"打卡。", "打卡", nil, nil, nil},
		{"  打卡！ ", "打卡", nil, nil, nil},
		{"打卡!", "打卡", nil, nil, nil},
		{"派发 #12 @王海", "派发", []string{"#12"}, []string{"#12"}, []Mention{{Name: "王海"}}},
		{"派发　＃１２　＠王海", "派发", []string{"#12"}, []string{"＃１２"}, []Mention{{Name: "王海"}}},
		{"派发#12 @王海。", "派发", []string{"#12"}, []string{"#12"}, []Mention{{Name: "王海"}}},
		{"派发   #12    @王海#U102", "派发", []string{"#12"}, []string{"#12"}, []Mention{{Name: "王海", UserID: "U102"}}},
		{"派发 #12 ＠王海＃U102", "派发", []string{"#12"}, []string{"#12"}, []Mention{{Name: "王海", UserID: "U102"}}},
		{"活动 宣传 入户宣传@王海@林小燕，", "活动", []string{"宣传", "入户宣传"}, []string{"宣传", "入户宣传"},
			[]Mention{{Name: "王海"}, {Name: "林小燕"}}},
		{"活动 宣传 入户\u2005@王海\u2005@林小燕", "活动", []string{"宣传", "入户"}, []string{"宣传", "入户"},
			[]Mention{{Name: "王海"}, {Name: "林小燕"}}},
		{"调整 @王海 ＋５ 理由", "调整", []string{"+5", "理由"}, []string{"＋５", "理由"}, []Mention{{Name: "王海"}}},
		{"积分2026-10", "积分", []string{"2026-10"}, []string{"2026-10"}, nil},
		{"积分　２０２６－１０", "积分", []string{"2026-10"}, []string{"２０２６－１０"}, nil},
		{"议事确认#3", "议事确认", []string{"#3"}, []string{"#3"}, nil},
		{"问题#12", "问题", []string{"#12"}, []string{"#12"}, nil},
		{"ＣＨＥＣＫＩＮ", "打卡", nil, nil, nil},
		{"Help 派发", "帮助", []string{"派发"}, []string{"派发"}, nil},
		{"上报 路灯坏了，请修理。", "上报", []string{"路灯坏了,请修理"}, []string{"路灯坏了，请修理"}, nil},
	}
	for _, tc := range tests {
		call, err := r.Parse(tc.text)
		if err != nil {
			t.Errorf("%q: %v", tc.text, err)
			continue
		}
		if call.Cmd.Name != tc.cmd || !same(call.Words, tc.words) || !same(call.Raw, tc.raw) ||
			!same(call.Mentions, tc.mentions) {
			t.Errorf("%q = %s %q %q %v, want %s %q %q %v", tc.text, call.Cmd.Name, call.Words, call.Raw, call.Mentions,
				tc.cmd, tc.words, tc.raw, tc.mentions)
		}
	}
}

// same compares slices, nil and empty alike.
func same[T any](a, b []T) bool {
	return len(a) == len(b) && (len(a) == 0 || reflect.DeepEqual(a, b))
}

func TestParseUnknownSuggests(t *testing.T) {
	r := NewRegistry()
	tests := []struct {
		text string
		want []string // substrings of the refusal
	}{
		{"打开", []string{"没有「打开」这个命令", "打卡"}},
		{"派法 #12 @王海", []string{"派发 #<号> @成员"}},
		{"上报路灯坏了", []string{"上报 路灯坏了", "空格"}},
		{"积份", []string{"积分"}},
		{"排形", []string{"排行"}},
		{"你好", []string{"没有「你好」这个命令", "帮助"}},
		{"", []string{"请在 @我 后写命令"}},
		{"@王海", []string{"没有看到命令"}},
	}
	for _, tc := range tests {
		_, err := r.Parse(tc.text)
		if gridbot.ErrorCode(err) != gridbot.EINVALID {
			t.Errorf("%q: err %v, want EINVALID", tc.text, err)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(gridbot.ErrorMessage(err), w) {
				t.Errorf("%q: %q lacks %q", tc.text, gridbot.ErrorMessage(err), w)
			}
		}
	}
}

func TestSuggestOrder(t *testing.T) {
	r := NewRegistry()
	got := r.Suggest("议是确认", 3)
	if len(got) == 0 || got[0].Name != "议事确认" {
		t.Fatalf("Suggest(议是确认) = %v, want 议事确认 first", got)
	}
	if got := r.Suggest("完全无关的一句话", 3); len(got) != 0 {
		t.Errorf("Suggest of nonsense = %d commands, want none", len(got))
	}
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"打卡", "打卡", 0}, {"打卡", "打开", 1}, {"议事", "议事确认", 2}, {"", "排行", 2}, {"kitten", "sitting", 3}} {
		if d := editDistance(tc.a, tc.b); d != tc.d {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, d, tc.d)
		}
	}
}

func TestParseRef(t *testing.T) {
	ok := map[string]int64{"#12": 12, "12": 12, "问题#12": 12, "议事#3": 3, "12号": 12, "#7。": 7}
	for w, want := range ok {
		if n, good := parseRef(w); !good || n != want {
			t.Errorf("parseRef(%q) = %d, %v; want %d", w, n, good, want)
		}
	}
	for _, w := range []string{"", "#", "#0", "#-1", "+3", "abc", "#1234567890", "十二"} {
		if n, good := parseRef(w); good {
			t.Errorf("parseRef(%q) = %d, want refusal", w, n)
		}
	}
}

func TestParseMonth(t *testing.T) {
	now := time.Date(2026, 3, 15, 10, 0, 0, 0, gridbot.Zone)
	ok := map[string]string{"2026-10": "2026-10", "2026-1": "2026-01", "2026/02": "2026-02", "2026年10月": "2026-10",
		"3月": "2026-03", "10月": "2025-10", "本月": "2026-03", "上月": "2026-02", "2月份": "2026-02"}
	for w, want := range ok {
		if m, good := parseMonth(w, now); !good || m != want {
			t.Errorf("parseMonth(%q) = %q, %v; want %q", w, m, good, want)
		}
	}
	jan := time.Date(2026, 1, 5, 10, 0, 0, 0, gridbot.Zone)
	if m, _ := parseMonth("上月", jan); m != "2025-12" {
		t.Errorf("上月 in January = %q, want 2025-12", m)
	}
	for _, w := range []string{"2026-13", "2026-00", "13月", "1999-10", "十月", "2026"} {
		if m, good := parseMonth(w, now); good {
			t.Errorf("parseMonth(%q) = %q, want refusal", w, m)
		}
	}
}

func TestParseSigned(t *testing.T) {
	ok := map[string]float64{"+5": 5, "-2": -2, "+0.5": 0.5, "−3": -3, "+5分": 5}
	for w, want := range ok {
		if f, good := parseSigned(w); !good || f != want {
			t.Errorf("parseSigned(%q) = %v, %v; want %v", w, f, good, want)
		}
	}
	for _, w := range []string{"5", "", "+", "+NaN", "+Inf", "+1e3", "++5", "+0x10", "+5-"} {
		if f, good := parseSigned(w); good {
			t.Errorf("parseSigned(%q) = %v, want refusal", w, f)
		}
	}
}

func TestCategory(t *testing.T) {
	for w, want := range map[string]string{"宣传": "宣传政策法规", "服务": "服务中心工作", "收集社情民意": "收集社情民意",
		"开展": "开展红色代跑", "调处": "调处纠纷矛盾", "服务中心": "服务中心工作"} {
		if c, ok := category(w); !ok || c != want {
			t.Errorf("category(%q) = %q, %v; want %q", w, c, ok, want)
		}
	}
	for _, w := range []string{"宣", "学习", "", "宣传政策法规们"} {
		if c, ok := category(w); ok {
			t.Errorf("category(%q) = %q, want refusal", w, c)
		}
	}
}

func TestHaversine(t *testing.T) {
	// One degree of latitude is about 111.2 km.
	if d := Haversine(28, 121, 29, 121); d < 111000 || d > 111400 {
		t.Errorf("one degree of latitude = %.0f m", d)
	}
	if d := Haversine(28.3812, 121.4705, 28.3812, 121.4705); d != 0 {
		t.Errorf("same point = %v m", d)
	}
	// 0.002° of latitude ≈ 222 m.
	if d := Haversine(28.3812, 121.4705, 28.3832, 121.4705); d < 220 || d > 225 {
		t.Errorf("0.002° = %.1f m, want ≈222", d)
	}
}
