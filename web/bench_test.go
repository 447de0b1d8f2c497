package web_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"gridbot"
	"gridbot/bot/server"
	"gridbot/config"
	"gridbot/handlers"
	"gridbot/internal/testkit"
	"gridbot/results"
	"gridbot/scoring"
	"gridbot/web"
)

// BenchmarkWeb serves the villager page, the dashboard's ranking and its
// month of activities of a 580-person town (73 grids of 8, 5 office, a month
// of check-ins, 432 activities, 144 of them with a photo) on SQLite
// over real connections, as an open loop: requests are due at a fixed rate
// (GRIDBOT_BENCH_RATE, default 500/s) for GRIDBOT_BENCH_SECONDS (10) whether
// or not the server keeps up, and latency runs from each request's due time.
// It is a benchmark, not a test: go test ./web -run '^$' -bench Web -benchtime 1x
func BenchmarkWeb(b *testing.B) {
	st := testkit.OpenSQLiteFile(b, b.TempDir()+"/bench.db")
	clock := testkit.NewClock(testkit.At("2026-10-25 10:00"))
	var townID int64
	var token, session string
	err := st.Update(ctx, func(tx gridbot.Tx) error {
		t, err := tx.CreateTown("基准镇")
		if err != nil {
			return err
		}
		townID = t.ID
		d, _ := tx.EnsureDistrict(t.ID, "片区")
		n := 0
		for g := 0; g < 73; g++ {
			v, err := tx.EnsureVillage(t.ID, d.ID, fmt.Sprintf("村%02d", g/4))
			if err != nil {
				return err
			}
			gr, err := tx.EnsureGrid(t.ID, v.ID, fmt.Sprintf("村%02d第%d网格", g/4, g%4+1))
			if err != nil {
				return err
			}
			var people []string
			for k := 0; k < 8 && n < 575; k++ {
				n++
				role := gridbot.RoleMember
				if k == 0 {
					role = gridbot.RoleLeader
				}
				p, err := tx.SavePerson(gridbot.Person{TownID: t.ID, UserID: fmt.Sprintf("U%04d", n), Name: fmt.Sprintf("成员%d", n),
					Role: role, Phone: "13800000000", Active: true})
				if err != nil {
					return err
				}
				if _, err := tx.SetMembership(t.ID, p.ID, gr.ID, role, time.Time{}); err != nil {
					return err
				}
				people = append(people, p.UserID)
				for day := 1; day <= 24; day++ {
					at := time.Date(2026, 10, day, 8, n%50, 0, 0, gridbot.Zone)
					if err := tx.AddCheckin(&gridbot.Checkin{TownID: t.ID, UserID: p.UserID, At: at, Day: gridbot.Day(at),
						Source: "import", Record: gridbot.Record{RecordedBy: "cli", RecordedAt: at}}); err != nil {
						return err
					}
				}
			}
			// Six activities of the grid's in the month (about 430 in all,
			// a busy month), every third with a photo.
			for k := range 6 * min(len(people), 1) {
				at := time.Date(2026, 10, 1+k*4, 15, g%60, 0, 0, gridbot.Zone)
				a := gridbot.Activity{TownID: t.ID, GridID: gr.ID, Category: gridbot.ActivityCategories[k%5], Content: "入户走访，宣传防诈骗知识",
					Leader: people[0], Participants: people, At: at, Record: gridbot.Record{RecordedBy: people[0], RecordedAt: at}}
				if err := tx.AddActivity(&a); err != nil {
					return err
				}
				if k%3 == 0 {
					if err := tx.AddImage(&gridbot.Image{TownID: t.ID, Kind: gridbot.KindActivity, No: a.No, Mime: "image/jpeg",
						Width: 1600, Height: 1200, Data: make([]byte, 200<<10), At: at}); err != nil {
						return err
					}
				}
			}
		}
		for k := 0; k < 5; k++ {
			if _, err := tx.SavePerson(gridbot.Person{TownID: t.ID, UserID: fmt.Sprintf("O%d", k), Name: "党建办", Role: gridbot.RoleOffice, Active: true}); err != nil {
				return err
			}
		}
		links, err := web.EnsureLinks(tx, t.ID, clock.Now())
		if err != nil {
			return err
		}
		for _, l := range links {
			token = l.Token
		}
		session = handlers.NewToken()
		return tx.AddSession(handlers.HashToken(session), gridbot.WebSession{TownID: t.ID, UserID: "O0", CSRF: "x", Expires: clock.Now().Add(time.Hour)})
	})
	if err != nil {
		b.Fatal(err)
	}
	cfg, err := config.LoadServe(func(string) string { return "" })
	if err != nil {
		b.Fatal(err)
	}
	h := handlers.New(scoring.DefaultRules())
	h.Board = results.NewBoard(config.DefaultRankingTTL) // as serve
	srv, err := server.New(cfg, server.Deps{Store: st, Handler: h, Clock: clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	_ = townID
	rate, secs := envInt("GRIDBOT_BENCH_RATE", 500), envInt("GRIDBOT_BENCH_SECONDS", 10)
	// The page of activities is the office's (five people), 432 rows: at
	// its own rate (GRIDBOT_BENCH_ACTIVITIES_RATE, default 20/s).
	for _, c := range []struct {
		name, path string
		rate       int
	}{{"villager", "/v/" + token, rate}, {"ranking", "/office", rate},
		{"activities", "/office/activities", envInt("GRIDBOT_BENCH_ACTIVITIES_RATE", 20)}} {
		b.Run(c.name, func(b *testing.B) {
			rate := c.rate
			for range b.N {
				openLoop(b, hs.URL+c.path, session, rate, 2*time.Second) // warm-up
				r := openLoop(b, hs.URL+c.path, session, rate, time.Duration(secs)*time.Second)
				b.ReportMetric(r.rps, "req/s")
				b.ReportMetric(r.p50, "p50-ms")
				b.ReportMetric(r.p99, "p99-ms")
				b.ReportMetric(float64(r.errors), "errors")
				b.Logf("%s: offered %d/s for %ds: %.0f/s answered, p50 %.1f ms, p99 %.1f ms, max %.1f ms, %d errors",
					c.name, rate, secs, r.rps, r.p50, r.p99, r.max, r.errors)
			}
		})
	}
}

func envInt(k string, def int) int {
	var n int
	if _, err := fmt.Sscan(os.Getenv(k), &n); err == nil && n > 0 {
		return n
	}
	return def
}

type loopResult struct {
	rps, p50, p99, max float64
	errors             int
}

// openLoop GETs u at rate a second for d: each request is due at its own
// time and its latency counts from then (no coordinated omission).
func openLoop(b *testing.B, u, session string, rate int, d time.Duration) loopResult {
	tr := &http.Transport{MaxIdleConnsPerHost: 512, MaxConnsPerHost: 512}
	cl := &http.Client{Transport: tr, Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	defer tr.CloseIdleConnections()
	n := int(d.Seconds() * float64(rate))
	lat := make([]float64, n)
	var errs int
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	for i := range n {
		due := start.Add(time.Duration(i) * time.Second / time.Duration(rate))
		time.Sleep(time.Until(due))
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("GET", u, nil)
			req.AddCookie(&http.Cookie{Name: "gridbot_session", Value: session})
			resp, err := cl.Do(req)
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			lat[i] = float64(time.Since(due).Microseconds()) / 1000
			if err != nil || resp.StatusCode != 200 {
				mu.Lock()
				errs++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	el := time.Since(start).Seconds()
	slices.Sort(lat)
	return loopResult{rps: float64(n) / el, p50: lat[n/2], p99: lat[n*99/100], max: lat[n-1], errors: errs}
}
