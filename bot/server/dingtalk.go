package server

import (
	"context"
	"net/http"
	"net/url"

	"gridbot"
	"gridbot/bot/dingtalk"
	"gridbot/bot/metrics"
)

// dingtalkRobot handles the DingTalk enterprise robot's HTTP callbacks: the
// timestamp and sign headers are checked before the body is read, the
// command runs until it commits, the callback gets an empty 200, and the
// reply goes to the message's sessionWebhook while it is still valid.
func (s *Server) dingtalkRobot(t *town) http.HandlerFunc {
	const endpoint = metrics.DingTalkRobot
	return func(w http.ResponseWriter, r *http.Request) {
		if err := dingtalk.Verify(r.Header, t.ding, s.clock.Now()); err != nil {
			s.reject(w, r, endpoint, statusOf(err), err)
			return
		}
		body, ok := s.readBody(w, r, endpoint)
		if !ok {
			return
		}
		in, err := dingtalk.Decode(body)
		if err != nil {
			s.reject(w, r, endpoint, statusOf(err), err)
			return
		}
		townID, err := s.townID(r.Context(), t)
		if err != nil {
			s.reject(w, r, endpoint, http.StatusServiceUnavailable, err)
			return
		}
		m, ok := in.ToMessage(townID, s.clock.Now())
		if !ok {
			s.ignore(w, endpoint, in.MsgType)
			return
		}
		if !sameHost(in.SessionWebhook, t.cfg.DingTalk.APIBase) {
			// DingTalk's sign covers the timestamp only, not the body: a
			// replayed header pair could carry a webhook of the sender's
			// choosing. Replies go to DingTalk's own host or nowhere.
			s.log.Warn("sessionWebhook is not on GRIDBOT_DINGTALK_API_BASE's host; no reply will be sent", "endpoint", endpoint)
			in.SessionWebhook = ""
		}
		s.deliver(w, r, endpoint, t, m, func(ctx context.Context, o gridbot.Outbound) error {
			return dingtalk.ReplySession(ctx, s.http, in, dingtalkBody(o), s.clock.Now())
		})
	}
}

// sameHost reports whether rawurl has the scheme and host of base.
func sameHost(rawurl, base string) bool {
	u, err := url.Parse(rawurl)
	b, berr := url.Parse(base)
	return err == nil && berr == nil && u.Scheme == b.Scheme && u.Host == b.Host
}
