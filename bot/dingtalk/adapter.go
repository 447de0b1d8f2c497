package dingtalk

import (
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"gridbot"
)

// MaxCallbackBody is the largest callback body read from DingTalk; a real
// one is about a kilobyte.
const MaxCallbackBody = 1 << 20

// Adapter turns enterprise robot HTTP callbacks into messages. The signed
// headers are checked before the body is read; the reply goes to the
// message's sessionWebhook while it is valid.
type Adapter struct {
	AppSecret string
	// APIBase is DingTalk's host: a sessionWebhook elsewhere gets no reply.
	APIBase string
	Now     func() time.Time
	Logger  *slog.Logger
}

// MaxBody implements the server's adapter.
func (a *Adapter) MaxBody() int64 { return MaxCallbackBody }

// Check verifies the timestamp and sign headers.
func (a *Adapter) Check(r *http.Request) error { return Verify(r.Header, a.AppSecret, a.Now()) }

// Status maps a callback error to the HTTP answer (400, 401).
func (a *Adapter) Status(err error) int { return HTTPStatus(err) }

// Parse reads a callback body. ok is false for anything but text, pictures
// and rich text from a member of the organisation.
func (a *Adapter) Parse(r *http.Request, body []byte) (m gridbot.Message, ok bool, kind string, err error) {
	in, err := Decode(body)
	if err != nil {
		return m, false, "", err
	}
	if m, ok = in.ToMessage(0, a.Now()); !ok {
		return m, false, in.MsgType, nil
	}
	m.Reply = gridbot.Destination{Kind: gridbot.DestReply, UserID: m.SenderID, Chat: m.ChatID,
		Channel: gridbot.ChannelDingTalkSession, Address: in.SessionWebhook, Until: time.UnixMilli(in.SessionWebhookExpiredTime)}
	if !sameHost(in.SessionWebhook, a.APIBase) {
		// DingTalk's sign covers the timestamp only, not the body: a
		// replayed header pair could carry a webhook of the sender's
		// choosing. Replies go to DingTalk's own host or nowhere.
		if a.Logger != nil {
			a.Logger.Warn("sessionWebhook is not on GRIDBOT_DINGTALK_API_BASE's host; no reply will be sent")
		}
		m.Reply.Address = ""
	}
	return m, true, in.MsgType, nil
}

// sameHost reports whether rawurl has the scheme and host of base.
func sameHost(rawurl, base string) bool {
	u, err := url.Parse(rawurl)
	b, berr := url.Parse(base)
	return err == nil && berr == nil && u.Scheme == b.Scheme && u.Host == b.Host
}
