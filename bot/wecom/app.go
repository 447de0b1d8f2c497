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
	AppImage    = "image" // a picture: PicUrl and MediaId (document path/90239)
)

// ImageSourceApp is the gridbot.ImageRef Source of a picture sent to the
// self-built app: its Ref is the MediaId (App.Media downloads it).
const ImageSourceApp = "wecom-app"

// appActs reports whether the bot acts on an app message of msgtype.
func appActs(msgtype string) bool {
	return msgtype == AppText || msgtype == AppLocation || msgtype == AppImage
}

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
// Location_Y (longitude), Scale and Label; image has PicUrl and MediaId.
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
	PicURL       string  `xml:"PicUrl"`  // for MsgType "image"
	MediaID      string  `xml:"MediaId"` // for MsgType "image": media/get downloads it (three days)
	Event        string  `xml:"Event"`   // for MsgType "event"
}

// ParseAppMessage decodes a decrypted self-built app message. Text,
// location and image messages must name their sender and id, a location
// must lie on Earth and an image name its MediaId (ErrMalformed otherwise);
// other types are returned as they are.
func ParseAppMessage(plain []byte) (*AppMessage, error) {
	var m struct {
		XMLName xml.Name `xml:"xml"`
		AppMessage
	}
	if err := xml.Unmarshal(plain, &m); err != nil {
		return nil, fmt.Errorf("%w: message is not XML", ErrMalformed)
	}
	if !appActs(m.MsgType) {
		return &m.AppMessage, nil
	}
	switch {
	case m.MsgType == AppImage && m.MediaID == "":
		return nil, fmt.Errorf("%w: image without MediaId", ErrMalformed)
	case m.FromUserName == "":
		return nil, fmt.Errorf("%w: no FromUserName", ErrMalformed)
	case m.MsgID == "":
		return nil, fmt.Errorf("%w: no MsgId", ErrMalformed)
	case m.MsgType == AppLocation && (m.LocationX < -90 || m.LocationX > 90 || m.LocationY < -180 || m.LocationY > 180):
		return nil, fmt.Errorf("%w: location %v,%v", ErrMalformed, m.LocationX, m.LocationY)
	}
	return &m.AppMessage, nil
}

// ToMessage translates a text, location or image message into the neutral
// message, always a one-to-one chat; ok is false for other types (events).
// At is CreateTime, or received when the message has none.
func (m *AppMessage) ToMessage(townID int64, received time.Time) (msg gridbot.Message, ok bool) {
	if !appActs(m.MsgType) || m.FromUserName == "" {
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
	switch m.MsgType {
	case AppText:
		msg.Text = m.Content
	case AppLocation:
		msg.Location = &gridbot.Location{Lat: m.LocationX, Lng: m.LocationY, Label: m.Label}
	case AppImage:
		msg.Images = []gridbot.ImageRef{{Source: ImageSourceApp, Ref: m.MediaID}}
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
