package server_test

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"gridbot"
	"gridbot/bot/wecom"
	"gridbot/internal/bottest"
	"gridbot/internal/testkit"
	"gridbot/scoring"
)

// TestRobotCommandFamilies sends every command family through the smart
// robot, sealed as WeCom seals it, in groups and one-to-one, and reads the
// replies where WeCom would: at each message's response_url.
func TestRobotCommandFamilies(t *testing.T) {
	tw := bottest.New(t, testkit.OpenSQLite(t))
	h := newHarness(t, tw.Store, tw.ID, opts{userRate: 100})
	steps := []struct{ from, chat, text, want string }{
		{bottest.Member1, bottest.Group1, "@网格助手 上报 路灯坏了", "已登记 问题#1（滨海村一网格）：路灯坏了"},
		{bottest.Leader1, bottest.Group1, "@网格助手 派发 #1 @张伟", "问题#1 已派发给 张伟"},
		{bottest.ZhangWei1, bottest.Group1, "@网格助手 办结 #1 已更换灯泡", "问题#1 已办结（上报后 2分钟 办结，在 7 日内）：已更换灯泡"},
		{bottest.Member1, bottest.Group1, "@网格助手 评价 #1 满意", "问题#1 的村民评价已记录：满意（评价人：王海）。"},
		{bottest.Leader1, bottest.Group1, "@网格助手 活动 宣传 入户宣传垃圾分类 @王海 @林小燕", "已记录 活动#1（滨海村一网格集体活动，宣传政策法规）：入户宣传垃圾分类。参加 3 人：陈强、王海、林小燕。"},
		{bottest.Leader1, bottest.Group1, "@网格助手 议事 商议村道修缮 @王海", "已记录 议事#1（滨海村一网格，参加 2 人：陈强、王海）"},
		{bottest.Office, "", "报道 市级 滨海村网格员救助落水儿童 @王海", "已记录 报道#1（市级）：滨海村网格员救助落水儿童。涉及 1 人：王海。"},
		{bottest.Member1, "", "积分", "王海（滨海村一网格）2026-10 积分："},
		{bottest.Member1, bottest.Group1, "@网格助手 排行", "2026-10 排行（实时，截至 10月3日 09:08）"},
		{bottest.Stranger, "", "帮助", "网格助手命令"},
	}
	for _, s := range steps {
		got := h.send(s.from, s.chat, s.text)
		if !strings.Contains(got, s.want) {
			t.Errorf("%s %q replied\n%s\nwant it to contain %q", s.from, s.text, got, s.want)
		}
		h.clock.Add(time.Minute)
	}
	// The dispatch notice went to the assignee one-to-one through the app.
	sent := h.fake.sentBodies()
	if len(sent) != 1 || !strings.Contains(sent[0], `"touser":"`+bottest.ZhangWei1+`"`) || !strings.Contains(sent[0], "把 问题#1 派发给你") {
		t.Errorf("dispatch notice: %q", sent)
	}
	var f *gridbot.Facts
	tw.View(func(tx gridbot.Tx) error {
		var err error
		f, err = tx.PeriodFacts(tw.ID, time.Date(2026, 10, 1, 0, 0, 0, 0, gridbot.Zone), time.Date(2026, 11, 1, 0, 0, 0, 0, gridbot.Zone), scoring.DefaultRules().IssueLookback())
		return err
	})
	if len(f.Issues) != 1 || f.Issues[0].ClosedAt.IsZero() || f.Issues[0].Rating == "" || len(f.Activities) != 1 ||
		len(f.Deliberations) != 1 || len(f.Publicity) != 1 || f.Issues[0].Platform != wecom.Platform {
		t.Errorf("facts: %d issues %+v, %d activities, %d deliberations, %d publicity",
			len(f.Issues), f.Issues, len(f.Activities), len(f.Deliberations), len(f.Publicity))
	}
	if n := h.metric(`gridbot_callbacks_total{endpoint="wecom_bot",outcome="ok"}`); n != float64(len(steps)) {
		t.Errorf("metrics count %v ok callbacks, want %d", n, len(steps))
	}
}

// TestRobotURLVerification answers the decrypted echostr and nothing else.
func TestRobotURLVerification(t *testing.T) {
	tw := bottest.New(t, testkit.OpenSQLite(t))
	h := newHarness(t, tw.Store, tw.ID, opts{})
	echo := "6413405290543398531"
	enc, err := wecom.Encrypt(h.botKey, []byte(echo), "", rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	q := h.signed(h.cfg.Default.WeCom.BotToken, enc, h.clock.Now())
	q.Set("echostr", enc)
	resp, err := http.Get(h.http.URL + "/wecom/bot?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != echo {
		t.Fatalf("URL check answered %d %q, want 200 %q", resp.StatusCode, body, echo)
	}
	q.Set("msg_signature", strings.Repeat("0", 40))
	resp, err = http.Get(h.http.URL + "/wecom/bot?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a forged URL check answered %d", resp.StatusCode)
	}
}

// sealRaw encrypts a plaintext block by block without WeCom's framing, to
// forge ciphertexts with bad padding.
func sealRaw(key, pt []byte) string {
	block, _ := aes.NewCipher(key)
	ct := make([]byte, len(pt))
	cipher.NewCBCEncrypter(block, key[:16]).CryptBlocks(ct, pt)
	return base64.StdEncoding.EncodeToString(ct)
}

// TestRobotRejections: each broken callback gets a 4xx, is logged without
// its body or any secret, and leaves the store as it was: nothing recorded,
// the message id not claimed, no reply.
func TestRobotRejections(t *testing.T) {
	tw := bottest.New(t, testkit.OpenSQLite(t))
	h := newHarness(t, tw.Store, tw.ID, opts{})
	token := h.cfg.Default.WeCom.BotToken
	_, wrongKey := newAESKey()
	text := "@网格助手 上报 机密内容不可入日志"
	cases := []struct {
		name   string
		status int
		make   func(c *robotCall)
	}{
		{"wrong signature", 401, func(c *robotCall) {
			c.query.Set("msg_signature", wecom.Signature("not-our-token", c.query.Get("timestamp"), c.query.Get("nonce"), encOf(c)))
		}},
		{"wrong AES key", 403, func(c *robotCall) {
			enc, _ := wecom.Encrypt(wrongKey, robotMsg(c.msgid, "group", bottest.Group1, bottest.Member1, c.responseURL, text), "", rand.Reader)
			c.setEncrypt(h, token, enc)
		}},
		{"bad base64", 403, func(c *robotCall) { c.setEncrypt(h, token, "%%%not-base64%%%") }},
		{"bad padding", 403, func(c *robotCall) {
			pt := make([]byte, 64)
			rand.Read(pt[:16])
			binary.BigEndian.PutUint32(pt[16:20], 10)
			pt[63] = 0 // a zero pad byte
			c.setEncrypt(h, token, sealRaw(h.botKey, pt))
		}},
		{"padding beyond the block", 403, func(c *robotCall) {
			pt := make([]byte, 64)
			for i := range pt {
				pt[i] = 33
			}
			c.setEncrypt(h, token, sealRaw(h.botKey, pt))
		}},
		{"timestamp hours off", 401, func(c *robotCall) {
			enc := encOf(c)
			c.query = h.signed(token, enc, h.clock.Now().Add(-3*time.Hour))
		}},
		{"10 MB body", 413, func(c *robotCall) {
			enc := encOf(c)
			pad := strings.Repeat("A", 10<<20)
			c.body, _ = json.Marshal(map[string]string{"encrypt": enc, "padding": pad})
		}},
		{"empty body", 400, func(c *robotCall) { c.body = nil }},
		{"not JSON", 400, func(c *robotCall) { c.body = []byte("<xml><Encrypt>x</Encrypt></xml>") }},
	}
	before := ""
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := h.robot(bottest.Member1, bottest.Group1, text)
			if before == "" {
				before = h.state(c.msgid)
			}
			tc.make(&c)
			st, _ := h.post("/wecom/bot", c.query, nil, c.body)
			h.wait()
			if st != tc.status {
				t.Errorf("answered %d, want %d", st, tc.status)
			}
			if after := h.state(c.msgid); after != before {
				t.Errorf("store changed:\n%s\n%s", before, after)
			}
			if n := h.fake.allReplies(); n != 0 {
				t.Errorf("%d replies sent", n)
			}
		})
	}
	// The same 10 MB without a Content-Length (chunked) is cut off at the limit.
	c := h.robot(bottest.Member1, bottest.Group1, text)
	big := io.MultiReader(strings.NewReader(`{"encrypt":"`+encOf(&c)+`","padding":"`), strings.NewReader(strings.Repeat("A", 10<<20)), strings.NewReader(`"}`))
	req, _ := http.NewRequest(http.MethodPost, h.http.URL+"/wecom/bot?"+c.query.Encode(), big)
	resp, err := h.http.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if req.ContentLength != 0 || resp.StatusCode != http.StatusRequestEntityTooLarge || h.claimed(c.msgid) {
		t.Errorf("chunked 10 MB body: answered %d", resp.StatusCode)
	}

	logs := h.logs.String()
	for _, secret := range []string{token, h.cfg.Default.WeCom.BotAESKey, "机密内容", "AAAAAAAAAAAAAAAA", "not-base64"} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log contains %q:\n%s", secret, logs)
		}
	}
	if n := strings.Count(logs, `"callback rejected"`); n != len(cases)+1 {
		t.Errorf("%d rejections logged, want %d:\n%s", n, len(cases)+1, logs)
	}
	// After all that, a good callback still works.
	if got := h.send(bottest.Member1, bottest.Group1, "@网格助手 上报 路灯坏了"); !strings.Contains(got, "问题#1") {
		t.Fatalf("good callback after rejections: %q", got)
	}
}

func encOf(c *robotCall) string {
	var b struct{ Encrypt string }
	json.Unmarshal(c.body, &b)
	return b.Encrypt
}

func (c *robotCall) setEncrypt(h *harness, token, enc string) {
	c.body, _ = json.Marshal(map[string]string{"encrypt": enc})
	c.query = h.signed(token, enc, h.clock.Now())
}
