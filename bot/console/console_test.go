package console_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"gridbot"
	"gridbot/bot/console"
	"gridbot/internal/bottest"
	"gridbot/internal/testkit"
)

var ctx = context.Background()

func TestReadTranscript(t *testing.T) {
	in := `{"at": "2026-10-03T08:12:00+08:00", "from": "U102", "chat": "G-BH-01", "text": "打卡", "location": {"lat": 28.38, "lng": 121.47}}

{"at": "2026-10-03T09:00:00+08:00", "from": "U101", "text": "积分", "id": "m-000123"}
`
	lines, err := console.ReadTranscript(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 2 || lines[0].Location == nil || lines[0].Location.Lat != 28.38 || lines[1].ID != "m-000123" {
		t.Fatalf("lines %+v", lines)
	}
	m := lines[0].Message(7)
	if m.TownID != 7 || m.ChatID != "G-BH-01" || m.ChatKind != gridbot.ChatGroup || m.Platform != console.PlatformReplay ||
		m.MsgID != console.DeriveID(lines[0].At, "U102", "打卡") || m.Location.Lng != 121.47 || !m.At.Equal(lines[0].At) {
		t.Errorf("message %+v", m)
	}
	// No chat: the one-to-one chat with the sender; an id given is kept.
	if m := lines[1].Message(7); m.ChatID != "dm:U101" || m.ChatKind != gridbot.ChatSingle || m.MsgID != "m-000123" {
		t.Errorf("message %+v", m)
	}

	for _, tc := range []struct{ in, want string }{
		{"{\"at\": \"2026-10-03T08:12:00+08:00\", \"from\": \"U1\", \"text\": \"打卡\"}\nnot json\n", "第 2 行不是正确的消息"},
		{`{"from": "U1", "text": "打卡"}`, "第 1 行缺少 \"at\""},
		{`{"at": "2026-10-03T08:12:00+08:00", "text": "打卡"}`, "缺少 \"from\""},
		{`{"at": "2026-10-03T08:12:00+08:00", "from": "U1"}`, "缺少 \"text\""},
		{`{"at": "2026-10-03T08:12:00+08:00", "from": "U1", "text": "打卡", "txet": "x"}`, "不是正确的消息"},
		{`{"at": "2026-10-03 08:12", "from": "U1", "text": "打卡"}`, "不是正确的消息"},
	} {
		_, err := console.ReadTranscript(strings.NewReader(tc.in))
		if gridbot.ErrorCode(err) != gridbot.EINVALID || !strings.Contains(gridbot.ErrorMessage(err), tc.want) {
			t.Errorf("%q: %v, want %q", tc.in, err, tc.want)
		}
	}
}

func TestDeriveID(t *testing.T) {
	at := testkit.At("2026-10-03 08:12")
	a := console.DeriveID(at, "U1", "打卡")
	if a != console.DeriveID(at.UTC(), "U1", "打卡") {
		t.Error("the id depends on the time zone of the same instant")
	}
	for _, b := range []string{console.DeriveID(at.Add(1), "U1", "打卡"), console.DeriveID(at, "U2", "打卡"), console.DeriveID(at, "U1", "打卡 ")} {
		if a == b {
			t.Errorf("different lines share id %s", a)
		}
	}
}

const transcript = `{"at": "2026-10-03T08:12:00+08:00", "from": "U102", "chat": "G-BH-01", "text": "@网格助手 打卡", "location": {"lat": 28.3815, "lng": 121.4706}}
{"at": "2026-10-03T08:20:00+08:00", "from": "U102", "chat": "G-BH-01", "text": "@网格助手 上报 海滨路3号路灯不亮"}
{"at": "2026-10-03T09:00:00+08:00", "from": "U101", "chat": "G-BH-01", "text": "@网格助手 派发 #1 @张伟"}
{"at": "2026-10-03T09:05:00+08:00", "from": "U103", "chat": "G-BH-01", "text": "@网格助手 派发 #1 @王海"}
`

func TestReplay(t *testing.T) {
	tw := bottest.New(t, testkit.OpenSQLite(t))
	lines, err := console.ReadTranscript(strings.NewReader(transcript))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	n, err := console.Replay(ctx, tw.P, tw.ID, lines, &out)
	if err != nil || n != 5 {
		t.Fatalf("Replay = %d, %v; want 5 replies", n, err)
	}
	var got []console.OutLine
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var o console.OutLine
		if err := json.Unmarshal([]byte(l), &o); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		got = append(got, o)
	}
	want := []console.OutLine{
		{"2026-10-03T08:12:00+08:00", "G-BH-01", "王海 打卡成功（10月3日 08:12·滨海村委会）。"},
		{"2026-10-03T08:20:00+08:00", "G-BH-01", ""},
		{"2026-10-03T09:00:00+08:00", "G-BH-01", ""},
		{"2026-10-03T09:00:00+08:00", "dm:U103", ""},
		{"2026-10-03T09:05:00+08:00", "G-BH-01", "「派发」只有该网格的网格长、党建办可以使用，你是网格员。请提醒本网格的网格长派发。发送「帮助」查看你可以用的命令。"},
	}
	for i, w := range want {
		if got[i].At != w.At || got[i].To != w.To || (w.Text != "" && got[i].Text != w.Text) {
			t.Errorf("reply %d = %+v, want %+v", i, got[i], w)
		}
	}
	if !strings.Contains(out.String(), `"text":"已登记 问题#1`) {
		t.Errorf("output %s: JSON escapes Chinese or lost the issue", out.String())
	}

	// The same file again records nothing and answers nothing.
	out.Reset()
	if n, err := console.Replay(ctx, tw.P, tw.ID, lines, &out); err != nil || n != 0 || out.Len() != 0 {
		t.Fatalf("second replay = %d, %v, %q; want nothing", n, err, out.String())
	}
	tw.View(func(tx gridbot.Tx) error {
		is, err := tx.OpenIssues(tw.ID, 0)
		if len(is) != 1 {
			t.Errorf("%d issues after two replays", len(is))
		}
		return err
	})
}

func TestChatSession(t *testing.T) {
	tw := bottest.New(t, testkit.OpenSQLite(t))
	clock := testkit.NewClock(testkit.At("2026-10-03 08:30"))
	s := &console.Session{Handler: tw.P, TownID: tw.ID, As: bottest.Member1, Chat: bottest.Group1, Clock: clock}
	in := strings.Join([]string{
		"打卡",
		"/loc 28.3815,121.4706",
		"/loc nonsense",
		"上报 路灯坏了",
		"/as " + bottest.Leader1,
		"/chat dm:U101",
		"派发 #1 @王海",
		"/quit",
		"积分",
	}, "\n")
	var out bytes.Buffer
	if err := s.Run(ctx, strings.NewReader(in), &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, w := range []string{
		"U102@G-BH-01> 网格助手：滨海村设有打卡点",
		"网格助手：王海 打卡成功（10月3日 08:30·滨海村委会）。",
		"用法：/loc 28.3812,121.4705 [消息]",
		"网格助手：已登记 问题#1",
		"U101@dm:U101> 网格助手：问题#1 已派发给 王海",
		"网格助手 → dm:U102：陈强 把 问题#1 派发给你",
	} {
		if !strings.Contains(got, w) {
			t.Errorf("session output lacks %q:\n%s", w, got)
		}
	}
	if strings.Contains(got, "积分：") {
		t.Error("a line after /quit was sent")
	}
}
