package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"gridbot"
	"gridbot/bot"
	"gridbot/bot/console"
	"gridbot/handlers"
	"gridbot/notices"
	"gridbot/scoring"
)

func init() {
	register(&subcommand{
		Name:    "replay",
		Summary: "按消息时间重放对话记录 (replay a chat transcript, FILE.jsonl)",
		Usage: `用法 / usage:
  gridbot replay [--town 镇名] [--bot 网格助手] [--notices [--until 时间]] 对话.jsonl     (- 为标准输入)

每行一条消息，以消息自己的时间为"现在"，经过与企业微信、钉钉相同的处理流程:
  {"at": "2026-10-03T08:12:00+08:00", "from": "U001", "chat": "G-BH-01", "text": "打卡", "location": {"lat": 28.38, "lng": 121.47}}
location、id 可省略; 省略 id 时按 时间+发送人+内容 生成，重放同一文件两次不会重复记录。
chat 为群ID，或 dm:用户ID 表示单聊。机器人的每条回复输出为一行 JSON: {"at": ..., "to": ..., "text": ...}
--notices 同时按对话的时钟运行提醒调度：每条消息之前先发出到该时刻为止到期的提醒，最后一条消息之后
发到 --until（如 2026-11-09T00:00:00+08:00）为止。每条提醒输出为一行 JSON:
  {"at": ..., "notice": "dispatch-warning", "ref": "#12", "to": ["U001"], "via": "dm", "text": ...}
同一数据库再次重放同一文件，不会重复发出任何提醒。
只有一个镇时不必写 --town。`,
		Run: runReplay,
	})
}

func runReplay(ctx context.Context, e *Env, args []string) error {
	fs := newFlags("replay")
	town := fs.String("town", "", "镇名")
	names := fs.String("bot", strings.Join(bot.DefaultBotNames, ","), "机器人的名字（逗号分隔）")
	withNotices := fs.Bool("notices", false, "同时运行提醒调度，输出每条提醒")
	untilText := fs.String("until", "", "--notices: 最后一条消息之后发到此时刻为止 (RFC 3339)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError("需要一个对话记录文件")
	}
	var until time.Time
	if *untilText != "" {
		if !*withNotices {
			return usageError("--until 只和 --notices 一起用")
		}
		if until, err = time.Parse(time.RFC3339, *untilText); err != nil {
			return usageError("--until 应是 RFC 3339 时间，如 2026-11-09T00:00:00+08:00: %v", err)
		}
	}
	var in io.Reader = e.Stdin
	if pos[0] != "-" {
		f, err := os.Open(pos[0])
		if err != nil {
			return gridbot.Errorf(gridbot.ENOTFOUND, "打不开对话记录 %s: %v", pos[0], err)
		}
		defer f.Close()
		in = f
	}
	lines, err := console.ReadTranscript(in)
	if err != nil {
		return err
	}
	st, rules, t, err := e.open(ctx, *town)
	if err != nil {
		return err
	}
	p := newPipeline(st, rules, e.Stderr, splitNames(*names))
	if cfg, err := e.Config(); err == nil {
		p.Handler.PublicURL = cfg.PublicURL // the links 后台 sends
	}
	if !*withNotices {
		_, err = console.Replay(ctx, p, t.ID, lines, e.Stdout)
		return err
	}
	_, _, err = console.ReplayNotices(ctx, p, t.ID, lines, replayScheduler(st, rules, t.ID), until, e.Stdout)
	return err
}

// replayScheduler is the scheduler of replay --notices: the same runner as
// serve's, on the transcript's clock, printing instead of sending (no
// platform, no robots: people one-to-one, a grid's group by its name).
func replayScheduler(st gridbot.Store, rules *scoring.Rules, townID int64) console.Scheduler {
	r := &notices.Runner{Store: st, Rules: rules}
	return func(ctx context.Context, until time.Time) ([]console.NoticeLine, error) {
		sent, err := r.RunUntil(ctx, until)
		var out []console.NoticeLine
		for _, s := range sent {
			if s.TownID != townID {
				continue
			}
			out = append(out, console.NoticeLine{At: s.At.In(gridbot.Zone).Format(time.RFC3339), Notice: s.Kind, Ref: s.Ref,
				To: s.To, Via: s.Via, Text: s.Text})
		}
		return out, err
	}
}

// newPipeline is the chat pipeline of the console subcommands: no dedupe
// filter in front (the store's claim is the guarantee), internal errors
// logged to stderr.
func newPipeline(st gridbot.Store, rules *scoring.Rules, stderr io.Writer, names []string) *bot.Pipeline {
	p := bot.New(st, handlers.New(rules))
	p.BotNames = names
	p.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	return p
}

// splitNames reads a comma-separated list of bot names ("网格助手,小网").
func splitNames(s string) []string {
	var out []string
	for _, n := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' }) {
		if n = strings.TrimSpace(strings.TrimLeft(n, "@＠")); n != "" {
			out = append(out, n)
		}
	}
	return out
}
