package sqldb_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"

	"gridbot"
	"gridbot/internal/testkit"
	"gridbot/scoring"
	"gridbot/storage/postgres"
	"gridbot/storage/sqldb"
	"gridbot/storage/sqlite"
)

var ctx = context.Background()

var at = testkit.At

// engines runs fn on a fresh store of each engine.
var engines = testkit.Engines[*sqldb.DB]

// summaryFromCheckins is migration 005's sum of the stored check-ins: what
// checkin_months must hold however the check-ins were written.
const summaryFromCheckins = `SELECT town_id, substr(day, 1, 7), userid,
	SUM(1 << (CAST(substr(day, 9, 2) AS INTEGER) - 1)),
	MIN(at_ms - (CAST(substr(day, 9, 2) AS BIGINT) - 1) * 86400000),
	MAX(at_ms - (CAST(substr(day, 9, 2) AS BIGINT) - 1) * 86400000),
	MAX(at_ms),
	CASE WHEN COUNT(recorded_at_ms) < COUNT(*) THEN NULL ELSE MIN(recorded_at_ms) END,
	MAX(recorded_at_ms)
FROM checkins GROUP BY town_id, substr(day, 1, 7), userid`

const summaryRows = `SELECT town_id, month, userid, days, anchor_min_ms, anchor_max_ms, last_at_ms,
	first_recorded_at_ms, last_recorded_at_ms FROM checkin_months`

// rowsOf returns the rows of query as sorted text lines.
func rowsOf(t *testing.T, db *sql.DB, query string) []string {
	t.Helper()
	rows, err := db.Query(query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var town, days, amin, amax, last int64
		var month, user string
		var first, lastRec sql.NullInt64
		if err := rows.Scan(&town, &month, &user, &days, &amin, &amax, &last, &first, &lastRec); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprint(town, month, user, days, amin, amax, last, first, lastRec))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// checkSummaries fails unless checkin_months holds what the check-ins sum to,
// and unless PeriodFacts (which reads the summaries) and MemberFacts give
// the check-in days the check-ins themselves give, for periods and as-at
// cuts of every kind.
func checkSummaries(t *testing.T, s *sqldb.DB, townID int64, users []string) {
	t.Helper()
	want, got := rowsOf(t, s.SQL(), summaryFromCheckins), rowsOf(t, s.SQL(), summaryRows)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("checkin_months:\n%s\nwant what the check-ins sum to:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	froms := []string{"2026-09-01 00:00:00.000", "2026-10-01 00:00:00.000", "2026-10-10 00:00:00.000"}
	tos := []string{"2026-10-01 00:00:00.000", "2026-10-05 12:00:00.000", "2026-10-06 10:00:00.001",
		"2026-10-31 23:59:59.999", "2026-11-01 00:00:00.000", "2026-11-01 01:00:00.001", "2026-11-02 09:00:00.000",
		"2026-11-02 09:00:00.001", "2026-12-01 00:00:00.000", "2027-01-01 00:00:00.000"}
	for _, from := range froms {
		for _, to := range tos {
			if !at(from).Before(at(to)) {
				continue
			}
			raw, err := sqldb.RawCheckinDays(s, townID, at(from), at(to), "")
			if err != nil {
				t.Fatal(err)
			}
			var f *gridbot.Facts
			err = s.View(ctx, func(tx gridbot.Tx) (err error) {
				f, err = tx.PeriodFacts(townID, at(from), at(to), scoring.DefaultRules().IssueLookback())
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(f.CheckinDays, raw) {
				t.Errorf("[%s, %s): PeriodFacts gave\n%+v\nthe check-ins give\n%+v", from, to, f.CheckinDays, raw)
			}
			for _, u := range users {
				raw, err := sqldb.RawCheckinDays(s, townID, at(from), at(to), u)
				if err != nil {
					t.Fatal(err)
				}
				err = s.View(ctx, func(tx gridbot.Tx) (err error) {
					f, err = tx.MemberFacts(townID, u, at(from), at(to), scoring.DefaultRules().IssueLookback())
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(f.CheckinDays, raw) {
					t.Errorf("[%s, %s): MemberFacts of %s gave %+v, the check-ins give %+v", from, to, u, f.CheckinDays, raw)
				}
			}
		}
	}
}

// TestCheckinMonthSummaries: the month summaries follow every way check-ins
// are written — one by one, in bulk with duplicates, imported with a day
// only or recorded after the month, with no time of recording, with an
// instant off its day — and PeriodFacts reads the same days from them as
// from the check-ins, as at any instant.
func TestCheckinMonthSummaries(t *testing.T) {
	engines(t, func(t *testing.T, s *sqldb.DB) {
		users := []string{"U1", "U2", "U3", "U4", "U5", "U6"}
		var townID int64
		update := func(fn func(tx gridbot.Tx) error) {
			t.Helper()
			if err := s.Update(ctx, fn); err != nil {
				t.Fatal(err)
			}
		}
		update(func(tx gridbot.Tx) error {
			town, err := tx.CreateTown("滨海镇")
			townID = town.ID
			for _, u := range users {
				if err == nil {
					_, err = tx.SavePerson(gridbot.Person{TownID: townID, UserID: u, Name: u, Role: gridbot.RoleMember, Active: true})
				}
			}
			return err
		})
		check := func(what string) {
			t.Helper()
			t.Run(what, func(t *testing.T) { checkSummaries(t, s, townID, users) })
		}
		rng := rand.New(rand.NewPCG(3, 5))
		first := at("2026-09-20 07:00:00.000")
		// Chat check-ins, one by one, over three months; U5's never recorded.
		update(func(tx gridbot.Tx) error {
			for d := range 60 {
				for _, u := range users[:5] {
					if rng.IntN(3) == 0 {
						continue
					}
					when := first.AddDate(0, 0, d).Add(time.Duration(rng.IntN(12*60)) * time.Minute)
					c := gridbot.Checkin{TownID: townID, UserID: u, At: when, Source: gridbot.SourceChat,
						Record: gridbot.Record{RecordedBy: u, RecordedAt: when.Add(time.Duration(rng.IntN(5)) * time.Second),
							Platform: "wecom", MsgID: fmt.Sprintf("%s-%d", u, d)}}
					if u == "U5" {
						c.RecordedAt = time.Time{}
					}
					if err := tx.AddCheckin(&c); err != nil {
						return err
					}
				}
			}
			// A day already checked in is refused and changes nothing.
			c, err := tx.CheckinOn(townID, "U1", "2026-10-03")
			if err != nil {
				return err
			}
			err = tx.AddCheckin(&gridbot.Checkin{TownID: townID, UserID: "U1", At: c.At.Add(time.Hour), Source: gridbot.SourceChat})
			if gridbot.ErrorCode(err) != gridbot.ECONFLICT {
				return fmt.Errorf("a second check-in of a day: %v", err)
			}
			return nil
		})
		check("one by one")

		// An import after the month: every day of October for U6 and U3,
		// given as days, recorded on November 2; U3's chat days are kept.
		imported := at("2026-11-02 09:00:00.000")
		var cs []gridbot.Checkin
		for d := 1; d <= 31; d++ {
			for _, u := range []string{"U6", "U3"} {
				cs = append(cs, gridbot.Checkin{UserID: u, Day: fmt.Sprintf("2026-10-%02d", d), Source: gridbot.SourceWeCom,
					Record: gridbot.Record{RecordedBy: "O1", RecordedAt: imported, Platform: "import"}})
			}
		}
		cs = append(cs, cs[3], cs[10]) // repeated within the import
		update(func(tx gridbot.Tx) error {
			_, err := tx.AddCheckins(townID, cs)
			return err
		})
		update(func(tx gridbot.Tx) error { // again: nothing added, nothing summed twice
			n, err := tx.AddCheckins(townID, cs)
			if err == nil && n != 0 {
				err = fmt.Errorf("a repeated import added %d", n)
			}
			return err
		})
		check("imported after the month")

		// Instants off their days, with no time of recording: October 5th
		// checked in on the 6th, and October 31st just after the month.
		update(func(tx gridbot.Tx) error {
			_, err := tx.AddCheckins(townID, []gridbot.Checkin{
				{UserID: "U4", Day: "2026-10-05", At: at("2026-10-06 10:00:00.000"), Source: gridbot.SourceImport},
				{UserID: "U4", Day: "2026-10-31", At: at("2026-11-01 01:00:00.000"), Source: gridbot.SourceImport},
				// Times of recording out of order, and none, within a call.
				{UserID: "U2", Day: "2026-11-28", Source: gridbot.SourceImport, Record: gridbot.Record{RecordedAt: at("2026-12-01 10:00:00.000")}},
				{UserID: "U2", Day: "2026-11-29", Source: gridbot.SourceImport, Record: gridbot.Record{RecordedAt: at("2026-12-01 09:00:00.000")}},
				{UserID: "U2", Day: "2026-11-30", Source: gridbot.SourceImport},
				{UserID: "U1", Day: "2026-11-30", Source: gridbot.SourceImport},
				{UserID: "U1", Day: "2026-11-29", Source: gridbot.SourceImport, Record: gridbot.Record{RecordedAt: at("2026-12-01 09:00:00.000")}},
				// A month of U6's first summed within the call: extremes in
				// the middle, one instant off its day.
				{UserID: "U6", Day: "2026-11-04", At: at("2026-11-04 12:00:00.000"), Source: gridbot.SourceImport,
					Record: gridbot.Record{RecordedAt: at("2026-12-01 10:00:00.000")}},
				{UserID: "U6", Day: "2026-11-03", At: at("2026-11-03 08:00:00.000"), Source: gridbot.SourceImport,
					Record: gridbot.Record{RecordedAt: at("2026-12-01 09:00:00.000")}},
				{UserID: "U6", Day: "2026-11-05", At: at("2026-11-06 09:00:00.000"), Source: gridbot.SourceImport,
					Record: gridbot.Record{RecordedAt: at("2026-12-01 11:00:00.000")}},
			})
			return err
		})
		check("instants off their days")

		// An import of many people: the summaries are saved in full batches.
		cs = cs[:0]
		for p := range 1200 {
			cs = append(cs, gridbot.Checkin{UserID: fmt.Sprintf("P%04d", p), At: at("2026-10-20 08:00:00.000").Add(time.Duration(p) * time.Second),
				Source: gridbot.SourceWeCom, Record: gridbot.Record{RecordedAt: imported}})
		}
		update(func(tx gridbot.Tx) error {
			n, err := tx.AddCheckins(townID, cs)
			if err == nil && n != len(cs) {
				err = fmt.Errorf("AddCheckins added %d of %d", n, len(cs))
			}
			return err
		})
		check("many people")
	})
}

// rawEngine opens a bare database of its engine, not yet migrated.
type rawEngine struct {
	name string
	open func(t *testing.T) (*sql.DB, sqldb.Dialect)
}

// atVersion opens e's bare database migrated up to version, for a test that
// stores what a binary of that schema stored and then migrates it: the
// store, its database, and an exec that fails the test on an error.
func (e rawEngine) atVersion(t *testing.T, version int) (*sqldb.DB, *sql.DB, func(string, ...any)) {
	t.Helper()
	db, d := e.open(t)
	t.Cleanup(func() { db.Close() })
	s, err := sqldb.OpenAt(ctx, db, d, version)
	if err != nil {
		t.Fatal(err)
	}
	return s, db, func(query string, args ...any) {
		t.Helper()
		if _, err := db.Exec(query, args...); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
}

// rawEngines open a bare database of each engine, not yet migrated, for the
// tests that store what an older binary stored and then migrate it.
var rawEngines = []rawEngine{
	{"sqlite", func(t *testing.T) (*sql.DB, sqldb.Dialect) {
		db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "old.db")+"?_pragma=foreign_keys(1)")
		if err != nil {
			t.Fatal(err)
		}
		db.SetMaxOpenConns(1)
		return db, sqlite.Dialect
	}},
	{"postgres", func(t *testing.T) (*sql.DB, sqldb.Dialect) {
		db, err := sql.Open("pgx", testkit.PostgresSchemaURL(t))
		if err != nil {
			t.Fatal(err)
		}
		return db, postgres.Dialect
	}},
}

// TestMigrationSummaries: migration 005 sums the check-ins and joins the
// activity participants stored before it, and PeriodFacts then reads them
// as it read them before.
func TestMigrationSummaries(t *testing.T) {
	for _, e := range rawEngines {
		t.Run(e.name, func(t *testing.T) {
			s, _, exec := e.atVersion(t, 4)
			// What a binary of schema 4 stored: check-ins (one recorded
			// after the month, one never, one off its day) and activities.
			exec(`INSERT INTO towns (id, name) VALUES (1, '滨海镇')`)
			exec(`INSERT INTO people (town_id, userid, name, role, party, phone, active) VALUES (1, 'U1', 'U1', 'member', FALSE, '', TRUE)`)
			checkin := `INSERT INTO checkins (town_id, userid, day, at_ms, source, recorded_by, recorded_at_ms, platform)
				VALUES (1, $1, $2, $3, 'chat', $1, $4, 'wecom')`
			for _, c := range []struct {
				user, day, at string
				recorded      any
			}{
				{"U1", "2026-10-01", "2026-10-01 08:00:00.000", at("2026-10-01 08:00:00.000").UnixMilli()},
				{"U1", "2026-10-31", "2026-10-31 23:59:59.999", at("2026-10-31 23:59:59.999").UnixMilli()},
				{"U1", "2026-11-01", "2026-11-01 08:00:00.000", nil},
				{"U2", "2026-10-07", "2026-10-07 09:00:00.000", at("2026-11-02 09:00:00.000").UnixMilli()},
				{"U2", "2026-10-08", "2026-10-08 09:00:00.000", at("2026-10-08 09:00:00.000").UnixMilli()},
				{"U3", "2026-10-05", "2026-10-06 10:00:00.000", nil},
			} {
				exec(checkin, c.user, c.day, at(c.at).UnixMilli(), c.recorded)
			}
			for id, ps := range [][]string{{"U3", "U1", "U2"}, nil, {"U2"}} {
				exec(`INSERT INTO activities (id, town_id, category, content, leader, at_ms, recorded_by, platform)
					VALUES ($1, 1, '宣传政策法规', $2, 'U1', $3, 'U1', 'wecom')`,
					id+1, fmt.Sprint(id), at("2026-10-09 15:00:00.000").Add(time.Duration(id)*time.Hour).UnixMilli())
				for pos, u := range ps {
					exec(`INSERT INTO activity_participants (activity_id, pos, userid) VALUES ($1, $2, $3)`, id+1, pos, u)
				}
			}

			if err := sqldb.Migrate(ctx, s); err != nil {
				t.Fatal(err)
			}
			checkSummaries(t, s, 1, []string{"U1"})
			var acts []string
			err := s.View(ctx, func(tx gridbot.Tx) error {
				f, err := tx.PeriodFacts(1, at("2026-10-01 00:00:00.000"), at("2026-11-01 00:00:00.000"), scoring.DefaultRules().IssueLookback())
				for _, a := range f.Activities {
					acts = append(acts, fmt.Sprint(a.Content, a.Participants, len(a.Participants)))
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if want := []string{"0[U3 U1 U2] 3", "1[] 0", "2[U2] 1"}; !reflect.DeepEqual(acts, want) {
				t.Errorf("activities after the migration: %q, want %q", acts, want)
			}
		})
	}
}

// TestSQLiteSummaryPlans: SQLite reads a month's summaries by their key,
// and the check-ins of the people they do not stand for through index
// checkins_town_month, person by person — not the month's 3M check-ins.
func TestSQLiteSummaryPlans(t *testing.T) {
	s, err := sqlite.Open(filepath.Join(t.TempDir(), "gridbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, tc := range []struct {
		name, query string
		want        []string
	}{
		{"summaries", sqldb.CheckinMonthsQuery, []string{"SEARCH s USING INDEX sqlite_autoindex_checkin_months_1 (town_id=? AND month=?)"}},
		{"the others' check-ins", sqldb.NotSummarizedDays, []string{
			"SEARCH checkins USING COVERING INDEX checkins_town_month (town_id=? AND <expr>=? AND userid=?)",
			"SEARCH s USING INDEX sqlite_autoindex_checkin_months_1 (town_id=? AND month=?)"}},
	} {
		text := queryPlan(t, s.SQL(), tc.query, 1, "2026-10", 0, 0)
		for _, w := range tc.want {
			if !strings.Contains(text, w) || strings.Contains(text, "TEMP B-TREE") {
				t.Errorf("%s: plan %q; want %s and no temporary b-tree", tc.name, text, w)
			}
		}
	}
}
