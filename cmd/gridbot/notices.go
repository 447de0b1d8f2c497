package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"gridbot"
)

func init() {
	register(&subcommand{
		Name:    "notices",
		Summary: "查看提醒：待发、已发、已跳过及原因 (notices list)",
		Usage: `用法 / usage:
  gridbot notices list [--due | --sent | --skipped] [--town 镇名]

列出调度器的每条提醒：时间（免打扰时段顺延后的发送时间）、类型、对象（问题编号、网格、日期或月份）、
收件人、状态（待发 / 已发 / 已跳过）和原因。--due 只看待发的，--sent 只看已发的，--skipped 只看已跳过的。
日历提醒（议事日、每周进度、打卡、月度草稿）到时才排入，所以 --due 里主要是问题的时限提醒。`,
		Run: runNotices,
	})
}

// noticeNames are the kinds of notices in the office's words.
var noticeNames = map[string]string{
	gridbot.NoticeDispatchWarning: "派发提醒", gridbot.NoticeDispatchOverdue: "派发超时", gridbot.NoticeDispatchOverdue7d: "7天未派发",
	gridbot.NoticeCloseWarning: "办结提醒", gridbot.NoticeCloseOverdue: "办结超时", gridbot.NoticeDeliberationEve: "议事日前一天",
	gridbot.NoticeDeliberationDay: "议事日当天", gridbot.NoticeWeeklyQuota: "每周进度", gridbot.NoticeCheckinNudge: "打卡提醒",
	gridbot.NoticeMonthDraft: "月度排名草稿", gridbot.NoticeHolidaysMissing: "缺节假日数据",
}

var stateNames = map[string]string{gridbot.NoticePlanned: "待发", gridbot.NoticeSent: "已发", gridbot.NoticeSkipped: "已跳过"}

func runNotices(ctx context.Context, e *Env, args []string) error {
	fs := newFlags("notices")
	town := fs.String("town", "", "镇名")
	due := fs.Bool("due", false, "只看待发的")
	sent := fs.Bool("sent", false, "只看已发的")
	skipped := fs.Bool("skipped", false, "只看已跳过的")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || pos[0] != "list" {
		return usageError("用法: gridbot notices list [--due|--sent|--skipped] [--town 镇名]")
	}
	state, n := "", 0
	for _, f := range []struct {
		on    bool
		state string
	}{{*due, gridbot.NoticePlanned}, {*sent, gridbot.NoticeSent}, {*skipped, gridbot.NoticeSkipped}} {
		if f.on {
			state, n = f.state, n+1
		}
	}
	if n > 1 {
		return usageError("--due、--sent、--skipped 只能选一个")
	}
	st, _, t, err := e.open(ctx, *town)
	if err != nil {
		return err
	}
	var ns []gridbot.Scheduled
	names := map[string]string{}
	err = st.View(ctx, func(tx gridbot.Tx) error {
		if ns, err = tx.ScheduledNotices(t.ID, state); err != nil {
			return err
		}
		people, err := tx.People(t.ID)
		for _, p := range people {
			names[p.UserID] = p.Name
		}
		return err
	})
	if err != nil {
		return err
	}
	if len(ns) == 0 {
		_, err = fmt.Fprintf(e.Stdout, "%s没有%s提醒。\n", t.Name, stateNames[state])
		return err
	}
	w := tabwriter.NewWriter(e.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "时间\t类型\t对象\t收件人\t渠道\t状态\t原因")
	for _, s := range ns {
		var to []string
		for _, u := range s.To {
			if nm, ok := names[u]; ok {
				to = append(to, nm+"("+u+")")
			} else {
				to = append(to, u)
			}
		}
		if s.Kind == gridbot.NoticeCheckinNudge && len(to) == 0 {
			if nm, ok := names[s.Subject]; ok {
				to = []string{nm + "(" + s.Subject + ")"}
			}
		}
		kind := noticeNames[s.Kind]
		if s.Threshold > 0 {
			kind += fmt.Sprintf("(%d%%)", int(s.Threshold*100+0.5))
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.DueAt.In(gridbot.Zone).Format(time.DateTime)[:16], kind, s.Ref,
			orDash(strings.Join(to, "、")), orDash(s.Via), stateNames[s.State], orDash(s.Reason))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	_, err = fmt.Fprintf(e.Stdout, "共 %d 条。\n", len(ns))
	return err
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
