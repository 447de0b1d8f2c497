package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"gridbot"
	"gridbot/config"
	"gridbot/examples"
	"gridbot/importer"
	"gridbot/internal/testkit"
)

// exampleTown imports the example town 海风镇 (roster and check-in points)
// into st and returns its id.
func exampleTown(t testing.TB, st gridbot.Store) int64 {
	t.Helper()
	var id int64
	if err := st.Update(ctx, func(tx gridbot.Tx) error {
		town, err := tx.CreateTown(examples.Town)
		id = town.ID
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := importer.Roster(ctx, st, id, "../../examples/roster.csv", time.Time{}, importer.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := importer.Checkpoints(ctx, st, id, "../../examples/checkpoints.csv", importer.Options{}); err != nil {
		t.Fatal(err)
	}
	return id
}

// appSend posts a sealed app message, requires an empty 200 within the
// platform's 5 seconds, and returns the text WeCom was asked to send.
func (h *harness) appSend(plain []byte, to string) string {
	h.t.Helper()
	before := len(h.fake.sentBodies())
	q, body := h.app(plain)
	start := time.Now()
	st, answer := h.post("/wecom/app", q, nil, body)
	if st != http.StatusOK || answer != "" || time.Since(start) > 5*time.Second {
		h.t.Fatalf("app callback answered %d %q after %v", st, answer, time.Since(start))
	}
	h.wait()
	sent := h.fake.sentBodies()
	if len(sent) != before+1 {
		h.t.Fatalf("%d messages sent, want 1", len(sent)-before)
	}
	var m struct {
		ToUser  string `json:"touser"`
		MsgType string `json:"msgtype"`
		AgentID int64  `json:"agentid"`
		Text    struct {
			Content string `json:"content"`
		} `json:"text"`
	}
	if err := json.Unmarshal([]byte(sent[before]), &m); err != nil || m.ToUser != to || m.MsgType != "text" || m.AgentID != 1000002 {
		h.t.Fatalf("message/send body %s", sent[before])
	}
	return m.Text.Content
}

// TestAppLocationCheckin: location messages to the self-built app are
// check-ins, inside or outside the village's geofence (the example town).
func TestAppLocationCheckin(t *testing.T) {
	st := testkit.OpenSQLite(t)
	h := newHarness(t, st, exampleTown(t, st), opts{})
	corp := h.cfg.Default.WeCom.CorpID
	at := h.clock.Now()
	steps := []struct {
		plain []byte
		want  string
	}{
		{appText(corp, "U002", "7000000000000000001", at, "打卡"), "海风村设有打卡点"},
		{appLocation(corp, "U002", "7000000000000000002", at, 28.3950, 121.4800, "海风镇渔港"), "约 1.7 公里，超出 200 米的范围，打卡未成功"},
		{appLocation(corp, "U002", "7000000000000000003", at, 28.3814, 121.4707, "海风村党群服务中心"), "杨萍 打卡成功（10月3日 09:00·海风村党群服务中心）"},
		{appLocation(corp, "U002", "7000000000000000004", at.Add(time.Minute), 28.3814, 121.4707, ""), "今日已打卡"},
	}
	for i, s := range steps {
		if got := h.appSend(s.plain, "U002"); !strings.Contains(got, s.want) {
			t.Errorf("step %d replied %q, want %q", i, got, s.want)
		}
	}
	if n := h.checkins(); n != 1 {
		t.Fatalf("%d check-ins, want 1", n)
	}
	h.fake.mu.Lock()
	defer h.fake.mu.Unlock()
	if h.fake.fetches != 1 {
		t.Errorf("%d gettoken calls, want 1 (the token is cached)", h.fake.fetches)
	}
}

// TestAppTokenExpiresMidRun: message/send answers 42001 once; the token is
// fetched again and the message sent once.
func TestAppTokenExpiresMidRun(t *testing.T) {
	st := testkit.OpenSQLite(t)
	h := newHarness(t, st, exampleTown(t, st), opts{})
	corp := h.cfg.Default.WeCom.CorpID
	if got := h.appSend(appText(corp, "U002", "7100000000000000001", h.clock.Now(), "帮助 打卡"), "U002"); !strings.Contains(got, "打卡") {
		t.Fatalf("first reply %q", got)
	}
	h.fake.mu.Lock()
	h.fake.expireNext = true
	h.fake.mu.Unlock()
	if got := h.appSend(appText(corp, "U003", "7100000000000000002", h.clock.Now(), "积分"), "U003"); !strings.Contains(got, "张伟") {
		t.Fatalf("second reply %q", got)
	}
	h.fake.mu.Lock()
	defer h.fake.mu.Unlock()
	if h.fake.fetches != 2 || h.fake.refused != 1 || len(h.fake.sent) != 2 {
		t.Fatalf("gettoken %d (want 2), refused %d (want 1), sent %d (want 2)", h.fake.fetches, h.fake.refused, len(h.fake.sent))
	}
}

// TestAppURLVerificationVector answers WeCom's published URL check
// (document path/90968) at its own time.
func TestAppURLVerificationVector(t *testing.T) {
	st := testkit.OpenSQLite(t)
	id := exampleTown(t, st)
	f := newFake(t)
	cfg := &config.Serve{Addr: ":0", BotNames: []string{"网格助手"}, Default: config.Town{WeCom: config.WeCom{
		CorpID: "wx5823bf96d3bd56c7", AppAgentID: 1, AppSecret: "s", AppToken: "QDG6eK",
		AppAESKey: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", APIBase: f.srv.URL}}}
	h := newHarness(t, st, id, opts{fake: f, cfg: cfg})
	h.clock.Set(time.Unix(1409659589, 0))
	q := url.Values{"msg_signature": {"5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3"}, "timestamp": {"1409659589"},
		"nonce": {"263014780"}, "echostr": {"P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ=="}}
	resp, err := http.Get(h.http.URL + "/wecom/app?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "1616140317555161061" {
		t.Fatalf("answered %d %q", resp.StatusCode, body)
	}
	// Hours later the same check is stale.
	h.clock.Set(time.Unix(1409659589, 0).Add(2 * time.Hour))
	resp, err = http.Get(h.http.URL + "/wecom/app?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a stale URL check answered %d", resp.StatusCode)
	}
}
