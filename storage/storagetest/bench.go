package storagetest

import (
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"gridbot"
)

// Bench imports a synthetic roster and a month of check-ins (SizeFromEnv:
// GRIDBOT_BENCH_PEOPLE, GRIDBOT_BENCH_CHECKINS) through the Tx methods, as
// `gridbot import` does (one transaction per import), and then times
// PeriodFacts and CountCheckins over that month. Each import iteration
// writes a town of its own, so repeated iterations measure the same work.
// Settling the whole month is results' BenchmarkSettleMonth.
func Bench(b *testing.B, s gridbot.Store) {
	z := SizeFromEnv(b)
	var towns []int64 // towns with a roster and no check-ins yet
	var loaded int64  // a town with both

	b.Run(fmt.Sprintf("ImportRoster/people=%d", z.People), func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			towns = append(towns, benchRoster(b, s, z))
		}
		b.ReportMetric(float64(z.People)*float64(b.N)/b.Elapsed().Seconds(), "people/s")
	})
	b.Run(fmt.Sprintf("ImportCheckins/checkins=%d", z.Checkins), func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			if len(towns) == 0 {
				towns = append(towns, benchRoster(b, s, z))
			}
			loaded, towns = towns[0], towns[1:]
			b.StartTimer()
			for _, imported := range []bool{false, true} {
				if err := s.Update(ctx, func(tx gridbot.Tx) error { return loadCheckins(tx, loaded, z, imported) }); err != nil {
					b.Fatalf("import check-ins: %v", err)
				}
			}
		}
		b.ReportMetric(float64(z.Checkins)*float64(b.N)/b.Elapsed().Seconds(), "checkins/s")
	})
	if loaded == 0 {
		return // the import failed
	}
	from, to := BenchMonth, BenchMonth.AddDate(0, 1, 0)
	b.Run("PeriodFacts", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			err := s.View(ctx, func(tx gridbot.Tx) error {
				f, err := tx.PeriodFacts(loaded, from, to, lookback)
				if err == nil && (CheckinCount(f) != z.Checkins || len(f.People) != z.People) {
					err = fmt.Errorf("PeriodFacts: %d check-ins and %d people, want %d and %d", CheckinCount(f), len(f.People), z.Checkins, z.People)
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
				if err == nil && n != z.Checkins {
					err = fmt.Errorf("CountCheckins = %d, want %d", n, z.Checkins)
				}
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}

// benchRoster imports a town of z.People people in one transaction.
func benchRoster(b *testing.B, s gridbot.Store, z Size) int64 {
	var townID int64
	err := s.Update(ctx, func(tx gridbot.Tx) error {
		town, err := tx.CreateTown(fmt.Sprintf("镇%d", time.Now().UnixNano()))
		if err != nil {
			return err
		}
		townID = town.ID
		return loadRoster(tx, townID, z)
	})
	if err != nil {
		b.Fatalf("import roster: %v", err)
	}
	return townID
}

func envInt(tb testing.TB, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		tb.Fatalf("%s=%q: want a positive number", name, v)
	}
	return n
}
