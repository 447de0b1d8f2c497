package dingtalk

import (
	"reflect"
	"testing"
	"time"

	"gridbot"
)

// A picture sent to the robot one-to-one, and rich text (text with a
// picture) @-ing it in a group, as DingTalk posts them (机器人接收消息 →
// 消息类型: picture, richText).
const (
	pictureBody = `{
  "conversationId": "cidKb4bC0Y+lbdhE3aUCnq0Ww==",
  "chatbotCorpId": "dinge8a565a",
  "chatbotUserId": "$:LWCP_v1:$robot",
  "msgId": "msgP1ct==",
  "senderNick": "张三",
  "isAdmin": false,
  "senderStaffId": "staff001",
  "sessionWebhookExpiredTime": 1760003600000,
  "createAt": 1760000000123,
  "senderCorpId": "dinge8a565a",
  "conversationType": "1",
  "senderId": "$:LWCP_v1:$sender",
  "sessionWebhook": "https://oapi.dingtalk.com/robot/sendBySession?session=abc",
  "content": {"pictureDownloadCode": "mIofN681YE3f/+m+NntqpcbK8iHmgL+Ln1nC3wYHpYU=", "downloadCode": "mIofN681YE3f/+m+NntqpcbK8iHmgL+Ln1nC3wYHpYUa4sFxn1bc2GZPVZEg+8rm"},
  "robotCode": "dingrobot",
  "msgtype": "picture"
}`
	richTextBody = `{
  "conversationId": "cidp9BzUEfDAsxKXBZX9PzBzw==",
  "atUsers": [{"dingtalkId": "$:LWCP_v1:$robot"}],
  "chatbotCorpId": "dinge8a565a",
  "chatbotUserId": "$:LWCP_v1:$robot",
  "msgId": "msgR1ch==",
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
  "content": {"richText": [
    {"text": "上报 海滨路3号路灯不亮"},
    {"pictureDownloadCode": "pdc1", "downloadCode": "dc1", "type": "picture"},
    {"text": "灯杆也歪了"},
    {"pictureDownloadCode": "pdc2", "type": "picture"}
  ]},
  "robotCode": "dingrobot",
  "msgtype": "richText"
}`
)

func TestPictureMessages(t *testing.T) {
	received := time.Unix(0, 0)
	m, err := Decode([]byte(pictureBody))
	if err != nil {
		t.Fatal(err)
	}
	got, ok := m.ToMessage(5, received)
	want := gridbot.Message{Platform: "dingtalk", TownID: 5, ChatID: "dm:staff001", ChatKind: gridbot.ChatSingle, SenderID: "staff001",
		MsgID: "msgP1ct==", At: time.UnixMilli(1760000000123).In(gridbot.Zone),
		Images: []gridbot.ImageRef{{Source: "dingtalk", Ref: "dingrobot|mIofN681YE3f/+m+NntqpcbK8iHmgL+Ln1nC3wYHpYUa4sFxn1bc2GZPVZEg+8rm"}}}
	if !ok || !reflect.DeepEqual(got, want) {
		t.Fatalf("picture ToMessage = %+v, %v\nwant %+v", got, ok, want)
	}
	robot, code := SplitImageRef(got.Images[0].Ref)
	if robot != "dingrobot" || code != "mIofN681YE3f/+m+NntqpcbK8iHmgL+Ln1nC3wYHpYUa4sFxn1bc2GZPVZEg+8rm" {
		t.Errorf("SplitImageRef = %q %q", robot, code)
	}

	m, err = Decode([]byte(richTextBody))
	if err != nil {
		t.Fatal(err)
	}
	got, ok = m.ToMessage(5, received)
	want = gridbot.Message{Platform: "dingtalk", TownID: 5, ChatID: "cidp9BzUEfDAsxKXBZX9PzBzw==", ChatKind: gridbot.ChatGroup,
		SenderID: "staff001", Text: "上报 海滨路3号路灯不亮\n灯杆也歪了", MsgID: "msgR1ch==", At: time.UnixMilli(1760000000123).In(gridbot.Zone),
		Images: []gridbot.ImageRef{{Source: "dingtalk", Ref: "dingrobot|dc1"}, {Source: "dingtalk", Ref: "dingrobot|pdc2"}}}
	if !ok || !reflect.DeepEqual(got, want) {
		t.Fatalf("richText ToMessage = %+v, %v\nwant %+v", got, ok, want)
	}
}
