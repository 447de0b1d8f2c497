package backup_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"gridbot"
	"gridbot/internal/testkit"
	"gridbot/storage/backup"
	"gridbot/storage/sqldb"
	"gridbot/storage/sqlite"
)

// oldBackup writes a backup as a gridbot whose schema stopped at version
// upTo would have: the migrations up to it, a town with one person, and a
// gridbot_backup table saying so.
func oldBackup(t *testing.T, upTo int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	files, err := filepath.Glob(filepath.Join("..", "sqldb", "migrations", "*.sql"))
	if err != nil || len(files) < upTo {
		t.Fatalf("migrations: %v %v", files, err)
	}
	d := sqlite.Dialect
	expand := strings.NewReplacer("{{id}}", d.IDType, "{{blob}}", d.BlobType, "{{listagg}}", d.ListAgg)
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`CREATE TABLE schema_migrations (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at_ms BIGINT NOT NULL)`)
	for i, f := range files[:upTo] {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		exec(expand.Replace(string(b)))
		exec(`INSERT INTO schema_migrations VALUES (?, ?, 0)`, i+1, filepath.Base(f))
	}
	exec(`INSERT INTO towns (id, name) VALUES (3, '旧镇')`)
	exec(`INSERT INTO people (id, town_id, userid, name, role, party, phone, active) VALUES (5, 3, 'U1', '张三', '网格员', 1, '', 1)`)
	exec(`CREATE TABLE gridbot_backup (key TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL)`)
	exec(`INSERT INTO gridbot_backup VALUES ('format', ?), ('schema_version', ?), ('source', 'sqlite'), ('created_at', '2026-01-02T03:04:05+08:00')`,
		backup.Format, fmt.Sprint(upTo))
	return path
}

// TestRestoreMigratesAnOlderBackup: a backup an older gridbot wrote is
// brought up to this binary's schema, in a copy, and restored.
func TestRestoreMigratesAnOlderBackup(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, st gridbot.Store) {
		path := oldBackup(t, sqldb.SchemaVersion()-1)
		before, _ := os.ReadFile(path)
		r, err := backup.Restore(context.Background(), st, path)
		if err != nil {
			t.Fatal(err)
		}
		if r.SchemaVersion != sqldb.SchemaVersion()-1 || r.Source != "sqlite" || r.CreatedAt.IsZero() || r.Rows() != 2 {
			t.Errorf("report %+v, %d rows", r, r.Rows())
		}
		if after, _ := os.ReadFile(path); string(after) != string(before) {
			t.Error("restore changed the backup file")
		}
		var town gridbot.Town
		var people []gridbot.Person
		err = st.View(context.Background(), func(tx gridbot.Tx) (err error) {
			if town, err = tx.TownByName("旧镇"); err != nil {
				return err
			}
			people, err = tx.People(town.ID)
			return err
		})
		if err != nil || town.ID != 3 || len(people) != 1 || people[0].Name != "张三" || !people[0].Party {
			t.Fatalf("restored town %+v people %+v: %v", town, people, err)
		}
		// The next town gets an id past the restored one.
		err = st.Update(context.Background(), func(tx gridbot.Tx) error {
			t2, err := tx.CreateTown("新镇")
			if err == nil && t2.ID != 4 {
				t.Errorf("new town id %d, want 4", t2.ID)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// TestRestoreRefusesANewerBackup: this binary cannot know a newer schema.
func TestRestoreRefusesANewerBackup(t *testing.T) {
	path := oldBackup(t, 1)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE gridbot_backup SET value = ? WHERE key = 'schema_version'`, fmt.Sprint(sqldb.SchemaVersion()+1)); err != nil {
		t.Fatal(err)
	}
	db.Close()
	st := testkit.OpenSQLite(t)
	if _, err := backup.Restore(context.Background(), st, path); gridbot.ErrorCode(err) != gridbot.EINVALID ||
		!strings.Contains(gridbot.ErrorMessage(err), "请先升级 gridbot") {
		t.Fatalf("restore of a newer backup: %v", err)
	}
}

// TestBackupKeepsSequences: ids handed out and then gone (a row deleted) are
// not handed out again after a restore, from either engine into either.
func TestBackupKeepsSequences(t *testing.T) {
	ctx := context.Background()
	testkit.Engines(t, func(t *testing.T, src *sqldb.DB) {
		var ids []int64
		for _, name := range []string{"甲镇", "乙镇"} {
			if err := src.Update(ctx, func(tx gridbot.Tx) error {
				town, err := tx.CreateTown(name)
				ids = append(ids, town.ID)
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := src.SQL().Exec(`DELETE FROM towns WHERE id = $1`, ids[1]); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "b.db")
		if _, err := backup.Write(ctx, src, path, time.Now()); err != nil {
			t.Fatal(err)
		}
		testkit.Engines(t, func(t *testing.T, dst gridbot.Store) {
			if _, err := backup.Restore(ctx, dst, path); err != nil {
				t.Fatal(err)
			}
			if err := dst.Update(ctx, func(tx gridbot.Tx) error {
				town, err := tx.CreateTown("丙镇")
				if err == nil && town.ID != ids[1]+1 {
					t.Errorf("new town id %d, want %d (after the deleted %d)", town.ID, ids[1]+1, ids[1])
				}
				return err
			}); err != nil {
				t.Fatal(err)
			}
		})
	})
}
