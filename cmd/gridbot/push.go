package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"gridbot"
	"gridbot/bot/dingtalk"
	"gridbot/bot/notify"
	"gridbot/bot/wecom"
	"gridbot/config"
	"gridbot/storage/kv"
)

func init() {
	register(&subcommand{
		Name:    "push",
		Summary: "发送排队中的群机器人消息，直到队列清空 (push [--list] [--retry-dead])",
		Usage: `用法 / usage:
  gridbot push [--wait 5m]                 发送所有到期的群消息（公告、提醒），直到队列清空
  gridbot push --list [--town 镇名]        列出尚未发出和已放弃的消息
  gridbot push --retry-dead [--town 镇名]  修正群机器人后，把已放弃的消息重新排队并发送

消息在产生它的命令中排队（如 publish month），由 gridbot serve 持续发送，或由本命令（例如 cron
每分钟一次）发送。每个群机器人每分钟最多 20 条，超出的消息等到下一分钟；失败的消息按 30 秒、1、2、4…
分钟（最长 1 小时）重试，失败 15 次后放弃并记录原因。--wait: 剩余消息尚未到期（限速或重试等待）时，
最多再等多久（默认 5m，0 为不等）。
环境变量: GRIDBOT_WECOM_API_BASE (默认 https://qyapi.weixin.qq.com)、GRIDBOT_DINGTALK_API_BASE
(默认 https://oapi.dingtalk.com)、GRIDBOT_REDIS_URL (与 serve 共享限速)。`,
		Run: runPush,
	})
}

func runPush(ctx context.Context, e *Env, args []string) error {
	fs := newFlags("push")
	town := fs.String("town", "", "镇名")
	wait := fs.Duration("wait", 5*time.Minute, "最多等待")
	list := fs.Bool("list", false, "列出消息")
	retryDead := fs.Bool("retry-dead", false, "重发已放弃的消息")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError("多余的参数 %q", strings.Join(pos, " "))
	}
	st, err := e.Store(ctx)
	if err != nil {
		return err
	}
	if *list {
		t, err := e.Town(ctx, *town, false)
		if err != nil {
			return err
		}
		return listJobs(ctx, e, st, t)
	}
	if *retryDead {
		t, err := e.Town(ctx, *town, false)
		if err != nil {
			return err
		}
		var n int
		if err := st.Update(ctx, func(tx gridbot.Tx) error {
			n, err = tx.RequeueDeadJobs(t.ID, e.Clock.Now())
			return err
		}); err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "已将 %d 条放弃的消息重新排队（%s）。\n", n, t.Name)
	}
	cfg, err := e.Config()
	if err != nil {
		return err
	}
	pcfg, err := config.LoadPush(e.Getenv)
	if err != nil {
		return err
	}
	// With Redis, pacing is shared with the serve replicas.
	k, err := kv.Open(cfg.RedisURL)
	if err != nil {
		return err
	}
	defer k.Close()
	log := slog.New(slog.NewTextHandler(e.Stderr, nil))
	w := notify.New(st, k, notify.Options{
		WeComBase:    pcfg.WeComAPIBase,
		DingTalkBase: pcfg.DingTalkAPIBase,
		Now:          e.Clock.Now,
		Logger:       log,
		Channels:     pushChannels(ctx, e, st, k, log),
	})
	// The delivered marks are written in batches: write the last ones before
	// exiting, or those jobs would go out again on the next push.
	defer w.Flush(context.WithoutCancel(ctx))
	s, err := w.Drain(ctx, *wait)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "已发送 %d 条消息", s.Delivered)
	if s.Retried > 0 {
		fmt.Fprintf(e.Stdout, "，%d 条发送失败稍后重试", s.Retried)
	}
	if s.Pending > 0 {
		fmt.Fprintf(e.Stdout, "；队列中还有 %d 条，最早 %s 到期", s.Pending, s.NextAt.In(gridbot.Zone).Format("01-02 15:04:05"))
	}
	fmt.Fprintln(e.Stdout, "。")
	if s.Dead > 0 {
		return fmt.Errorf("%d 条消息多次发送失败，已放弃。用 gridbot push --list 查看原因，修正群机器人（gridbot import webhooks）后用 gridbot push --retry-dead 重发", s.Dead)
	}
	return nil
}

// listJobs prints the town's undelivered messages: pending, then dead.
func listJobs(ctx context.Context, e *Env, st gridbot.Store, t gridbot.Town) error {
	var jobs []gridbot.OutboundJob
	err := st.View(ctx, func(tx gridbot.Tx) error {
		for _, state := range []string{gridbot.JobPending, gridbot.JobDead} {
			js, err := tx.Jobs(t.ID, state)
			if err != nil {
				return err
			}
			jobs = append(jobs, js...)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(jobs) == 0 {
		fmt.Fprintf(e.Stdout, "%s 没有待发送或已放弃的消息。\n", t.Name)
		return nil
	}
	for _, j := range jobs {
		state := "待发送 " + j.NextAt.In(gridbot.Zone).Format("01-02 15:04")
		if j.State == gridbot.JobDead {
			state = "已放弃"
		}
		to := strings.TrimSpace(j.Webhook.Scope+" "+j.Webhook.Name) + " " + gridbot.PlatformName(j.Webhook.Platform)
		switch j.Channel {
		case gridbot.ChannelWeComApp, gridbot.ChannelDingTalkWork:
			to = j.Address + " " + channelNames[j.Channel]
		case gridbot.ChannelWeComRobotReply, gridbot.ChannelDingTalkSession:
			to = channelNames[j.Channel] // the address is a credential: not shown
		}
		fmt.Fprintf(e.Stdout, "#%d %s  %s  已试 %d 次  %s\n", j.ID, state, to, j.Attempts, firstLine(j.Markdown+"\n"+j.Text))
		if j.LastError != "" {
			fmt.Fprintf(e.Stdout, "    原因: %s\n", j.LastError)
		}
	}
	return nil
}

// firstLine is the first non-empty line of s, for a listing.
func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			if r := []rune(l); len(r) > 30 {
				return string(r[:30]) + "…"
			}
			return l
		}
	}
	return ""
}

// channelNames are the channels as the office reads them in push --list.
var channelNames = map[string]string{
	gridbot.ChannelWeComApp:        "企业微信应用消息",
	gridbot.ChannelDingTalkWork:    "钉钉工作通知",
	gridbot.ChannelWeComRobotReply: "企业微信智能机器人回复",
	gridbot.ChannelDingTalkSession: "钉钉机器人回复",
}

// pushChannels gives push the towns' one-to-one channels from serve's
// configuration (GRIDBOT_WECOM_APP_*, GRIDBOT_DINGTALK_APP_KEY…), so that it
// delivers notices to people as serve does. Without that configuration
// (or with a broken one, which serve reports) those notices stay queued.
func pushChannels(ctx context.Context, e *Env, st gridbot.Store, k kv.KV, log *slog.Logger) func(int64) notify.Channels {
	scfg, err := config.LoadServe(e.Getenv)
	if err != nil {
		log.Warn("serve configuration unusable: notices to people stay queued", "err", err)
		return nil
	}
	ids := map[int64]notify.Channels{}
	http := notify.NewHTTPClient()
	for _, tc := range append([]config.Town{scfg.Default}, scfg.Towns...) {
		var ch notify.Channels
		if w := tc.WeCom; w.AppEnabled() {
			ch.WeComApp = &wecom.App{HTTP: http, BaseURL: w.APIBase, CorpID: w.CorpID, Secret: w.AppSecret, AgentID: w.AppAgentID, Cache: k}
		}
		if d := tc.DingTalk; d.WorkEnabled() {
			ch.DingWork = &dingtalk.Work{HTTP: http, BaseURL: d.APIBase, AppKey: d.AppKey, AppSecret: d.AppSecret, AgentID: d.AgentID, Cache: k}
		}
		if ch == (notify.Channels{}) {
			continue
		}
		t, err := e.Town(ctx, tc.Name, false)
		if err != nil {
			log.Warn("town of the serve configuration not found: notices to its people stay queued", "town", tc.Name, "err", err)
			continue
		}
		ids[t.ID] = ch
	}
	return func(townID int64) notify.Channels { return ids[townID] }
}
