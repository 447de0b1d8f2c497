package notices_test

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/go-resty/resty/v2"

	"gridbot"
	"gridbot/bot/notify"
	"gridbot/bot/wecom"
	"gridbot/internal/bottest"
	"gridbot/internal/testkit"
	"gridbot/notices"
	"gridbot/scoring"
	"gridbot/storage/kv"
)

// BenchIssuesEnv sets how many open issues BenchmarkDueNotices plans
// notices for (1,000,000 by default; building them takes a minute or two).
const BenchIssuesEnv = "GRIDBOT_BENCH_NOTICE_ISSUES"

var errRollback = errors.New("rollback")

// BenchmarkDueNotices: finding the notices due now among the planned
// notices of 1,000,000 open issues (two each: the next warning and the
// next alert) and 100,000 members (today's check-in nudge, not yet due),
// 100 of them due. It reads the partial index of planned rows by due time.
func BenchmarkDueNotices(b *testing.B) {
	issues := 1_000_000
	if v := os.Getenv(BenchIssuesEnv); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			b.Fatalf("%s=%q", BenchIssuesEnv, v)
		}
		issues = n
	}
	const members, due = 100_000, 100
	for _, engine := range []string{"sqlite", "postgres"} {
		func() {
			var st gridbot.Store = testkit.OpenSQLite(b)
			if engine == "postgres" {
				st = testkit.OpenPostgres(b)
			}
			now := testkit.At("2026-10-15 10:00")
			var townID int64
			start := time.Now()
			err := st.Update(ctx, func(tx gridbot.Tx) error {
				t, err := tx.CreateTown("基准镇")
				townID = t.ID
				if err != nil {
					return err
				}
				batch := make([]gridbot.Scheduled, 0, 10_000)
				flush := func() error {
					_, err := tx.PlanNotices(batch)
					batch = batch[:0]
					return err
				}
				k := 0
				add := func(s gridbot.Scheduled) error {
					s.TownID = townID
					// The first `due` notices are due; the rest later, up to a week on.
					if k < due {
						s.DueAt = now.Add(-time.Duration(k+1) * time.Second)
					} else {
						s.DueAt = now.Add(time.Duration(k%604800+1) * time.Second)
					}
					k++
					batch = append(batch, s)
					if len(batch) == cap(batch) {
						return flush()
					}
					return nil
				}
				for i := 1; i <= issues; i++ {
					ref := "#" + strconv.Itoa(i)
					if err := add(gridbot.Scheduled{Key: "dispatch-warning:" + ref + ":0.75", Kind: gridbot.NoticeDispatchWarning,
						Ref: ref, IssueNo: int64(i), Threshold: 0.75}); err != nil {
						return err
					}
					if err := add(gridbot.Scheduled{Key: "dispatch-overdue:" + ref, Kind: gridbot.NoticeDispatchOverdue,
						Ref: ref, IssueNo: int64(i)}); err != nil {
						return err
					}
				}
				for m := range members {
					u := fmt.Sprintf("M%06d", m)
					if err := add(gridbot.Scheduled{Key: "checkin-nudge:" + u + ":2026-10-15", Kind: gridbot.NoticeCheckinNudge,
						Ref: "2026-10-15", Subject: u}); err != nil {
						return err
					}
				}
				return flush()
			})
			if err != nil {
				b.Fatal(err)
			}
			bottest.Analyze(b, st)
			b.Logf("%s: %d planned notices built in %v", engine, 2*issues+members, time.Since(start).Round(time.Second))
			// Three runs on the one store built (building it is the long part).
			for range 3 {
				b.Run(engine, func(b *testing.B) {
					for range b.N {
						err := st.Update(ctx, func(tx gridbot.Tx) error {
							ns, err := tx.DueNotices(now, notices.DefaultBatch)
							if err != nil {
								return err
							}
							if len(ns) != due {
								return fmt.Errorf("%d due, want %d", len(ns), due)
							}
							return errRollback
						})
						if !errors.Is(err, errRollback) {
							b.Fatal(err)
						}
					}
				})
			}
		}()
	}
}

// BenchmarkCheckinNudge: a 580-member town's 10:30 check-in nudge planned,
// recorded and delivered one-to-one through a fake WeCom app within its
// limits (30 a minute a member); one op is one day's nudge.
func BenchmarkCheckinNudge(b *testing.B) {
	st := testkit.OpenSQLite(b)
	bottest.NewLarge(b, st, 58, 10) // 58 grids of 10: 580 members and leaders
	fake, srv := newFakeWeCom(b)
	k := kv.NewMemory(nil)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	app := &wecom.App{HTTP: resty.New(), BaseURL: srv.URL, CorpID: "ww", Secret: "s", AgentID: 1, Cache: k}
	clock := testkit.NewClock(testkit.At("2026-10-01 10:00"))
	w := notify.New(st, k, notify.Options{WeComBase: srv.URL, Now: clock.Now, Logger: quiet,
		Channels: func(int64) notify.Channels { return notify.Channels{WeComApp: app} }})
	r := &notices.Runner{Store: st, Rules: scoring.DefaultRules(), Notifier: w, Robots: true, Logger: quiet}
	if _, err := r.RunOnce(ctx, clock.Now()); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := range b.N {
		now := testkit.At("2026-10-01 10:30").AddDate(0, 0, i)
		clock.Set(now)
		sent, err := r.RunOnce(ctx, now)
		if err != nil {
			b.Fatal(err)
		}
		w.Flush(ctx)
		if _, err := w.Drain(ctx, 0); err != nil {
			b.Fatal(err)
		}
		if n := len(only(sent, gridbot.NoticeCheckinNudge)); n < 580 {
			b.Fatalf("%d nudges, want 580", n)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(fake.sent)/float64(b.N), "msgs/op")
}
