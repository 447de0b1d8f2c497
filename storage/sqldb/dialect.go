package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Dialect is the one place where the two engines really differ. Everything
// else is shared SQL: both drivers bind $1..$N, both understand
// INSERT ... ON CONFLICT ... DO NOTHING/UPDATE and RETURNING, and the schema
// keeps instants as BIGINT unix milliseconds and days as 'YYYY-MM-DD' text, so
// no query needs a date function.
//
// sqldb imports no driver: each engine package (storage/sqlite,
// storage/postgres) builds its Dialect, the functions that need its driver's
// error types among it, and hands it to Open.
type Dialect struct {
	// Name is what Store.Engine reports.
	Name string
	// IDType is the column type of a surrogate key, {{id}} in migrations.
	IDType string
	// BlobType is the column type of opaque bytes, {{blob}} in migrations.
	BlobType string
	// SetSequence moves the id sequence of table %[1]s past its greatest
	// id, {{setseq:table}} in a migration that rebuilds a table keeping its
	// ids. PostgreSQL's sequence is the column's own; SQLite needs none, as
	// AUTOINCREMENT records the greatest id ever inserted.
	SetSequence string
	// ForUpdate is appended to a SELECT that reads a row the transaction is
	// about to change. PostgreSQL needs the row lock under READ COMMITTED;
	// SQLite has no such clause and needs none, because a write transaction
	// (BEGIN IMMEDIATE) already excludes every other writer.
	ForUpdate string
	// SkipLocked ends the SELECT that picks outbox jobs to claim. In
	// PostgreSQL, replicas claim at the same time: FOR UPDATE SKIP LOCKED
	// makes each pass over the rows another claimer has locked instead of
	// waiting for them and then handing out the same job. SQLite needs none:
	// its write transactions run one at a time (BEGIN IMMEDIATE).
	SkipLocked string
	// ViewIsolation is the isolation of View transactions. PostgreSQL's
	// default, READ COMMITTED, gives each statement its own snapshot, so the
	// queries of PeriodFacts could each see a different moment (a commit
	// landing between the roster and the facts); REPEATABLE READ gives the
	// whole transaction one. A SQLite read transaction is one snapshot already.
	ViewIsolation sql.IsolationLevel
	// PlainParams makes statements built with many parameters (multi-row
	// inserts) use "?" instead of "$N". Hand-written SQL uses $N, which both
	// engines bind, but SQLite keeps named and numbered parameters in a list
	// that binding searches one by one: quadratic in the count of parameters,
	// which made a 5,500-parameter insert a hundred times slower.
	PlainParams bool
	// ListAgg aggregates the user ids of one fact's list (a list table
	// aliased l) into one text in list order, separated by listSep (U+001F,
	// which no user id holds): a fact and its list in one row (MemberFacts,
	// and {{listagg}} in migrations).
	ListAgg string
	// MigrationLock, when set, is run first in each migration transaction so
	// that two replicas starting at once do not migrate the same schema twice.
	MigrationLock string
	// UniqueViolation reports whether err, from this engine's driver, is a
	// unique or primary key violation, judged by the engine's error code and
	// never by its text (IsUniqueViolation).
	UniqueViolation func(err error) bool
	// Reads, when set, runs independent queries of one transaction on its
	// connection c in one round trip (PostgreSQL: a pipelined batch),
	// scanning each query's rows in order with its Row; an error stops it.
	// Unset (SQLite, in process), tx.reads runs them one after another.
	// The SQL is the same either way.
	Reads func(ctx context.Context, c *sql.Conn, reads []Read) error
	// Send, when set, sends a Batch on c in one round trip (PostgreSQL: a
	// pipelined batch). Update's transactions are then pipelined
	// (pipeline.go): BEGIN goes with the first batch, and the reply job's
	// INSERT with COMMIT.
	Send func(ctx context.Context, c *sql.Conn, b Batch) error
	// WritableCTE says a WITH clause may hold an INSERT (PostgreSQL):
	// a message's claim and its sender's row are then one statement
	// (ClaimMessageFrom), a report's number and its row another (SaveIssue).
	WritableCTE bool
}

// Read is one query of Dialect.Reads and the function scanning each of its rows.
type Read struct {
	Query string
	Args  []any
	Row   func(r interface{ Scan(dest ...any) error }) error
}

// expand fills the dialect's placeholders into a migration.
func (d Dialect) expand(sql string) string {
	sql = setSeq.ReplaceAllStringFunc(sql, func(m string) string {
		if d.SetSequence == "" {
			return ""
		}
		return fmt.Sprintf(d.SetSequence, setSeq.FindStringSubmatch(m)[1])
	})
	return strings.NewReplacer("{{id}}", d.IDType, "{{blob}}", d.BlobType, "{{listagg}}", d.ListAgg).Replace(sql)
}

// setSeq is the placeholder {{setseq:table}}.
var setSeq = regexp.MustCompile(`\{\{setseq:([a-z_0-9]+)\}\}`)

// values appends to b the tuples of rows rows of cols parameters each in
// d's style (Tuples).
func (d Dialect) values(b *strings.Builder, rows, cols int) {
	Tuples(b, rows, cols, d.PlainParams)
}

// Tuples appends to b the tuples of rows rows of cols parameters each,
// numbered from 1: "($1, $2), ($3, $4)", or "(?, ?), (?, ?)" when plain —
// the VALUES of a multi-row INSERT.
func Tuples(b *strings.Builder, rows, cols int, plain bool) {
	for i := range rows {
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
				b.WriteByte('$')
				b.WriteString(strconv.Itoa(i*cols + j + 1))
			}
		}
		b.WriteByte(')')
	}
}

// IsUniqueViolation reports whether err is a unique or primary key
// violation, by the engine's UniqueViolation (false without one).
//
// Most duplicates never get this far: inserts that may collide use
// ON CONFLICT DO NOTHING, because in PostgreSQL a violation aborts the whole
// transaction. This is the safety net that turns the rest into ECONFLICT.
func (d Dialect) IsUniqueViolation(err error) bool {
	return err != nil && d.UniqueViolation != nil && d.UniqueViolation(err)
}
