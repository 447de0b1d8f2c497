package dingtalk

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
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

// Incoming is the JSON body of an enterprise robot HTTP callback.
type Incoming struct {
	MsgType string `json:"msgtype"`
	Text    struct {
		Content string `json:"content"`
	} `json:"text"`
	MsgID             string   `json:"msgId"`
	CreateAt          int64    `json:"createAt"` // Unix milliseconds
	ConversationType  string   `json:"conversationType"`
	ConversationID    string   `json:"conversationId"`
	ConversationTitle string   `json:"conversationTitle"`
	SenderID          string   `json:"senderId"`
	SenderNick        string   `json:"senderNick"`
	SenderStaffID     string   `json:"senderStaffId"` // empty for people outside the organisation
	ChatbotUserID     string   `json:"chatbotUserId"`
	AtUsers           []AtUser `json:"atUsers"`
	IsInAtList        bool     `json:"isInAtList"`
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

// ToMessage translates a text message into the neutral message. ok is false
// for other types and for senders without a staff id (outside the
// organisation, so not on any roster). At is createAt, or received when the
// body has none.
func (m *Incoming) ToMessage(townID int64, received time.Time) (msg gridbot.Message, ok bool) {
	if m.MsgType != "text" || m.SenderStaffID == "" {
		return gridbot.Message{}, false
	}
	msg = gridbot.Message{
		Platform: Platform,
		TownID:   townID,
		ChatID:   m.ConversationID,
		ChatKind: gridbot.ChatGroup,
		SenderID: m.SenderStaffID,
		Text:     m.Text.Content,
		MsgID:    m.MsgID,
		At:       received,
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
