package results

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gridbot"
	"gridbot/scoring"
	"gridbot/storage/storagetest"
)

// BenchmarkSettleMonth is issue 3's benchmark: settling a month of a
// synthetic town — 100,000 people in 10,000 grids, ~3M check-ins, 300k
// activities, 200k issues (storagetest.SizeFromEnv; GRIDBOT_BENCH_* make it
// smaller) — on SQLite and on PostgreSQL. Each engine's town is built once
// (minutes; GRIDBOT_BENCH_SQLITE and GRIDBOT_BENCH_POSTGRES_SCHEMA keep it
// for the next run). It reports, per settlement, the time spent reading the
// facts (query-s) and scoring them (score-s), their sum (total-s), the peak
// resident memory of the process (peak-rss-MiB, the kernel's high-water mark
// reset before the loop) and of Go's heap (peak-heap-MiB), next to a plain
// SELECT count(*) of the month's check-ins (count-s).
//
//	GRIDBOT_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test?sslmode=disable \
//	go test ./results/ -run '^$' -bench SettleMonth -benchtime 3x -timeout 60m
func BenchmarkSettleMonth(b *testing.B) {
	z := storagetest.SizeFromEnv(b)
	engines := []struct {
		name string
		open func(testing.TB) gridbot.Store
	}{{"sqlite", storagetest.BenchSQLite}, {"postgres", storagetest.BenchPostgres}}
	for _, e := range engines {
		b.Run(e.name, func(b *testing.B) {
			s := e.open(b)
			benchSettle(b, s, storagetest.Town(b, s, z), z)
		})
	}
}

func benchSettle(b *testing.B, s gridbot.Store, town int64, z storagetest.Size) {
	ctx := context.Background()
	rules := scoring.DefaultRules()
	month := gridbot.Month(storagetest.BenchMonth)
	from, to, _ := scoring.MonthBounds(month)
	at := storagetest.Imported.Add(24 * time.Hour) // publishing, after the import
	var query, score time.Duration
	var members, days int // of the last settlement, whose result is not kept
	peak := startPeak(b)
	for b.Loop() {
		err := s.View(ctx, func(tx gridbot.Tx) error {
			t0 := time.Now()
			f, err := monthFacts(tx, town, rules, from, to, at)
			if err != nil {
				return err
			}
			t1 := time.Now()
			res := scoring.Month(f, rules, month, at)
			query, score = query+t1.Sub(t0), score+time.Since(t1)
			members, days = len(res.Members), 0
			for _, m := range res.Members {
				days += m.CheckinDays
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	rss, heap := peak.stop()
	n := b.N

	var count time.Duration
	for range n {
		err := s.View(ctx, func(tx gridbot.Tx) error {
			t0 := time.Now()
			c, err := tx.CountCheckins(town, from, to)
			count += time.Since(t0)
			if err == nil && c != z.Checkins {
				err = fmt.Errorf("count(*) = %d, want %d", c, z.Checkins)
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}

	if members != z.People || days != z.Checkins {
		b.Fatalf("settled %d members with %d check-in days, want %d and %d", members, days, z.People, z.Checkins)
	}
	sec := func(d time.Duration) float64 { return d.Seconds() / float64(n) }
	b.ReportMetric(sec(query), "query-s/op")
	b.ReportMetric(sec(score), "score-s/op")
	b.ReportMetric(sec(query+score), "total-s/op")
	b.ReportMetric(sec(count), "count-s/op")
	b.ReportMetric(rss, "peak-rss-MiB")
	b.ReportMetric(heap, "peak-heap-MiB")
	b.Logf("%s, %d people, %d check-ins: query %.2f s + scoring %.2f s = %.2f s, peak RSS %.0f MiB (Go heap %.0f MiB); SELECT count(*) %.2f s",
		s.Engine(), z.People, z.Checkins, sec(query), sec(score), sec(query+score), rss, heap, sec(count))
}

// peak watches the process's memory from startPeak to stop.
type peak struct {
	b       *testing.B
	done    chan struct{}
	wg      sync.WaitGroup
	maxHeap uint64
}

// startPeak returns the memory taken before to the OS and resets the
// kernel's high-water mark of resident memory (VmHWM), then samples Go's
// heap every millisecond.
func startPeak(b *testing.B) *peak {
	runtime.GC()
	debug.FreeOSMemory()
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		b.Logf("cannot reset the peak resident memory (%v): it includes the town's loading", err)
	}
	p := &peak{b: b, done: make(chan struct{})}
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			p.maxHeap = max(p.maxHeap, sample[0].Value.Uint64())
			select {
			case <-p.done:
				return
			case <-t.C:
			}
		}
	}()
	return p
}

// stop returns the peaks of resident memory and of Go's heap, in MiB.
func (p *peak) stop() (rss, heap float64) {
	close(p.done)
	p.wg.Wait()
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		p.b.Logf("no peak resident memory: %v", err)
	}
	for line := range strings.Lines(string(status)) {
		if f := strings.Fields(line); len(f) == 3 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			rss = kb / 1024
		}
	}
	return rss, float64(p.maxHeap) / (1 << 20)
}
