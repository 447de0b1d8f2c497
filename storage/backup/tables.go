package backup

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"gridbot/storage/sqldb"
)

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
		sqldb.Tuples(&b, len(args)/len(cols), len(cols), plain)
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
