package wecom

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"gridbot"
)

// Platform is the Message.Platform of everything from WeCom.
const Platform = "wecom"

// Smart robot message types (msgtype) in callbacks. Text, mixed (text and
// pictures in one message: the way to send 「@机器人 上报 …」 with a photo)
// and image (a picture alone, one-to-one chats only) carry a member's
// message; the others nothing to run.
const (
	RobotText   = "text"
	RobotMixed  = "mixed"  // text and images together (group @ or one-to-one)
	RobotImage  = "image"  // a picture alone (one-to-one chats only)
	RobotEvent  = "event"  // entering the chat, card clicks, feedback
	RobotStream = "stream" // WeCom asking for the next part of our stream reply
)

// ImageSourceRobot is the gridbot.ImageRef Source of a smart robot's
// picture: its Ref is the picture's download URL (FetchRobotImage).
const ImageSourceRobot = "wecom-robot"

// DecodeRobotBody returns the ciphertext of a smart robot callback body,
// {"encrypt":"…"}. Anything else (not an object, no or an empty string
// encrypt, trailing data) is ErrMalformed. Unknown extra keys are ignored,
// so that a field WeCom adds later does not stop the bot.
func DecodeRobotBody(body []byte) (encrypt string, err error) {
	if enc, ok := plainRobotBody(body); ok {
		return enc, nil
	}
	return decodeRobotJSON(body)
}

// decodeRobotJSON is DecodeRobotBody by the JSON decoder, for any shape.
func decodeRobotJSON(body []byte) (encrypt string, err error) {
	var env struct {
		Encrypt *string `json:"encrypt"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&env); err != nil {
		return "", fmt.Errorf("%w: body is not {\"encrypt\":…}", ErrMalformed)
	}
	if _, err := dec.Token(); err != io.EOF {
		return "", fmt.Errorf("%w: data after the JSON object", ErrMalformed)
	}
	if env.Encrypt == nil || *env.Encrypt == "" {
		return "", fmt.Errorf("%w: no encrypt", ErrMalformed)
	}
	return *env.Encrypt, nil
}

// plainRobotBody reads the body WeCom sends, {"encrypt":"…"} with nothing
// but base64 in the string, without the JSON decoder, which spent more time
// scanning and unquoting the kilobyte of base64 than the decryption takes.
// Any other shape (spaces inside, other keys, escapes) is left to the
// decoder: ok is false.
func plainRobotBody(body []byte) (encrypt string, ok bool) {
	const head, tail = `{"encrypt":"`, `"}`
	b := bytes.Trim(body, " \t\r\n") // JSON's whitespace
	if len(b) <= len(head)+len(tail) || string(b[:len(head)]) != head || string(b[len(b)-len(tail):]) != tail {
		return "", false
	}
	v := b[len(head) : len(b)-len(tail)]
	for _, c := range v {
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/' || c == '=') {
			return "", false
		}
	}
	return string(v), true
}

// RobotMessage is a decrypted smart robot callback (document path/100719).
type RobotMessage struct {
	MsgID    string `json:"msgid"`
	AIBotID  string `json:"aibotid"`
	ChatID   string `json:"chatid"`   // set for groups only
	ChatType string `json:"chattype"` // "group" or "single"
	From     struct {
		UserID string `json:"userid"`
	} `json:"from"`
	ResponseURL string `json:"response_url"` // one markdown/template_card POST, within an hour
	MsgType     string `json:"msgtype"`
	Text        struct {
		Content string `json:"content"`
	} `json:"text"`
	Image RobotImageContent `json:"image"` // msgtype "image"
	Mixed struct {
		Items []RobotMixedItem `json:"msg_item"`
	} `json:"mixed"` // msgtype "mixed"
	Stream struct {
		ID string `json:"id"` // for msgtype "stream": which reply WeCom asks about
	} `json:"stream"`
	Event struct {
		EventType string `json:"eventtype"`
	} `json:"event"`
}

// RobotImageContent is a picture of a smart robot message (document
// path/100719, 结构体说明 → 图片): its URL is valid for five minutes and
// serves the picture encrypted (FetchRobotImage).
type RobotImageContent struct {
	URL string `json:"url"`
}

// RobotMixedItem is one part of a mixed message (图文混排):
// {"msgtype":"text","text":{"content":"…"}} or
// {"msgtype":"image","image":{"url":"…"}}.
type RobotMixedItem struct {
	MsgType string `json:"msgtype"`
	Text    struct {
		Content string `json:"content"`
	} `json:"text"`
	Image RobotImageContent `json:"image"`
}

// carriesMessage reports whether msgtype is a member's message.
func carriesMessage(msgtype string) bool {
	return msgtype == RobotText || msgtype == RobotMixed || msgtype == RobotImage
}

// ParseRobotMessage decodes a decrypted smart robot callback. A text, mixed
// or image message must name its id, sender and chat, and a picture its URL
// (ErrMalformed otherwise); other types are returned for the caller to
// answer or ignore.
func ParseRobotMessage(plain []byte) (*RobotMessage, error) {
	var m RobotMessage
	if err := json.Unmarshal(plain, &m); err != nil {
		return nil, fmt.Errorf("%w: message is not JSON", ErrMalformed)
	}
	if m.MsgType == "" {
		return nil, fmt.Errorf("%w: no msgtype", ErrMalformed)
	}
	if !carriesMessage(m.MsgType) {
		return &m, nil
	}
	switch {
	case m.MsgType == RobotImage && m.Image.URL == "":
		return nil, fmt.Errorf("%w: image without url", ErrMalformed)
	case m.MsgType == RobotMixed && len(m.Mixed.Items) == 0:
		return nil, fmt.Errorf("%w: mixed without msg_item", ErrMalformed)
	}
	for _, it := range m.Mixed.Items {
		if it.MsgType == RobotImage && it.Image.URL == "" {
			return nil, fmt.Errorf("%w: mixed image without url", ErrMalformed)
		}
	}
	switch {
	case m.MsgID == "":
		return nil, fmt.Errorf("%w: no msgid", ErrMalformed)
	case m.From.UserID == "":
		return nil, fmt.Errorf("%w: no from.userid", ErrMalformed)
	case m.ChatType == gridbot.ChatGroup && m.ChatID == "":
		return nil, fmt.Errorf("%w: group message without chatid", ErrMalformed)
	case m.ChatType != gridbot.ChatGroup && m.ChatType != gridbot.ChatSingle:
		return nil, fmt.Errorf("%w: chattype %q", ErrMalformed, m.ChatType)
	}
	return &m, nil
}

// ToMessage translates a text, mixed or image message into the neutral
// message: a mixed message's texts joined by line breaks, its pictures (and
// an image message's one) as Images; ok is false for every other type,
// which carries no command. The callback has no send time, so received
// (when the callback arrived) stands for it.
func (m *RobotMessage) ToMessage(townID int64, received time.Time) (msg gridbot.Message, ok bool) {
	group := m.ChatType == gridbot.ChatGroup && m.ChatID != ""
	if !carriesMessage(m.MsgType) || m.From.UserID == "" || !group && m.ChatType != gridbot.ChatSingle {
		return gridbot.Message{}, false
	}
	msg = gridbot.Message{
		Platform: Platform,
		TownID:   townID,
		ChatID:   m.ChatID,
		ChatKind: gridbot.ChatGroup,
		SenderID: m.From.UserID,
		MsgID:    m.MsgID,
		At:       received,
	}
	switch m.MsgType {
	case RobotText:
		msg.Text = m.Text.Content
	case RobotImage:
		msg.Images = []gridbot.ImageRef{{Source: ImageSourceRobot, Ref: m.Image.URL}}
	case RobotMixed:
		var texts []string
		for _, it := range m.Mixed.Items {
			switch it.MsgType {
			case RobotText:
				texts = append(texts, it.Text.Content)
			case RobotImage:
				msg.Images = append(msg.Images, gridbot.ImageRef{Source: ImageSourceRobot, Ref: it.Image.URL})
			}
		}
		msg.Text = strings.Join(texts, "\n")
	}
	if m.ChatType == gridbot.ChatSingle {
		msg.ChatID, msg.ChatKind = gridbot.DM(m.From.UserID), gridbot.ChatSingle
	}
	return msg, true
}

// MarkdownReply is the body to POST to a message's response_url:
//
//	{"msgtype":"markdown","markdown":{"content":"…"}}
func MarkdownReply(content string) []byte {
	type md struct {
		Content string `json:"content"`
	}
	return mustMarshal(struct {
		MsgType  string `json:"msgtype"`
		Markdown md     `json:"markdown"`
	}{"markdown", md{content}})
}
