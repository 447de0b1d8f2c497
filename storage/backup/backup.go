// Package backup writes a store to a backup file and restores one into an
// empty store.
//
// A backup is one SQLite database file whatever the engine it came from: the
// schema of this binary's migrations, every table's rows, the high-water mark
// of each table's ids (sqlite_sequence) and a table gridbot_backup that says
// it is a gridbot backup, of which schema version, from which engine and
// when. So a backup of either engine restores into either engine, and an
// office can move from SQLite to PostgreSQL with backup and restore.
//
// Backing up SQLite is VACUUM INTO: online and consistent while the service
// writes. Backing up PostgreSQL copies every table in one REPEATABLE READ,
// read-only transaction: one snapshot, no writer blocked.
//
// Restore refuses a store that holds anything, copies every table in the
// order of their foreign keys in one transaction and moves the id sequences
// past the restored ids, so the rows written after a restore get new ids.
package backup

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"gridbot"
	"gridbot/storage/sqldb"
	"gridbot/storage/sqlite"
)

// Format is what a backup's gridbot_backup table says under "format".
const Format = "gridbot-backup 1"

// metaTable holds a backup's facts about itself, key and value.
const metaTable = "gridbot_backup"

// Table is one table of a backup and its count of rows.
type Table struct {
	Name string
	Rows int64
}

// Report says what a backup holds or what a restore wrote.
type Report struct {
	SchemaVersion int       // the schema version of the data
	Source        string    // the engine backed up: sqlite or postgres
	CreatedAt     time.Time // when the backup was written
	Tables        []Table   // in the order of their foreign keys
}

// Rows is the total count of rows.
func (r *Report) Rows() int64 {
	var n int64
	for _, t := range r.Tables {
		n += t.Rows
	}
	return n
}

// sqlStore is what a store of storage/sqlite or storage/postgres is besides a
// gridbot.Store (*sqldb.DB, and *postgres.DB through it).
type sqlStore interface {
	SQL() *sql.DB
	Dialect() sqldb.Dialect
}

func sqlOf(st gridbot.Store) (sqlStore, error) {
	s, ok := st.(sqlStore)
	if !ok {
		return nil, fmt.Errorf("backup: a %T is not an SQL store", st)
	}
	return s, nil
}

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
		return nil, exists(path)
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
		return nil, exists(path)
	} else if err != nil {
		if _, serr := os.Lstat(abs); serr == nil {
			return nil, exists(path)
		}
		if err := os.Rename(tmp, abs); err != nil {
			return nil, fmt.Errorf("backup: %w", err)
		}
	}
	return r, nil
}

func exists(path string) error {
	return gridbot.Errorf(gridbot.ECONFLICT, "%s 已存在。备份不会覆盖已有文件：请换一个文件名（例如带上日期 gridbot-%s.db），或先移走旧文件。",
		path, time.Now().In(gridbot.Zone).Format("20060102"))
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

// table is a table of the backup schema.
type table struct {
	name  string
	cols  []string
	bools []bool // cols[i] is BOOLEAN: SQLite keeps 0 and 1, PostgreSQL wants true and false
	id    bool   // has a surrogate key id with a sequence
	deps  []string
}

// tablesOf lists the gridbot tables of the SQLite database db, each after
// the tables its foreign keys refer to.
func tablesOf(ctx context.Context, db *sql.DB) ([]table, error) {
	rows, err := db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table'
		AND name NOT LIKE 'sqlite\_%' ESCAPE '\' AND name NOT IN ('schema_migrations', '`+metaTable+`') ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("backup: tables: %w", err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		names = append(names, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	byName := map[string]*table{}
	for _, n := range names {
		t := &table{name: n}
		cols, err := db.QueryContext(ctx, `SELECT name, upper(type), pk FROM pragma_table_info(?) ORDER BY cid`, n)
		if err != nil {
			return nil, fmt.Errorf("backup: columns of %s: %w", n, err)
		}
		for cols.Next() {
			var c, typ string
			var pk int
			if err := cols.Scan(&c, &typ, &pk); err != nil {
				cols.Close()
				return nil, err
			}
			t.cols = append(t.cols, c)
			t.bools = append(t.bools, typ == "BOOLEAN")
			if c == "id" && pk == 1 && strings.HasPrefix(typ, "INTEGER") {
				t.id = true
			}
		}
		cols.Close()
		fks, err := db.QueryContext(ctx, `SELECT DISTINCT "table" FROM pragma_foreign_key_list(?)`, n)
		if err != nil {
			return nil, fmt.Errorf("backup: foreign keys of %s: %w", n, err)
		}
		for fks.Next() {
			var ref string
			if err := fks.Scan(&ref); err != nil {
				fks.Close()
				return nil, err
			}
			if ref != n {
				t.deps = append(t.deps, ref)
			}
		}
		fks.Close()
		byName[n] = t
	}
	// Each table after those it refers to; ties in the order of names.
	var out []table
	placed := map[string]bool{}
	for len(out) < len(names) {
		progress := false
		for _, n := range names {
			t := byName[n]
			if placed[n] || slices.ContainsFunc(t.deps, func(d string) bool { return !placed[d] }) {
				continue
			}
			out = append(out, *t)
			placed[n] = true
			progress = true
		}
		if !progress {
			return nil, errors.New("backup: the tables' foreign keys form a cycle")
		}
	}
	return out, nil
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// maxParams bounds the parameters of one insert (SQLite allows 32,766,
// PostgreSQL 65,535).
const maxParams = 4000

// copyTable copies every row of t from src to dst in inserts of many rows,
// with "?" parameters when plain and "$N" otherwise, and returns the count.
func copyTable(ctx context.Context, src querier, dst execer, t table, plain bool) (int64, error) {
	cols := make([]string, len(t.cols))
	for i, c := range t.cols {
		cols[i] = quote(c)
	}
	list := strings.Join(cols, ", ")
	rows, err := src.QueryContext(ctx, `SELECT `+list+` FROM `+quote(t.name))
	if err != nil {
		return 0, fmt.Errorf("backup: read %s: %w", t.name, err)
	}
	defer rows.Close()
	per := max(1, maxParams/len(cols))
	var (
		args []any
		n    int64
	)
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		var b strings.Builder
		b.WriteString(`INSERT INTO ` + quote(t.name) + ` (` + list + `) VALUES `)
		for i := range len(args) / len(cols) {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for j := range cols {
				if j > 0 {
					b.WriteString(", ")
				}
				if plain {
					b.WriteByte('?')
				} else {
					b.WriteString("$" + strconv.Itoa(i*len(cols)+j+1))
				}
			}
			b.WriteByte(')')
		}
		if _, err := dst.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("backup: write %s: %w", t.name, err)
		}
		args = args[:0]
		return nil
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return 0, fmt.Errorf("backup: read %s: %w", t.name, err)
		}
		for i, v := range vals {
			if t.bools[i] {
				if x, ok := v.(int64); ok {
					v = x != 0
				}
			}
			args = append(args, v)
		}
		n++
		if n%int64(per) == 0 {
			if err := flush(); err != nil {
				return 0, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("backup: read %s: %w", t.name, err)
	}
	return n, flush()
}

// sqliteSequences reads the high-water marks of the ids of an SQLite file.
func sqliteSequences(ctx context.Context, db *sql.DB) (map[string]int64, error) {
	out := map[string]int64{}
	rows, err := db.QueryContext(ctx, `SELECT name, seq FROM sqlite_sequence`)
	if err != nil {
		return out, nil // no AUTOINCREMENT table has had a row yet
	}
	defer rows.Close()
	for rows.Next() {
		var n string
		var seq int64
		if err := rows.Scan(&n, &seq); err != nil {
			return nil, err
		}
		out[n] = seq
	}
	return out, rows.Err()
}

// raiseSQLiteSequence makes the next id of an SQLite table at least last+1.
func raiseSQLiteSequence(ctx context.Context, tx *sql.Tx, name string, last int64) error {
	if last <= 0 {
		return nil // inserting the rows moved the sequence past them already
	}
	res, err := tx.ExecContext(ctx, `UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = ?`, last, name)
	if err != nil {
		return fmt.Errorf("backup: sequence of %s: %w", name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := tx.ExecContext(ctx, `INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)`, name, last); err != nil {
			return fmt.Errorf("backup: sequence of %s: %w", name, err)
		}
	}
	return nil
}

// setPostgresSequence makes the next id of a PostgreSQL table follow both
// its greatest id and the backup's high-water mark.
func setPostgresSequence(ctx context.Context, tx *sql.Tx, name string, last int64) error {
	var seq sql.NullString
	var maxID int64
	if err := tx.QueryRowContext(ctx, `SELECT pg_get_serial_sequence($1, 'id'), (SELECT COALESCE(MAX(id), 0) FROM `+quote(name)+`)`,
		name).Scan(&seq, &maxID); err != nil {
		return fmt.Errorf("restore: sequence of %s: %w", name, err)
	}
	if !seq.Valid {
		return nil
	}
	last = max(last, maxID)
	var err error
	if last < 1 {
		_, err = tx.ExecContext(ctx, `SELECT setval($1::regclass, 1, false)`, seq.String)
	} else {
		_, err = tx.ExecContext(ctx, `SELECT setval($1::regclass, $2, true)`, seq.String, last)
	}
	if err != nil {
		return fmt.Errorf("restore: sequence of %s: %w", name, err)
	}
	return nil
}

func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// Label is the Chinese name of a table, for the reports; the table's own
// name when it has none.
func Label(table string) string {
	if l, ok := labels[table]; ok {
		return l
	}
	return table
}

var labels = map[string]string{
	"towns": "镇", "districts": "管理区", "villages": "村", "grids": "网格", "people": "人员",
	"memberships": "网格任职", "checkpoints": "打卡点", "messages": "已处理消息", "counters": "编号",
	"checkins": "打卡", "checkin_months": "打卡月汇总", "activities": "活动", "activity_participants": "活动参加人",
	"issues": "问题", "deliberations": "议事", "deliberation_participants": "议事参加人", "publicity": "宣传报道",
	"publicity_involved": "报道涉及人", "photos": "照片", "photo_involved": "照片涉及人", "stories": "故事",
	"adjustments": "调整", "base_points": "平台基础积分", "published": "已发布结果", "webhooks": "群机器人",
	"outbox": "待发/已发消息", "schedule": "提醒计划", "schedule_marks": "日历提醒进度", "notice_prefs": "提醒开关",
}
