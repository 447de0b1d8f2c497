// Package sqlite opens the embedded facts store: SQLite through the pure-Go
// driver modernc.org/sqlite, with the SQL shared with PostgreSQL in sqldb.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"modernc.org/sqlite" // registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"

	"gridbot/storage/sqldb"
)

// Dialect is what SQLite through modernc.org/sqlite needs of the shared SQL
// (sqldb.Dialect says what each field is for).
var Dialect = sqldb.Dialect{
	Name:            "sqlite",
	IDType:          "INTEGER PRIMARY KEY AUTOINCREMENT",
	BlobType:        "BLOB",
	PlainParams:     true,
	ListAgg:         "group_concat(l.userid, char(31) ORDER BY l.pos)",
	UniqueViolation: isUniqueViolation,
}

// isUniqueViolation: the extended result codes SQLITE_CONSTRAINT_UNIQUE and
// SQLITE_CONSTRAINT_PRIMARYKEY, never the error's text.
func isUniqueViolation(err error) bool {
	var e *sqlite.Error
	if errors.As(err, &e) {
		code := e.Code()
		return code == sqlite3.SQLITE_CONSTRAINT_UNIQUE || code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// Memory is the path of a private in-memory database, for tests and trials.
const Memory = ":memory:"

// options make every connection safe for a server: write-ahead logging lets
// readers go on while one writer writes; busy_timeout makes a writer wait for
// the lock instead of failing; foreign keys are off in SQLite unless asked
// for; and _txlock=immediate begins every read-write transaction with BEGIN
// IMMEDIATE, taking the write lock up front, so two transactions that both
// read and then write cannot deadlock on a lock upgrade (SQLITE_BUSY that no
// waiting resolves). Read-only transactions still begin deferred.
const options = "_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
	"&_pragma=synchronous(NORMAL)&_txlock=immediate"

// Open opens (creating if need be) the SQLite database at path and brings its
// schema up to date. path may be Memory for a private in-memory database.
func Open(path string) (*sqldb.DB, error) {
	if path == "" {
		return nil, errors.New("sqlite: empty database path")
	} else if strings.ContainsAny(path, "?#") || strings.HasPrefix(path, "file:") {
		return nil, fmt.Errorf("sqlite: %q: give a plain file path", path)
	}
	db, err := sql.Open("sqlite", path+"?"+options)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	if path == Memory {
		// Every connection to ":memory:" is a database of its own: keep one.
		db.SetMaxOpenConns(1)
	} else {
		db.SetMaxOpenConns(8)
	}
	ctx := context.Background()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	s, err := sqldb.Open(ctx, db, Dialect)
	if err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}
