package wecom

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/util"

	"gridbot"
)

// robotText is the text message of document path/100719.
const robotText = `{
    "msgid": "CAIQ16HMjQYY\/NGagIOAgAMgq4KM0AI=",
    "aibotid": "AIBOTID",
    "chatid": "CHATID",
    "chattype": "group",
    "from": {"userid": "USERID"},
    "response_url": "RESPONSEURL",
    "msgtype": "text",
    "text": {"content": "@RobotA 打卡"}
}`

func TestDecodeRobotBody(t *testing.T) {
	for body, want := range map[string]string{
		`{"encrypt":"abc"}`:              "abc",
		` {"encrypt": "a+b/c=="} `:       "a+b/c==",
		`{"encrypt":"abc","later":true}`: "abc",
		"{\"encrypt\":\"a+b/c==\"}\r\n":  "a+b/c==",
		`{"encrypt":"a\/b"}`:             "a/b", // escapes: the decoder's
		`{"encrypt":"a b"}`:              "a b",
		`{"encrypt":"a","encrypt":"b"}`:  "b",
	} {
		if got, err := DecodeRobotBody([]byte(body)); err != nil || got != want {
			t.Errorf("DecodeRobotBody(%s) = %q, %v", body, got, err)
		}
	}
	for _, body := range []string{``, `null`, `[]`, `"abc"`, `{}`, `{"encrypt":""}`, `{"encrypt":1}`,
		`{"encrypt":null}`, `{"encrypt":"a"}{}`, `{"encrypt":"a"}]`, `{"encrypt":"a"} x`, `{"encrypt":"a"`, `<xml><Encrypt>a</Encrypt></xml>`} {
		if got, err := DecodeRobotBody([]byte(body)); !errors.Is(err, ErrMalformed) {
			t.Errorf("DecodeRobotBody(%s) = %q, %v; want ErrMalformed", body, got, err)
		}
	}
}

// FuzzDecodeRobotBody: the fast path for WeCom's own shape reads every
// body exactly as the JSON decoder does.
func FuzzDecodeRobotBody(f *testing.F) {
	for _, s := range []string{`{"encrypt":"abc"}`, ` {"encrypt":"a+b/c=="}` + "\n", `{"encrypt":""}`, `{"encrypt":"a"}x`,
		`{"encrypt":"a\u0041"}`, "{\"encrypt\":\"a\u00a0\"}", "\u00a0{\"encrypt\":\"a\"}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		got, err := DecodeRobotBody(body)
		want, werr := decodeRobotJSON(body)
		if got != want || (err == nil) != (werr == nil) {
			t.Fatalf("DecodeRobotBody(%q) = %q, %v; the decoder says %q, %v", body, got, err, want, werr)
		}
	})
}

func TestRobotToMessage(t *testing.T) {
	received := time.Date(2026, 10, 8, 9, 30, 0, 0, gridbot.Zone)
	m, err := ParseRobotMessage([]byte(robotText))
	if err != nil {
		t.Fatal(err)
	}
	if m.ResponseURL != "RESPONSEURL" || m.AIBotID != "AIBOTID" {
		t.Errorf("parsed %+v", m)
	}
	got, ok := m.ToMessage(7, received)
	want := gridbot.Message{Platform: "wecom", TownID: 7, ChatID: "CHATID", ChatKind: gridbot.ChatGroup,
		SenderID: "USERID", Text: "@RobotA 打卡", MsgID: "CAIQ16HMjQYY/NGagIOAgAMgq4KM0AI=", At: received}
	if !ok || !reflect.DeepEqual(got, want) {
		t.Fatalf("ToMessage = %+v, %v\nwant %+v", got, ok, want)
	}

	single := []byte(`{"msgid":"m2","aibotid":"B","chattype":"single","from":{"userid":"U1"},"msgtype":"text","text":{"content":"我的积分"}}`)
	m, err = ParseRobotMessage(single)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := m.ToMessage(7, received); !ok || got.ChatID != "dm:U1" || got.ChatKind != gridbot.ChatSingle || got.SenderID != "U1" {
		t.Fatalf("single: %+v, %v", got, ok)
	}

	for _, other := range []string{
		`{"msgid":"m5","chattype":"single","from":{"userid":"U"},"msgtype":"event","event":{"eventtype":"enter_chat"}}`,
		`{"msgid":"m6","chattype":"single","from":{"userid":"U"},"msgtype":"stream","stream":{"id":"s1"}}`,
	} {
		m, err := ParseRobotMessage([]byte(other))
		if err != nil {
			t.Fatalf("%s: %v", other, err)
		}
		if got, ok := m.ToMessage(7, received); ok {
			t.Errorf("%s became a command: %+v", m.MsgType, got)
		}
	}
	// Built by hand, not parsed: a chat it cannot name is no command either.
	for _, ct := range []string{"", "room", "group"} {
		m := &RobotMessage{MsgID: "m", ChatType: ct, MsgType: "text"}
		m.From.UserID = "U"
		if got, ok := m.ToMessage(7, received); ok {
			t.Errorf("chattype %q without chatid: %+v", ct, got)
		}
	}
	if m, _ := ParseRobotMessage([]byte(`{"msgtype":"stream","stream":{"id":"s1"}}`)); m == nil || m.Stream.ID != "s1" {
		t.Error("stream id not decoded")
	}
	if m, _ := ParseRobotMessage([]byte(`{"msgtype":"event","event":{"eventtype":"enter_chat"}}`)); m == nil || m.Event.EventType != "enter_chat" {
		t.Error("event type not decoded")
	}

	for _, bad := range []string{
		`not json`, `{}`,
		`{"chattype":"group","chatid":"C","from":{"userid":"U"},"msgtype":"text"}`,
		`{"msgid":"m","chattype":"group","chatid":"C","from":{},"msgtype":"text"}`,
		`{"msgid":"m","chattype":"group","from":{"userid":"U"},"msgtype":"text"}`,
		`{"msgid":"m","chattype":"room","chatid":"C","from":{"userid":"U"},"msgtype":"text"}`,
		`{"msgid":"m","chatid":"C","from":{"userid":"U"},"msgtype":"text"}`,
	} {
		if _, err := ParseRobotMessage([]byte(bad)); !errors.Is(err, ErrMalformed) {
			t.Errorf("ParseRobotMessage(%s) = %v; want ErrMalformed", bad, err)
		}
	}
}

func TestRobotReplies(t *testing.T) {
	got := MarkdownReply("**打卡** <font color=\"info\">成功</font> & done\n第二行")
	want := `{"msgtype":"markdown","markdown":{"content":"**打卡** <font color=\"info\">成功</font> & done\n第二行"}}`
	if string(got) != want {
		t.Errorf("MarkdownReply =\n%s\nwant\n%s", got, want)
	}
}

// TestRobotRoundTrip plays WeCom against a handler built from this package:
// WeCom seals and signs a message with silenceper's EncryptMsg and an empty
// receive id, POSTs it, and opens the passive reply it gets back.
func TestRobotRoundTrip(t *testing.T) {
	key := vecKey(t)
	now := time.Date(2026, 10, 8, 9, 30, 0, 0, gridbot.Zone)
	cb := &Callback{Token: "tok", Key: key, Now: func() time.Time { return now }}
	var got gridbot.Message
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		enc, err := DecodeRobotBody(body)
		if err != nil {
			http.Error(w, "", HTTPStatus(err))
			return
		}
		plain, err := cb.Open(r.URL.Query(), enc)
		if err != nil {
			http.Error(w, "", HTTPStatus(err))
			return
		}
		m, err := ParseRobotMessage(plain)
		if err != nil {
			http.Error(w, "", HTTPStatus(err))
			return
		}
		got, _ = m.ToMessage(1, now)
		q := r.URL.Query()
		out, _ := cb.Seal(MarkdownReply("收到："+m.Text.Content), q.Get("timestamp"), q.Get("nonce"), fixedRandom())
		w.Write(out)
	}))
	defer srv.Close()

	enc, err := util.EncryptMsg([]byte("fedcba9876543210"), []byte(robotText), "", vecAESKey)
	if err != nil {
		t.Fatal(err)
	}
	ts := strconv.FormatInt(now.Unix(), 10)
	q := url.Values{"msg_signature": {util.Signature("tok", ts, "n9", string(enc))}, "timestamp": {ts}, "nonce": {"n9"}}
	body, _ := json.Marshal(map[string]string{"encrypt": string(enc)})
	resp, err := http.Post(srv.URL+"/?"+q.Encode(), "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var env struct{ Encrypt, MsgSignature, Timestamp, Nonce string }
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil || resp.StatusCode != 200 {
		t.Fatalf("status %d, %v", resp.StatusCode, err)
	}
	if got.Text != "@RobotA 打卡" || got.ChatID != "CHATID" {
		t.Fatalf("handler saw %+v", got)
	}
	if env.Timestamp != ts || env.Nonce != "n9" || env.MsgSignature != util.Signature("tok", ts, "n9", env.Encrypt) {
		t.Fatalf("envelope %+v", env)
	}
	reply, rid, err := Decrypt(key, env.Encrypt)
	want := `{"msgtype":"markdown","markdown":{"content":"收到：@RobotA 打卡"}}`
	if err != nil || rid != "" || string(reply) != want {
		t.Fatalf("reply %s, %q, %v", reply, rid, err)
	}

	// A forged request (wrong token) gets 401 and never reaches the pipeline.
	got = gridbot.Message{}
	q.Set("msg_signature", util.Signature("forged", ts, "n9", string(enc)))
	resp2, err := http.Post(srv.URL+"/?"+q.Encode(), "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if resp2.StatusCode != http.StatusUnauthorized || got.MsgID != "" {
		t.Fatalf("forged: status %d, saw %+v", resp2.StatusCode, got)
	}
}
