package sqlite_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"gridbot"
	"gridbot/internal/testkit"
	"gridbot/storage/sqlite"
	"gridbot/storage/storagetest"
)

func TestContract(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) gridbot.Store { return testkit.OpenSQLite(t) })
}

func TestMemory(t *testing.T) {
	db, err := sqlite.Open(sqlite.Memory)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(context.Background(), func(tx gridbot.Tx) error {
		_, err := tx.CreateTown("滨海镇")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	// The town is visible from a later transaction: one connection, one database.
	if err := db.View(context.Background(), func(tx gridbot.Tx) error {
		_, err := tx.TownByName("滨海镇")
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// TestRefusesNewerSchema: a binary must not run on a schema a newer one wrote.
func TestRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gridbot.db")
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	var version int
	if err := db.SQL().QueryRow(`SELECT MAX(version) FROM schema_migrations`).Scan(&version); err != nil {
		t.Fatal(err)
	}
	// The schema version is the count of the migrations (numbered 1, 2, 3...).
	known, err := filepath.Glob("../sqldb/migrations/*.sql")
	if err != nil || version != len(known) || version < 1 {
		t.Fatalf("schema version %d, want %d (%v)", version, len(known), err)
	}
	if _, err := db.SQL().Exec(`INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES ($1, 'future.sql', 0)`, version+1); err != nil {
		t.Fatal(err)
	}
	db.Close()

	if db, err := sqlite.Open(path); err == nil {
		db.Close()
		t.Fatal("opened a database whose schema is newer than the binary")
	} else if !strings.Contains(err.Error(), "newer") && !strings.Contains(err.Error(), "upgrade") {
		t.Fatalf("unexpected error: %v", err)
	}
}

func TestReopenKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gridbot.db")
	for i := range 2 {
		db, err := sqlite.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		err = db.Update(context.Background(), func(tx gridbot.Tx) error {
			if i == 0 {
				_, err := tx.CreateTown("滨海镇")
				return err
			}
			_, err := tx.TownByName("滨海镇")
			return err
		})
		db.Close()
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
	}
}

// BenchmarkStore: see storagetest.Bench for the sizes (GRIDBOT_BENCH_PEOPLE,
// GRIDBOT_BENCH_CHECKINS).
func BenchmarkStore(b *testing.B) {
	storagetest.Bench(b, testkit.OpenSQLite(b))
}
