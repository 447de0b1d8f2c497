package importer

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"gridbot"
	"gridbot/scoring"
	"gridbot/storage/sqlite"
)

// openStore opens a fresh SQLite store with one town and returns the town's id.
func openStore(t testing.TB) (gridbot.Store, int64) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "gridbot.db"))
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	var town gridbot.Town
	if err := st.Update(ctx, func(tx gridbot.Tx) error {
		town, err = tx.CreateTown("海风镇")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return st, town.ID
}

// oct is the month the example files are about.
var (
	octFrom = time.Date(2026, 10, 1, 0, 0, 0, 0, gridbot.Zone)
	octTo   = time.Date(2026, 11, 1, 0, 0, 0, 0, gridbot.Zone)
)

// counts is what a failed import must leave untouched.
type counts struct {
	People, Active, Memberships, Grids, Villages, Checkpoints, Checkins, BasePoints int
}

func snapshot(t testing.TB, st gridbot.Store, townID int64) counts {
	t.Helper()
	var c counts
	err := st.View(context.Background(), func(tx gridbot.Tx) error {
		people, err := tx.People(townID)
		if err != nil {
			return err
		}
		c.People = len(people)
		for _, p := range people {
			if p.Active {
				c.Active++
			}
		}
		ms, err := tx.Memberships(townID)
		if err != nil {
			return err
		}
		c.Memberships = len(ms)
		gs, err := tx.Grids(townID)
		if err != nil {
			return err
		}
		c.Grids = len(gs)
		vs, err := tx.Villages(townID)
		if err != nil {
			return err
		}
		c.Villages = len(vs)
		cps, err := tx.Checkpoints(townID)
		if err != nil {
			return err
		}
		c.Checkpoints = len(cps)
		if c.Checkins, err = tx.CountCheckins(townID, octFrom.AddDate(-1, 0, 0), octTo.AddDate(1, 0, 0)); err != nil {
			return err
		}
		f, err := tx.PeriodFacts(townID, octFrom, octTo, scoring.DefaultRules().IssueLookback())
		if err != nil {
			return err
		}
		c.BasePoints = len(f.BasePoints)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// people returns the town's people by user id.
func people(t testing.TB, st gridbot.Store, townID int64) map[string]gridbot.Person {
	t.Helper()
	var m map[string]gridbot.Person
	if err := st.View(context.Background(), func(tx gridbot.Tx) (err error) {
		m, err = peopleByUserID(tx, townID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return m
}

// example is the path of an example file.
func example(name string) string { return filepath.Join("..", "examples", name) }

// importExamples imports the roster, check-in points, base points and
// check-ins of the example town.
func importExamples(t testing.TB, st gridbot.Store, townID int64) {
	t.Helper()
	ctx := context.Background()
	rep, err := Roster(ctx, st, townID, example("roster.csv"), time.Time{}, Options{})
	if err != nil {
		t.Fatalf("roster: %v", err)
	}
	if len(rep.Warnings) != 0 {
		t.Errorf("the example roster must import without warnings: %v", rep.Warnings)
	}
	if _, err := Checkpoints(ctx, st, townID, example("checkpoints.csv"), Options{}); err != nil {
		t.Fatalf("checkpoints: %v", err)
	}
	if _, err := BasePoints(ctx, st, townID, "2026-10", example("base-points-2026-10.csv"), Options{}); err != nil {
		t.Fatalf("base points: %v", err)
	}
	if _, err := Checkins(ctx, st, townID, example("checkins-2026-10.csv"), octTo, Options{}); err != nil {
		t.Fatalf("checkins: %v", err)
	}
}
