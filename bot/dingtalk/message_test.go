package dingtalk

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"gridbot"
)

// groupBody is an enterprise robot callback for an @ in a group.
const groupBody = `{
  "conversationId": "cidp9BzUEfDAsxKXBZX9PzBzw==",
  "atUsers": [{"dingtalkId": "$:LWCP_v1:$robot"}, {"dingtalkId": "$:LWCP_v1:$abc", "staffId": "manager7"}],
  "chatbotCorpId": "dinge8a565a",
  "chatbotUserId": "$:LWCP_v1:$robot",
  "msgId": "msgA1B2C3==",
  "senderNick": "张三",
  "isAdmin": false,
  "senderStaffId": "staff001",
  "sessionWebhookExpiredTime": 1760003600000,
  "createAt": 1760000000123,
  "senderCorpId": "dinge8a565a",
  "conversationType": "2",
  "senderId": "$:LWCP_v1:$sender",
  "conversationTitle": "滨海镇第三网格",
  "isInAtList": true,
  "sessionWebhook": "https://oapi.dingtalk.com/robot/sendBySession?session=abc",
  "text": {"content": " 打卡 @李四"},
  "robotCode": "dingrobot",
  "msgtype": "text"
}`

func TestDecodeGroup(t *testing.T) {
	m, err := Decode([]byte(groupBody))
	if err != nil {
		t.Fatal(err)
	}
	if !m.IsInAtList || m.SenderNick != "张三" || len(m.AtUsers) != 2 || m.AtUsers[1].StaffID != "manager7" ||
		m.SessionWebhookExpiredTime != 1760003600000 || m.ConversationTitle != "滨海镇第三网格" {
		t.Errorf("decoded %+v", m)
	}
	got, ok := m.ToMessage(5, time.Unix(0, 0))
	want := gridbot.Message{Platform: "dingtalk", TownID: 5, ChatID: "cidp9BzUEfDAsxKXBZX9PzBzw==", ChatKind: gridbot.ChatGroup,
		SenderID: "staff001", Text: " 打卡 @李四", MsgID: "msgA1B2C3==", At: time.UnixMilli(1760000000123).In(gridbot.Zone)}
	if !ok || !reflect.DeepEqual(got, want) {
		t.Fatalf("ToMessage = %+v, %v\nwant %+v", got, ok, want)
	}
	if !m.CanReply(time.UnixMilli(1760003599999)) || m.CanReply(time.UnixMilli(1760003600000)) {
		t.Error("CanReply ignores the expiry")
	}
}

func TestDecodeSingleAndOthers(t *testing.T) {
	received := time.Unix(1_760_000_000, 0)
	m, err := Decode([]byte(`{"msgtype":"text","text":{"content":"我的积分"},"msgId":"m2","conversationType":"1","conversationId":"cid1","senderStaffId":"staff002"}`))
	if err != nil {
		t.Fatal(err)
	}
	got, ok := m.ToMessage(5, received)
	if !ok || got.ChatID != "dm:staff002" || got.ChatKind != gridbot.ChatSingle || !got.At.Equal(received) {
		t.Fatalf("single: %+v, %v", got, ok)
	}
	if m.CanReply(received) {
		t.Error("CanReply without a session webhook")
	}
	for _, body := range []string{
		`{"msgtype":"picture","content":{"downloadCode":"x"},"msgId":"m3","conversationType":"1","senderId":"$:outsider"}`,
		`{"msgtype":"picture","content":{},"msgId":"m3","conversationType":"1","senderStaffId":"s"}`,
		`{"msgtype":"picture","content":"x","msgId":"m3","conversationType":"1","senderStaffId":"s"}`,
		`{"msgtype":"richText","content":{"richText":[]},"msgId":"m3","conversationType":"1","senderStaffId":"s"}`,
		`{"msgtype":"audio","content":{"downloadCode":"x","recognition":"打卡"},"msgId":"m3","conversationType":"1","senderStaffId":"s"}`,
		`{"msgtype":"text","text":{"content":"打卡"},"msgId":"m4","conversationType":"2","conversationId":"c","senderId":"$:outsider"}`,
	} {
		m, err := Decode([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := m.ToMessage(5, received); ok {
			t.Errorf("became a command: %+v", got)
		}
	}
	for _, bad := range []string{``, `[]`, `"x"`, `{}`, `{"msgtype":"text"}{}`, `{"msgtype":"text","msgId":"m","conversationType":"1"}]`,
		`{"msgtype":"text","conversationType":"2","conversationId":"c"}`,
		`{"msgtype":"text","msgId":"m","conversationType":"3"}`,
		`{"msgtype":"text","msgId":"m","conversationType":2,"conversationId":"c"}`,
		`{"msgtype":"text","msgId":"m","conversationType":"2"}`,
		`{"msgId":"m","conversationType":"1"}`} {
		if _, err := Decode([]byte(bad)); !errors.Is(err, ErrMalformed) || HTTPStatus(err) != 400 {
			t.Errorf("Decode(%s) = %v; want ErrMalformed", bad, err)
		}
	}
}

func TestReplyBodies(t *testing.T) {
	cases := map[string][]byte{
		`{"msgtype":"text","text":{"content":"@staff001 已记录 <走访> & \"入户\""},"at":{"atUserIds":["staff001"]}}`: TextBody("@staff001 已记录 <走访> & \"入户\"", []string{"staff001"}),
		`{"msgtype":"text","text":{"content":"ok"}}`:                                    TextBody("ok", nil),
		`{"msgtype":"markdown","markdown":{"title":"本月积分","text":"### 本月积分\n- 张三 12"}}`: MarkdownBody("本月积分", "### 本月积分\n- 张三 12"),
	}
	for want, got := range cases {
		if string(got) != want {
			t.Errorf("got\n%s\nwant\n%s", got, want)
		}
	}
}

func TestCheckResponse(t *testing.T) {
	if err := CheckResponse(200, []byte(`{"errcode":0,"errmsg":"ok"}`)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		status  int
		body    string
		code    int
		limited bool
	}{
		{200, `{"errcode":130101,"errmsg":"send too fast"}`, 130101, true},
		{200, `{"errcode":310000,"errmsg":"sign not match"}`, 310000, false},
		{200, `oops`, 0, false},
		{503, ``, 0, false},
		{429, ``, 0, true},
	} {
		err := CheckResponse(c.status, []byte(c.body))
		var e *APIError
		if !errors.As(err, &e) || e.Code != c.code || e.RateLimited() != c.limited || !strings.HasPrefix(e.Error(), "dingtalk: ") {
			t.Errorf("CheckResponse(%d, %s) = %#v", c.status, c.body, err)
		}
	}
}
