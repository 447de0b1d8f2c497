// Package postgres opens the facts store on PostgreSQL: a pgx pool wrapped as
// a database/sql handle, so the SQL shared with SQLite in sqldb runs on it.
package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"gridbot/storage/sqldb"
)

// DB is the facts store on PostgreSQL. It is a gridbot.Store (through the
// embedded *sqldb.DB) and also exposes the pool for work database/sql cannot
// do, such as COPY.
type DB struct {
	*sqldb.DB
	Pool *pgxpool.Pool
}

// Dialect is what PostgreSQL through pgx needs of the shared SQL
// (sqldb.Dialect says what each field is for).
var Dialect = sqldb.Dialect{
	Name:          "postgres",
	IDType:        "BIGSERIAL PRIMARY KEY",
	BlobType:      "BYTEA",
	SetSequence:   `SELECT setval(pg_get_serial_sequence('%[1]s', 'id'), COALESCE((SELECT MAX(id) FROM %[1]s), 0) + 1, false);`,
	ForUpdate:     " FOR UPDATE",
	SkipLocked:    " FOR UPDATE SKIP LOCKED",
	ViewIsolation: sql.LevelRepeatableRead,
	ListAgg:       "string_agg(l.userid, chr(31) ORDER BY l.pos)",
	// The key is "gridbot" read as a big-endian integer; the lock
	// is released when the migration transaction ends.
	MigrationLock:   "SELECT pg_advisory_xact_lock(29117719582502772)",
	UniqueViolation: isUniqueViolation,
	Reads:           reads,
	Send:            send,
	WritableCTE:     true,
}

// reads sends the queries to PostgreSQL in one pipelined batch on the
// transaction's connection (one round trip instead of one each) and scans
// their rows in order. Inside the open transaction the batch is part of it.
func reads(ctx context.Context, c *sql.Conn, rs []sqldb.Read) error {
	return send(ctx, c, sqldb.Batch{Reads: rs})
}

// send sends b to PostgreSQL in one pipelined batch on c (sqldb.Batch):
// BEGIN, the reads, COMMIT. A COMMIT that PostgreSQL turned into a ROLLBACK
// (the transaction had failed) is an error, as database/sql's Commit makes it.
func send(ctx context.Context, c *sql.Conn, sb sqldb.Batch) error {
	return c.Raw(func(dc any) error {
		conn := dc.(*stdlib.Conn).Conn()
		b := &pgx.Batch{}
		if sb.Begin {
			b.Queue("BEGIN")
		}
		for _, r := range sb.Reads {
			b.Queue(r.Query, r.Args...)
		}
		if sb.Commit {
			b.Queue("COMMIT")
		}
		br := conn.SendBatch(ctx, b)
		if sb.Begin {
			if _, err := br.Exec(); err != nil {
				br.Close()
				return err
			}
		}
		for _, r := range sb.Reads {
			rows, err := br.Query()
			if err != nil {
				br.Close()
				return err
			}
			for rows.Next() {
				if r.Row == nil {
					continue
				}
				if err := r.Row(rows); err != nil {
					rows.Close()
					br.Close()
					return err
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				br.Close()
				return err
			}
		}
		if sb.Commit {
			tag, err := br.Exec()
			if err != nil {
				br.Close()
				return err
			}
			if tag.String() != "COMMIT" {
				br.Close()
				return pgx.ErrTxCommitRollback
			}
		}
		return br.Close()
	})
}

// isUniqueViolation: SQLSTATE 23505, never the error's text.
func isUniqueViolation(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && e.Code == "23505"
}

// sessionDefaults are settings of gridbot's own sessions, unless the URL
// gives them. random_page_cost: gridbot's tables are small and hot (a town's
// roster is a few hundred rows, its months a few thousand), always in memory,
// where an index probe costs about what a sequential read does. At
// PostgreSQL's default of 4, meant for spinning disks, the planner scanned the
// whole people and memberships tables for every sender lookup rather than
// use their unique indexes; 1.1 is the usual value for SSDs and cached data.
// A DBA who prefers the server's own can put random_page_cost in the URL.
var sessionDefaults = map[string]string{"random_page_cost": "1.1"}

// DefaultMaxConns is the pool's size unless the URL sets pool_max_conns.
// pgxpool's own default is the count of CPUs, at least 4: on a small machine
// that let only 4 transactions run at once, each mostly waiting on round
// trips and on the WAL flush of its commit, which PostgreSQL shares among the
// commits waiting for it (group commit). 16, as many as pgbench's usual 16
// clients, lets the waits overlap (README, Benchmarks).
const DefaultMaxConns = 16

// Open connects to the database at url (postgres://... or postgresql://...,
// with any pgx connection parameters, search_path among them) and brings its
// schema up to date. Close closes the pool too.
func Open(ctx context.Context, url string) (*DB, error) {
	return OpenWith(ctx, url, nil)
}

// OpenWith is Open with configure, when not nil, adjusting the pool's
// configuration before it connects (tests count round trips with a DialFunc).
func OpenWith(ctx context.Context, url string, configure func(*pgxpool.Config)) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// The error text may quote the URL and its password: say less.
		return nil, fmt.Errorf("postgres: the database URL cannot be parsed")
	}
	if !strings.Contains(url, "pool_max_conns") {
		cfg.MaxConns = max(cfg.MaxConns, DefaultMaxConns)
	}
	for k, v := range sessionDefaults {
		if _, set := cfg.ConnConfig.RuntimeParams[k]; !set {
			cfg.ConnConfig.RuntimeParams[k] = v
		}
	}
	if configure != nil {
		configure(cfg)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	sqlDB := stdlib.OpenDBFromPool(pool)
	s, err := sqldb.Open(ctx, sqlDB, Dialect, pool.Close)
	if err != nil {
		sqlDB.Close()
		pool.Close()
		return nil, err
	}
	return &DB{DB: s, Pool: pool}, nil
}
