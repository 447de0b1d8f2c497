package server

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"gridbot"
	"gridbot/bot/dingtalk"
	"gridbot/bot/metrics"
	"gridbot/bot/wecom"
)

// sendAll sends a message's outbound messages in the background: those to
// the chat the message came from as one reply on the platform's channel,
// one-to-one notices to others through the WeCom app (when configured) or
// Push. Shutdown waits for it.
func (s *Server) sendAll(endpoint string, t *town, m gridbot.Message, outs []gridbot.Outbound, reply replyFunc) {
	var here []gridbot.Outbound
	var elsewhere []gridbot.Outbound
	for _, o := range outs {
		if o.To == m.ChatID {
			here = append(here, o)
		} else {
			elsewhere = append(elsewhere, o)
		}
	}
	s.replies.Add(1)
	s.workers.Go(func() {
		defer s.replies.Done()
		ctx, cancel := context.WithTimeout(context.Background(), s.ReplyTimeout)
		defer cancel()
		if len(here) > 0 {
			o := merge(here)
			s.retry(ctx, endpoint, m, func(ctx context.Context) error { return reply(ctx, o) })
		}
		for _, o := range elsewhere {
			s.notify(ctx, endpoint, t, m, o)
		}
	})
}

// notify sends a notice to another chat.
func (s *Server) notify(ctx context.Context, endpoint string, t *town, m gridbot.Message, o gridbot.Outbound) {
	if user, ok := gridbot.IsDM(o.To); ok && t.app != nil && m.Platform == wecom.Platform {
		s.retry(ctx, endpoint, m, func(ctx context.Context) error { return sendApp(ctx, t.app, user, o) })
		return
	}
	if s.push != nil {
		s.retry(ctx, endpoint, m, func(ctx context.Context) error { return s.push(ctx, m.TownID, o) })
		return
	}
	s.metrics.Replies.WithLabelValues(endpoint, metrics.Dropped).Inc()
	s.log.Warn("notice dropped: no channel to send it on (configure the WeCom app for one-to-one notices)",
		"endpoint", endpoint, "town", m.TownID, "msgid", m.MsgID)
}

// retry calls send until it succeeds, fails for good, or Retries retries
// are spent, waiting RetryWait, 4×RetryWait, … in between.
func (s *Server) retry(ctx context.Context, endpoint string, m gridbot.Message, send func(context.Context) error) {
	wait := s.RetryWait
	for attempt := 0; ; attempt++ {
		err := send(ctx)
		if err == nil {
			s.metrics.Replies.WithLabelValues(endpoint, metrics.Sent).Inc()
			return
		}
		if errors.Is(err, dingtalk.ErrExpired) {
			s.metrics.Replies.WithLabelValues(endpoint, metrics.Expired).Inc()
			s.log.Warn("reply not sent: the reply channel expired", "endpoint", endpoint, "msgid", m.MsgID)
			return
		}
		if attempt >= s.Retries || !retryable(err) || ctx.Err() != nil {
			s.metrics.Replies.WithLabelValues(endpoint, metrics.Failed).Inc()
			s.log.Error("reply failed", "endpoint", endpoint, "town", m.TownID, "msgid", m.MsgID,
				"attempts", attempt+1, "err", err)
			return
		}
		s.metrics.Retries.WithLabelValues(endpoint).Inc()
		select {
		case <-time.After(wait):
		case <-ctx.Done():
		}
		wait *= 4
	}
}

// retryable tells a failure worth another try (no answer, a 5xx, 429, the
// platform busy or rate-limiting) from one that would fail the same way
// again (a used-up response_url, an unknown user).
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

// merge joins the replies to one chat into one message: the smart robot's
// response_url takes a single reply.
func merge(outs []gridbot.Outbound) gridbot.Outbound {
	o := outs[0]
	for _, n := range outs[1:] {
		o.Text += "\n\n" + n.Text
		o.Markdown = o.Markdown || n.Markdown
		for _, u := range n.Mentions {
			if !slices.Contains(o.Mentions, u) {
				o.Mentions = append(o.Mentions, u)
			}
		}
	}
	return o
}

// sendApp sends o to user through the self-built app, cut at line
// boundaries into messages of at most 2048 bytes (message/send's limit).
func sendApp(ctx context.Context, app *wecom.App, user string, o gridbot.Outbound) error {
	for _, part := range wecom.SplitMarkdown(o.Text, wecom.MaxTextBytes) {
		if err := app.Send(ctx, []string{user}, part, o.Markdown); err != nil {
			return err
		}
	}
	return nil
}

// robotMarkdown is the smart robot's one reply: WeCom markdown, cut to
// MaxMarkdownBytes with a note when longer (a second reply is not possible).
func robotMarkdown(o gridbot.Outbound) string {
	parts := wecom.SplitMarkdown(o.Text, wecom.MaxMarkdownBytes-64)
	if len(parts) == 0 {
		return "（无内容）"
	}
	if len(parts) > 1 {
		return parts[0] + "\n……（内容过长，已截断）"
	}
	return parts[0]
}

// dingtalkBody is a DingTalk reply: text with the mentioned staff ids
// written in (DingTalk shows an @ only where the content has it), or
// markdown titled by its first line.
func dingtalkBody(o gridbot.Outbound) []byte {
	if o.Markdown {
		title, _, _ := strings.Cut(strings.TrimLeft(o.Text, "# "), "\n")
		if r := []rune(title); len(r) > 20 {
			title = string(r[:20])
		}
		return dingtalk.MarkdownBody(title, o.Text)
	}
	text := o.Text
	if len(o.Mentions) > 0 {
		text = "@" + strings.Join(o.Mentions, " @") + " " + text
	}
	return dingtalk.TextBody(text, o.Mentions)
}

// statusOf maps a platform's callback error to the HTTP status to answer.
func statusOf(err error) int {
	if st := wecom.HTTPStatus(err); st != http.StatusInternalServerError {
		return st
	}
	return dingtalk.HTTPStatus(err)
}
