package storagetest

import (
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"gridbot"
)

// Benchmark sizes, from the environment: a town of GRIDBOT_BENCH_PEOPLE
// people (default 100,000) and a month of GRIDBOT_BENCH_CHECKINS check-ins
// (default 3,000,000, a check-in a day for almost everyone). Smaller numbers
// make a quick run: GRIDBOT_BENCH_PEOPLE=2000 GRIDBOT_BENCH_CHECKINS=50000.
const (
	BenchPeopleEnv   = "GRIDBOT_BENCH_PEOPLE"
	BenchCheckinsEnv = "GRIDBOT_BENCH_CHECKINS"
)

// benchMonth is the month of the benchmark's check-ins.
var benchMonth = at("2026-10-01 00:00:00.000")

// Bench imports a synthetic roster and a month of check-ins through the Tx
// methods, as `gridbot import` does (one transaction per import), and then
// times PeriodFacts and CountCheckins over that month. Each import iteration
// writes a town of its own, so repeated iterations measure the same work.
func Bench(b *testing.B, s gridbot.Store) {
	people, checkins := envInt(b, BenchPeopleEnv, 100_000), envInt(b, BenchCheckinsEnv, 3_000_000)
	if maxCheckins := people * 31; checkins > maxCheckins {
		checkins = maxCheckins // one a person-day
	}
	var towns []int64 // towns with a roster and no check-ins yet
	var loaded int64  // a town with both

	b.Run(fmt.Sprintf("ImportRoster/people=%d", people), func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			towns = append(towns, benchRoster(b, s, people))
		}
		b.ReportMetric(float64(people)*float64(b.N)/b.Elapsed().Seconds(), "people/s")
	})
	b.Run(fmt.Sprintf("ImportCheckins/checkins=%d", checkins), func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			if len(towns) == 0 {
				towns = append(towns, benchRoster(b, s, people))
			}
			loaded, towns = towns[0], towns[1:]
			b.StartTimer()
			benchCheckins(b, s, loaded, people, checkins)
		}
		b.ReportMetric(float64(checkins)*float64(b.N)/b.Elapsed().Seconds(), "checkins/s")
	})
	if loaded == 0 {
		return // the import failed
	}
	from, to := benchMonth, benchMonth.AddDate(0, 1, 0)
	b.Run("PeriodFacts", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			err := s.View(ctx, func(tx gridbot.Tx) error {
				f, err := tx.PeriodFacts(loaded, from, to)
				if err == nil && (len(f.Checkins) != checkins || len(f.People) != people) {
					err = fmt.Errorf("PeriodFacts: %d check-ins and %d people, want %d and %d", len(f.Checkins), len(f.People), checkins, people)
				}
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("CountCheckins", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			err := s.View(ctx, func(tx gridbot.Tx) error {
				n, err := tx.CountCheckins(loaded, from, to)
				if err == nil && n != checkins {
					err = fmt.Errorf("CountCheckins = %d, want %d", n, checkins)
				}
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}

func envInt(b *testing.B, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		b.Fatalf("%s=%q: want a positive number", name, v)
	}
	return n
}

// benchRoster imports a town of n people in one transaction: grids of 7 (a
// leader and 6 members), 4 grids a village, 10 villages a district.
func benchRoster(b *testing.B, s gridbot.Store, n int) int64 {
	var townID int64
	err := s.Update(ctx, func(tx gridbot.Tx) error {
		town, err := tx.CreateTown(fmt.Sprintf("镇%d", time.Now().UnixNano()))
		if err != nil {
			return err
		}
		townID = town.ID
		var grid gridbot.Grid
		var village gridbot.Village
		var district gridbot.District
		for i := range n {
			g := i / 7
			if i%7 == 0 {
				if g%40 == 0 {
					if district, err = tx.EnsureDistrict(townID, fmt.Sprintf("管理区%d", g/40)); err != nil {
						return err
					}
				}
				if g%4 == 0 {
					if village, err = tx.EnsureVillage(townID, district.ID, fmt.Sprintf("村%d", g/4)); err != nil {
						return err
					}
				}
				if grid, err = tx.EnsureGrid(townID, village.ID, fmt.Sprintf("村%d网格%d", g/4, g%4+1)); err != nil {
					return err
				}
			}
			role := gridbot.RoleMember
			if i%7 == 0 {
				role = gridbot.RoleLeader
			}
			p, err := tx.SavePerson(gridbot.Person{TownID: townID, UserID: fmt.Sprintf("U%07d", i), Name: fmt.Sprintf("成员%d", i),
				Role: role, Party: i%3 == 0, Phone: "13800000000", Active: true})
			if err != nil {
				return err
			}
			if _, err := tx.SetMembership(townID, p.ID, grid.ID, role, time.Time{}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatalf("import roster: %v", err)
	}
	return townID
}

// benchCheckins imports n check-ins of the month into the town in one
// transaction, person by person each day, 50,000 at a call.
func benchCheckins(b *testing.B, s gridbot.Store, townID int64, people, n int) {
	const chunk = 50_000
	err := s.Update(ctx, func(tx gridbot.Tx) error {
		cs := make([]gridbot.Checkin, 0, chunk)
		for start := 0; start < n; start += chunk {
			cs = cs[:0]
			for i := start; i < min(start+chunk, n); i++ {
				day := benchMonth.AddDate(0, 0, i/people)
				cs = append(cs, gridbot.Checkin{UserID: fmt.Sprintf("U%07d", i%people),
					At: day.Add(7*time.Hour + time.Duration(i%300)*time.Minute), Source: gridbot.SourceImport,
					Record: gridbot.Record{RecordedBy: "import", Platform: "import"}})
			}
			added, err := tx.AddCheckins(townID, cs)
			if err != nil {
				return err
			}
			if added != len(cs) {
				return fmt.Errorf("AddCheckins added %d of %d", added, len(cs))
			}
		}
		return nil
	})
	if err != nil {
		b.Fatalf("import check-ins: %v", err)
	}
}
