package notify

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gridbot"
	"gridbot/bot/dingtalk"
	"gridbot/bot/wecom"
)

// ErrExpired is a reply whose channel no longer takes it (a response_url
// after its hour, a sessionWebhook after its expiry): given up at once.
var ErrExpired = errors.New("notify: the reply channel has expired")

// part sends one message of a job.
type part func(ctx context.Context) error

// parts returns the sends that deliver j on its channel, in order. They
// depend on the job alone, so a retry resumes at part j.Sent.
func (w *Worker) parts(j gridbot.OutboundJob) ([]part, error) {
	content, markdown := j.Text, false
	if strings.TrimSpace(j.Markdown) != "" {
		content, markdown = j.Markdown, true
	}
	expired := func(ctx context.Context) error {
		if !j.Until.IsZero() && !w.opt.Now().Before(j.Until) {
			return ErrExpired
		}
		return nil
	}
	switch j.Channel {
	case gridbot.ChannelRobot, "":
		var ps []part
		for _, body := range Parts(j) {
			ps = append(ps, func(ctx context.Context) error { return w.send(ctx, j.Webhook, body) })
		}
		return ps, nil
	case gridbot.ChannelWeComRobotReply:
		// One reply per response_url: cut, never split.
		return []part{func(ctx context.Context) error {
			if err := expired(ctx); err != nil {
				return err
			}
			return wecom.ReplyResponseURL(ctx, w.opt.HTTP, j.Address, robotMarkdown(content))
		}}, nil
	case gridbot.ChannelDingTalkSession:
		return []part{func(ctx context.Context) error {
			if err := expired(ctx); err != nil {
				return err
			}
			in := &dingtalk.Incoming{SessionWebhook: j.Address, SessionWebhookExpiredTime: j.Until.UnixMilli()}
			if j.Until.IsZero() {
				in.SessionWebhookExpiredTime = w.opt.Now().Add(time.Minute).UnixMilli()
			}
			err := dingtalk.ReplySession(ctx, w.opt.HTTP, in, dingtalkBody(content, markdown, j.Mentions), w.opt.Now())
			if errors.Is(err, dingtalk.ErrExpired) {
				return ErrExpired
			}
			return err
		}}, nil
	case gridbot.ChannelWeComApp:
		app := w.channels(j.TownID).WeComApp
		if app == nil {
			return nil, errors.New("notify: the town's WeCom app is not configured")
		}
		var ps []part
		for _, p := range wecom.SplitMarkdown(content, MaxTextBytes) {
			ps = append(ps, func(ctx context.Context) error { return app.Send(ctx, []string{j.Address}, p, markdown) })
		}
		return ps, nil
	case gridbot.ChannelDingTalkWork:
		work := w.channels(j.TownID).DingWork
		if work == nil {
			return nil, errors.New("notify: the town's DingTalk work notices are not configured")
		}
		title := markdownTitle(content)
		var ps []part
		for _, p := range wecom.SplitMarkdown(content, MaxTextBytes) {
			ps = append(ps, func(ctx context.Context) error { return work.Send(ctx, []string{j.Address}, p, markdown, title) })
		}
		return ps, nil
	}
	return nil, fmt.Errorf("notify: unknown channel %q", j.Channel)
}

// limitOf names the limiter's counter of j's channel and its limit a
// minute; "" for a channel without pacing (a reply: one per message).
func (w *Worker) limitOf(j gridbot.OutboundJob) (string, int) {
	town := strconv.FormatInt(j.TownID, 10)
	switch j.Channel {
	case gridbot.ChannelRobot, "":
		return robotLimitKey(j.Webhook), w.opt.PerMinute
	case gridbot.ChannelWeComApp:
		return "wecom-app:" + town + ":" + j.Address, WeComAppPerMinute
	case gridbot.ChannelDingTalkWork:
		return "dingtalk-work:" + town + ":" + j.Address, DingTalkWorkPerMinute
	}
	return "", 0
}

// robotMarkdown is the smart robot's one reply: WeCom markdown, cut to
// MaxMarkdownBytes with a note when longer (a second reply is not possible).
func robotMarkdown(text string) string {
	parts := wecom.SplitMarkdown(text, MaxMarkdownBytes-64)
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
func dingtalkBody(text string, markdown bool, mentions []string) []byte {
	if markdown {
		return dingtalk.MarkdownBody(markdownTitle(text), text)
	}
	if len(mentions) > 0 {
		text = "@" + strings.Join(mentions, " @") + " " + text
	}
	return dingtalk.TextBody(text, mentions)
}
