package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"gridbot/bot/wecom"
)

func TestParseMix(t *testing.T) {
	got, err := parseMix("上报=40, 积分=40，问题=20,帮助  派发=5")
	if err != nil {
		t.Fatal(err)
	}
	want := []command{{"上报", 40}, {"积分", 40}, {"问题", 20}, {"帮助 派发", 5}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("parseMix = %v, want %v", got, want)
	}
	for _, bad := range []string{"", " , ", "上报", "上报=x", "上报=-1", "=5", "上报=0,积分=0", "积分=1,积分=2"} {
		if _, err := parseMix(bad); err == nil {
			t.Errorf("parseMix(%q) accepted", bad)
		} else if !strings.Contains(err.Error(), "-mix") {
			t.Errorf("parseMix(%q): error %q does not name the flag", bad, err)
		}
	}
}

func TestCycleKeepsTheProportionsExactly(t *testing.T) {
	mix := []command{{"上报", 40}, {"积分", 40}, {"问题", 20}, {"排行", 0}}
	c := cycle(mix)
	if len(c) != 5 { // 40:40:20 is 2:2:1
		t.Fatalf("cycle of %d slots, want 5: %v", len(c), c)
	}
	count := make([]int, len(mix))
	for _, i := range c {
		count[i]++
	}
	if !reflect.DeepEqual(count, []int{2, 2, 1, 0}) {
		t.Fatalf("counts %v, want [2 2 1 0]", count)
	}
	// Spread, not bunched: no command twice in a row here.
	for i := 1; i < len(c); i++ {
		if c[i] == c[i-1] {
			t.Fatalf("cycle %v repeats a command back to back", c)
		}
	}
}

func TestCommandText(t *testing.T) {
	for _, tc := range []struct{ cmd, want string }{
		{"上报", "上报 负载测试问题 abc-7"},
		{"上报 路灯坏了", "上报 路灯坏了 abc-7"},
		{"报事 {n} 号路灯", "报事 abc-7 号路灯"},
		{"积分", "积分"},
		{"帮助 派发", "帮助 派发"},
	} {
		if got := (command{Text: tc.cmd, Weight: 1}).text("abc-7"); got != tc.want {
			t.Errorf("text(%q) = %q, want %q", tc.cmd, got, tc.want)
		}
	}
}

func TestPercentile(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- { // 1..100 ms, given unsorted
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	s := summarize(ds)
	if s.N != 100 || s.P50 != 50 || s.P90 != 90 || s.P99 != 99 || s.Max != 100 {
		t.Fatalf("summary of 1..100 ms = %+v, want p50 50, p90 90, p99 99, max 100", s)
	}
	if got := percentile([]time.Duration{7}, 99); got != 7 {
		t.Errorf("p99 of one value = %v", got)
	}
	if got := percentile(nil, 50); got != 0 {
		t.Errorf("p50 of nothing = %v", got)
	}
	// Nearest rank: p99 of 10 values is the largest, p50 the fifth.
	ten := []time.Duration{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	if percentile(ten, 99) != 10 || percentile(ten, 50) != 5 || percentile(ten, 90) != 9 {
		t.Errorf("nearest-rank percentiles of 1..10 wrong: %v %v %v", percentile(ten, 50), percentile(ten, 90), percentile(ten, 99))
	}
}

const rosterCSV = "用户ID,姓名,角色,网格,村,管理区,党员,手机\n" +
	"U900,郑敏,党建办,,,,是,\n" +
	"U001,蔡志强,网格长,海风村第一网格,海风村,东片管理区,是,15769838757\n" +
	"U002,杨萍,网格员,海风村第一网格,海风村,东片管理区,否,\n" +
	"U010,林海,网格员,东岙村第一网格,东岙村,东片管理区,否,\n"

func TestRoster(t *testing.T) {
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(rosterCSV))
	if err != nil {
		t.Fatal(err)
	}
	for name, raw := range map[string][]byte{"utf8": []byte(rosterCSV), "bom": append([]byte("\xef\xbb\xbf"), rosterCSV...), "gbk": gbk} {
		s, grids, err := parseRoster(raw, name, []string{"网格员", "网格长"}, "G-")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want := []sender{{"U001", "蔡志强", "G-001", "海风村第一网格"}, {"U002", "杨萍", "G-001", "海风村第一网格"}, {"U010", "林海", "G-002", "东岙村第一网格"}}
		if grids != 2 || !reflect.DeepEqual(s, want) {
			t.Errorf("%s: %d grids, %v", name, grids, s)
		}
	}
	if _, _, err := parseRoster([]byte("id,name\nU1,x\n"), "r.csv", []string{"网格员"}, "G-"); err == nil || !strings.Contains(err.Error(), "用户ID") {
		t.Errorf("a roster without 用户ID: %v", err)
	}
	if _, _, err := parseRoster([]byte(rosterCSV), "r.csv", []string{"网格员"}, "G-"); err != nil {
		t.Errorf("members only: %v", err)
	}
	if _, _, err := parseRoster([]byte(rosterCSV), "r.csv", []string{"党建办"}, "G-"); err == nil {
		t.Error("office staff (no grid) accepted as senders")
	}
}

// fakeBot is a smart robot endpoint as gridbot serves it, on gridbot's own
// WeCom crypto: it verifies the signature and the timestamp, decrypts, and
// posts one markdown reply to the message's response_url. misbehave may
// change what it does with a message.
type fakeBot struct {
	t   *testing.T
	cb  *wecom.Callback
	srv *httptest.Server

	mu      sync.Mutex
	msgids  map[string]bool
	reports map[string]bool
	texts   map[string]int

	misbehave func(text string) (replies int)
}

func newFakeBot(t *testing.T, token string, key []byte) *fakeBot {
	f := &fakeBot{t: t, cb: &wecom.Callback{Token: token, Key: key}, msgids: map[string]bool{}, reports: map[string]bool{}, texts: map[string]int{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeBot) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if r.Method != http.MethodPost || r.URL.Path != "/wecom/bot" || r.Header.Get("Content-Type") != "application/json" {
		http.Error(w, "not a smart robot callback", http.StatusBadRequest)
		return
	}
	enc, err := wecom.DecodeRobotBody(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	plain, err := f.cb.Open(r.URL.Query(), enc)
	if err != nil {
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	m, err := wecom.ParseRobotMessage(plain)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	text, ok := strings.CutPrefix(m.Text.Content, "@网格助手 ")
	f.mu.Lock()
	switch {
	case !ok:
		f.t.Errorf("content %q lacks the @网格助手 prefix", m.Text.Content)
	case m.ChatType != "group" || !strings.HasPrefix(m.ChatID, "G-") || m.MsgType != "text" || m.AIBotID == "":
		f.t.Errorf("not a group text message: %s", plain)
	case f.msgids[m.MsgID]:
		f.t.Errorf("msgid %s sent twice", m.MsgID)
	case strings.HasPrefix(text, "上报") && f.reports[text]:
		f.t.Errorf("上报 text %q sent twice", text)
	}
	f.msgids[m.MsgID] = true
	if strings.HasPrefix(text, "上报") {
		f.reports[text] = true
	}
	word, _, _ := strings.Cut(text, " ")
	f.texts[word]++
	f.mu.Unlock()
	w.WriteHeader(http.StatusOK) // the command "committed": answer, then reply
	n := 1
	if f.misbehave != nil {
		n = f.misbehave(text)
	}
	go func() {
		for range n {
			resp, err := http.Post(m.ResponseURL, "application/json", bytes.NewReader(wecom.MarkdownReply("已收到："+text)))
			if err != nil {
				f.t.Errorf("reply: %v", err)
				return
			}
			var a struct {
				ErrCode int `json:"errcode"`
			}
			if json.NewDecoder(resp.Body).Decode(&a) != nil || a.ErrCode != 0 {
				f.t.Errorf("the sink answered %d without errcode 0", resp.StatusCode)
			}
			resp.Body.Close()
		}
	}()
}

func testOptions(t *testing.T, url, token string, key []byte) options {
	s, grids, err := parseRoster([]byte(rosterCSV), "roster", []string{"网格员", "网格长"}, "G-")
	if err != nil {
		t.Fatal(err)
	}
	mix, _ := parseMix("上报=40,积分=40,问题=20")
	return options{URL: url + "/wecom/bot", Token: token, Key: key, Senders: s, Grids: grids, Mix: mix, BotName: "网格助手",
		AIBotID: "AIBOTTEST", Conns: 8, Rate: 200, Duration: 500 * time.Millisecond, Warmup: 100 * time.Millisecond,
		Timeout: 5 * time.Second, ReplyWait: 2 * time.Second, Sink: "127.0.0.1:0", Now: time.Now}
}

func newKey(t *testing.T) (string, []byte) {
	raw := make([]byte, 32)
	for i := range raw {
		raw[i] = byte(i*7 + 3)
	}
	enc := base64.StdEncoding.EncodeToString(raw)[:43]
	key, err := decodeAESKey(enc)
	if err != nil || !bytes.Equal(key, raw) {
		t.Fatalf("decodeAESKey: %v", err)
	}
	if k2, err := wecom.DecodeAESKey(enc); err != nil || !bytes.Equal(k2, key) {
		t.Fatalf("gridbot decodes the EncodingAESKey differently: %v", err)
	}
	return enc, key
}

// TestOpenLoopAgainstRealCrypto runs the generator at 200 callbacks/s
// against an endpoint on gridbot's own crypto: every callback must verify
// and decrypt (a signing or sealing mistake is a 401 here), and every
// reply must be counted once.
func TestOpenLoopAgainstRealCrypto(t *testing.T) {
	_, key := newKey(t)
	f := newFakeBot(t, "tok-123", key)
	r, err := run(context.Background(), testOptions(t, f.srv.URL, "tok-123", key))
	if err != nil {
		t.Fatal(err)
	}
	if r.Mode != "open" || r.Sent < 90 || r.Sent > 110 { // 200/s for 0.5 s
		t.Errorf("open loop sent %d measured callbacks, want about 100", r.Sent)
	}
	if r.Answered != r.Sent || len(r.Errors) != 0 {
		t.Errorf("answered %d of %d, errors %v", r.Answered, r.Sent, r.Errors)
	}
	if r.Replies != r.Answered || r.Missing != 0 || r.Doubled != 0 || r.BadReplies != 0 || r.Strays != 0 || r.Total.Missing != 0 {
		t.Errorf("replies %d for %d answered; missing %d, doubled %d, bad %d, strays %d", r.Replies, r.Answered, r.Missing, r.Doubled, r.BadReplies, r.Strays)
	}
	if r.Latency.N != r.Answered || r.Latency.P50 <= 0 || r.Latency.P99 < r.Latency.P50 || r.ReplyDelay.N != r.Replies {
		t.Errorf("latency %+v, reply delay %+v", r.Latency, r.ReplyDelay)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	total := r.Total.Sent
	if len(f.msgids) != total {
		t.Errorf("the server saw %d messages, the generator sent %d", len(f.msgids), total)
	}
	// The mix is exact over whole periods of 5: 2 上报, 2 积分, 1 问题.
	if d := f.texts["上报"] - 2*total/5; d < -2 || d > 2 || f.texts["问题"] < total/5-1 || f.texts["问题"] > total/5+1 {
		t.Errorf("mix of %d: %v", total, f.texts)
	}
	for _, c := range r.ByCommand {
		if c.Answered == 0 || c.Replies["已收到："+c.Command] == 0 && c.Command != "上报" {
			t.Errorf("command %s: %+v", c.Command, c)
		}
	}
}

func TestClosedLoopCountsMissingAndDoubledReplies(t *testing.T) {
	_, key := newKey(t)
	f := newFakeBot(t, "tok", key)
	f.misbehave = func(text string) int {
		switch {
		case strings.HasPrefix(text, "积分"):
			return 2 // answered twice
		case strings.HasPrefix(text, "问题"):
			return 0 // never answered
		}
		return 1
	}
	o := testOptions(t, f.srv.URL, "tok", key)
	o.Rate, o.Conns, o.Duration, o.ReplyWait = 0, 4, 300*time.Millisecond, 300*time.Millisecond
	r, err := run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if r.Mode != "closed" || r.Answered == 0 || r.Answered != r.Sent {
		t.Fatalf("closed loop: %+v", r)
	}
	byCmd := map[string]commandReport{}
	for _, c := range r.ByCommand {
		byCmd[c.Command] = c
	}
	if r.Missing != byCmd["问题"].Answered || r.Doubled != byCmd["积分"].Answered || r.Missing == 0 || r.Doubled == 0 {
		t.Errorf("missing %d (问题 %d), doubled %d (积分 %d)", r.Missing, byCmd["问题"].Answered, r.Doubled, byCmd["积分"].Answered)
	}
	if r.CallbacksPerSec <= 0 {
		t.Errorf("callbacks/s %v", r.CallbacksPerSec)
	}
}

// TestWrongTokenIsRefused: the same generator with another token than the
// server's is refused; the run reports it and fails.
func TestWrongTokenIsRefused(t *testing.T) {
	enc, key := newKey(t)
	f := newFakeBot(t, "server-token", key)
	roster := filepath.Join(t.TempDir(), "roster.csv")
	os.WriteFile(roster, []byte(rosterCSV), 0o644)
	var out, errb bytes.Buffer
	err := runLoad(context.Background(), []string{"-url", f.srv.URL + "/wecom/bot", "-roster", roster, "-rate", "100",
		"-duration", "200ms", "-warmup", "0s", "-reply-wait", "100ms", "-json"}, &out, &errb,
		func(k string) string {
			return map[string]string{"GRIDBOT_WECOM_BOT_TOKEN": "another-token", "GRIDBOT_WECOM_BOT_AES_KEY": enc}[k]
		})
	if err == nil || !strings.Contains(err.Error(), "HTTP 401") {
		t.Fatalf("run with the wrong token: %v", err)
	}
	var r report
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("-json output: %v\n%s", err, out.String())
	}
	if r.Answered != 0 || r.Errors["HTTP 401"] != r.Sent || r.Sent == 0 || r.Replies != 0 {
		t.Errorf("report %+v", r)
	}
	if len(f.msgids) != 0 {
		t.Errorf("the server accepted %d messages signed with the wrong token", len(f.msgids))
	}
}

func TestFlagErrorsAreClear(t *testing.T) {
	enc, _ := newKey(t)
	env := func(k string) string { return "" }
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-roster", "x.csv", "-rate", "1"}, "GRIDBOT_WECOM_BOT_TOKEN"},
		{[]string{"-token", "t", "-roster", "x.csv", "-rate", "1"}, "GRIDBOT_WECOM_BOT_AES_KEY"},
		{[]string{"-token", "t", "-aes-key", "short", "-roster", "x.csv", "-rate", "1"}, "43 characters"},
		{[]string{"-token", "t", "-aes-key", enc, "-rate", "1"}, "-roster"},
		{[]string{"-token", "t", "-aes-key", enc, "-roster", "x.csv"}, "-conns N"},
		{[]string{"-token", "t", "-aes-key", enc, "-roster", "/nonexistent/x.csv", "-rate", "1"}, "roster"},
		{[]string{"-token", "t", "-aes-key", enc, "-roster", "x.csv", "-rate", "1", "-mix", "上报"}, "-mix"},
	} {
		err := runLoad(context.Background(), tc.args, io.Discard, io.Discard, env)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want one mentioning %q", tc.args, err, tc.want)
		}
	}
}

func TestTownFiles(t *testing.T) {
	dir := t.TempDir()
	if err := runTown([]string{"-people", "60", "-month", "2026-09", "-dir", dir}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	s, grids, err := readRoster(filepath.Join(dir, "roster.csv"), []string{"网格员", "网格长"}, "G-")
	if err != nil || len(s) != 55 || grids != 7 {
		t.Fatalf("generated roster: %d senders in %d grids, %v", len(s), grids, err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "history-2026-09.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	var first, last line
	json.Unmarshal([]byte(lines[0]), &first)
	json.Unmarshal([]byte(lines[len(lines)-1]), &last)
	if !strings.HasPrefix(first.At, "2026-09-") || !strings.HasPrefix(last.At, "2026-09-") {
		t.Errorf("history runs from %s to %s, not within 2026-09", first.At, last.At)
	}
	// Issue #1 is reported before it is dispatched and closed.
	idx := func(sub string) int {
		for i, l := range lines {
			if strings.Contains(l, sub) {
				return i
			}
		}
		return -1
	}
	if r, d, c := idx("上报 往月问题1："), idx("派发 #1 "), idx("办结 #1 "); r < 0 || !(r < d && d < c) {
		t.Errorf("issue #1: report at line %d, dispatch %d, close %d", r, d, c)
	}
}
