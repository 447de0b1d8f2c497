package postgres_test

import (
	"context"
	"testing"

	"gridbot"
	"gridbot/internal/testkit"
	"gridbot/storage/postgres"
	"gridbot/storage/sqldb"
	"gridbot/storage/storagetest"
)

func TestContract(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) gridbot.Store { return testkit.OpenPostgres(t) })
}

// TestRefusesNewerSchema: a binary must not run on a schema a newer one wrote.
func TestRefusesNewerSchema(t *testing.T) {
	db := testkit.OpenPostgres(t)
	ctx := context.Background()
	if _, err := db.Pool.Exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at_ms)
		SELECT MAX(version) + 1, 'future.sql', 0 FROM schema_migrations`); err != nil {
		t.Fatal(err)
	}
	// Open again on the same schema, through the same connection settings.
	if _, err := sqldb.Open(ctx, db.SQL(), postgres.Dialect); err == nil {
		t.Fatal("opened a database whose schema is newer than the binary")
	}
}

// TestSessionDefaults: gridbot's sessions plan for data in memory
// (random_page_cost 1.1) unless the URL says otherwise.
func TestSessionDefaults(t *testing.T) {
	ctx := context.Background()
	url := testkit.PostgresSchemaURL(t)
	for _, c := range []struct{ url, want string }{{url, "1.1"}, {url + "&random_page_cost=3", "3"}} {
		db, err := postgres.Open(ctx, c.url)
		if err != nil {
			t.Fatal(err)
		}
		var got string
		if err := db.SQL().QueryRowContext(ctx, "SHOW random_page_cost").Scan(&got); err != nil {
			t.Fatal(err)
		}
		db.Close()
		if got != c.want {
			t.Errorf("random_page_cost = %s, want %s", got, c.want)
		}
	}
}

// BenchmarkStore: see storagetest.Bench for the sizes (GRIDBOT_BENCH_PEOPLE,
// GRIDBOT_BENCH_CHECKINS).
func BenchmarkStore(b *testing.B) {
	storagetest.Bench(b, testkit.OpenPostgres(b))
}
