package wecom

import (
	"net/http"
	"net/url"
	"time"

	"gridbot"
)

// MaxCallbackBody is the largest callback body read from WeCom; a real one
// is a few KB (a location message's XML, a kilobyte of ciphertext).
const MaxCallbackBody = 1 << 20

// RobotAdapter turns smart robot callbacks ({"encrypt":…} sealed with an
// empty receive id) into messages. A message's reply goes to its
// response_url, once, within the hour.
type RobotAdapter struct {
	CB  *Callback
	Now func() time.Time
}

// AppAdapter turns self-built app callbacks (XML sealed with the corp id)
// into messages: text is a command, a location a check-in, a picture one
// for the member's latest 上报 or 活动. The reply goes to the member through
// message/send.
type AppAdapter struct {
	CB  *Callback
	Now func() time.Time
}

// MaxBody implements the server's adapter.
func (a *RobotAdapter) MaxBody() int64 { return MaxCallbackBody }

// MaxBody implements the server's adapter.
func (a *AppAdapter) MaxBody() int64 { return MaxCallbackBody }

// Check has nothing to check before the body: WeCom signs the ciphertext.
func (a *RobotAdapter) Check(*http.Request) error { return nil }

// Check has nothing to check before the body: WeCom signs the ciphertext.
func (a *AppAdapter) Check(*http.Request) error { return nil }

// Status maps a callback error to the HTTP answer (400, 401, 403).
func (a *RobotAdapter) Status(err error) int { return HTTPStatus(err) }

// Status maps a callback error to the HTTP answer (400, 401, 403).
func (a *AppAdapter) Status(err error) int { return HTTPStatus(err) }

// VerifyURL answers WeCom's URL check: the decrypted echostr.
func (a *RobotAdapter) VerifyURL(q url.Values) ([]byte, error) { return a.CB.VerifyURL(q) }

// VerifyURL answers WeCom's URL check: the decrypted echostr.
func (a *AppAdapter) VerifyURL(q url.Values) ([]byte, error) { return a.CB.VerifyURL(q) }

// Parse checks, opens and reads a smart robot callback: text, mixed and
// image messages (pictures as Images). ok is false for events and stream
// refreshes: nothing to run; kind is the msgtype.
func (a *RobotAdapter) Parse(r *http.Request, body []byte) (m gridbot.Message, ok bool, kind string, err error) {
	enc, err := DecodeRobotBody(body)
	if err != nil {
		return m, false, "", err
	}
	plain, err := a.CB.Open(r.URL.Query(), enc)
	if err != nil {
		return m, false, "", err
	}
	rm, err := ParseRobotMessage(plain)
	if err != nil {
		return m, false, "", err
	}
	now := a.Now()
	if m, ok = rm.ToMessage(0, now); !ok {
		return m, false, rm.MsgType, nil
	}
	m.Reply = gridbot.Destination{Kind: gridbot.DestReply, UserID: m.SenderID, Chat: m.ChatID}
	if rm.ResponseURL != "" {
		m.Reply.Channel, m.Reply.Address = gridbot.ChannelWeComRobotReply, rm.ResponseURL
		m.Reply.Until = now.Add(time.Hour) // WeCom: one reply per response_url, within an hour
	}
	return m, true, rm.MsgType, nil
}

// Parse checks, opens and reads a self-built app callback. ok is false for
// anything but text, location and image.
func (a *AppAdapter) Parse(r *http.Request, body []byte) (m gridbot.Message, ok bool, kind string, err error) {
	env, err := DecodeAppBody(body)
	if err != nil {
		return m, false, "", err
	}
	plain, err := a.CB.Open(r.URL.Query(), env.Encrypt)
	if err != nil {
		return m, false, "", err
	}
	am, err := ParseAppMessage(plain)
	if err != nil {
		return m, false, "", err
	}
	if m, ok = am.ToMessage(0, a.Now()); !ok {
		return m, false, am.MsgType, nil
	}
	m.Reply = gridbot.Destination{Kind: gridbot.DestReply, UserID: m.SenderID, Chat: m.ChatID,
		Channel: gridbot.ChannelWeComApp, Address: am.FromUserName}
	return m, true, am.MsgType, nil
}
