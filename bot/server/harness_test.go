package server_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"
	"time"

	"gridbot"
	"gridbot/bot/dingtalk"
	"gridbot/bot/server"
	"gridbot/bot/wecom"
	"gridbot/config"
	"gridbot/handlers"
	"gridbot/internal/testkit"
	"gridbot/scoring"
	"gridbot/storage/kv"
)

var ctx = context.Background()

func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// newAESKey returns a fresh EncodingAESKey and its key.
func newAESKey() (string, []byte) {
	key := make([]byte, 32)
	rand.Read(key)
	return base64.StdEncoding.EncodeToString(key)[:43], key
}

// harness is one gridbot server on a store, with every platform enabled
// and pointed at a fake platform.
type harness struct {
	t      testing.TB
	store  gridbot.Store
	townID int64
	clock  *testkit.Clock
	fake   *fake
	cfg    *config.Serve
	srv    *server.Server
	http   *httptest.Server
	logs   *testkit.Buffer

	botKey, appKey []byte
	dingSecret     string
}

// opts changes a harness before its server is built.
type opts struct {
	kv       kv.KV
	fake     *fake         // share one fake platform between servers
	cfg      *config.Serve // share one configuration
	userRate int
	quiet    bool                // log nothing (benchmarks)
	config   func(*config.Serve) // changes the configuration before the server is built
}

// newHarness serves townID of st at 2026-10-03 09:00 (in the check-in window).
func newHarness(t testing.TB, st gridbot.Store, townID int64, o opts) *harness {
	t.Helper()
	h := &harness{t: t, store: st, townID: townID, logs: &testkit.Buffer{},
		clock: testkit.NewClock(time.Date(2026, 10, 3, 9, 0, 0, 0, gridbot.Zone))}
	h.fake = o.fake
	if h.fake == nil {
		h.fake = newFake(t)
	}
	h.cfg = o.cfg
	if h.cfg == nil {
		botAES, _ := newAESKey()
		appAES, _ := newAESKey()
		h.cfg = &config.Serve{Addr: "127.0.0.1:0", BotNames: []string{"网格助手"}, UserRate: o.userRate,
			Default: config.Town{
				WeCom: config.WeCom{CorpID: h.fake.corpID, BotToken: "bot" + randHex(6), BotAESKey: botAES,
					AppAgentID: 1000002, AppSecret: h.fake.secret, AppToken: "app" + randHex(6), AppAESKey: appAES,
					APIBase: h.fake.srv.URL},
				DingTalk: config.DingTalk{AppSecret: h.fake.dingSecret, APIBase: h.fake.srv.URL, OpenAPIBase: h.fake.srv.URL},
			}}
	}
	if o.config != nil {
		o.config(h.cfg)
	}
	w := h.cfg.Default.WeCom
	h.botKey, _ = wecom.DecodeAESKey(w.BotAESKey)
	h.appKey, _ = wecom.DecodeAESKey(w.AppAESKey)
	h.dingSecret = h.cfg.Default.DingTalk.AppSecret
	log := slog.New(slog.NewJSONHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if o.quiet {
		log = slog.New(slog.DiscardHandler)
	}
	srv, err := server.New(h.cfg, server.Deps{Store: st, KV: o.kv, Handler: handlers.New(nil), Logger: log, Clock: h.clock})
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	srv.RetryWait = 10 * time.Millisecond
	h.srv = srv
	h.http = httptest.NewServer(srv.Handler())
	t.Cleanup(h.http.Close)
	return h
}

// wait waits for the replies in flight.
func (h *harness) wait() {
	h.t.Helper()
	c, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := h.srv.Wait(c); err != nil {
		h.t.Fatal(err)
	}
}

// signed returns the query of a WeCom callback carrying encrypt, signed
// with token at the harness's time.
func (h *harness) signed(token, encrypt string, at time.Time) url.Values {
	ts, nonce := strconv.FormatInt(at.Unix(), 10), randHex(5)
	return url.Values{"msg_signature": {wecom.Signature(token, ts, nonce, encrypt)}, "timestamp": {ts}, "nonce": {nonce}}
}

// robotMsg is the decrypted JSON of a smart robot text message, as WeCom
// sends it (document path/100719).
func robotMsg(msgid, chatType, chatID, from, responseURL, text string) []byte {
	m := map[string]any{"msgid": msgid, "aibotid": "AIBOT" + msgid[:4], "chattype": chatType, "from": map[string]string{"userid": from},
		"response_url": responseURL, "msgtype": "text", "text": map[string]string{"content": text}}
	if chatType == "group" {
		m["chatid"] = chatID
	}
	b, _ := json.Marshal(m)
	return b
}

// robotCall is one smart robot callback, ready to post.
type robotCall struct {
	query       url.Values
	body        []byte
	responseURL string
	msgid       string
}

// robot seals a text message from a member of a group chat (chat "" means
// one-to-one) the way WeCom does.
func (h *harness) robot(from, chat, text string) robotCall {
	msgid := randHex(16)
	chatType := "group"
	if chat == "" {
		chatType = "single"
	}
	ru := h.fake.replyURL("robot")
	enc, err := wecom.Encrypt(h.botKey, robotMsg(msgid, chatType, chat, from, ru, text), "", rand.Reader)
	if err != nil {
		h.t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]string{"encrypt": enc})
	return robotCall{query: h.signed(h.cfg.Default.WeCom.BotToken, enc, h.clock.Now()), body: body, responseURL: ru, msgid: msgid}
}

// post sends a callback and returns the status and body of the answer.
func (h *harness) post(path string, q url.Values, header http.Header, body []byte) (int, string) {
	h.t.Helper()
	req, err := http.NewRequest(http.MethodPost, h.http.URL+path+"?"+q.Encode(), bytes.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := h.http.Client().Do(req)
	if err != nil {
		h.t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// send posts a robot callback, requires an empty 200, waits for the reply
// and returns its markdown.
func (h *harness) send(from, chat, text string) string {
	h.t.Helper()
	c := h.robot(from, chat, text)
	if st, body := h.post("/wecom/bot", c.query, nil, c.body); st != http.StatusOK || body != "" {
		h.t.Fatalf("%s %q: answered %d %q", from, text, st, body)
	}
	h.wait()
	rs := h.fake.repliesTo(c.responseURL)
	if len(rs) != 1 {
		h.t.Fatalf("%s %q: %d replies at response_url, want 1", from, text, len(rs))
	}
	return markdown(h.t, rs[0])
}

// appXML is a decrypted self-built app message, as WeCom sends it.
func appText(corpID, from, msgID string, at time.Time, content string) []byte {
	return fmt.Appendf(nil, "<xml><ToUserName><![CDATA[%s]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName><CreateTime>%d</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[%s]]></Content><MsgId>%s</MsgId><AgentID>1000002</AgentID></xml>",
		corpID, from, at.Unix(), content, msgID)
}

func appLocation(corpID, from, msgID string, at time.Time, lat, lng float64, label string) []byte {
	return fmt.Appendf(nil, "<xml><ToUserName><![CDATA[%s]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName><CreateTime>%d</CreateTime><MsgType><![CDATA[location]]></MsgType><Location_X>%v</Location_X><Location_Y>%v</Location_Y><Scale>15</Scale><Label><![CDATA[%s]]></Label><MsgId>%s</MsgId><AgentID>1000002</AgentID></xml>",
		corpID, from, at.Unix(), lat, lng, label, msgID)
}

// app seals a decrypted app message into the callback WeCom posts.
func (h *harness) app(plain []byte) (url.Values, []byte) {
	w := h.cfg.Default.WeCom
	enc, err := wecom.Encrypt(h.appKey, plain, w.CorpID, rand.Reader)
	if err != nil {
		h.t.Fatal(err)
	}
	body := fmt.Appendf(nil, "<xml><ToUserName><![CDATA[%s]]></ToUserName><Encrypt><![CDATA[%s]]></Encrypt><AgentID><![CDATA[%d]]></AgentID></xml>", w.CorpID, enc, w.AppAgentID)
	return h.signed(w.AppToken, enc, h.clock.Now()), body
}

// dingtalk builds a DingTalk enterprise robot callback: body and headers.
func (h *harness) dingtalk(from, conversation, text string, at time.Time) (http.Header, []byte, string) {
	hook := h.fake.replyURL("ding")
	convType := "2"
	if conversation == "" {
		convType = "1"
	}
	body, _ := json.Marshal(map[string]any{
		"conversationId": "cid" + conversation, "atUsers": []map[string]string{{"dingtalkId": "$:LWCP_v1:$robot"}},
		"chatbotCorpId": "dinge8a565a", "chatbotUserId": "$:LWCP_v1:$robot", "msgId": "msg" + randHex(12),
		"senderNick": from, "isAdmin": false, "senderStaffId": from, "sessionWebhookExpiredTime": at.Add(90 * time.Minute).UnixMilli(),
		"createAt": at.UnixMilli(), "senderCorpId": "dinge8a565a", "conversationType": convType, "senderId": "$:LWCP_v1:$" + from,
		"conversationTitle": "滨海村一网格", "isInAtList": true, "sessionWebhook": hook,
		"text": map[string]string{"content": text}, "robotCode": "dingrobot", "msgtype": "text",
	})
	ts := strconv.FormatInt(at.UnixMilli(), 10)
	hdr := http.Header{"Timestamp": {ts}, "Sign": {dingtalk.Sign(ts, h.dingSecret)}, "Content-Type": {"application/json"}}
	return hdr, body, hook
}

// state is what the store holds for the town in October 2026, and whether
// msgids are still unclaimed; a rejected callback must change none of it.
func (h *harness) state(msgids ...string) string {
	h.t.Helper()
	from := time.Date(2026, 10, 1, 0, 0, 0, 0, gridbot.Zone)
	var out []byte
	err := h.store.View(ctx, func(tx gridbot.Tx) error {
		f, err := tx.PeriodFacts(h.townID, from, from.AddDate(0, 1, 0), scoring.DefaultRules().IssueLookback())
		if err != nil {
			return err
		}
		out, err = json.Marshal(f)
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	for _, id := range msgids {
		if h.claimed(id) {
			out = append(out, " claimed:"+id...)
		}
	}
	return string(out)
}

var errRollback = errors.New("rollback")

// claimed reports whether a platform message id is claimed in the store,
// by trying to claim it in a transaction that is rolled back.
func (h *harness) claimed(msgid string) bool {
	h.t.Helper()
	var claimErr error
	err := h.store.Update(ctx, func(tx gridbot.Tx) error {
		claimErr = tx.ClaimMessage(h.townID, wecom.Platform, msgid, h.clock.Now())
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		h.t.Fatal(err)
	}
	switch gridbot.ErrorCode(claimErr) {
	case "":
		return false
	case gridbot.ECONFLICT:
		return true
	}
	h.t.Fatal(claimErr)
	return false
}

// openIssues counts the town's open issues.
func (h *harness) openIssues() int {
	h.t.Helper()
	n := 0
	if err := h.store.View(ctx, func(tx gridbot.Tx) error {
		is, err := tx.OpenIssues(h.townID, 0)
		n = len(is)
		return err
	}); err != nil {
		h.t.Fatal(err)
	}
	return n
}

// checkins counts the town's check-ins in October 2026.
func (h *harness) checkins() int {
	h.t.Helper()
	from := time.Date(2026, 10, 1, 0, 0, 0, 0, gridbot.Zone)
	n := 0
	if err := h.store.View(ctx, func(tx gridbot.Tx) error {
		var err error
		n, err = tx.CountCheckins(h.townID, from, from.AddDate(0, 1, 0))
		return err
	}); err != nil {
		h.t.Fatal(err)
	}
	return n
}

// metric returns the value of one series in /metrics, 0 when absent.
func (h *harness) metric(series string) float64 {
	h.t.Helper()
	resp, err := http.Get(h.http.URL + "/metrics")
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, line := range bytes.Split(b, []byte("\n")) {
		if name, val, ok := bytes.Cut(line, []byte(" ")); ok && string(name) == series {
			f, _ := strconv.ParseFloat(string(val), 64)
			return f
		}
	}
	return 0
}
