package storagetest

import (
	"context"
	"os"
	"regexp"
	"testing"

	"github.com/jackc/pgx/v5"

	"gridbot"
	"gridbot/internal/testkit"
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
	if path := os.Getenv(BenchSQLiteEnv); path != "" {
		return testkit.OpenSQLiteFile(tb, path)
	}
	return testkit.OpenSQLite(tb)
}

var schemaRe = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// BenchPostgres opens the benchmark's PostgreSQL store: in the schema of
// GRIDBOT_BENCH_POSTGRES_SCHEMA, created if need be and kept, or in a
// temporary schema (OpenPostgres).
func BenchPostgres(tb testing.TB) gridbot.Store {
	tb.Helper()
	schema := os.Getenv(BenchSchemaEnv)
	if schema == "" {
		return testkit.OpenPostgres(tb)
	}
	if !schemaRe.MatchString(schema) {
		tb.Fatalf("%s=%q: want a lower-case SQL name", BenchSchemaEnv, schema)
	}
	base := testkit.PostgresURL(tb)
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, testkit.WithoutPoolParams(base))
	if err != nil {
		tb.Fatalf("connect to %s: %v", testkit.PostgresURLEnv, err)
	}
	_, err = admin.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+schema)
	admin.Close(ctx)
	if err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	return testkit.OpenPostgresURL(tb, testkit.WithSearchPath(tb, base, schema))
}
