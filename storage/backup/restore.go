package backup

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"gridbot"
	"gridbot/storage/sqldb"
	"gridbot/storage/sqlite"
)

// Restore copies the backup at path into the store, which must be empty: a
// migrated schema without any rows. The backup's schema is migrated up first
// (in a copy) when an older gridbot wrote it; a newer one is refused.
func Restore(ctx context.Context, st gridbot.Store, path string) (*Report, error) {
	s, err := sqlOf(st)
	if err != nil {
		return nil, err
	}
	src, r, cleanup, err := openBackup(ctx, path)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	tables, err := tablesOf(ctx, src)
	if err != nil {
		return nil, err
	}
	seqs, err := sqliteSequences(ctx, src)
	if err != nil {
		return nil, err
	}

	d := s.Dialect()
	dst, err := s.SQL().BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("restore: begin: %w", err)
	}
	defer dst.Rollback()
	if d.Name != sqlite.Dialect.Name {
		// No town can be created while the store is found empty and filled.
		// (A SQLite write transaction excludes every other writer already.)
		if _, err := dst.ExecContext(ctx, `LOCK TABLE towns IN EXCLUSIVE MODE`); err != nil {
			return nil, fmt.Errorf("restore: lock: %w", err)
		}
	}
	if err := mustBeEmpty(ctx, dst, tables); err != nil {
		return nil, err
	}
	readTx, err := src.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("restore: begin: %w", err)
	}
	defer readTx.Rollback()
	r.Tables = nil
	for _, t := range tables {
		n, err := copyTable(ctx, readTx, dst, t, d.PlainParams)
		if err != nil {
			return nil, err
		}
		r.Tables = append(r.Tables, Table{Name: t.name, Rows: n})
		if !t.id {
			continue
		}
		if d.Name == sqlite.Dialect.Name {
			err = raiseSQLiteSequence(ctx, dst, t.name, seqs[t.name])
		} else {
			err = setPostgresSequence(ctx, dst, t.name, seqs[t.name])
		}
		if err != nil {
			return nil, err
		}
	}
	if err := dst.Commit(); err != nil {
		return nil, fmt.Errorf("restore: commit: %w", err)
	}
	return r, nil
}

// openBackup opens the backup at path for reading after checking that it is
// one, of a schema this binary can restore. cleanup closes it.
func openBackup(ctx context.Context, path string) (*sql.DB, *Report, func(), error) {
	if err := plainPath(path); err != nil {
		return nil, nil, nil, err
	}
	if fi, err := os.Stat(path); err != nil {
		return nil, nil, nil, gridbot.Errorf(gridbot.ENOTFOUND, "找不到备份文件 %s。", path)
	} else if !fi.Mode().IsRegular() {
		return nil, nil, nil, gridbot.Errorf(gridbot.EINVALID, "%s 不是一个文件。", path)
	}
	notBackup := gridbot.Errorf(gridbot.EINVALID, "%s 不是 gridbot 的备份文件（应由 gridbot backup 生成）。", path)
	db, err := openFile(path, true)
	if err != nil {
		return nil, nil, nil, err
	}
	meta := map[string]string{}
	rows, err := db.QueryContext(ctx, `SELECT key, value FROM `+metaTable)
	if err != nil {
		db.Close()
		return nil, nil, nil, notBackup
	}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			rows.Close()
			db.Close()
			return nil, nil, nil, notBackup
		}
		meta[k] = v
	}
	rows.Close()
	version, verr := strconv.Atoi(meta["schema_version"])
	if meta["format"] != Format || verr != nil {
		db.Close()
		return nil, nil, nil, notBackup
	}
	r := &Report{SchemaVersion: version, Source: meta["source"]}
	r.CreatedAt, _ = time.Parse(time.RFC3339, meta["created_at"])
	known := sqldb.SchemaVersion()
	switch {
	case version > known:
		db.Close()
		return nil, nil, nil, gridbot.Errorf(gridbot.EINVALID,
			"备份 %s 由较新的 gridbot 生成（数据结构版本 %d，本程序只认识到 %d）。请先升级 gridbot，再恢复。", path, version, known)
	case version == known:
		return db, r, func() { db.Close() }, nil
	}
	// An older gridbot wrote it: migrate a copy up, as opening a store would.
	db.Close()
	tmp, err := copyToTemp(path)
	if err != nil {
		return nil, nil, nil, err
	}
	raw, err := openFile(tmp, false)
	if err == nil {
		_, err = sqldb.Open(ctx, raw, sqlite.Dialect)
	}
	if err != nil {
		if raw != nil {
			raw.Close()
		}
		removeDB(tmp)
		return nil, nil, nil, fmt.Errorf("restore: migrate the backup from schema version %d: %w", version, err)
	}
	return raw, r, func() { raw.Close(); removeDB(tmp) }, nil
}

func copyToTemp(path string) (string, error) {
	in, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer in.Close()
	out, err := os.CreateTemp("", "gridbot-restore-*.db")
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(out.Name())
		return "", err
	}
	return out.Name(), out.Close()
}

// mustBeEmpty refuses a store that holds any row of tables.
func mustBeEmpty(ctx context.Context, tx *sql.Tx, tables []table) error {
	var full []string
	for _, t := range tables {
		var any int
		err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM `+quote(t.name)+` LIMIT 1) x`).Scan(&any)
		if err != nil {
			return fmt.Errorf("restore: %s: %w", t.name, err)
		}
		if any > 0 {
			full = append(full, t.name)
		}
	}
	if len(full) == 0 {
		return nil
	}
	var towns []string
	rows, err := tx.QueryContext(ctx, `SELECT name FROM towns ORDER BY id`)
	if err == nil {
		for rows.Next() {
			var n string
			if rows.Scan(&n) == nil {
				towns = append(towns, n)
			}
		}
		rows.Close()
	}
	what := "已有数据（" + strings.Join(full, "、") + "）"
	if len(towns) > 0 {
		what = "已有" + strings.Join(towns, "、") + "的数据"
	}
	return gridbot.Errorf(gridbot.ECONFLICT, "目标数据库%s，恢复只能写入空数据库，什么也没有改动。"+
		"请把 GRIDBOT_DATABASE_URL 指向一个新的 SQLite 文件（如 sqlite:gridbot-restored.db）或一个新建的空 PostgreSQL 数据库，再运行 gridbot restore。", what)
}
