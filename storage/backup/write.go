package backup

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"gridbot"
	"gridbot/storage/sqldb"
	"gridbot/storage/sqlite"
)

// Write backs the store up into a new file at path, which must not exist.
// The file appears only once complete.
func Write(ctx context.Context, st gridbot.Store, path string, now time.Time) (*Report, error) {
	s, err := sqlOf(st)
	if err != nil {
		return nil, err
	}
	if err := plainPath(path); err != nil {
		return nil, err
	}
	if _, err := os.Lstat(path); err == nil {
		return nil, exists(path, now)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, gridbot.Errorf(gridbot.EINVALID, "无法检查备份文件 %s：%v", path, err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	// Write beside the file and link it into place when complete: a backup
	// that failed half way never looks like a backup.
	f, err := os.CreateTemp(filepath.Dir(abs), "."+filepath.Base(abs)+".part-*")
	if err != nil {
		return nil, gridbot.Errorf(gridbot.EINVALID, "无法在 %s 写入备份：%v", filepath.Dir(abs), err)
	}
	tmp := f.Name()
	f.Close()
	os.Remove(tmp) // VACUUM INTO wants a file that does not exist
	defer removeDB(tmp)

	source := s.Dialect().Name
	if source == sqlite.Dialect.Name {
		if _, err := s.SQL().ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
			return nil, fmt.Errorf("backup: vacuum into: %w", err)
		}
	} else if err := copyOut(ctx, s, tmp); err != nil {
		return nil, err
	}
	r, err := seal(ctx, tmp, source, now)
	if err != nil {
		return nil, err
	}
	// A link never replaces a file that appeared meanwhile; where the file
	// system has no links, rename after looking once more.
	err = os.Link(tmp, abs)
	if errors.Is(err, fs.ErrExist) {
		return nil, exists(path, now)
	} else if err != nil {
		if _, serr := os.Lstat(abs); serr == nil {
			return nil, exists(path, now)
		}
		if err := os.Rename(tmp, abs); err != nil {
			return nil, fmt.Errorf("backup: %w", err)
		}
	}
	return r, nil
}

func exists(path string, now time.Time) error {
	return gridbot.Errorf(gridbot.ECONFLICT, "%s 已存在。备份不会覆盖已有文件：请换一个文件名（例如带上日期 gridbot-%s.db），或先移走旧文件。",
		path, now.In(gridbot.Zone).Format("20060102"))
}

func plainPath(path string) error {
	if path == "" || strings.ContainsAny(path, "?#") || strings.HasPrefix(path, "file:") {
		return gridbot.Errorf(gridbot.EINVALID, "备份文件名 %q 不可用：请给一个普通的文件路径（不含 ? 和 #）。", path)
	}
	return nil
}

// removeDB removes an SQLite file and whatever journal it left.
func removeDB(path string) {
	for _, p := range []string{path, path + "-journal", path + "-wal", path + "-shm"} {
		os.Remove(p)
	}
}

// openFile opens the SQLite file at path with one connection, foreign keys
// off (the rows are copied as they are) and a rollback journal, so the file
// stands alone when closed.
func openFile(path string, readOnly bool) (*sql.DB, error) {
	opts := "?_pragma=foreign_keys(0)&_pragma=busy_timeout(10000)&_pragma=journal_mode(DELETE)"
	if readOnly {
		opts = "?_pragma=foreign_keys(0)&_pragma=query_only(1)"
	}
	db, err := sql.Open("sqlite", path+opts)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

// copyOut writes the PostgreSQL store s into a new SQLite file at path.
func copyOut(ctx context.Context, s sqlStore, path string) error {
	raw, err := openFile(path, false)
	if err != nil {
		return err
	}
	defer raw.Close()
	// The file gets this binary's schema, which is the store's: the store
	// was migrated when opened and refuses a newer schema.
	if _, err := sqldb.Open(ctx, raw, sqlite.Dialect); err != nil {
		return err
	}
	tables, err := tablesOf(ctx, raw)
	if err != nil {
		return err
	}
	src, err := s.SQL().BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return fmt.Errorf("backup: begin: %w", err)
	}
	defer src.Rollback()
	dst, err := raw.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("backup: begin: %w", err)
	}
	defer dst.Rollback()
	for _, t := range tables {
		if _, err := copyTable(ctx, src, dst, t, true); err != nil {
			return err
		}
		if !t.id {
			continue
		}
		// The sequence may have handed out ids beyond the greatest row left.
		var seq sql.NullString
		if err := src.QueryRowContext(ctx, `SELECT pg_get_serial_sequence($1, 'id')`, t.name).Scan(&seq); err != nil {
			return fmt.Errorf("backup: sequence of %s: %w", t.name, err)
		}
		if !seq.Valid {
			continue
		}
		var last int64
		if err := src.QueryRowContext(ctx, `SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM `+seq.String).Scan(&last); err != nil {
			return fmt.Errorf("backup: sequence of %s: %w", t.name, err)
		}
		if err := raiseSQLiteSequence(ctx, dst, t.name, last); err != nil {
			return err
		}
	}
	return dst.Commit()
}

// seal writes the gridbot_backup table into the file at path, counts its
// rows and leaves it a file of its own (no WAL beside it).
func seal(ctx context.Context, path, source string, now time.Time) (*Report, error) {
	db, err := openFile(path, false)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	r := &Report{Source: source, CreatedAt: now}
	if r.SchemaVersion, err = fileSchemaVersion(ctx, db); err != nil {
		return nil, err
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE `+metaTable+` (key TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL)`); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	for _, kv := range [][2]string{
		{"format", Format},
		{"schema_version", strconv.Itoa(r.SchemaVersion)},
		{"source", source},
		{"created_at", now.Format(time.RFC3339)},
	} {
		if _, err := db.ExecContext(ctx, `INSERT INTO `+metaTable+` (key, value) VALUES (?, ?)`, kv[0], kv[1]); err != nil {
			return nil, fmt.Errorf("backup: %w", err)
		}
	}
	if r.Tables, err = countTables(ctx, db); err != nil {
		return nil, err
	}
	return r, nil
}

func fileSchemaVersion(ctx context.Context, db *sql.DB) (int, error) {
	var v int
	if err := db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("backup: schema version: %w", err)
	}
	return v, nil
}

func countTables(ctx context.Context, db *sql.DB) ([]Table, error) {
	tables, err := tablesOf(ctx, db)
	if err != nil {
		return nil, err
	}
	out := make([]Table, len(tables))
	for i, t := range tables {
		out[i].Name = t.name
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+quote(t.name)).Scan(&out[i].Rows); err != nil {
			return nil, fmt.Errorf("backup: count %s: %w", t.name, err)
		}
	}
	return out, nil
}
