package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"gridbot/present"
	"gridbot/sheets"
)

func init() {
	register(&subcommand{
		Name:    "export",
		Summary: "导出党建办用的 Excel 表 (export month|quarter|year 期间 文件.xlsx)",
		Usage: `用法 / usage:
  gridbot export month 2026-10 2026-10.xlsx [--at 时间] [--town 镇名]  排名、积分明细、发放清单
  gridbot export quarter 2026Q4 2026Q4.xlsx [--at 时间] [--town 镇名]  季度发放清单、网格团队
  gridbot export year 2026 2026.xlsx [--at 时间] [--town 镇名]         发放清单、村(居)、网格、网格员(长)、说明

每张表第一行是标题（镇名、期间、截至时间），表头冻结，列宽按中文调整，金额有合计行。
发放清单每个收款方一行并附合计；月度与季度另有「网格运行指数」表。只导出 .xlsx 文件。`,
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
	if ext := filepath.Ext(pos[2]); !strings.EqualFold(ext, ".xlsx") {
		if ext == "" {
			ext = "（无扩展名）"
		}
		return usageError("只能导出 Excel 工作簿 (.xlsx)，「%s」的文件类型 %s 不支持。请把文件名改为以 .xlsx 结尾，例如 %s.xlsx",
			filepath.Base(pos[2]), ext, pos[1])
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
	b := present.Book{Town: s.town, AsAt: at}
	switch {
	case s.month != nil:
		book = present.MonthSheets(b, present.MonthRanking(s.month, s.rules, s.published), s.month.Grids)
	case s.quarter != nil:
		book = present.QuarterSheets(b, s.quarter, s.rules)
	default:
		book = present.YearSheets(b, s.year)
	}
	if err := sheets.Write(path, book, e.Clock.Now()); err != nil {
		return err
	}
	_, err = fmt.Fprintf(e.Stdout, "已导出 %s\n", path)
	return err
}
