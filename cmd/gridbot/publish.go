package main

import (
	"context"
	"fmt"

	"gridbot"
	"gridbot/bot/notify"
	"gridbot/present"
	"gridbot/results"
)

func init() {
	register(&subcommand{
		Name:    "publish",
		Summary: "发布并冻结月度结果，生成公告 (publish month YYYY-MM)",
		Usage: `用法 / usage:
  gridbot publish month 2026-10 [--town 镇名]

发布后该月结果冻结，不再重算；之后的更正请在当月用「调整」记入。
月份结束前不能发布。公告与发布一同排队推送到镇级群机器人 (gridbot import webhooks)，
由 gridbot serve 或 gridbot push 发出。`,
		Run: runPublish,
	})
}

func runPublish(ctx context.Context, e *Env, args []string) error {
	fs := newFlags("publish")
	town := fs.String("town", "", "镇名")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 || pos[0] != "month" {
		return usageError("用法: gridbot publish month 2026-10")
	}
	st, rules, t, err := e.open(ctx, *town)
	if err != nil {
		return err
	}
	var text string
	var queued int
	err = st.Update(ctx, func(tx gridbot.Tx) error {
		res, err := results.PublishMonth(tx, t.ID, rules, pos[1], e.Clock.Now())
		if err != nil {
			return err
		}
		// Queued in the publishing transaction: published means announced.
		text = present.Announcement(present.MonthRanking(res, rules, true))
		queued, err = notify.Announce(tx, t.ID, gridbot.ScopeTown, "", text, nil, e.Clock.Now())
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "%s 已发布并冻结。\n\n", pos[1])
	if _, err = fmt.Fprint(e.Stdout, text); err != nil {
		return err
	}
	if queued == 0 {
		_, err = fmt.Fprintln(e.Stdout, "\n本镇没有登记镇级群机器人，公告未排队推送。登记: gridbot import webhooks 群机器人.csv")
	} else {
		_, err = fmt.Fprintf(e.Stdout, "\n公告已排队推送到 %d 个镇级群机器人，由 gridbot serve 或 gridbot push 发出。\n", queued)
	}
	return err
}
