package storagetest

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/jackc/pgx/v5"

	"gridbot"
	"gridbot/storage/postgres"
	"gridbot/storage/sqlite"
)

// Loading a town of 3M check-ins takes minutes, so a benchmark may keep its
// stores between runs: GRIDBOT_BENCH_SQLITE names a SQLite file and
// GRIDBOT_BENCH_POSTGRES_SCHEMA a schema of GRIDBOT_TEST_POSTGRES_URL's
// database, neither of them ever deleted. Town finds its town there the
// next time.
const (
	BenchSQLiteEnv = "GRIDBOT_BENCH_SQLITE"
	BenchSchemaEnv = "GRIDBOT_BENCH_POSTGRES_SCHEMA"
)

// BenchSQLite opens the benchmark's SQLite store: the file of
// GRIDBOT_BENCH_SQLITE, kept, or a temporary one.
func BenchSQLite(tb testing.TB) gridbot.Store {
	tb.Helper()
	path := os.Getenv(BenchSQLiteEnv)
	if path == "" {
		path = filepath.Join(tb.TempDir(), "gridbot.db")
	}
	db, err := sqlite.Open(path)
	if err != nil {
		tb.Fatalf("open sqlite: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

var schemaRe = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// BenchPostgres opens the benchmark's PostgreSQL store: in the schema of
// GRIDBOT_BENCH_POSTGRES_SCHEMA, created if need be and kept, or in a
// temporary schema (OpenPostgres).
func BenchPostgres(tb testing.TB) gridbot.Store {
	tb.Helper()
	schema := os.Getenv(BenchSchemaEnv)
	if schema == "" {
		return OpenPostgres(tb)
	}
	if !schemaRe.MatchString(schema) {
		tb.Fatalf("%s=%q: want a lower-case SQL name", BenchSchemaEnv, schema)
	}
	base := PostgresURL(tb)
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		tb.Fatalf("connect to %s: %v", PostgresURLEnv, err)
	}
	_, err = admin.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+schema)
	admin.Close(ctx)
	if err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("parse %s: %v", PostgresURLEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	db, err := postgres.Open(ctx, u.String())
	if err != nil {
		tb.Fatalf("open postgres: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}
