package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"gridbot"
	"gridbot/bot/dingtalk"
	"gridbot/bot/wecom"
	"gridbot/config"
	"gridbot/internal/bottest"
	"gridbot/internal/testkit"
)

// jobs returns the town's outbox in every state.
func (h *harness) jobs() []gridbot.OutboundJob {
	h.t.Helper()
	var js []gridbot.OutboundJob
	if err := h.store.View(ctx, func(tx gridbot.Tx) error {
		var err error
		js, err = tx.Jobs(h.townID, "")
		return err
	}); err != nil {
		h.t.Fatal(err)
	}
	return js
}

// job returns the job with key, failing when there is none.
func (h *harness) job(key string) gridbot.OutboundJob {
	h.t.Helper()
	for _, j := range h.jobs() {
		if j.Key == key {
			return j
		}
	}
	h.t.Fatalf("no job %q in %+v", key, h.jobs())
	return gridbot.OutboundJob{}
}

// dingSend posts a DingTalk callback, requires an empty 200, and returns
// the text posted to its session webhook.
func (h *harness) dingSend(from, conversation, text string) (string, string) {
	h.t.Helper()
	hdr, body, hook := h.dingtalk(from, conversation, text, h.clock.Now())
	if st, answer := h.post("/dingtalk/robot", nil, hdr, body); st != http.StatusOK || answer != "" {
		h.t.Fatalf("dingtalk callback answered %d %q", st, answer)
	}
	h.wait()
	rs := h.fake.repliesTo(hook)
	if len(rs) != 1 {
		h.t.Fatalf("%d replies at the session webhook, want 1", len(rs))
	}
	var m struct {
		MsgType string `json:"msgtype"`
		Text    struct {
			Content string `json:"content"`
		} `json:"text"`
	}
	if err := json.Unmarshal([]byte(rs[0]), &m); err != nil || m.MsgType != "text" {
		h.t.Fatalf("session webhook body %s", rs[0])
	}
	var in struct {
		MsgID string `json:"msgId"`
	}
	json.Unmarshal(body, &in)
	return m.Text.Content, in.MsgID
}

// TestSameCommandEveryAdapter sends one command one-to-one through each
// inbound adapter, sealed and signed as its platform does: each stores the
// same fact, answers the same words on its own reply channel (read at the
// fake platform), and records that reply as a delivered job of the outbox
// keyed by the message.
func TestSameCommandEveryAdapter(t *testing.T) {
	const text = "上报 海滨路3号路灯不亮"
	type outcome struct {
		reply, key, platform string
		issue                gridbot.Issue
	}
	cases := []struct {
		name string
		send func(h *harness) (reply, key string)
		plat string
	}{
		{"wecom smart robot", func(h *harness) (string, string) {
			c := h.robot(bottest.Member1, "", text)
			if st, body := h.post("/wecom/bot", c.query, nil, c.body); st != http.StatusOK || body != "" {
				t.Fatalf("answered %d %q", st, body)
			}
			h.wait()
			rs := h.fake.repliesTo(c.responseURL)
			if len(rs) != 1 {
				t.Fatalf("%d replies at response_url", len(rs))
			}
			return markdown(t, rs[0]), "reply:wecom:" + c.msgid
		}, wecom.Platform},
		{"wecom app", func(h *harness) (string, string) {
			msgID := "7" + randHex(6)
			reply := h.appSend(appText(h.cfg.Default.WeCom.CorpID, bottest.Member1, msgID, h.clock.Now(), text), bottest.Member1)
			return reply, "reply:wecom:" + msgID
		}, wecom.Platform},
		{"dingtalk robot", func(h *harness) (string, string) {
			reply, msgID := h.dingSend(bottest.Member1, "", text)
			return reply, "reply:dingtalk:" + msgID
		}, dingtalk.Platform},
	}
	var got []outcome
	for _, c := range cases {
		tw := bottest.New(t, testkit.OpenSQLite(t))
		h := newHarness(t, tw.Store, tw.ID, opts{})
		reply, key := c.send(h)
		if j := h.job(key); j.State != gridbot.JobDelivered {
			t.Errorf("%s: reply job %+v, want delivered", c.name, j)
		}
		var open []gridbot.Issue
		tw.View(func(tx gridbot.Tx) error {
			var err error
			open, err = tx.OpenIssues(tw.ID, 0)
			return err
		})
		if len(open) != 1 {
			t.Fatalf("%s: %d issues stored", c.name, len(open))
		}
		got = append(got, outcome{reply: reply, key: key, platform: open[0].Platform, issue: open[0]})
		if open[0].Platform != c.plat {
			t.Errorf("%s: issue recorded from %q", c.name, open[0].Platform)
		}
	}
	first := got[0]
	if !strings.HasPrefix(first.reply, "已登记 问题#1（滨海村一网格）：海滨路3号路灯不亮") {
		t.Errorf("reply %q", first.reply)
	}
	for i, o := range got[1:] {
		a, b := first.issue, o.issue
		if o.reply != first.reply {
			t.Errorf("%s replied\n%q\nwant (as %s)\n%q", cases[i+1].name, o.reply, cases[0].name, first.reply)
		}
		if a.No != b.No || a.Description != b.Description || a.ReportedBy != b.ReportedBy || a.GridID != b.GridID ||
			!a.ReportedAt.Equal(b.ReportedAt) {
			t.Errorf("%s stored %+v, %s stored %+v", cases[i+1].name, b, cases[0].name, a)
		}
	}
}

// dispatch reports an issue and dispatches it to 张伟 through send, which
// posts one group message as Member1 or Leader1.
func dispatch(t *testing.T, send func(from, text string)) {
	t.Helper()
	send(bottest.Member1, "@网格助手 上报 海滨路3号路灯不亮")
	send(bottest.Leader1, "@网格助手 派发 #1 @张伟")
}

// TestDispatchNotifiesAssignee: 派发 tells the assignee one-to-one on the
// town's channel — the WeCom app, else DingTalk's work notice — and, with
// neither, in their grid's group through its robot with an @ of them.
func TestDispatchNotifiesAssignee(t *testing.T) {
	const notice = "陈强 把 问题#1 派发给你：海滨路3号路灯不亮"
	t.Run("wecom app", func(t *testing.T) {
		tw := bottest.New(t, testkit.OpenSQLite(t))
		h := newHarness(t, tw.Store, tw.ID, opts{})
		var again robotCall
		dispatch(t, func(from, text string) {
			again = h.robot(from, bottest.Group1, text)
			h.post("/wecom/bot", again.query, nil, again.body)
			h.wait()
		})
		sent := h.fake.sentBodies()
		if len(sent) != 1 || !strings.Contains(sent[0], `"touser":"`+bottest.ZhangWei1+`"`) || !strings.Contains(sent[0], notice) {
			t.Fatalf("message/send got %q", sent)
		}
		if j := h.job("dispatch:1"); j.Channel != gridbot.ChannelWeComApp || j.State != gridbot.JobDelivered {
			t.Errorf("notice job %+v", j)
		}
		// WeCom retries the 派发 callback: nothing is sent twice.
		h.post("/wecom/bot", again.query, nil, again.body)
		h.wait()
		if n := len(h.fake.sentBodies()); n != 1 {
			t.Errorf("%d notices after a retry, want 1", n)
		}
	})
	t.Run("dingtalk work notice", func(t *testing.T) {
		tw := bottest.New(t, testkit.OpenSQLite(t))
		h := newHarness(t, tw.Store, tw.ID, opts{config: func(c *config.Serve) {
			c.Default.WeCom = config.WeCom{APIBase: c.Default.WeCom.APIBase} // no WeCom at all
			c.Default.DingTalk.AppKey, c.Default.DingTalk.AgentID = h0key(c), 2981
		}})
		dispatch(t, func(from, text string) { h.dingSend(from, "BH01", text) })
		work := h.fake.workBodies()
		if len(work) != 1 {
			t.Fatalf("work notices %q", work)
		}
		var body struct {
			AgentID    int64  `json:"agent_id"`
			UserIDList string `json:"userid_list"`
			Msg        struct {
				MsgType string `json:"msgtype"`
				Text    struct {
					Content string `json:"content"`
				} `json:"text"`
			} `json:"msg"`
		}
		if err := json.Unmarshal([]byte(work[0]), &body); err != nil || body.AgentID != 2981 || body.UserIDList != bottest.ZhangWei1 ||
			body.Msg.MsgType != "text" || !strings.HasPrefix(body.Msg.Text.Content, notice) {
			t.Errorf("work notice %s", work[0])
		}
		if len(h.fake.sentBodies()) != 0 || len(h.fake.hookBodies()) != 0 {
			t.Errorf("the notice also went elsewhere")
		}
	})
	t.Run("grid robot", func(t *testing.T) {
		tw := bottest.New(t, testkit.OpenSQLite(t))
		h := newHarness(t, tw.Store, tw.ID, opts{config: func(c *config.Serve) {
			w := c.Default.WeCom
			c.Default.WeCom = config.WeCom{BotToken: w.BotToken, BotAESKey: w.BotAESKey, APIBase: w.APIBase}
		}})
		if err := tw.Store.Update(ctx, func(tx gridbot.Tx) error {
			return tx.ReplaceWebhooks(tw.ID, []gridbot.Webhook{{Scope: gridbot.ScopeGrid, Name: "滨海村一网格",
				Platform: gridbot.PlatformWeCom, Key: "grid-key-1"}}, h.clock.Now())
		}); err != nil {
			t.Fatal(err)
		}
		dispatch(t, func(from, text string) { h.send(from, bottest.Group1, text) })
		hooks := h.fake.hookBodies()
		if len(hooks) != 1 {
			t.Fatalf("group robot got %q", hooks)
		}
		key, body, _ := strings.Cut(hooks[0], " ")
		var m struct {
			MsgType string `json:"msgtype"`
			Text    struct {
				Content       string   `json:"content"`
				MentionedList []string `json:"mentioned_list"`
			} `json:"text"`
		}
		if err := json.Unmarshal([]byte(body), &m); err != nil || key != "grid-key-1" || m.MsgType != "text" ||
			!strings.HasPrefix(m.Text.Content, notice) || len(m.Text.MentionedList) != 1 || m.Text.MentionedList[0] != bottest.ZhangWei1 {
			t.Errorf("group robot got %s", hooks[0])
		}
	})
}

// h0key is the fake DingTalk's AppKey, read back from the configuration's
// API base: every harness's fake has its own.
func h0key(c *config.Serve) string {
	fakesMu.Lock()
	defer fakesMu.Unlock()
	return fakes[c.Default.DingTalk.APIBase].dingKey
}

// TestReplyResumedByWorker: the platform fails every attempt the callback
// makes; the reply stays queued, and the worker — here, or on any replica
// after a crash — sends it when its retry is due, once.
func TestReplyResumedByWorker(t *testing.T) {
	tw := bottest.New(t, testkit.OpenSQLite(t))
	h := newHarness(t, tw.Store, tw.ID, opts{})
	h.fake.failReplies = 3
	c := h.robot(bottest.Member1, bottest.Group1, "@网格助手 上报 井盖缺失")
	if st, _ := h.post("/wecom/bot", c.query, nil, c.body); st != http.StatusOK {
		t.Fatalf("answered %d", st)
	}
	h.wait()
	if j := h.job("reply:wecom:" + c.msgid); j.State != gridbot.JobPending || j.Attempts != 1 || len(h.fake.repliesTo(c.responseURL)) != 0 {
		t.Fatalf("after the failed attempts: %+v", j)
	}
	h.clock.Add(31 * time.Second)
	s, err := h.srv.Notifier().RunOnce(ctx)
	if err != nil || s.Delivered != 1 {
		t.Fatalf("worker: %+v, %v", s, err)
	}
	if rs := h.fake.repliesTo(c.responseURL); len(rs) != 1 || !strings.Contains(markdown(t, rs[0]), "已登记 问题#1") {
		t.Fatalf("replies %q", rs)
	}
	if s, _ := h.srv.Notifier().RunOnce(ctx); s.Claimed != 0 {
		t.Errorf("the worker found more: %+v", s)
	}
}
