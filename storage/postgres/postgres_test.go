package postgres_test

import (
	"context"
	"testing"

	"gridbot"
	"gridbot/storage/sqldb"
	"gridbot/storage/storagetest"
)

func TestContract(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) gridbot.Store { return storagetest.OpenPostgres(t) })
}

// TestRefusesNewerSchema: a binary must not run on a schema a newer one wrote.
func TestRefusesNewerSchema(t *testing.T) {
	db := storagetest.OpenPostgres(t)
	ctx := context.Background()
	if _, err := db.Pool.Exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES ($1, 'future.sql', 0)`,
		sqldb.SchemaVersion()+1); err != nil {
		t.Fatal(err)
	}
	// Open again on the same schema, through the same connection settings.
	if _, err := sqldb.Open(ctx, db.SQL(), sqldb.Postgres); err == nil {
		t.Fatal("opened a database whose schema is newer than the binary")
	}
}

// BenchmarkStore: see storagetest.Bench for the sizes (GRIDBOT_BENCH_PEOPLE,
// GRIDBOT_BENCH_CHECKINS).
func BenchmarkStore(b *testing.B) {
	storagetest.Bench(b, storagetest.OpenPostgres(b))
}
