package bot_test

import (
	"fmt"
	"regexp"
	"slices"
	"sync"
	"testing"
	"time"

	"gridbot"
	"gridbot/bot"
	"gridbot/config"
	"gridbot/internal/bottest"
	"gridbot/internal/testkit"
	"gridbot/results"
)

// The benchmark town: 25 grids of 8, 200 people, five villages, with a
// month of history (September) behind it.
const benchGrids, benchPerGrid = 25, 8

// BenchmarkPipeline sends a mix of 打卡, 上报, 派发, 办结 and 积分 through the
// whole pipeline (parse, authorize, one transaction, render) on SQLite and on
// PostgreSQL (GRIDBOT_TEST_POSTGRES_URL), from 1 and from 8 concurrent
// senders, and reports commands/s and the p50 and p99 latency of a command
// (and of 积分 alone, the heaviest: it settles the member's month from their
// own and their grid's facts, and places them in the town's ranking).
func BenchmarkPipeline(b *testing.B) { benchEngines(b, 5) }

// BenchmarkPipelineWrites is the same mix without 积分: what the recording
// commands alone sustain.
func BenchmarkPipelineWrites(b *testing.B) { benchEngines(b, 4) }

// benchEngines runs the first kinds commands of the mix on each engine.
func benchEngines(b *testing.B, kinds int) {
	engines := []struct {
		name string
		open func(testing.TB) gridbot.Store
	}{
		{"sqlite", func(tb testing.TB) gridbot.Store { return testkit.OpenSQLite(tb) }},
		{"postgres", func(tb testing.TB) gridbot.Store { return testkit.OpenPostgres(tb) }},
	}
	for _, eng := range engines {
		for _, workers := range []int{1, 8} {
			b.Run(fmt.Sprintf("%s/senders=%d", eng.name, workers), func(b *testing.B) {
				st := eng.open(b)
				lt := bottest.NewLarge(b, st, benchGrids, benchPerGrid)
				lt.History(b, "2026-09") // the mix runs in October
				bottest.Analyze(b, st)
				// As serve runs: 积分's places from a ranking reused for
				// GRIDBOT_RANKING_TTL; each member's items stay exact.
				lt.P.Handler.Board = results.NewBoard(config.DefaultRankingTTL)
				benchMix(b, lt, workers, kinds)
			})
		}
	}
}

var issueNoRe = regexp.MustCompile(`问题#(\d+)`)

// sender plays the people of its own grids, so that senders never contend
// for the same person's check-in or issue.
type sender struct {
	lt     *bottest.LargeTown
	w      int
	people [][2]int // (grid, index) of the people it plays
	issue  string   // the number of the issue in flight
	lat    []time.Duration
	points []time.Duration
}

// op sends the k-th command of cycle c: each cycle one person checks in,
// reports an issue, the leader dispatches it to them, they close it and ask
// for their points. A cycle goes through every person once a day.
func (s *sender) op(b *testing.B, c, k int) {
	p := s.people[c%len(s.people)]
	day := c / len(s.people)
	at := time.Date(2026, 10, 1, 6, 0, 0, 0, gridbot.Zone).AddDate(0, 0, day).
		Add(time.Duration(c%len(s.people))*30*time.Second + time.Duration(k)*time.Second)
	from, text := s.lt.MemberOf(p[0], p[1]), ""
	switch k {
	case 0:
		text = "打卡"
	case 1:
		text = "上报 基准问题"
	case 2:
		from, text = s.lt.LeaderOf(p[0]), "派发 #"+s.issue+" @"+s.lt.NameOf(p[0], p[1])
	case 3:
		text = "办结 #" + s.issue + " 已处理"
	case 4:
		text = "积分"
	}
	m := gridbot.Message{Platform: "bench", TownID: s.lt.ID, ChatID: fmt.Sprintf("G-%03d", p[0]), ChatKind: gridbot.ChatGroup,
		SenderID: from, Text: "@网格助手 " + text, MsgID: fmt.Sprintf("b%d-%d-%d", s.w, c, k), At: at}
	if k == 0 {
		m.Location = &gridbot.Location{Lat: s.lt.Lat + 0.001, Lng: s.lt.Lng}
	}
	start := time.Now()
	r := s.lt.P.Process(ctx, m)
	d := time.Since(start)
	if r.Code != bot.OK {
		b.Fatalf("%s %q: %s %q", from, m.Text, r.Code, bottest.Reply(r))
	}
	s.lat = append(s.lat, d)
	switch k {
	case 1:
		s.issue = issueNoRe.FindStringSubmatch(r.Out[0].Text)[1]
	case 4:
		s.points = append(s.points, d)
	}
}

func benchMix(b *testing.B, lt *bottest.LargeTown, workers, kinds int) {
	senders := make([]*sender, workers)
	for w := range senders {
		s := &sender{lt: lt, w: w}
		for g := w; g < lt.Grids; g += workers {
			for i := 1; i < lt.PerGrid; i++ { // members; leaders dispatch
				s.people = append(s.people, [2]int{g, i})
			}
		}
		senders[w] = s
	}
	per := (b.N + workers - 1) / workers
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for _, s := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; n < per; n++ {
				s.op(b, n/kinds, n%kinds)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	var all, points []time.Duration
	for _, s := range senders {
		all = append(all, s.lat...)
		points = append(points, s.points...)
	}
	b.ReportMetric(float64(len(all))/elapsed.Seconds(), "cmds/s")
	b.ReportMetric(ms(quantile(all, 0.50)), "p50_ms")
	b.ReportMetric(ms(quantile(all, 0.99)), "p99_ms")
	if len(points) > 0 {
		b.ReportMetric(ms(quantile(points, 0.99)), "p99_积分_ms")
	}
	b.ReportMetric(0, "ns/op") // per-command time is in p50/p99; ns/op mixes in the senders
}

func quantile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
