package server_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"gridbot"
	"gridbot/bot/server"
	"gridbot/bot/wecom"
	"gridbot/config"
	"gridbot/internal/bottest"
	"gridbot/internal/testkit"
)

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestProbesAndRoutes: /healthz, /readyz and /metrics answer; a disabled
// platform has no route; a wrong method is refused.
func TestProbesAndRoutes(t *testing.T) {
	tw := bottest.New(t, testkit.OpenSQLite(t))
	srv, err := server.New(&config.Serve{Addr: ":0", BotNames: []string{"网格助手"}},
		server.Deps{Store: tw.Store, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ts := newTestServer(t, srv)
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200, "/wecom/bot": 404, "/wecom/app": 404, "/dingtalk/robot": 404} {
		if st, _ := get(t, ts+path); st != want {
			t.Errorf("GET %s = %d, want %d", path, st, want)
		}
	}
	if st, body := get(t, ts+"/metrics"); st != 200 || !strings.Contains(body, "go_goroutines") {
		t.Errorf("/metrics = %d", st)
	}
	tw.Store.Close()
	if st, body := get(t, ts+"/readyz"); st != http.StatusServiceUnavailable || body != "store unavailable\n" {
		t.Errorf("/readyz with the store closed = %d %q", st, body)
	}
	if st, _ := get(t, ts+"/healthz"); st != 200 {
		t.Errorf("/healthz with the store closed = %d", st)
	}
}

func newTestServer(t *testing.T, srv *server.Server) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c, cancel := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- srv.Serve(c, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}

// TestGracefulShutdown: a callback whose reply is slow to deliver is
// answered, and Serve returns only after the reply went out.
func TestGracefulShutdown(t *testing.T) {
	tw := bottest.New(t, testkit.OpenSQLite(t))
	h := newHarness(t, tw.Store, tw.ID, opts{})
	h.fake.mu.Lock()
	h.fake.replyDelay = 500 * time.Millisecond
	h.fake.mu.Unlock()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c, cancel := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- h.srv.Serve(c, ln) }()

	call := h.robot(bottest.Member1, bottest.Group1, "@网格助手 上报 路灯坏了")
	resp, err := http.Post("http://"+ln.Addr().String()+"/wecom/bot?"+call.query.Encode(), "application/json", strings.NewReader(string(call.body)))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("callback: %v %v", resp, err)
	}
	resp.Body.Close()
	cancel() // SIGTERM
	if err := <-done; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if n := len(h.fake.repliesTo(call.responseURL)); n != 1 {
		t.Fatalf("%d replies delivered before Serve returned, want 1", n)
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/healthz"); err == nil {
		t.Fatal("still serving after shutdown")
	}
}

// TestSeveralTowns: GRIDBOT_CONFIG_FILE's towns are served under their own
// paths with their own keys, into their own towns.
func TestSeveralTowns(t *testing.T) {
	st := testkit.OpenSQLite(t)
	a := bottest.NewNamed(t, st, "甲镇")
	b := bottest.NewNamed(t, st, "乙镇")
	f := newFake(t)
	aesA, keyA := newAESKey()
	aesB, keyB := newAESKey()
	cfg := &config.Serve{Addr: ":0", BotNames: []string{"网格助手"}, Towns: []config.Town{
		{Name: "甲镇", Path: "jia", WeCom: config.WeCom{BotToken: "tokA", BotAESKey: aesA, APIBase: f.srv.URL}},
		{Name: "乙镇", Path: "yi", WeCom: config.WeCom{BotToken: "tokB", BotAESKey: aesB, APIBase: f.srv.URL}},
	}}
	srv, err := server.New(cfg, server.Deps{Store: st, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	base := newTestServer(t, srv)
	post := func(path, token string, key []byte, text string) int {
		ru := f.replyURL("robot")
		enc, _ := wecom.Encrypt(key, robotMsg(randHex(8), "group", bottest.Group1, bottest.Member1, ru, text), "", rand.Reader)
		body, _ := json.Marshal(map[string]string{"encrypt": enc})
		h := &harness{}
		q := h.signed(token, enc, time.Now())
		resp, err := http.Post(base+path+"?"+q.Encode(), "application/json", strings.NewReader(string(body)))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if s := post("/jia/wecom/bot", "tokA", keyA, "上报 甲镇的问题"); s != 200 {
		t.Fatalf("甲镇: %d", s)
	}
	if s := post("/yi/wecom/bot", "tokA", keyA, "上报 用甲镇的钥匙"); s != http.StatusUnauthorized {
		t.Fatalf("乙镇 with 甲镇's token: %d", s)
	}
	if s := post("/yi/wecom/bot", "tokB", keyB, "上报 乙镇的问题"); s != 200 {
		t.Fatalf("乙镇: %d", s)
	}
	if s := post("/wecom/bot", "tokA", keyA, "上报 无镇"); s != http.StatusNotFound {
		t.Fatalf("no default town: %d", s)
	}
	count := func(tw *bottest.Town) int {
		n := 0
		tw.View(func(tx gridbot.Tx) error { is, err := tx.OpenIssues(tw.ID, 0); n = len(is); return err })
		return n
	}
	if count(a) != 1 || count(b) != 1 {
		t.Fatalf("issues: 甲镇 %d, 乙镇 %d", count(a), count(b))
	}
}

// TestAmbiguousTown: several towns and no GRIDBOT_TOWN is a start-up error
// once a platform is configured; with none configured serve still starts.
func TestAmbiguousTown(t *testing.T) {
	st := testkit.OpenSQLite(t)
	bottest.NewNamed(t, st, "甲镇")
	bottest.NewNamed(t, st, "乙镇")
	aes, _ := newAESKey()
	quiet := server.Deps{Store: st, Logger: slog.New(slog.DiscardHandler)}
	cfg := &config.Serve{Addr: ":0", Default: config.Town{WeCom: config.WeCom{BotToken: "t", BotAESKey: aes}}}
	if _, err := server.New(cfg, quiet); err == nil || !strings.Contains(err.Error(), "GRIDBOT_TOWN") {
		t.Fatalf("want an error naming GRIDBOT_TOWN, got %v", err)
	}
	cfg.Default.Name = "乙镇"
	if _, err := server.New(cfg, quiet); err != nil {
		t.Fatal(err)
	}
	if _, err := server.New(&config.Serve{Addr: ":0"}, quiet); err != nil {
		t.Fatalf("no platform: %v", err)
	}
}
