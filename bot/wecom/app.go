package wecom

import (
	"encoding/xml"
	"fmt"
	"strings"
	"time"

	"gridbot"
)

// Self-built app message types (MsgType) the bot acts on.
const (
	AppText     = "text"
	AppLocation = "location"
)

// AppEnvelope is a self-built app's callback body:
//
//	<xml><ToUserName/><Encrypt/><AgentID/></xml>
type AppEnvelope struct {
	ToUserName string `xml:"ToUserName"` // the corp id
	Encrypt    string `xml:"Encrypt"`
	AgentID    string `xml:"AgentID"`
}

// DecodeAppBody decodes a self-built app's callback body. A body that is
// not an <xml> element with a non-empty <Encrypt> is ErrMalformed.
// encoding/xml expands no external entities, so the XML is safe to read
// before the signature is checked (the signature covers Encrypt only).
func DecodeAppBody(body []byte) (*AppEnvelope, error) {
	var env struct {
		XMLName xml.Name `xml:"xml"`
		AppEnvelope
	}
	if err := xml.Unmarshal(body, &env); err != nil {
		return nil, fmt.Errorf("%w: body is not <xml><Encrypt>…</Encrypt></xml>", ErrMalformed)
	}
	env.Encrypt = strings.TrimSpace(env.Encrypt)
	if env.Encrypt == "" {
		return nil, fmt.Errorf("%w: no Encrypt", ErrMalformed)
	}
	return &env.AppEnvelope, nil
}

// AppMessage is a decrypted self-built app callback: a member's one-to-one
// message to the app. Text has Content; location has Location_X (latitude),
// Location_Y (longitude), Scale and Label.
type AppMessage struct {
	ToUserName   string  `xml:"ToUserName"`
	FromUserName string  `xml:"FromUserName"` // the member's userid
	CreateTime   int64   `xml:"CreateTime"`   // Unix seconds
	MsgType      string  `xml:"MsgType"`
	Content      string  `xml:"Content"`
	MsgID        string  `xml:"MsgId"` // a 64-bit number; kept as text
	AgentID      int64   `xml:"AgentID"`
	LocationX    float64 `xml:"Location_X"`
	LocationY    float64 `xml:"Location_Y"`
	Scale        int     `xml:"Scale"`
	Label        string  `xml:"Label"`
	Event        string  `xml:"Event"` // for MsgType "event"
}

// ParseAppMessage decodes a decrypted self-built app message. Text and
// location messages must name their sender and id, and a location must lie
// on Earth (ErrMalformed otherwise); other types are returned as they are.
func ParseAppMessage(plain []byte) (*AppMessage, error) {
	var m struct {
		XMLName xml.Name `xml:"xml"`
		AppMessage
	}
	if err := xml.Unmarshal(plain, &m); err != nil {
		return nil, fmt.Errorf("%w: message is not XML", ErrMalformed)
	}
	if m.MsgType != AppText && m.MsgType != AppLocation {
		return &m.AppMessage, nil
	}
	switch {
	case m.FromUserName == "":
		return nil, fmt.Errorf("%w: no FromUserName", ErrMalformed)
	case m.MsgID == "":
		return nil, fmt.Errorf("%w: no MsgId", ErrMalformed)
	case m.MsgType == AppLocation && (m.LocationX < -90 || m.LocationX > 90 || m.LocationY < -180 || m.LocationY > 180):
		return nil, fmt.Errorf("%w: location %v,%v", ErrMalformed, m.LocationX, m.LocationY)
	}
	return &m.AppMessage, nil
}

// ToMessage translates a text or location message into the neutral message,
// always a one-to-one chat; ok is false for other types (events, images).
// At is CreateTime, or received when the message has none.
func (m *AppMessage) ToMessage(townID int64, received time.Time) (msg gridbot.Message, ok bool) {
	if (m.MsgType != AppText && m.MsgType != AppLocation) || m.FromUserName == "" {
		return gridbot.Message{}, false
	}
	msg = gridbot.Message{
		Platform: Platform,
		TownID:   townID,
		ChatID:   gridbot.DM(m.FromUserName),
		ChatKind: gridbot.ChatSingle,
		SenderID: m.FromUserName,
		MsgID:    m.MsgID,
		At:       received,
	}
	if m.CreateTime > 0 {
		msg.At = time.Unix(m.CreateTime, 0).In(gridbot.Zone)
	}
	if m.MsgType == AppText {
		msg.Text = m.Content
	} else {
		msg.Location = &gridbot.Location{Lat: m.LocationX, Lng: m.LocationY, Label: m.Label}
	}
	return msg, true
}

// AppSend is the body of POST /cgi-bin/message/send for text or markdown.
// Content is at most 2048 bytes; WeCom drops (silently) more than 30
// messages a minute to one member from one app.
type AppSend struct {
	ToUser   string       `json:"touser"` // "U1|U2"
	MsgType  string       `json:"msgtype"`
	AgentID  int64        `json:"agentid"`
	Text     *sendContent `json:"text,omitempty"`
	Markdown *sendContent `json:"markdown,omitempty"`
}

type sendContent struct {
	Content string `json:"content"`
}

// AppTextBody is the message/send body of a text message to users:
//
//	{"touser":"U1|U2","msgtype":"text","agentid":1000002,"text":{"content":"…"}}
func AppTextBody(users []string, agentID int64, content string) []byte {
	return mustMarshal(AppSend{ToUser: strings.Join(users, "|"), MsgType: "text", AgentID: agentID, Text: &sendContent{content}})
}

// AppMarkdownBody is the message/send body of a markdown message to users:
//
//	{"touser":"U1|U2","msgtype":"markdown","agentid":1000002,"markdown":{"content":"…"}}
func AppMarkdownBody(users []string, agentID int64, content string) []byte {
	return mustMarshal(AppSend{ToUser: strings.Join(users, "|"), MsgType: "markdown", AgentID: agentID, Markdown: &sendContent{content}})
}
