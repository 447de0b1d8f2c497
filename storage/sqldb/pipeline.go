package sqldb

import (
	"context"
	"fmt"
)

// Batch is what Dialect.Send sends in one round trip: BEGIN when Begin,
// then Reads in order (each query's rows scanned by its Row; a Read
// without Row is a statement whose rows, if any, are skipped), then COMMIT
// when Commit. An error stops the rest: the transaction is then aborted.
type Batch struct {
	Begin  bool
	Reads  []Read
	Commit bool
}

// A pipelined transaction (Update on an engine with Dialect.Send) saves
// round trips on every command: BEGIN goes with the first statement that
// can be batched (the message's claim), and the writes whose outcome the
// command does not read — the reply job's INSERT, the duplicate guard's
// note, an issue's planned notices — wait to go with the next statement,
// usually COMMIT. On PostgreSQL this also shortens what a 上报 holds the
// town's counter row lock across: its numbered INSERT, then one round trip
// that writes the rest and commits.
//
// The reply's outbox id is taken with BEGIN (nextval of the outbox's
// sequence), so that Notify has it at once. The deferred INSERT has no ON
// CONFLICT: a reply key queued before (which the message's claim rules out)
// aborts the transaction with a unique violation at COMMIT, and run runs
// the transaction again without deferring anything, where EnqueueJob's
// ordinary ON CONFLICT DO NOTHING gives ECONFLICT as before. A deferred
// write that fails otherwise fails the transaction, as it would have when
// run at once (the command returns every such error).

// ready sends what a statement about to run on t.tx needs before it: BEGIN
// (with the outbox id), and the deferred writes. A failure is kept in t.err,
// which run returns; the statement then fails on the aborted transaction.
func (t *tx) ready() {
	if t.pipelined && (!t.begun || len(t.deferred) > 0) {
		if err := t.send(Batch{}); err != nil && t.err == nil {
			t.err = err
		}
	}
}

// send sends b on the transaction's connection, with BEGIN first when not
// sent yet and the deferred writes before b's own reads.
func (t *tx) send(b Batch) error {
	if !t.begun {
		b.Begin = true
		if !t.idsWithClaim {
			t.jobID = 0
		}
		if !t.noDefer && !t.idsWithClaim {
			b.Reads = append([]Read{{Query: `SELECT nextval(pg_get_serial_sequence('outbox', 'id'))`,
				Row: func(r interface{ Scan(...any) error }) error { return r.Scan(&t.jobID) }}}, b.Reads...)
		}
		t.begun = true
	}
	if len(t.deferred) > 0 {
		b.Reads = append(t.deferred, b.Reads...)
		t.deferred, t.sentDeferred = nil, true
	}
	if len(b.Reads) == 0 && !b.Begin && !b.Commit {
		return nil
	}
	return t.d.Send(t.ctx, t.conn, b)
}

// later runs a write whose outcome (rows affected, returned rows) nobody
// reads: in a pipelined transaction it waits to go with the next statement
// or COMMIT, else it runs now.
func (t *tx) later(query string, args ...any) error {
	if t.pipelined && !t.noDefer {
		t.deferred = append(t.deferred, Read{Query: query, Args: args})
		return nil
	}
	_, err := t.exec(query, args...)
	return err
}

// deferJob keeps the INSERT of a reply job (args as EnqueueJob builds them,
// its columns after the id) for COMMIT, with the outbox id taken with BEGIN;
// false when the transaction cannot defer it.
func (t *tx) deferJob(cols, vals string, args []any) (int64, bool) {
	if !t.pipelined || t.noDefer || t.jobID == 0 {
		return 0, false
	}
	id := t.jobID
	t.jobID = 0
	args = append(args, id)
	q := cols[:len(`INSERT INTO outbox (`)] + `id, ` + cols[len(`INSERT INTO outbox (`):] +
		fmt.Sprintf(`VALUES (CAST($%d AS BIGINT), CAST($13 AS BIGINT), %s)`, len(args), vals)
	t.deferred = append(t.deferred, Read{Query: q, Args: args})
	return id, true
}

// commit ends a pipelined transaction: nothing to send when no statement
// ran; else COMMIT, with the deferred writes before it.
func (t *tx) commit() error {
	if t.err != nil {
		return t.err
	}
	if !t.begun && len(t.deferred) == 0 {
		return nil
	}
	if err := t.send(Batch{Commit: true}); err != nil {
		return fmt.Errorf("sqldb: commit: %w", err)
	}
	t.begun = false
	return nil
}

// rollback ends a pipelined transaction that did not commit.
func (t *tx) rollback() {
	if t.begun {
		t.conn.ExecContext(context.WithoutCancel(t.ctx), "ROLLBACK")
		t.begun = false
	}
}
