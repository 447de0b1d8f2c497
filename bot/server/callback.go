package server

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"

	"gridbot"
	"gridbot/bot"
	"gridbot/bot/dingtalk"
	"gridbot/bot/metrics"
	"gridbot/bot/notify"
	"gridbot/bot/wecom"
)

// Adapter is one inbound platform channel: it turns an HTTP callback into
// the one message type, with the message's reply channel, and keeps its
// platform's wire format, signature and size limit. bot/wecom (smart robot,
// app) and bot/dingtalk have one each; a new channel (the web form) is a
// new Adapter and a route, nothing else.
type Adapter interface {
	// MaxBody is the largest body read; a larger one gets 413.
	MaxBody() int64
	// Check looks at what precedes the body (DingTalk's signed headers).
	Check(r *http.Request) error
	// Parse verifies and opens the body: the message, or ok false for a
	// callback that carries no command (kind says what it was).
	Parse(r *http.Request, body []byte) (m gridbot.Message, ok bool, kind string, err error)
	// Status is the HTTP status answering an error of Check or Parse.
	Status(err error) int
}

// URLVerifier is an adapter whose platform checks the callback URL with a
// GET before saving it (WeCom).
type URLVerifier interface {
	VerifyURL(q url.Values) ([]byte, error)
}

// callback is the one callback handler: check, read, open, run the message
// through the pipeline until it commits, answer, then send the reply.
func (s *Server) callback(t *town, endpoint string, a Adapter) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := a.Check(r); err != nil {
			s.reject(w, r, endpoint, a.Status(err), err)
			return
		}
		body, ok := s.readBody(w, r, endpoint, min(s.MaxBody, a.MaxBody()))
		if !ok {
			return
		}
		m, ok, kind, err := a.Parse(r, body)
		if err != nil {
			s.reject(w, r, endpoint, a.Status(err), err)
			return
		}
		townID, err := s.townID(r.Context(), t)
		if err != nil {
			s.reject(w, r, endpoint, http.StatusServiceUnavailable, err)
			return
		}
		if !ok {
			// Events (entering the chat), images, stream refreshes: nothing to run.
			s.metrics.Callbacks.WithLabelValues(endpoint, metrics.Ignored).Inc()
			s.log.Debug("callback without a command ignored", "endpoint", endpoint, "msgtype", kind)
			w.WriteHeader(http.StatusOK)
			return
		}
		m.TownID = townID
		s.deliver(w, r, endpoint, m)
	}
}

// urlCheck answers a platform's URL verification: the decrypted echostr as
// the whole body, no quotes, no BOM, no newline.
func (s *Server) urlCheck(endpoint string, a Adapter, v URLVerifier) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		echo, err := v.VerifyURL(r.URL.Query())
		if err != nil {
			s.reject(w, r, endpoint, a.Status(err), err)
			return
		}
		s.metrics.Callbacks.WithLabelValues(endpoint, metrics.URLCheck).Inc()
		s.log.Info("url verification answered", "endpoint", endpoint)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write(echo)
	}
}

// deliver runs the message until its command (and its queued reply)
// commits, so that a crash before the answer leaves the platform's retry to
// redo it, answers 200, and sends the reply in the background.
func (s *Server) deliver(w http.ResponseWriter, r *http.Request, endpoint string, m gridbot.Message) {
	// Not cancelled when the platform hangs up: a command half done would
	// answer "internal error" into the reply channel the retry needs.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), s.HandleTimeout)
	defer cancel()
	start := time.Now()
	res := s.pipe.Process(ctx, m)
	elapsed := time.Since(start)
	outcome := metrics.OK
	switch res.Code {
	case bot.OK:
	case bot.Duplicate:
		outcome = metrics.Duplicate
	case bot.RateLimited:
		outcome = metrics.Limited
	case gridbot.EINTERNAL:
		outcome = metrics.Error
	case bot.Journaled, bot.Unavailable:
		outcome = s.journaled(res)
	default:
		outcome = metrics.Refused
	}
	if res.Code != bot.Duplicate && res.Code != bot.RateLimited && res.Code != bot.Journaled && res.Code != bot.Unavailable {
		cmd := res.Command
		if cmd == "" {
			cmd = "unknown"
		}
		s.metrics.Commands.WithLabelValues(endpoint, cmd).Observe(elapsed.Seconds())
	}
	s.metrics.Callbacks.WithLabelValues(endpoint, outcome).Inc()
	if res.Code == bot.Unavailable {
		// Neither the store nor the journal took it: not acknowledged, so
		// that the platform retries (WeCom: when it gets no 200).
		s.log.Error("callback refused: the store and the journal both failed", "endpoint", endpoint,
			"msgid", m.MsgID, "err", res.Err)
		http.Error(w, "store and journal unavailable", http.StatusServiceUnavailable)
		return
	}
	s.log.Info("callback", "endpoint", endpoint, "town", m.TownID, "msgid", m.MsgID, "sender", m.SenderID,
		"command", res.Command, "outcome", outcome, "ms", elapsed.Milliseconds())
	if res.Code != bot.Duplicate && m.Reply.Channel != "" && m.Reply.Address == "" {
		// The adapter did not trust the reply address (a DingTalk webhook off
		// DingTalk's host): the reply has nowhere to go.
		s.metrics.Replies.WithLabelValues(endpoint, metrics.Expired).Inc()
	}
	if len(res.Jobs) > 0 || len(res.Direct) > 0 {
		s.send(endpoint, res)
	}
	// An internal error was answered in the chat ("系统内部错误，请稍后再
	// 试"); a 5xx would make the platform retry into a reply channel that
	// is already used up.
	w.WriteHeader(http.StatusOK)
}

// send delivers a message's just-committed jobs (its reply, 派发's notice)
// and its direct answers in the background, at once rather than at the
// worker's next poll. Shutdown waits for it. A job not delivered here is
// left to the worker: retried with backoff, or taken by any replica when
// this one dies before recording it.
func (s *Server) send(endpoint string, res bot.Result) {
	s.replies.Add(1)
	s.workers.Go(func() {
		defer s.replies.Done()
		ctx, cancel := context.WithTimeout(context.Background(), s.ReplyTimeout)
		defer cancel()
		for _, j := range res.Jobs {
			s.sendJob(ctx, endpoint, j, true)
		}
		for _, n := range res.Direct {
			if j, ok := s.notify.Direct(n); ok {
				s.sendJob(ctx, endpoint, j, false)
			}
		}
	})
}

// sendJob attempts j, retrying transport errors, 5xx and rate limits
// Retries times (RetryWait, then 4×RetryWait, …), then records the outcome
// when the job is durable.
func (s *Server) sendJob(ctx context.Context, endpoint string, j gridbot.OutboundJob, durable bool) {
	wait := s.RetryWait
	var pause time.Duration
	var err error
	for attempt := 0; ; attempt++ {
		pause, err = s.notify.Attempt(ctx, &j)
		if err == nil && pause == 0 {
			s.metrics.Replies.WithLabelValues(endpoint, metrics.Sent).Inc()
			break
		}
		if pause > 0 {
			break // the channel's minute is full: the worker sends it later
		}
		if errors.Is(err, notify.ErrExpired) {
			s.metrics.Replies.WithLabelValues(endpoint, metrics.Expired).Inc()
			s.log.Warn("reply not sent: the reply channel expired", "endpoint", endpoint, "key", j.Key)
			break
		}
		if attempt >= s.Retries || !retryable(err) || ctx.Err() != nil {
			s.metrics.Replies.WithLabelValues(endpoint, metrics.Failed).Inc()
			s.log.Error("reply failed", "endpoint", endpoint, "town", j.TownID, "key", j.Key, "channel", j.Channel,
				"attempts", attempt+1, "err", err)
			break
		}
		s.metrics.Retries.WithLabelValues(endpoint).Inc()
		select {
		case <-time.After(wait):
		case <-ctx.Done():
		}
		wait *= 4
	}
	if durable {
		s.notify.Finish(ctx, j, pause, err)
	}
}

// retryable tells a failure worth another try now (no answer, a 5xx, 429,
// the platform busy or rate-limiting) from one that would fail the same way
// again at once (a used-up response_url, an unknown user); the worker still
// retries those later, with backoff.
func retryable(err error) bool {
	var we *wecom.APIError
	var de *dingtalk.APIError
	switch {
	case errors.As(err, &we):
		return we.HTTPStatus >= 500 || we.RateLimited() || we.Code == wecom.CodeBusy
	case errors.As(err, &de):
		return de.HTTPStatus >= 500 || de.RateLimited() || de.Code == -1
	}
	return true // a transport error: no answer at all
}
