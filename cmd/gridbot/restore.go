package main

import (
	"context"
	"fmt"

	"gridbot"
	"gridbot/storage/backup"
)

func init() {
	register(&subcommand{
		Name:    "restore",
		Summary: "把备份文件恢复到一个空数据库 (restore FILE)",
		Usage: `用法 / usage:
  gridbot restore 备份文件.db

把 gridbot backup 生成的备份恢复到 GRIDBOT_DATABASE_URL 所指的数据库。该数据库必须是空的
（新的 SQLite 文件，或新建的空 PostgreSQL 数据库）；已有任何数据时拒绝，什么也不改动。
恢复在一个事务中完成：要么全部写入，要么什么也不写。恢复期间不要运行 gridbot serve。
备份由较早的 gridbot 生成时先升级其数据结构；由较新的 gridbot 生成时拒绝（请先升级 gridbot）。
SQLite 的备份可以恢复到 PostgreSQL，反之亦然。`,
		Run: runRestore,
	})
}

func runRestore(ctx context.Context, e *Env, args []string) error {
	fs := newFlags("restore")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError("需要一个备份文件，例如 gridbot restore gridbot-20261101.db")
	}
	st, err := e.Store(ctx)
	if err != nil {
		return err
	}
	r, err := backup.Restore(ctx, st, pos[0])
	if err != nil {
		return err
	}
	created := ""
	if !r.CreatedAt.IsZero() {
		created = "，备份于 " + r.CreatedAt.In(gridbot.Zone).Format("2006-01-02 15:04")
	}
	fmt.Fprintf(e.Stdout, "已从 %s 恢复到 %s 数据库（备份来自 %s%s），共 %d 行：\n", pos[0], st.Engine(), r.Source, created, r.Rows())
	printTables(e.Stdout, r)
	return nil
}
