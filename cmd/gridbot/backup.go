package main

import (
	"context"
	"fmt"
	"io"

	"gridbot/storage/backup"
)

func init() {
	register(&subcommand{
		Name:    "backup",
		Summary: "把数据库备份到一个新文件，服务运行时也可以 (backup FILE)",
		Usage: `用法 / usage:
  gridbot backup 备份文件.db

把 GRIDBOT_DATABASE_URL 所指数据库的全部数据写入一个新文件（不会覆盖已有文件）。
服务 (gridbot serve) 运行时也可以备份：SQLite 用 VACUUM INTO 在线复制，PostgreSQL
在一个只读的 REPEATABLE READ 事务中复制每张表，都是同一时刻的一致快照。
备份文件总是 SQLite 格式，可以恢复到 SQLite 或 PostgreSQL (gridbot restore)。
PostgreSQL 也可以用它自己的工具:
  pg_dump --format=custom --file=gridbot.dump "$GRIDBOT_DATABASE_URL"
  pg_restore --no-owner --dbname="$GRIDBOT_DATABASE_URL" gridbot.dump   (恢复到空数据库)`,
		Run: runBackup,
	})
}

func runBackup(ctx context.Context, e *Env, args []string) error {
	fs := newFlags("backup")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError("需要一个备份文件名，例如 gridbot backup gridbot-20261101.db")
	}
	st, err := e.Store(ctx)
	if err != nil {
		return err
	}
	r, err := backup.Write(ctx, st, pos[0], e.Clock.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "已备份到 %s（来自 %s，数据结构版本 %d），共 %d 行：\n", pos[0], r.Source, r.SchemaVersion, r.Rows())
	printTables(e.Stdout, r)
	fmt.Fprintf(e.Stdout, "恢复到一个空数据库: GRIDBOT_DATABASE_URL=… gridbot restore %s\n", pos[0])
	return nil
}

// printTables lists a backup's or a restore's tables and their rows.
func printTables(w io.Writer, r *backup.Report) {
	for _, t := range r.Tables {
		fmt.Fprintf(w, "  %-26s %8d 行  %s\n", t.Name, t.Rows, backup.Label(t.Name))
	}
}
