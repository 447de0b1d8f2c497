package sqldb

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// migration is one embedded schema change; Version is the number its file
// name starts with (001_init.sql is version 1).
type migration struct {
	Version int
	Name    string
	SQL     string
}

// migrations returns the embedded migrations in order, checking that they are
// numbered 1, 2, 3... without gaps, so the schema version is simply their count.
func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var ms []migration
	for i, name := range names {
		base := path.Base(name)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v != i+1 {
			return nil, fmt.Errorf("sqldb: migration %s: want a name starting with %03d_", base, i+1)
		}
		b, err := migrationFS.ReadFile(name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{Version: v, Name: base, SQL: string(b)})
	}
	return ms, nil
}

// SchemaVersion is the schema version this binary knows (backups record it).
func SchemaVersion() int {
	ms, err := migrations()
	if err != nil {
		return 0
	}
	return len(ms)
}

const createMigrationsTable = `
CREATE TABLE IF NOT EXISTS schema_migrations (
	version       INTEGER NOT NULL PRIMARY KEY,
	name          TEXT NOT NULL,
	applied_at_ms BIGINT NOT NULL
)`

// migrate applies the migrations the database lacks, each in a transaction of
// its own, and records them in schema_migrations. It refuses to touch a schema
// newer than the binary knows: an old binary must not write into it.
func (s *DB) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	for _, m := range ms {
		if err := s.apply(ctx, m, len(ms)); err != nil {
			return err
		}
	}
	return nil
}

func (s *DB) apply(ctx context.Context, m migration, known int) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqldb: migrate: begin: %w", err)
	}
	defer tx.Rollback()

	if s.dialect.MigrationLock != "" {
		if _, err := tx.ExecContext(ctx, s.dialect.MigrationLock); err != nil {
			return fmt.Errorf("sqldb: migrate: lock: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, createMigrationsTable); err != nil {
		return fmt.Errorf("sqldb: migrate: %w", err)
	}
	// Read the version inside the transaction (after the lock): another
	// process may have applied this migration meanwhile.
	current, err := schemaVersion(ctx, tx)
	if err != nil {
		return err
	}
	if current > known {
		return fmt.Errorf("sqldb: the database schema is at version %d but this binary knows only %d: upgrade gridbot", current, known)
	}
	if current >= m.Version {
		return nil
	}
	if _, err := tx.ExecContext(ctx, s.dialect.expand(m.SQL)); err != nil {
		return fmt.Errorf("sqldb: migration %s: %w", m.Name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES ($1, $2, $3)`,
		m.Version, m.Name, time.Now().UnixMilli()); err != nil {
		return fmt.Errorf("sqldb: migration %s: record: %w", m.Name, err)
	}
	return tx.Commit()
}

func schemaVersion(ctx context.Context, tx *sql.Tx) (int, error) {
	var v int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("sqldb: schema version: %w", err)
	}
	return v, nil
}
