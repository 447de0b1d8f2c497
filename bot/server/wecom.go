package server

import (
	"context"
	"net/http"

	"gridbot"
	"gridbot/bot/metrics"
	"gridbot/bot/wecom"
)

// urlCheck answers WeCom's URL verification (GET with msg_signature,
// timestamp, nonce, echostr): the decrypted echostr as the whole body, no
// quotes, no BOM, no newline.
func (s *Server) urlCheck(cb *wecom.Callback, endpoint string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		echo, err := cb.VerifyURL(r.URL.Query())
		if err != nil {
			s.reject(w, r, endpoint, statusOf(err), err)
			return
		}
		s.metrics.Callbacks.WithLabelValues(endpoint, metrics.URLCheck).Inc()
		s.log.Info("url verification answered", "endpoint", endpoint)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write(echo)
	}
}

func (s *Server) wecomBotURL(t *town) http.HandlerFunc { return s.urlCheck(t.bot, metrics.WeComBot) }

func (s *Server) wecomAppURL(t *town) http.HandlerFunc { return s.urlCheck(t.appCB, metrics.WeComApp) }

// wecomBot handles the smart robot's callbacks: JSON {"encrypt":…} sealed
// with an empty receive id. It answers an empty 200 once the command has
// committed and posts the reply, as markdown, to the message's
// response_url.
func (s *Server) wecomBot(t *town) http.HandlerFunc {
	const endpoint = metrics.WeComBot
	return func(w http.ResponseWriter, r *http.Request) {
		body, ok := s.readBody(w, r, endpoint)
		if !ok {
			return
		}
		enc, err := wecom.DecodeRobotBody(body)
		if err != nil {
			s.reject(w, r, endpoint, statusOf(err), err)
			return
		}
		plain, err := t.bot.Open(r.URL.Query(), enc)
		if err != nil {
			s.reject(w, r, endpoint, statusOf(err), err)
			return
		}
		rm, err := wecom.ParseRobotMessage(plain)
		if err != nil {
			s.reject(w, r, endpoint, statusOf(err), err)
			return
		}
		townID, err := s.townID(r.Context(), t)
		if err != nil {
			s.reject(w, r, endpoint, http.StatusServiceUnavailable, err)
			return
		}
		m, ok := rm.ToMessage(townID, s.clock.Now())
		if !ok {
			// Events (entering the chat), images, stream refreshes: nothing to run.
			s.ignore(w, endpoint, rm.MsgType)
			return
		}
		responseURL := rm.ResponseURL
		s.deliver(w, r, endpoint, t, m, func(ctx context.Context, o gridbot.Outbound) error {
			return wecom.ReplyResponseURL(ctx, s.http, responseURL, robotMarkdown(o))
		})
	}
}

// wecomApp handles the self-built app's callbacks: XML sealed with the corp
// id. Text is a command, a location a check-in. It answers an empty 200
// once the command has committed and sends the reply to the member through
// message/send.
func (s *Server) wecomApp(t *town) http.HandlerFunc {
	const endpoint = metrics.WeComApp
	return func(w http.ResponseWriter, r *http.Request) {
		body, ok := s.readBody(w, r, endpoint)
		if !ok {
			return
		}
		env, err := wecom.DecodeAppBody(body)
		if err != nil {
			s.reject(w, r, endpoint, statusOf(err), err)
			return
		}
		plain, err := t.appCB.Open(r.URL.Query(), env.Encrypt)
		if err != nil {
			s.reject(w, r, endpoint, statusOf(err), err)
			return
		}
		am, err := wecom.ParseAppMessage(plain)
		if err != nil {
			s.reject(w, r, endpoint, statusOf(err), err)
			return
		}
		townID, err := s.townID(r.Context(), t)
		if err != nil {
			s.reject(w, r, endpoint, http.StatusServiceUnavailable, err)
			return
		}
		m, ok := am.ToMessage(townID, s.clock.Now())
		if !ok {
			s.ignore(w, endpoint, am.MsgType)
			return
		}
		user := am.FromUserName
		s.deliver(w, r, endpoint, t, m, func(ctx context.Context, o gridbot.Outbound) error {
			return sendApp(ctx, t.app, user, o)
		})
	}
}

// ignore answers a callback that carries no command.
func (s *Server) ignore(w http.ResponseWriter, endpoint, msgType string) {
	s.metrics.Callbacks.WithLabelValues(endpoint, metrics.Ignored).Inc()
	s.log.Debug("callback without a command ignored", "endpoint", endpoint, "msgtype", msgType)
	w.WriteHeader(http.StatusOK)
}
