package wecom

import (
	"errors"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/util"

	"gridbot"
)

const (
	appText = `<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>
<FromUserName><![CDATA[U001]]></FromUserName>
<CreateTime>1348831860</CreateTime>
<MsgType><![CDATA[text]]></MsgType>
<Content><![CDATA[我的积分]]></Content>
<MsgId>1234567890123456</MsgId>
<AgentID>1000002</AgentID>
</xml>`
	appLocation = `<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>
<FromUserName><![CDATA[U002]]></FromUserName>
<CreateTime>1351776360</CreateTime>
<MsgType><![CDATA[location]]></MsgType>
<Location_X>23.134521</Location_X>
<Location_Y>113.358803</Location_Y>
<Scale>20</Scale>
<Label><![CDATA[滨海镇党群服务中心]]></Label>
<MsgId>1234567890123457</MsgId>
<AgentID>1000002</AgentID>
<AppType><![CDATA[wxwork]]></AppType>
</xml>`
)

func TestDecodeAppBody(t *testing.T) {
	env, err := DecodeAppBody([]byte(`<xml><ToUserName><![CDATA[toUser]]></ToUserName><AgentID><![CDATA[toAgentID]]></AgentID><Encrypt><![CDATA[msg_encrypt]]></Encrypt></xml>`))
	if err != nil || *env != (AppEnvelope{ToUserName: "toUser", Encrypt: "msg_encrypt", AgentID: "toAgentID"}) {
		t.Fatalf("DecodeAppBody = %+v, %v", env, err)
	}
	for _, bad := range []string{``, `{"encrypt":"x"}`, `<foo><Encrypt>x</Encrypt></foo>`, `<xml><ToUserName>t</ToUserName></xml>`,
		`<xml><Encrypt>  </Encrypt></xml>`, `<xml><Encrypt>x</Encrypt>`} {
		if _, err := DecodeAppBody([]byte(bad)); !errors.Is(err, ErrMalformed) {
			t.Errorf("DecodeAppBody(%s) = %v; want ErrMalformed", bad, err)
		}
	}
}

// openApp plays WeCom for a self-built app: silenceper's EncryptMsg with the
// corp id, WeCom's body, then this package's decode, Open and parse.
func openApp(t *testing.T, msg, corpID string) (*AppMessage, error) {
	t.Helper()
	enc, err := util.EncryptMsg([]byte("0123456789abcdef"), []byte(msg), corpID, vecAESKey)
	if err != nil {
		t.Fatal(err)
	}
	body := `<xml><ToUserName><![CDATA[` + corpID + `]]></ToUserName><Encrypt><![CDATA[` + string(enc) + `]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>`
	env, err := DecodeAppBody([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	now := int64(1_760_000_000)
	cb := &Callback{Token: vecToken, Key: vecKey(t), ReceiveID: vecCorpID, Now: at(now)}
	ts := strconv.FormatInt(now, 10)
	q := map[string][]string{"msg_signature": {util.Signature(vecToken, ts, "n", env.Encrypt)}, "timestamp": {ts}, "nonce": {"n"}}
	plain, err := cb.Open(q, env.Encrypt)
	if err != nil {
		return nil, err
	}
	return ParseAppMessage(plain)
}

func TestAppMessages(t *testing.T) {
	received := time.Date(2026, 1, 1, 0, 0, 0, 0, gridbot.Zone)
	m, err := openApp(t, appText, vecCorpID)
	if err != nil {
		t.Fatal(err)
	}
	if m.AgentID != 1000002 || m.CreateTime != 1348831860 {
		t.Errorf("parsed %+v", m)
	}
	got, ok := m.ToMessage(3, received)
	want := gridbot.Message{Platform: "wecom", TownID: 3, ChatID: "dm:U001", ChatKind: gridbot.ChatSingle,
		SenderID: "U001", Text: "我的积分", MsgID: "1234567890123456", At: time.Unix(1348831860, 0).In(gridbot.Zone)}
	if !ok || !reflect.DeepEqual(got, want) {
		t.Fatalf("text ToMessage = %+v, %v\nwant %+v", got, ok, want)
	}

	m, err = openApp(t, appLocation, vecCorpID)
	if err != nil {
		t.Fatal(err)
	}
	got, ok = m.ToMessage(3, received)
	if !ok || got.Location == nil || *got.Location != (gridbot.Location{Lat: 23.134521, Lng: 113.358803, Label: "滨海镇党群服务中心"}) ||
		got.Text != "" || got.ChatID != "dm:U002" || got.MsgID != "1234567890123457" || got.At.Unix() != 1351776360 || m.Scale != 20 {
		t.Fatalf("location ToMessage = %+v (%+v), %v", got, got.Location, ok)
	}

	// Sealed for another corp: refused after decryption.
	if _, err := openApp(t, appText, "wwothercorp"); !errors.Is(err, ErrReceiveID) {
		t.Fatalf("other corp: %v", err)
	}
}

func TestAppMessageKinds(t *testing.T) {
	received := time.Unix(1_760_000_000, 0)
	m, err := ParseAppMessage([]byte(`<xml><FromUserName>U1</FromUserName><MsgType>event</MsgType><Event>enter_agent</Event><AgentID></AgentID></xml>`))
	if err != nil || m.Event != "enter_agent" {
		t.Fatalf("event: %+v, %v", m, err)
	}
	if _, ok := m.ToMessage(1, received); ok {
		t.Error("an event became a command")
	}
	m, err = ParseAppMessage([]byte(`<xml><FromUserName>U1</FromUserName><MsgType>text</MsgType><Content>帮助</Content><MsgId>9</MsgId></xml>`))
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := m.ToMessage(1, received); !ok || !got.At.Equal(received) {
		t.Errorf("no CreateTime: At = %v, %v", got.At, ok)
	}
	for _, bad := range []string{
		`text`, `<xml><MsgType>text</MsgType><Content>x</Content><MsgId>1</MsgId></xml>`,
		`<xml><FromUserName>U</FromUserName><MsgType>text</MsgType><Content>x</Content></xml>`,
		`<xml><FromUserName>U</FromUserName><MsgType>location</MsgType><Location_X>91</Location_X><Location_Y>1</Location_Y><MsgId>1</MsgId></xml>`,
		`<xml><FromUserName>U</FromUserName><MsgType>location</MsgType><Location_X>1</Location_X><Location_Y>-181</Location_Y><MsgId>1</MsgId></xml>`,
		`<xml><FromUserName>U</FromUserName><MsgType>location</MsgType><Location_X>north</Location_X><MsgId>1</MsgId></xml>`,
	} {
		if _, err := ParseAppMessage([]byte(bad)); !errors.Is(err, ErrMalformed) {
			t.Errorf("ParseAppMessage(%s) = %v; want ErrMalformed", bad, err)
		}
	}
}

func TestAppSendBodies(t *testing.T) {
	got := AppTextBody([]string{"U1", "U2"}, 1000002, "请于今日完成打卡 <第3网格> & \"走访\"")
	want := `{"touser":"U1|U2","msgtype":"text","agentid":1000002,"text":{"content":"请于今日完成打卡 <第3网格> & \"走访\""}}`
	if string(got) != want {
		t.Errorf("AppTextBody =\n%s\nwant\n%s", got, want)
	}
	got = AppMarkdownBody([]string{"U1"}, 7, "**本月积分** 12")
	want = `{"touser":"U1","msgtype":"markdown","agentid":7,"markdown":{"content":"**本月积分** 12"}}`
	if string(got) != want {
		t.Errorf("AppMarkdownBody =\n%s\nwant\n%s", got, want)
	}
}
