package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gridbot"
	"gridbot/present"
	"gridbot/sheets"
)

func init() {
	register(&subcommand{
		Name:    "audit",
		Summary: "审计日志：撤回、改派、取消/恢复排名、发布、撤销发布 (audit [--from 日期] [--to 日期] [--export 文件])",
		Usage: `用法 / usage:
  gridbot audit [--town 镇名] [--from 2026-10-01] [--to 2026-10-31] [--export 审计日志.xlsx|.csv]

按时间列出本镇的审计日志：时间、操作人（姓名和用户ID）、操作、对象、理由、说明。
--from、--to 都含当天；不写则不限。--export 导出为 Excel (.xlsx) 或 CSV (.csv，
带 BOM，Excel 可直接打开)。`,
		Run: runAudit,
	})
}

// auditHeader is the audit table's header, on the terminal and in a file.
var auditHeader = []string{"时间", "操作人", "操作", "对象", "理由", "说明"}

func runAudit(ctx context.Context, e *Env, args []string) error {
	fs := newFlags("audit")
	town := fs.String("town", "", "镇名")
	fromFlag := fs.String("from", "", "起始日期")
	toFlag := fs.String("to", "", "截止日期（含）")
	export := fs.String("export", "", "导出文件")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usageError("多了参数 %q。用法: gridbot audit [--from 2026-10-01] [--to 2026-10-31] [--export 文件.xlsx]", strings.Join(pos, " "))
	}
	var from, to time.Time
	if *fromFlag != "" {
		if from, err = auditDay(*fromFlag); err != nil {
			return err
		}
	}
	if *toFlag != "" {
		if to, err = auditDay(*toFlag); err != nil {
			return err
		}
		to = to.AddDate(0, 0, 1) // the day included
	}
	ext := strings.ToLower(filepath.Ext(*export))
	if *export != "" && ext != ".xlsx" && ext != ".csv" {
		return usageError("只能导出 .xlsx 或 .csv 文件，而不是 %q。", *export)
	}
	st, _, t, err := e.open(ctx, *town)
	if err != nil {
		return err
	}
	var rows [][]string
	err = st.View(ctx, func(tx gridbot.Tx) error {
		log, err := tx.AuditLog(t.ID, from, to)
		if err != nil {
			return err
		}
		people, err := tx.People(t.ID)
		if err != nil {
			return err
		}
		names := map[string]string{}
		for _, p := range people {
			names[p.UserID] = p.Name
		}
		for _, en := range log {
			who := en.By
			switch {
			case en.By == "cli":
				who = "命令行"
			case names[en.By] != "":
				who = fmt.Sprintf("%s(%s)", names[en.By], en.By)
			}
			rows = append(rows, []string{en.At.In(gridbot.Zone).Format("2006-01-02 15:04"), who,
				gridbot.AuditActionName(en.Action), en.Ref, en.Reason, en.Detail})
		}
		return nil
	})
	if err != nil {
		return err
	}
	switch ext {
	case ".xlsx":
		sheet := present.Sheet{Name: "审计日志", Title: t.Name + " 审计日志（截至 " + e.Clock.Now().In(gridbot.Zone).Format("2006-01-02 15:04") + "）", Header: auditHeader}
		for _, r := range rows {
			cells := make([]any, len(r))
			for i, c := range r {
				cells[i] = c
			}
			sheet.Rows = append(sheet.Rows, cells)
		}
		if err := sheets.Write(*export, []present.Sheet{sheet}, e.Clock.Now()); err != nil {
			return err
		}
	case ".csv":
		var b bytes.Buffer
		b.WriteString("\ufeff") // Excel reads UTF-8 with a BOM
		w := csv.NewWriter(&b)
		if err := w.WriteAll(append([][]string{auditHeader}, rows...)); err != nil {
			return err
		}
		if err := os.WriteFile(*export, b.Bytes(), 0o644); err != nil {
			return fmt.Errorf("写入 %s: %w", *export, err)
		}
	default:
		if len(rows) == 0 {
			_, err := fmt.Fprintln(e.Stdout, "审计日志中没有记录。")
			return err
		}
		return (&present.Table{Header: auditHeader, Rows: rows}).Render(e.Stdout)
	}
	_, err = fmt.Fprintf(e.Stdout, "已导出 %d 条审计记录到 %s\n", len(rows), *export)
	return err
}

// auditDay reads --from and --to: a day in the scheme's zone.
func auditDay(s string) (time.Time, error) {
	t, err := time.ParseInLocation(gridbot.DayLayout, s, gridbot.Zone)
	if err != nil {
		return time.Time{}, usageError("日期应写成 2026-10-01，而不是 %q", s)
	}
	return t, nil
}
