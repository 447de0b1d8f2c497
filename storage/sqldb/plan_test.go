package sqldb_test

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"gridbot/storage/sqldb"
	"gridbot/storage/sqlite"
)

// TestSQLitePlans: SQLite reads a month's check-ins — millions of rows in a
// big town — and the lists of facts (listOf, checked on activity
// participants, the largest list table, whose index holds a list in order)
// from indexes, with no table visits and no sorting. PeriodFacts reads the
// activities' own lists from their rows since migration 005, and the other
// facts' lists with listOf.
// Its planner has no statistics to go by (nobody runs ANALYZE), so a change
// to these queries or indexes could quietly make settling a month several
// times slower; the plans show it.
func TestSQLitePlans(t *testing.T) {
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "gridbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, tc := range []struct {
		name, query string
		args        []any
		index       string
	}{
		{"check-in days of a whole month", sqldb.CheckinDaysQuery + ` GROUP BY userid`,
			[]any{1, "2026-10", 0, 0}, "COVERING INDEX checkins_town_month"},
		{"check-in days up to an instant", sqldb.CheckinDaysQuery + sqldb.CheckinDaysRange + ` GROUP BY userid`,
			[]any{1, "2026-10", 0, 0, 0}, "COVERING INDEX checkins_town_month"},
		{"activity participants", sqldb.ParticipantsList, []any{1, 0, 0}, "COVERING INDEX activity_participants_list"},
	} {
		text := queryPlan(t, db.SQL(), tc.query, tc.args...)
		if !strings.Contains(text, tc.index) || strings.Contains(text, "TEMP B-TREE") {
			t.Errorf("%s: plan %q; want %s and no temporary b-tree", tc.name, text, tc.index)
		}
	}
}

// queryPlan returns SQLite's plan of query, its steps joined by "; ".
func queryPlan(t *testing.T, db *sql.DB, query string, args ...any) string {
	t.Helper()
	rows, err := db.Query(`EXPLAIN QUERY PLAN `+query, args...)
	if err != nil {
		t.Fatalf("plan of %s: %v", query, err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	return strings.Join(plan, "; ")
}
