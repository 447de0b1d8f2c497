package server_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"gridbot/bot/dingtalk"
	"gridbot/internal/bottest"
	"gridbot/internal/testkit"
)

// TestDingTalkRobot: a signed callback runs its command and the reply goes
// to the sessionWebhook; forged, stale or unsigned callbacks get a 4xx and
// change nothing.
func TestDingTalkRobot(t *testing.T) {
	tw := bottest.New(t, testkit.OpenSQLite(t))
	h := newHarness(t, tw.Store, tw.ID, opts{})
	now := h.clock.Now()

	hdr, body, hook := h.dingtalk(bottest.Member1, "BH01", "@网格助手 上报 路灯坏了", now)
	if st, answer := h.post("/dingtalk/robot", nil, hdr, body); st != 200 || answer != "" {
		t.Fatalf("answered %d %q", st, answer)
	}
	h.wait()
	rs := h.fake.repliesTo(hook)
	want := `{"msgtype":"text","text":{"content":"@U102 已登记 问题#1（滨海村一网格）：路灯坏了`
	if len(rs) != 1 || !strings.HasPrefix(rs[0], want) || !strings.HasSuffix(rs[0], `"at":{"atUserIds":["U102"]}}`) {
		t.Fatalf("replies %q, want one starting %s", rs, want)
	}
	// One-to-one: no @.
	hdr, body, hook = h.dingtalk(bottest.Member1, "", "积分", now)
	if st, _ := h.post("/dingtalk/robot", nil, hdr, body); st != 200 {
		t.Fatalf("answered %d", st)
	}
	h.wait()
	if rs := h.fake.repliesTo(hook); len(rs) != 1 || !strings.HasPrefix(rs[0], `{"msgtype":"text","text":{"content":"王海（滨海村一网格）2026-10 积分`) || strings.Contains(rs[0], `"at"`) {
		t.Fatalf("one-to-one reply %q", rs)
	}

	var m map[string]any
	before := h.state()
	replies := h.fake.allReplies()
	bad := []struct {
		name   string
		break_ func(hdr http.Header)
	}{
		{"bad sign", func(hdr http.Header) { hdr.Set("Sign", dingtalk.Sign(hdr.Get("Timestamp"), "not-the-secret")) }},
		{"no sign", func(hdr http.Header) { hdr.Del("Sign") }},
		{"stale timestamp", func(hdr http.Header) {
			ts := now.Add(-2 * time.Hour).UnixMilli()
			hdr.Set("Timestamp", itoa(ts))
			hdr.Set("Sign", dingtalk.Sign(itoa(ts), h.dingSecret))
		}},
		{"future timestamp", func(hdr http.Header) {
			ts := now.Add(3 * time.Hour).UnixMilli()
			hdr.Set("Timestamp", itoa(ts))
			hdr.Set("Sign", dingtalk.Sign(itoa(ts), h.dingSecret))
		}},
	}
	for _, b := range bad {
		hdr, body, _ := h.dingtalk(bottest.Member1, "BH01", "@网格助手 上报 不该记录的问题", now)
		b.break_(hdr)
		if st, _ := h.post("/dingtalk/robot", nil, hdr, body); st != http.StatusUnauthorized {
			t.Errorf("%s: answered %d, want 401", b.name, st)
		}
	}
	hdr, _, _ = h.dingtalk(bottest.Member1, "BH01", "", now)
	if st, _ := h.post("/dingtalk/robot", nil, hdr, []byte(`{"msgtype":"text"`)); st != http.StatusBadRequest {
		t.Errorf("truncated body: answered %d, want 400", st)
	}
	h.wait()
	if after := h.state(); after != before || h.fake.allReplies() != replies {
		t.Errorf("rejected callbacks changed the store or replied")
	}
	if strings.Contains(h.logs.String(), h.dingSecret) || strings.Contains(h.logs.String(), "不该记录") {
		t.Errorf("the log shows a secret or a rejected body")
	}

	// A session webhook on another host (a replayed sign with a forged
	// body): the command counts, no reply goes there.
	hdr, body, _ = h.dingtalk(bottest.Member1, "BH01", "@网格助手 帮助", now)
	json.Unmarshal(body, &m)
	m["sessionWebhook"] = "http://169.254.169.254/latest/meta-data"
	body, _ = json.Marshal(m)
	if st, _ := h.post("/dingtalk/robot", nil, hdr, body); st != 200 {
		t.Fatalf("answered %d", st)
	}
	h.wait()
	if n := h.metric(`gridbot_replies_total{endpoint="dingtalk_robot",outcome="expired"}`); n != 1 {
		t.Errorf("foreign webhook: expired replies metric %v, want 1", n)
	}

	// A session webhook that has expired: the command counts, the reply is
	// not attempted.
	hdr, body, hook = h.dingtalk(bottest.Member1, "BH01", "@网格助手 上报 井盖缺失", now)
	m = nil
	json.Unmarshal(body, &m)
	m["sessionWebhookExpiredTime"] = now.Add(-time.Minute).UnixMilli()
	body, _ = json.Marshal(m)
	if st, _ := h.post("/dingtalk/robot", nil, hdr, body); st != 200 {
		t.Fatalf("answered %d", st)
	}
	h.wait()
	if len(h.fake.repliesTo(hook)) != 0 || h.openIssues() != 2 {
		t.Errorf("expired webhook: %d replies, %d issues", len(h.fake.repliesTo(hook)), h.openIssues())
	}
	if n := h.metric(`gridbot_replies_total{endpoint="dingtalk_robot",outcome="expired"}`); n != 2 {
		t.Errorf("expired replies metric %v, want 2", n)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
