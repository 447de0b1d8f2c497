// Package sqldb is the one implementation of gridbot.Store over database/sql,
// shared by storage/sqlite and storage/postgres. The SQL is plain text with
// explicit column lists and $N parameters, which both drivers bind; what
// really differs between the engines lives in Dialect.
package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"gridbot"
)

// DB is a gridbot.Store on a database/sql handle.
type DB struct {
	db      *sql.DB
	dialect Dialect
	// closers run after the handle is closed (the PostgreSQL pool).
	closers []func()
	// gates queue the transactions taking a town's numbers (gates.go),
	// where transactions run concurrently (PostgreSQL).
	gates *gates
}

var _ gridbot.Store = (*DB)(nil)

// Open wraps db, which must be reachable, and brings its schema up to date.
// It refuses a schema newer than this binary knows. closers run on Close,
// after db is closed.
func Open(ctx context.Context, db *sql.DB, d Dialect, closers ...func()) (*DB, error) {
	s := &DB{db: db, dialect: d, closers: closers}
	if d.WritableCTE {
		s.gates = &gates{}
	}
	if err := s.migrate(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// SQL returns the underlying handle, for tests and tools.
func (s *DB) SQL() *sql.DB { return s.db }

// Dialect returns the engine's dialect.
func (s *DB) Dialect() Dialect { return s.dialect }

// Engine names the engine: "sqlite" or "postgres".
func (s *DB) Engine() string { return s.dialect.Name }

// Close closes the handle and whatever the engine opened under it.
func (s *DB) Close() error {
	err := s.db.Close()
	for _, c := range s.closers {
		c()
	}
	return err
}

// Update runs fn in a read-write transaction, committed when fn returns nil
// and rolled back otherwise (also when fn panics).
func (s *DB) Update(ctx context.Context, fn func(gridbot.Tx) error) error {
	return s.run(ctx, false, fn)
}

// View runs fn in a read-only transaction. It is always rolled back.
func (s *DB) View(ctx context.Context, fn func(gridbot.Tx) error) error {
	return s.run(ctx, true, fn)
}

func (s *DB) run(ctx context.Context, readOnly bool, fn func(gridbot.Tx) error) error {
	if !readOnly && s.dialect.Send != nil {
		err := s.pipelined(ctx, fn, false)
		if s.dialect.IsUniqueViolation(err) && errors.Is(err, errDeferred) {
			// A reply key queued before (or another deferred write's
			// violation): again, nothing deferred, as EnqueueJob always did.
			err = s.pipelined(ctx, fn, true)
		}
		return err
	}
	opts := &sql.TxOptions{ReadOnly: readOnly}
	if readOnly {
		opts.Isolation = s.dialect.ViewIsolation
	}
	// With Dialect.Reads the transaction keeps its connection, on which
	// tx.reads sends a batch of queries.
	var conn *sql.Conn
	begin := s.db.BeginTx
	if s.dialect.Reads != nil {
		var err error
		if conn, err = s.db.Conn(ctx); err != nil {
			return fmt.Errorf("sqldb: begin: %w", err)
		}
		defer conn.Close()
		begin = conn.BeginTx
	}
	sqlTx, err := begin(ctx, opts)
	if err != nil {
		return fmt.Errorf("sqldb: begin: %w", err)
	}
	t := &tx{ctx: ctx, tx: sqlTx, conn: conn, d: s.dialect, gates: s.gates}
	committed := false
	defer func() { t.leave(committed) }() // once the transaction has ended (defers run last first)
	defer sqlTx.Rollback()
	if err := fn(t); err != nil {
		return err
	}
	if readOnly {
		return nil
	}
	if err := t.saveMonths(); err != nil {
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("sqldb: commit: %w", err)
	}
	committed = true
	return nil
}

// errDeferred marks a failure of a batch that carried deferred writes (the
// reply job's INSERT among them; pipeline.go).
var errDeferred = errors.New("sqldb: a deferred write")

// pipelined runs fn in a pipelined read-write transaction (pipeline.go) on a
// connection of its own: BEGIN and COMMIT are sent with statements.
func (s *DB) pipelined(ctx context.Context, fn func(gridbot.Tx) error, noDefer bool) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("sqldb: begin: %w", err)
	}
	defer conn.Close()
	t := &tx{ctx: ctx, tx: conn, conn: conn, d: s.dialect, pipelined: true, noDefer: noDefer, gates: s.gates}
	committed := false
	defer func() { t.leave(committed) }() // after the rollback below (defers run last first)
	defer t.rollback()
	if err := fn(t); err != nil {
		if t.err != nil && t.sentDeferred {
			// Deferred writes failed when sent early: theirs is the cause.
			return fmt.Errorf("%w: %w", errDeferred, t.err)
		}
		return err
	}
	if err := t.saveMonths(); err != nil {
		return err
	}
	deferred := len(t.deferred) > 0 || t.sentDeferred
	if err := t.commit(); err != nil {
		if deferred {
			return fmt.Errorf("%w: %w", errDeferred, err)
		}
		return err
	}
	committed = true
	return nil
}
