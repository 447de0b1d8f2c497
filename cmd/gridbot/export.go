package main

import (
	"context"
	"fmt"

	"gridbot/present"
	"gridbot/sheets"
)

func init() {
	register(&subcommand{
		Name:    "export",
		Summary: "导出党建办用的 Excel 表 (export month|quarter|year 期间 文件.xlsx)",
		Usage: `用法 / usage:
  gridbot export month 2026-10 2026-10.xlsx [--at 时间] [--town 镇名]     排名、积分明细、发放清单
  gridbot export quarter 2026Q4 2026Q4.xlsx [--at 时间] [--town 镇名]    季度发放清单、网格团队
  gridbot export year 2026 2026.xlsx [--at 时间] [--town 镇名]           村(居)、网格、网格员(长)`,
		Run: runExport,
	})
}

func runExport(ctx context.Context, e *Env, args []string) error {
	fs := newFlags("export")
	town := fs.String("town", "", "镇名")
	atFlag := fs.String("at", "", "结算时间")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 3 {
		return usageError("需要三个参数: month 2026-10 文件.xlsx")
	}
	at, err := e.at(*atFlag)
	if err != nil {
		return err
	}
	s, err := settlePeriod(ctx, e, pos[0], pos[1], *town, at)
	if err != nil {
		return err
	}
	path := pos[2]
	var book []present.Sheet
	switch {
	case s.month != nil:
		book = present.MonthSheets(present.MonthRanking(s.month, s.rules, s.published))
	case s.quarter != nil:
		book = present.QuarterSheets(s.quarter, s.rules)
	default:
		book = present.YearSheets(s.year)
	}
	if err := sheets.Write(path, book); err != nil {
		return err
	}
	_, err = fmt.Fprintf(e.Stdout, "已导出 %s\n", path)
	return err
}
