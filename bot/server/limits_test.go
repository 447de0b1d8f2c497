package server_test

import (
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"gridbot/internal/bottest"
	"gridbot/internal/testkit"
	"gridbot/storage/kv"
)

// TestUserRateLimit: the fourth command within a minute at 3 a minute is
// answered in Chinese and not run; its retry is not answered twice; a
// minute later the member may go on.
func TestUserRateLimit(t *testing.T) {
	tw := bottest.New(t, testkit.OpenSQLite(t))
	h := newHarness(t, tw.Store, tw.ID, opts{userRate: 3})
	for i := range 3 {
		if got := h.send(bottest.Member1, bottest.Group1, "@网格助手 上报 问题"+itoa(int64(i))); !strings.Contains(got, "已登记") {
			t.Fatalf("command %d: %q", i, got)
		}
	}
	c := h.robot(bottest.Member1, bottest.Group1, "@网格助手 上报 第四个问题")
	if st, _ := h.post("/wecom/bot", c.query, nil, c.body); st != 200 {
		t.Fatalf("answered %d", st)
	}
	h.wait()
	rs := h.fake.repliesTo(c.responseURL)
	if len(rs) != 1 || !strings.Contains(markdown(t, rs[0]), "你发送命令太频繁了：每人每分钟最多 3 条。请") {
		t.Fatalf("replies %q", rs)
	}
	// WeCom retries the same callback: dropped, not answered again.
	if st, _ := h.post("/wecom/bot", c.query, nil, c.body); st != 200 {
		t.Fatalf("retry answered %d", st)
	}
	h.wait()
	if n := len(h.fake.repliesTo(c.responseURL)); n != 1 || h.openIssues() != 3 {
		t.Fatalf("after the retry: %d replies, %d issues; want 1, 3", n, h.openIssues())
	}
	// Another member is not limited.
	if got := h.send(bottest.Member2, bottest.Group2, "@网格助手 上报 别的问题"); !strings.Contains(got, "已登记") {
		t.Fatalf("another member: %q", got)
	}
	if n := h.metric(`gridbot_callbacks_total{endpoint="wecom_bot",outcome="rate_limited"}`); n != 1 {
		t.Errorf("rate_limited metric %v", n)
	}
}

// deadRedis is a Redis client on a port nobody listens on: every call fails.
func deadRedis(t *testing.T) kv.KV {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	k := kv.NewRedis(redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialTimeout: 200 * time.Millisecond}))
	t.Cleanup(func() { k.Close() })
	return k
}

// TestRedisDown: with Redis unreachable the dedupe filter and the rate
// limit fail open, and the store's claim still counts a message delivered
// four times at once exactly once, with one reply.
func TestRedisDown(t *testing.T) {
	tw := bottest.New(t, testkit.OpenSQLite(t))
	h := newHarness(t, tw.Store, tw.ID, opts{kv: deadRedis(t), userRate: 1})
	c := h.robot(bottest.Member1, bottest.Group1, "@网格助手 上报 路灯坏了")
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if st, _ := h.post("/wecom/bot", c.query, nil, c.body); st != 200 {
				t.Errorf("answered %d", st)
			}
		}()
	}
	wg.Wait()
	h.wait()
	if n := len(h.fake.repliesTo(c.responseURL)); n != 1 || h.openIssues() != 1 {
		t.Fatalf("%d replies, %d issues; want 1, 1", n, h.openIssues())
	}
	// The limiter is down, so a second command is not refused.
	if got := h.send(bottest.Member1, bottest.Group1, "@网格助手 上报 井盖缺失"); !strings.Contains(got, "问题#2") {
		t.Fatalf("second command: %q", got)
	}
	// Redis is an accelerator: without it the replica still serves (degraded).
	if resp, err := http.Get(h.http.URL + "/readyz"); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("/readyz with Redis down: %v %v", resp, err)
	}
}

// TestReplyRetried: the response_url answers 502 twice; the reply is sent
// on the third attempt, once.
func TestReplyRetried(t *testing.T) {
	tw := bottest.New(t, testkit.OpenSQLite(t))
	h := newHarness(t, tw.Store, tw.ID, opts{})
	h.fake.mu.Lock()
	h.fake.failReplies = 2
	h.fake.mu.Unlock()
	if got := h.send(bottest.Member1, bottest.Group1, "@网格助手 帮助"); !strings.Contains(got, "网格助手命令") {
		t.Fatalf("reply %q", got)
	}
	if n := h.metric(`gridbot_reply_retries_total{endpoint="wecom_bot"}`); n != 2 {
		t.Errorf("retries metric %v, want 2", n)
	}
	// Three failures in a row: given up after two retries.
	h.fake.mu.Lock()
	h.fake.failReplies = 3
	h.fake.mu.Unlock()
	c := h.robot(bottest.Member1, bottest.Group1, "@网格助手 帮助")
	h.post("/wecom/bot", c.query, nil, c.body)
	h.wait()
	if n := h.metric(`gridbot_replies_total{endpoint="wecom_bot",outcome="failed"}`); n != 1 || len(h.fake.repliesTo(c.responseURL)) != 0 {
		t.Errorf("failed metric %v", n)
	}
	if strings.Contains(h.logs.String(), "key=") {
		t.Errorf("the log shows a response_url:\n%s", h.logs.String())
	}
}
