package storagetest

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// PostgresSchemaURL creates a schema with a random name in the database of
// GRIDBOT_TEST_POSTGRES_URL, drops it when the test ends, and returns a
// database URL whose connections use it — for tests that open the store
// themselves, such as the command line's.
func PostgresSchemaURL(t testing.TB) string {
	t.Helper()
	base := PostgresURL(t)
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, withoutPoolParams(base))
	if err != nil {
		t.Fatalf("connect to %s: %v", PostgresURLEnv, err)
	}
	schema := "gridbot_test_" + randomHex(8)
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
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", PostgresURLEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// withoutPoolParams drops pgxpool's own parameters (pool_max_conns, ...) from
// a database URL, which a single connection would send to the server as
// settings it does not know.
func withoutPoolParams(raw string) string {
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
