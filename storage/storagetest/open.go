package storagetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"gridbot"
	"gridbot/storage/postgres"
	"gridbot/storage/sqlite"
)

// Environment variables of the tests that need PostgreSQL.
const (
	PostgresURLEnv  = "GRIDBOT_TEST_POSTGRES_URL"
	RequireServices = "GRIDBOT_REQUIRE_SERVICES"
)

// OpenSQLite opens a fresh SQLite store in a file of the test's temporary
// directory (a real file, so WAL and locking are those of production) and
// closes it when the test ends.
func OpenSQLite(t testing.TB) gridbot.Store {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "gridbot.db"))
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// PostgresURL returns the database of GRIDBOT_TEST_POSTGRES_URL. When it is
// unset the test is skipped, or fails when GRIDBOT_REQUIRE_SERVICES=1
// (in CI, where a skipped test would hide a broken engine).
func PostgresURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(PostgresURLEnv)
	if u == "" {
		if os.Getenv(RequireServices) == "1" {
			t.Fatalf("%s is not set and %s=1", PostgresURLEnv, RequireServices)
		}
		t.Skipf("%s is not set", PostgresURLEnv)
	}
	return u
}

// RedisURLEnv names the Redis of the tests that need one.
const RedisURLEnv = "GRIDBOT_TEST_REDIS_URL"

// RedisURL returns the Redis of GRIDBOT_TEST_REDIS_URL, skipping the test
// when it is unset, or failing it when GRIDBOT_REQUIRE_SERVICES=1.
func RedisURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(RedisURLEnv)
	if u == "" {
		if os.Getenv(RequireServices) == "1" {
			t.Fatalf("%s is not set and %s=1", RedisURLEnv, RequireServices)
		}
		t.Skipf("%s is not set", RedisURLEnv)
	}
	return u
}

// OpenPostgres opens a PostgreSQL store in a schema of its own (see
// PostgresSchemaURL), so tests never see each other's data, and closes it
// when the test ends.
func OpenPostgres(t testing.TB) *postgres.DB {
	t.Helper()
	u := PostgresSchemaURL(t)
	db, err := postgres.Open(context.Background(), u)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { db.Close() }) // runs before the schema is dropped
	return db
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
