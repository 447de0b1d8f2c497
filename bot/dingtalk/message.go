package dingtalk

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"gridbot"
)

// Platform is the Message.Platform of everything from DingTalk.
const Platform = "dingtalk"

// Conversation types of a callback.
const (
	ConversationSingle = "1"
	ConversationGroup  = "2"
)

// Message types (msgtype) the bot acts on: text, a picture alone, and rich
// text (text with pictures, how a picture comes with 「@机器人 上报 …」 in a
// group). DingTalk's 机器人接收消息 → 消息类型: picture's content is
// {"downloadCode","pictureDownloadCode"}; richText's content.richText is a
// list of {"text":"…"} and {"type":"picture","downloadCode","pictureDownloadCode"}.
const (
	MsgText     = "text"
	MsgPicture  = "picture"
	MsgRichText = "richText"
)

// ImageSource is the gridbot.ImageRef Source of a DingTalk picture; its Ref
// is the robot code and the download code (ImageRef, Files.Download).
const ImageSource = "dingtalk"

// Incoming is the JSON body of an enterprise robot HTTP callback.
type Incoming struct {
	MsgType string `json:"msgtype"`
	Text    struct {
		Content string `json:"content"`
	} `json:"text"`
	// Content is a picture's or rich text's content (Pictures); other types
	// put other things there, so it is read only for those two.
	Content           json.RawMessage `json:"content"`
	RobotCode         string          `json:"robotCode"` // the robot's code: its app's AppKey
	MsgID             string          `json:"msgId"`
	CreateAt          int64           `json:"createAt"` // Unix milliseconds
	ConversationType  string          `json:"conversationType"`
	ConversationID    string          `json:"conversationId"`
	ConversationTitle string          `json:"conversationTitle"`
	SenderID          string          `json:"senderId"`
	SenderNick        string          `json:"senderNick"`
	SenderStaffID     string          `json:"senderStaffId"` // empty for people outside the organisation
	ChatbotUserID     string          `json:"chatbotUserId"`
	AtUsers           []AtUser        `json:"atUsers"`
	IsInAtList        bool            `json:"isInAtList"`
	// SessionWebhook takes replies to this conversation until
	// SessionWebhookExpiredTime (Unix milliseconds).
	SessionWebhook            string `json:"sessionWebhook"`
	SessionWebhookExpiredTime int64  `json:"sessionWebhookExpiredTime"`
}

// AtUser is one person @-ed in a message (the robot included).
type AtUser struct {
	DingtalkID string `json:"dingtalkId"`
	StaffID    string `json:"staffId"`
}

// Decode decodes a callback body. It must be one JSON object with msgtype,
// msgId and a conversation type of "1" or "2" (a group also needs its
// conversationId); anything else is ErrMalformed.
func Decode(body []byte) (*Incoming, error) {
	var m Incoming
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%w: body is not a JSON object", ErrMalformed)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: data after the JSON object", ErrMalformed)
	}
	switch {
	case m.MsgType == "":
		return nil, fmt.Errorf("%w: no msgtype", ErrMalformed)
	case m.MsgID == "":
		return nil, fmt.Errorf("%w: no msgId", ErrMalformed)
	case m.ConversationType != ConversationSingle && m.ConversationType != ConversationGroup:
		return nil, fmt.Errorf("%w: conversationType %q", ErrMalformed, m.ConversationType)
	case m.ConversationType == ConversationGroup && m.ConversationID == "":
		return nil, fmt.Errorf("%w: group message without conversationId", ErrMalformed)
	}
	return &m, nil
}

// content is what picture and richText messages carry in "content".
type content struct {
	DownloadCode        string     `json:"downloadCode"`
	PictureDownloadCode string     `json:"pictureDownloadCode"`
	RichText            []richItem `json:"richText"`
}

// richItem is one part of a rich text: text, or a picture.
type richItem struct {
	Text                string `json:"text"`
	Type                string `json:"type"`
	DownloadCode        string `json:"downloadCode"`
	PictureDownloadCode string `json:"pictureDownloadCode"`
}

// code is a picture's download code: downloadCode, else pictureDownloadCode.
func code(download, picture string) string {
	if download != "" {
		return download
	}
	return picture
}

// ImageRef is the gridbot.ImageRef of a picture: "robotCode|downloadCode"
// (a robot code has no "|").
func ImageRef(robotCode, downloadCode string) gridbot.ImageRef {
	return gridbot.ImageRef{Source: ImageSource, Ref: robotCode + "|" + downloadCode}
}

// SplitImageRef returns the robot code and the download code of a Ref.
func SplitImageRef(ref string) (robotCode, downloadCode string) {
	robotCode, downloadCode, _ = strings.Cut(ref, "|")
	return robotCode, downloadCode
}

// pictures reads the text and the pictures of a picture or richText
// message; ok is false when its content is not the documented shape or
// holds nothing.
func (m *Incoming) pictures() (text string, images []gridbot.ImageRef, ok bool) {
	var c content
	if err := json.Unmarshal(m.Content, &c); err != nil {
		return "", nil, false
	}
	if m.MsgType == MsgPicture {
		if cd := code(c.DownloadCode, c.PictureDownloadCode); cd != "" {
			return "", []gridbot.ImageRef{ImageRef(m.RobotCode, cd)}, true
		}
		return "", nil, false
	}
	var texts []string
	for _, it := range c.RichText {
		if cd := code(it.DownloadCode, it.PictureDownloadCode); cd != "" && (it.Type == "" || it.Type == MsgPicture) {
			images = append(images, ImageRef(m.RobotCode, cd))
		} else if it.Text != "" {
			texts = append(texts, it.Text)
		}
	}
	return strings.Join(texts, "\n"), images, len(texts) > 0 || len(images) > 0
}

// ToMessage translates a text, picture or richText message into the neutral
// message (pictures as Images). ok is false for other types, for a picture
// or rich text without content, and for senders without a staff id
// (outside the organisation, so not on any roster). At is createAt, or
// received when the body has none.
func (m *Incoming) ToMessage(townID int64, received time.Time) (msg gridbot.Message, ok bool) {
	if m.SenderStaffID == "" {
		return gridbot.Message{}, false
	}
	msg = gridbot.Message{
		Platform: Platform,
		TownID:   townID,
		ChatID:   m.ConversationID,
		ChatKind: gridbot.ChatGroup,
		SenderID: m.SenderStaffID,
		MsgID:    m.MsgID,
		At:       received,
	}
	switch m.MsgType {
	case MsgText:
		msg.Text = m.Text.Content
	case MsgPicture, MsgRichText:
		if msg.Text, msg.Images, ok = m.pictures(); !ok {
			return gridbot.Message{}, false
		}
	default:
		return gridbot.Message{}, false
	}
	if m.ConversationType == ConversationSingle {
		msg.ChatID, msg.ChatKind = gridbot.DM(m.SenderStaffID), gridbot.ChatSingle
	}
	if m.CreateAt > 0 {
		msg.At = time.UnixMilli(m.CreateAt).In(gridbot.Zone)
	}
	return msg, true
}

// CanReply reports whether the session webhook still takes replies at now.
func (m *Incoming) CanReply(now time.Time) bool {
	return m.SessionWebhook != "" && now.Before(time.UnixMilli(m.SessionWebhookExpiredTime))
}
