package sqldb_test

import (
	"errors"
	"testing"

	"gridbot/internal/testkit"
	"gridbot/storage/postgres"
	"gridbot/storage/sqldb"
	"gridbot/storage/sqlite"
)

// classify provokes a unique violation and a NOT NULL violation with exec and
// checks that only the first counts as one, judged by code, not by text.
func classify(t *testing.T, d sqldb.Dialect, exec func(string) error) {
	t.Helper()
	if err := exec(`INSERT INTO towns (name) VALUES ('滨海镇')`); err != nil {
		t.Fatal(err)
	}
	err := exec(`INSERT INTO towns (name) VALUES ('滨海镇')`)
	if err == nil || !d.IsUniqueViolation(err) {
		t.Errorf("duplicate name: IsUniqueViolation(%v) = false", err)
	}
	if !d.IsUniqueViolation(wrap(err)) {
		t.Error("a wrapped unique violation is not recognised")
	}
	if err := exec(`INSERT INTO towns (name) VALUES (NULL)`); err == nil || d.IsUniqueViolation(err) {
		t.Errorf("NOT NULL violation: IsUniqueViolation(%v) = true", err)
	}
	if d.IsUniqueViolation(errors.New("UNIQUE constraint failed: towns.name")) {
		t.Error("an error's text was taken for a unique violation")
	}
}

type wrapped struct{ err error }

func (w wrapped) Error() string { return "wrapped: " + w.err.Error() }
func (w wrapped) Unwrap() error { return w.err }

func wrap(err error) error { return wrapped{err} }

func TestIsUniqueViolationSQLite(t *testing.T) {
	db, err := sqlite.Open(sqlite.Memory)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	classify(t, sqlite.Dialect, func(q string) error { _, err := db.SQL().Exec(q); return err })
}

func TestIsUniqueViolationPostgres(t *testing.T) {
	db := testkit.OpenPostgres(t)
	classify(t, postgres.Dialect, func(q string) error { _, err := db.SQL().Exec(q); return err })
}
