package sqldb_test

import (
	"path/filepath"
	"strings"
	"testing"

	"gridbot/storage/sqldb"
	"gridbot/storage/sqlite"
)

// TestSQLitePlans: SQLite reads a month's check-ins and activity
// participants — millions of rows in a big town — from the indexes that hold
// them in the order PeriodFacts needs, with no table visits and no sorting.
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
		rows, err := db.SQL().Query(`EXPLAIN QUERY PLAN `+tc.query, tc.args...)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		text := strings.Join(plan, "; ")
		if !strings.Contains(text, tc.index) || strings.Contains(text, "TEMP B-TREE") {
			t.Errorf("%s: plan %q; want %s and no temporary b-tree", tc.name, text, tc.index)
		}
	}
}
