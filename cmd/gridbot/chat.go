package main

import (
	"context"
	"strings"

	"gridbot/bot"
	"gridbot/bot/console"
)

func init() {
	register(&subcommand{
		Name:    "chat",
		Summary: "在终端里以某人身份与机器人对话 (interactive chat as a member)",
		Usage: `用法 / usage:
  gridbot chat --as 用户ID [--chat 群ID] [--town 镇名] [--bot 网格助手]

每输入一行即以该成员身份发送一条消息（不写 --chat 为单聊），经过与企业微信、钉钉相同的处理流程。
控制命令: /as 用户ID  /chat 群ID  /loc 纬度,经度 [消息]  /quit`,
		Run: runChat,
	})
}

func runChat(ctx context.Context, e *Env, args []string) error {
	fs := newFlags("chat")
	as := fs.String("as", "", "发送人的用户ID")
	chat := fs.String("chat", "", "群ID")
	town := fs.String("town", "", "镇名")
	names := fs.String("bot", strings.Join(bot.DefaultBotNames, ","), "机器人的名字（逗号分隔）")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError("多余的参数 %q", strings.Join(pos, " "))
	}
	if *as == "" {
		return usageError("请用 --as 用户ID 指定以谁的身份发送")
	}
	st, rules, t, err := e.open(ctx, *town)
	if err != nil {
		return err
	}
	p := newPipeline(st, rules, e.Stderr, splitNames(*names))
	if cfg, err := e.Config(); err == nil {
		p.Handler.PublicURL = cfg.PublicURL // the links 后台 sends
	}
	s := &console.Session{Handler: p, TownID: t.ID,
		As: *as, Chat: *chat, Clock: e.Clock}
	return s.Run(ctx, e.Stdin, e.Stdout)
}
