package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gridbot"
	"gridbot/bot/console"
	"gridbot/examples"
	"gridbot/importer"
	"gridbot/present"
	"gridbot/results"
	"gridbot/scoring"
	"gridbot/storage"
)

func init() {
	register(&subcommand{
		Name:    "demo",
		Summary: "用示例镇「海风镇」演示一个月：导入、对话重放、月度排名 (demo month)",
		Usage: `用法 / usage:
  gridbot demo [--db 路径] [--quiet]

在一个新的嵌入式数据库（临时文件，或 --db 指定的新文件）中建立示例镇「海风镇」：
导入花名册和打卡点，重放 2026 年 10 月的群聊记录（打卡、活动、问题派发办结评价、议事、
宣传报道、照片、故事、调整，以及机器人拒绝的几处错误），月底导入平台基础积分和企业微信
打卡记录，最后列出当月排名。--quiet 不输出机器人的逐条回复。不使用 GRIDBOT_DATABASE_URL。`,
		Run: runDemo,
	})
}

// The demo month and when its imports and results happen.
const demoMonth = "2026-10"

var (
	demoRosterAt = time.Date(2026, 9, 30, 9, 0, 0, 0, gridbot.Zone)
	demoImportAt = time.Date(2026, 11, 1, 8, 0, 0, 0, gridbot.Zone)
	demoResultAt = time.Date(2026, 11, 1, 9, 0, 0, 0, gridbot.Zone)
)

func runDemo(ctx context.Context, e *Env, args []string) error {
	fs := newFlags("demo")
	db := fs.String("db", "", "数据库文件路径（须不存在）")
	quiet := fs.Bool("quiet", false, "不输出逐条回复")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError("多余的参数 %q", strings.Join(pos, " "))
	}
	path := *db
	if path == "" {
		dir, err := os.MkdirTemp("", "gridbot-demo-")
		if err != nil {
			return err
		}
		path = filepath.Join(dir, "demo.db")
	} else if _, err := os.Stat(path); err == nil {
		return gridbot.Errorf(gridbot.ECONFLICT, "%s 已存在。演示需要一个新的数据库，请换一个路径或删除它。", path)
	}
	rules, err := e.Rules()
	if err != nil {
		return err
	}
	st, err := storage.Open(ctx, "sqlite:"+path)
	if err != nil {
		return err
	}
	defer st.Close()

	w := e.Stdout
	fmt.Fprintf(w, "# 演示数据库：%s\n", path)
	town, err := demoSetup(ctx, st, w)
	if err != nil {
		return err
	}
	lines, err := readEmbedded(examples.DemoTranscript)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "# 重放 %s 的群聊记录（%d 条消息），每条回复一行 JSON：\n", demoMonth, len(lines))
	out := w
	if *quiet {
		out = io.Discard
	}
	n, err := console.Replay(ctx, newPipeline(st, rules, e.Stderr, []string{"网格助手"}), town.ID, lines, out)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "# 机器人回复 %d 条。\n", n)
	if err := demoMonthEnd(ctx, st, town.ID, w); err != nil {
		return err
	}
	var res *scoring.MonthResult
	err = st.View(ctx, func(tx gridbot.Tx) error {
		res, _, err = results.Month(tx, town.ID, rules, demoMonth, demoResultAt)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "# %s 月度排名（截至 %s）：\n", demoMonth, demoResultAt.Format("2006-01-02 15:04"))
	return present.RankedTable(w, present.MonthRanking(res, rules, false))
}

// demoSetup creates 海风镇 with its roster and check-in points.
func demoSetup(ctx context.Context, st gridbot.Store, w io.Writer) (gridbot.Town, error) {
	var town gridbot.Town
	err := st.Update(ctx, func(tx gridbot.Tx) (err error) {
		town, err = tx.CreateTown(examples.Town)
		return err
	})
	if err != nil {
		return town, err
	}
	t, err := readTable("roster.csv")
	if err != nil {
		return town, err
	}
	rep, err := importer.RosterTable(ctx, st, town.ID, t, demoRosterAt)
	if err != nil {
		return town, err
	}
	fmt.Fprintf(w, "# 建立%s，导入花名册：%d 行\n", town.Name, rep.Rows)
	if t, err = readTable("checkpoints.csv"); err != nil {
		return town, err
	}
	if rep, err = importer.CheckpointsTable(ctx, st, town.ID, t); err != nil {
		return town, err
	}
	fmt.Fprintf(w, "# 导入打卡点：%d 个\n", rep.Rows)
	return town, nil
}

// demoMonthEnd imports what the office imports when the month is over: the
// platform's base points and the WeCom check-in app's records, which merge
// with the chat check-ins at one a day.
func demoMonthEnd(ctx context.Context, st gridbot.Store, townID int64, w io.Writer) error {
	t, err := readTable("base-points-2026-10.csv")
	if err != nil {
		return err
	}
	rep, err := importer.BasePointsTable(ctx, st, townID, demoMonth, t)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "# %s 导入平台基础积分：%d 人\n", demoImportAt.Format("2006-01-02 15:04"), rep.Rows)
	if t, err = readTable("checkins-2026-10.csv"); err != nil {
		return err
	}
	if rep, err = importer.CheckinsTable(ctx, st, townID, t, demoImportAt); err != nil {
		return err
	}
	fmt.Fprintf(w, "# 导入企业微信打卡记录：%d 条，新增 %d 条，%d 条当天已在群里打卡\n", rep.Rows, rep.Added, rep.Skipped)
	return nil
}

func readTable(name string) (*importer.Table, error) {
	f, err := examples.FS.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return importer.Read(name, f)
}

func readEmbedded(name string) ([]console.Line, error) {
	f, err := examples.FS.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return console.ReadTranscript(f)
}
