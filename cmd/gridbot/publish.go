package main

import (
	"context"
	"fmt"

	"gridbot"
	"gridbot/bot/notify"
	"gridbot/review"
)

func init() {
	register(&subcommand{
		Name:    "publish",
		Summary: "发布并冻结月度/季度/年度结果，向各级群发公告 (publish month|quarter|year 期间)",
		Usage: `用法 / usage:
  gridbot publish month 2026-10 [--preview] [--town 镇名]
  gridbot publish quarter 2026Q4 [--preview] [--town 镇名]
  gridbot publish year 2026 [--preview] [--town 镇名]

--preview 只预览将公告的内容、奖励和需要注意的情况（如本月无打卡、基础积分未导入、
          处在档次边界的人、取消排名的人），不做任何更改（同群里的「发布 2026-10」）

发布后该期结果冻结，不再重算：该月的新记录和导入都会被拒绝，更正请在本月用「调整」，
或先 gridbot unpublish。月份结束前不能发布；没有任何记录的月份不能发布；季度、年度须在
其中有记录的月份都发布后才能发布。公告与发布一同排队推送：镇级群收到全镇排名，各村群收到
本村人员，各网格群收到本网格每人的结果和还差什么（网格之星被 @）；群机器人用
gridbot import webhooks 登记，由 gridbot serve 或 gridbot push 发出。`,
		Run: runPublish,
	})
	register(&subcommand{
		Name:    "unpublish",
		Summary: "撤销发布（记入审计日志），各群收到更正通知 (unpublish month|quarter|year 期间 --reason 理由)",
		Usage: `用法 / usage:
  gridbot unpublish month 2026-10 --reason 漏导入部分打卡记录 [--town 镇名]
  gridbot unpublish quarter 2026Q4 --reason 理由 [--town 镇名]
  gridbot unpublish year 2026 --reason 理由 [--town 镇名]

撤销后结果恢复为实时计算，可以补导入、取消排名后重新发布。原结果的摘要和理由
记入审计日志 (gridbot audit)。月份所在的季度或年度已发布的，须先撤销季度或年度。`,
		Run: runUnpublish,
	})
}

// periodArgs reads "month 2026-10" (quarter, year) and checks that the
// period is written as its kind.
func periodArgs(pos []string, use string) (string, error) {
	if len(pos) != 2 {
		return "", usageError("%s", use)
	}
	want := map[string]string{"month": review.KindMonth, "quarter": review.KindQuarter, "year": review.KindYear}[pos[0]]
	if want == "" || review.KindOf(pos[1]) != want {
		return "", usageError("%s（收到 %s %s）", use, pos[0], pos[1])
	}
	return pos[1], nil
}

func runPublish(ctx context.Context, e *Env, args []string) error {
	fs := newFlags("publish")
	town := fs.String("town", "", "镇名")
	preview := fs.Bool("preview", false, "只预览")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	period, err := periodArgs(pos, "用法: gridbot publish month 2026-10（或 quarter 2026Q4、year 2026）")
	if err != nil {
		return err
	}
	st, rules, t, err := e.open(ctx, *town)
	if err != nil {
		return err
	}
	now := e.Clock.Now()
	if *preview {
		var o *review.Outcome
		err := st.View(ctx, func(tx gridbot.Tx) (err error) {
			o, err = review.Preview(tx, t.ID, rules, period, now)
			return err
		})
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(e.Stdout, o.Text)
		return err
	}
	var o *review.Outcome
	var queued int
	err = st.Update(ctx, func(tx gridbot.Tx) error {
		if o, err = review.Publish(tx, t.ID, rules, period, "cli", now); err != nil {
			return err
		}
		// Queued in the publishing transaction: published means announced.
		queued, err = queue(tx, o.Notices)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "%s 已发布并冻结。\n\n", period)
	if _, err = fmt.Fprint(e.Stdout, o.Text); err != nil {
		return err
	}
	return queuedNote(e, queued)
}

func runUnpublish(ctx context.Context, e *Env, args []string) error {
	fs := newFlags("unpublish")
	town := fs.String("town", "", "镇名")
	reason := fs.String("reason", "", "理由")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	period, err := periodArgs(pos, "用法: gridbot unpublish month 2026-10 --reason 理由（或 quarter 2026Q4、year 2026）")
	if err != nil {
		return err
	}
	if *reason == "" {
		return usageError("撤销发布须写明理由: gridbot unpublish %s %s --reason 漏导入部分打卡记录", pos[0], period)
	}
	st, _, t, err := e.open(ctx, *town)
	if err != nil {
		return err
	}
	var o *review.Outcome
	var queued int
	err = st.Update(ctx, func(tx gridbot.Tx) error {
		if o, err = review.Unpublish(tx, t.ID, period, *reason, "cli", e.Clock.Now()); err != nil {
			return err
		}
		queued, err = queue(tx, o.Notices)
		return err
	})
	if err != nil {
		return err
	}
	if _, err = fmt.Fprintln(e.Stdout, o.Text); err != nil {
		return err
	}
	return queuedNote(e, queued)
}

// queue queues group notices for each robot of their group (the notifier
// splits and paces them when it sends); it returns how many jobs it queued.
func queue(tx gridbot.Tx, notices []gridbot.Notice) (int, error) {
	n := 0
	for _, no := range notices {
		k, err := notify.Announce(tx, no.TownID, no.To.Scope, no.To.Name, no.Text, no.Mentions, no.At)
		if err != nil {
			return n, err
		}
		n += k
	}
	return n, nil
}

func queuedNote(e *Env, queued int) error {
	var err error
	if queued == 0 {
		_, err = fmt.Fprintln(e.Stdout, "\n本镇没有登记群机器人，公告未排队推送。登记: gridbot import webhooks 群机器人.csv")
	} else {
		_, err = fmt.Fprintf(e.Stdout, "\n公告已排队推送到 %d 个群机器人，由 gridbot serve 或 gridbot push 发出；没有登记机器人的群不推送。\n", queued)
	}
	return err
}
