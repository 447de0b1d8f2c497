package testkit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"gridbot"
	"gridbot/storage/postgres"
	"gridbot/storage/sqldb"
	"gridbot/storage/sqlite"
)

// The environment of the tests that need services.
const (
	PostgresURLEnv     = "GRIDBOT_TEST_POSTGRES_URL"
	RedisURLEnv        = "GRIDBOT_TEST_REDIS_URL"
	RequireServicesEnv = "GRIDBOT_REQUIRE_SERVICES"
)

// Engines runs fn as the subtests "sqlite" and "postgres", each on a fresh
// store: a SQLite file (OpenSQLite) and a PostgreSQL schema (OpenPostgres).
// S is gridbot.Store, or *sqldb.DB for the tests of the shared SQL.
func Engines[S gridbot.Store](t *testing.T, fn func(t *testing.T, st S)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, storeAs[S](t, OpenSQLite(t))) })
	t.Run("postgres", func(t *testing.T) { fn(t, storeAs[S](t, OpenPostgres(t))) })
}

// EngineURLs is Engines for tests that open the store themselves (the
// command line's): fn gets a database URL, sqlite:PATH or a PostgreSQL URL
// whose connections use a fresh schema.
func EngineURLs(t *testing.T, fn func(t *testing.T, databaseURL string)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, "sqlite:"+filepath.Join(t.TempDir(), "gridbot.db")) })
	t.Run("postgres", func(t *testing.T) { fn(t, PostgresSchemaURL(t)) })
}

// storeAs gives Engines' fn the store as the type it asks for.
func storeAs[S gridbot.Store](t *testing.T, st gridbot.Store) S {
	if s, ok := st.(S); ok {
		return s
	}
	if pg, ok := st.(*postgres.DB); ok {
		if s, ok := any(pg.DB).(S); ok {
			return s
		}
	}
	t.Fatalf("testkit.Engines: a %T is not a %T", st, *new(S))
	panic("unreachable")
}

// OpenSQLite opens a fresh SQLite store in a file of the test's temporary
// directory (a real file, so WAL and locking are those of production) and
// closes it when the test ends.
func OpenSQLite(t testing.TB) *sqldb.DB {
	t.Helper()
	return OpenSQLiteFile(t, filepath.Join(t.TempDir(), "gridbot.db"))
}

// OpenSQLiteFile opens the SQLite store in the file path and closes it when
// the test ends.
func OpenSQLiteFile(t testing.TB, path string) *sqldb.DB {
	t.Helper()
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// OpenPostgres opens a PostgreSQL store in a schema of its own (see
// PostgresSchemaURL), so tests never see each other's data, and closes it
// when the test ends.
func OpenPostgres(t testing.TB) *postgres.DB {
	t.Helper()
	return OpenPostgresURL(t, PostgresSchemaURL(t))
}

// OpenPostgresURL opens the PostgreSQL store at the database URL u and
// closes it when the test ends.
func OpenPostgresURL(t testing.TB, u string) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), u)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { db.Close() }) // runs before a schema of PostgresSchemaURL is dropped
	return db
}

// PostgresURL returns the database of GRIDBOT_TEST_POSTGRES_URL, skipping
// the test when it is unset (failing it when GRIDBOT_REQUIRE_SERVICES=1).
func PostgresURL(t testing.TB) string {
	t.Helper()
	return service(t, PostgresURLEnv)
}

// RedisURL returns the Redis of GRIDBOT_TEST_REDIS_URL, skipping the test
// when it is unset (failing it when GRIDBOT_REQUIRE_SERVICES=1).
func RedisURL(t testing.TB) string {
	t.Helper()
	return service(t, RedisURLEnv)
}

func service(t testing.TB, env string) string {
	t.Helper()
	u := os.Getenv(env)
	if u == "" {
		if os.Getenv(RequireServicesEnv) == "1" {
			t.Fatalf("%s is not set and %s=1", env, RequireServicesEnv)
		}
		t.Skipf("%s is not set", env)
	}
	return u
}

// PostgresSchemaURL creates a schema with a random name in the database of
// GRIDBOT_TEST_POSTGRES_URL, drops it when the test ends, and returns a
// database URL whose connections use it — for tests that open the store
// themselves, such as the command line's.
func PostgresSchemaURL(t testing.TB) string {
	t.Helper()
	base := PostgresURL(t)
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, WithoutPoolParams(base))
	if err != nil {
		t.Fatalf("connect to %s: %v", PostgresURLEnv, err)
	}
	b := make([]byte, 8)
	rand.Read(b)
	schema := "gridbot_test_" + hex.EncodeToString(b)
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close(ctx)
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
		admin.Close(ctx)
	})
	return WithSearchPath(t, base, schema)
}

// WithSearchPath returns the database URL u with its connections using
// schema.
func WithSearchPath(t testing.TB, u, schema string) string {
	t.Helper()
	parsed, err := url.Parse(u)
	if err != nil {
		t.Fatalf("parse %s: %v", PostgresURLEnv, err)
	}
	q := parsed.Query()
	q.Set("search_path", schema)
	parsed.RawQuery = q.Encode()
	return parsed.String()
}

// WithoutPoolParams drops pgxpool's own parameters (pool_max_conns, ...) from
// a database URL, which a single connection would send to the server as
// settings it does not know.
func WithoutPoolParams(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	for k := range q {
		if strings.HasPrefix(k, "pool_") {
			q.Del(k)
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}
