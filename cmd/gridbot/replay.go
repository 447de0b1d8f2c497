package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"

	"gridbot"
	"gridbot/bot"
	"gridbot/bot/console"
	"gridbot/handlers"
	"gridbot/scoring"
)

func init() {
	register(&subcommand{
		Name:    "replay",
		Summary: "按消息时间重放对话记录 (replay a chat transcript, FILE.jsonl)",
		Usage: `用法 / usage:
  gridbot replay [--town 镇名] [--bot 网格助手] 对话.jsonl     (- 为标准输入)

每行一条消息，以消息自己的时间为"现在"，经过与企业微信、钉钉相同的处理流程:
  {"at": "2026-10-03T08:12:00+08:00", "from": "U001", "chat": "G-BH-01", "text": "打卡", "location": {"lat": 28.38, "lng": 121.47}}
location、id 可省略; 省略 id 时按 时间+发送人+内容 生成，重放同一文件两次不会重复记录。
chat 为群ID，或 dm:用户ID 表示单聊。机器人的每条回复输出为一行 JSON: {"at": ..., "to": ..., "text": ...}
只有一个镇时不必写 --town。`,
		Run: runReplay,
	})
}

func runReplay(ctx context.Context, e *Env, args []string) error {
	fs := newFlags("replay")
	town := fs.String("town", "", "镇名")
	names := fs.String("bot", strings.Join(bot.DefaultBotNames, ","), "机器人的名字（逗号分隔）")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError("需要一个对话记录文件")
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
	_, err = console.Replay(ctx, p, t.ID, lines, e.Stdout)
	return err
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
