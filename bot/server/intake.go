package server

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"gridbot"
	"gridbot/bot"
	"gridbot/bot/metrics"
	"gridbot/storage/kv"
)

// replyFunc sends o, the reply to the chat a message came from, on the
// platform's reply channel, once; the caller retries.
type replyFunc func(ctx context.Context, o gridbot.Outbound) error

// rateLimited is the Code of a Result refused by the per-member rate limit.
const rateLimited = "rate_limited"

// deliver handles an opened callback's message: it runs the command until
// it commits (so that a crash before the answer leaves the platform's retry
// to redo it), answers 200, and sends the replies in the background.
func (s *Server) deliver(w http.ResponseWriter, r *http.Request, endpoint string, t *town, m gridbot.Message, reply replyFunc) {
	// Not cancelled when the platform hangs up: a command half done would
	// answer "internal error" into the reply channel the retry needs.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), s.HandleTimeout)
	defer cancel()
	start := time.Now()
	res := s.process(ctx, m)
	elapsed := time.Since(start)
	outcome := metrics.OK
	switch res.Code {
	case bot.OK:
	case bot.Duplicate:
		outcome = metrics.Duplicate
	case rateLimited:
		outcome = metrics.Limited
	case gridbot.EINTERNAL:
		outcome = metrics.Error
	default:
		outcome = metrics.Refused
	}
	if res.Code != bot.Duplicate && res.Code != rateLimited {
		cmd := res.Command
		if cmd == "" {
			cmd = "unknown"
		}
		s.metrics.Commands.WithLabelValues(endpoint, cmd).Observe(elapsed.Seconds())
	}
	s.metrics.Callbacks.WithLabelValues(endpoint, outcome).Inc()
	s.log.Info("callback", "endpoint", endpoint, "town", m.TownID, "msgid", m.MsgID, "sender", m.SenderID,
		"command", res.Command, "outcome", outcome, "ms", elapsed.Milliseconds())
	if len(res.Out) > 0 {
		s.sendAll(endpoint, t, m, res.Out, reply)
	}
	// An internal error was answered in the chat ("系统内部错误，请稍后再
	// 试"); a 5xx would make the platform retry into a reply channel that
	// is already used up.
	w.WriteHeader(http.StatusOK)
}

// process filters duplicates, applies the per-member rate limit, and runs
// the pipeline. The filter and the limit live in Redis (shared by the
// replicas), are checked in one round trip (the filter first, so a
// platform's retry never counts against a member), and fail open: when
// Redis is down the store's unique claim on the message id still counts
// each message once, and the command is let through.
func (s *Server) process(ctx context.Context, m gridbot.Message) bot.Result {
	key := "msg:" + strconv.FormatInt(m.TownID, 10) + ":" + m.Platform + ":" + m.MsgID
	a := kv.Admission{SeenKey: key, SeenTTL: bot.DefaultDedupeTTL}
	if s.cfg.UserRate > 0 {
		a.RateKey, a.Limit, a.Window = "rate:"+strconv.FormatInt(m.TownID, 10)+":"+m.SenderID, s.cfg.UserRate, time.Minute
	}
	kctx, cancel := context.WithTimeout(ctx, KVTimeout)
	v, err := s.kv.Admit(kctx, a)
	cancel()
	switch {
	case err != nil:
		s.log.Warn("dedupe filter and rate limiter unavailable; the store decides and the command goes through", "err", err)
		key = ""
	case !v.First:
		return bot.Result{Code: bot.Duplicate}
	case !v.Allowed:
		// The mark stays: a retry of this message is dropped, not answered twice.
		return bot.Result{Out: s.limited(m, v.RetryAfter), Code: rateLimited}
	}
	res := s.pipe.Process(ctx, m)
	if res.Code == gridbot.EINTERNAL && key != "" {
		// Nothing was recorded: let a later copy of the message in.
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), KVTimeout)
		if err := s.kv.Forget(fctx, key); err != nil {
			s.log.Warn("dedupe forget failed", "err", err)
		}
		cancel()
	}
	return res
}

// limited is the answer to a member over GRIDBOT_USER_RATE (commands a
// minute per member of a town), in Chinese, with how long to wait.
func (s *Server) limited(m gridbot.Message, wait time.Duration) []gridbot.Outbound {
	secs := int(wait.Seconds() + 0.999)
	text := fmt.Sprintf("你发送命令太频繁了：每人每分钟最多 %d 条。请 %d 秒后再发送，刚才这条没有处理。", s.cfg.UserRate, max(secs, 1))
	o := gridbot.Outbound{At: m.At, To: m.ChatID, Text: text}
	if m.ChatKind == gridbot.ChatGroup {
		o.Mentions = []string{m.SenderID}
	}
	return []gridbot.Outbound{o}
}
