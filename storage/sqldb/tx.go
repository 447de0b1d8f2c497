package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gridbot"
)

// querier is where a tx's statements go: its *sql.Tx, or its *sql.Conn
// when the transaction is pipelined (Dialect.Send: BEGIN and COMMIT are
// statements of its own, sent with the first and the last).
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// tx is a gridbot.Tx: one database transaction and the context it runs under.
type tx struct {
	ctx context.Context
	tx  querier
	// conn is tx's connection when the dialect batches reads (Dialect.Reads).
	conn *sql.Conn
	d    Dialect
	// A pipelined transaction (Dialect.Send, pipeline.go): BEGIN not sent yet
	// until begun; jobID an outbox id taken with BEGIN for the reply job;
	// deferred the writes waiting to go with the next statement or COMMIT
	// (the reply job's INSERT among them), sentDeferred whether some went
	// already; err the failure of deferred writes sent early.
	pipelined, begun, noDefer, sentDeferred bool
	// idsWithClaim: the first batch's statement is the message's claim,
	// which takes the reply job's id (claimIDs) instead of send.
	idsWithClaim bool
	jobID        int64
	deferred     []Read
	err          error
	// ahead is what was read with the claim for the command (ahead.go).
	ahead *ahead
	// gates are the store's number gates (gates.go), nil where not used;
	// gated those this transaction holds until it ends.
	gates *gates
	gated []*held
	// months gathers, by town, what the check-ins stored in this
	// transaction add to checkin_months: saved once, before the summary is
	// read and at commit (saveMonths), rather than by every call — an import
	// in many calls would otherwise rewrite each person's row per call.
	months map[int64]checkinMonths
}

// pendingMonths returns the summary rows the transaction's check-ins of the
// town add to, to be saved by saveMonths.
func (t *tx) pendingMonths(townID int64) checkinMonths {
	if t.months == nil {
		t.months = map[int64]checkinMonths{}
	}
	if t.months[townID] == nil {
		t.months[townID] = checkinMonths{}
	}
	return t.months[townID]
}

// saveMonths saves the gathered summary rows, towns in order (so that two
// PostgreSQL transactions lock rows in the same order), and forgets them.
func (t *tx) saveMonths() error {
	towns := make([]int64, 0, len(t.months))
	for id := range t.months {
		towns = append(towns, id)
	}
	slices.Sort(towns)
	for _, id := range towns {
		if err := t.months[id].save(t, id); err != nil {
			return err
		}
		delete(t.months, id)
	}
	return nil
}

var _ gridbot.Tx = (*tx)(nil)

func (t *tx) exec(query string, args ...any) (sql.Result, error) {
	t.ready()
	return t.tx.ExecContext(t.ctx, query, args...)
}

func (t *tx) query(query string, args ...any) (*sql.Rows, error) {
	t.ready()
	return t.tx.QueryContext(t.ctx, query, args...)
}

func (t *tx) queryRow(query string, args ...any) *sql.Row {
	t.ready()
	return t.tx.QueryRowContext(t.ctx, query, args...)
}

// reads runs independent queries, each row scanned by its Row: in one
// round trip where the engine can (Dialect.Reads), else one after another.
// In a pipelined transaction the batch also carries the BEGIN, or the
// deferred writes, not sent yet.
func (t *tx) reads(rs ...Read) error {
	if t.pipelined && (!t.begun || len(t.deferred) > 0) {
		return t.send(Batch{Reads: rs})
	}
	if t.d.Reads != nil && t.conn != nil && len(rs) > 1 {
		return t.d.Reads(t.ctx, t.conn, rs)
	}
	for _, r := range rs {
		if err := t.queryAll(func(s scanner) error { return r.Row(s) }, r.Query, r.Args...); err != nil {
			return err
		}
	}
	return nil
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface {
	Scan(dest ...any) error
}

// queryAll runs query and calls scan for every row.
func (t *tx) queryAll(scan func(scanner) error, query string, args ...any) error {
	rows, err := t.query(query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// notFound returns an ENOTFOUND error with a user-facing message. (The outbox
// still words its own refusals; the rest of the store refuses with a
// gridbot.Reason, worded by the domain: gridbot.Refuse.)
func notFound(format string, args ...any) error {
	return gridbot.Errorf(gridbot.ENOTFOUND, format, args...)
}

// conflict returns an ECONFLICT error with a user-facing message.
func conflict(format string, args ...any) error {
	return gridbot.Errorf(gridbot.ECONFLICT, format, args...)
}

// fail wraps an internal error with what was being done. A unique violation
// that got past the ON CONFLICT clauses still becomes ECONFLICT.
func (t *tx) fail(what string, err error) error {
	var e *gridbot.Error
	if err == nil || errors.As(err, &e) {
		return err
	}
	if t.d.IsUniqueViolation(err) {
		return gridbot.Refuse(gridbot.ReasonDuplicate)
	}
	return fmt.Errorf("sqldb: %s: %w", what, err)
}

// ms converts an instant to the stored form: unix milliseconds, or NULL for
// the zero time.
func ms(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

// instant converts a stored instant back; NULL is the zero time. Times come
// back in the scheme's zone so that they print as members expect.
func instant(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMilli(v.Int64).In(gridbot.Zone)
}

// nullText stores "" as NULL (msg_id: imports have none, and NULLs never collide).
func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// nullID stores 0 as NULL (an optional reference).
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// record holds the scan destinations of a fact's Record columns, which every
// fact query selects last, in this order.
type record struct {
	by       string
	at       sql.NullInt64
	platform string
	msgID    sql.NullString
}

// recordColumns are the Record columns as selected from a table aliased f.
const recordColumns = `f.recorded_by, f.recorded_at_ms, f.platform, f.msg_id`

func (r *record) dest() []any { return []any{&r.by, &r.at, &r.platform, &r.msgID} }

func (r *record) value() gridbot.Record {
	return gridbot.Record{RecordedBy: r.by, RecordedAt: instant(r.at), Platform: r.platform, MsgID: r.msgID.String}
}

// recordArgs are the values of a Record in the order of recordColumns.
func recordArgs(r gridbot.Record) []any {
	return []any{r.RecordedBy, ms(r.RecordedAt), r.Platform, nullText(r.MsgID)}
}

// inList appends vals to args and returns their placeholders for an
// IN (…) list, numbered after the arguments already there: "$3, $4".
func inList[T any](args []any, vals []T) (string, []any) {
	var b strings.Builder
	for i, v := range vals {
		if i > 0 {
			b.WriteString(", ")
		}
		args = append(args, v)
		b.WriteString("$" + strconv.Itoa(len(args)))
	}
	return b.String(), args
}

// dedupe drops repeated and empty user ids, keeping the first occurrence, so
// that naming someone twice in a message does not count them twice.
func dedupe(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
