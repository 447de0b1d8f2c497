package main

import (
	"context"
	"fmt"

	"gridbot"
	"gridbot/report"
	"gridbot/results"
	"gridbot/scoring"
)

func init() {
	register(&subcommand{
		Name:    "publish",
		Summary: "发布并冻结月度结果，生成公告 (publish month YYYY-MM)",
		Usage: `用法 / usage:
  gridbot publish month 2026-10 [--town 镇名]

发布后该月结果冻结，不再重算；之后的更正请在当月用「调整」记入。
月份结束前不能发布。`,
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
	st, err := e.Store(ctx)
	if err != nil {
		return err
	}
	rules, err := e.Rules()
	if err != nil {
		return err
	}
	t, err := e.Town(ctx, *town, false)
	if err != nil {
		return err
	}
	var res *scoring.MonthResult
	err = st.Update(ctx, func(tx gridbot.Tx) error {
		res, err = results.PublishMonth(tx, t.ID, rules, pos[1], e.Clock.Now())
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "%s 已发布并冻结。\n\n", pos[1])
	_, err = fmt.Fprint(e.Stdout, report.Announcement(res))
	return err
}
