package notices_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
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

// fakeWeCom is WeCom's API as the notifier uses it: gettoken, the self-built
// app's message/send and the group robots' webhook/send. It counts every
// message by destination ("app:U101", "robot:KEY") and content.
type fakeWeCom struct {
	mu   sync.Mutex
	got  map[string]map[string]int
	sent int
}

func newFakeWeCom(t testing.TB) (*fakeWeCom, *httptest.Server) {
	f := &fakeWeCom{got: map[string]map[string]int{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeWeCom) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body struct {
		ToUser   string                   `json:"touser"`
		Text     struct{ Content string } `json:"text"`
		Markdown struct{ Content string } `json:"markdown"`
	}
	raw, _ := io.ReadAll(r.Body)
	switch r.URL.Path {
	case "/cgi-bin/gettoken":
		io.WriteString(w, `{"errcode":0,"errmsg":"ok","access_token":"tok","expires_in":7200}`)
		return
	case "/cgi-bin/message/send", "/cgi-bin/webhook/send":
	default:
		http.NotFound(w, r)
		return
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	dest := "app:" + body.ToUser
	if r.URL.Path == "/cgi-bin/webhook/send" {
		dest = "robot:" + r.URL.Query().Get("key")
	}
	content := body.Text.Content + body.Markdown.Content
	f.mu.Lock()
	if f.got[dest] == nil {
		f.got[dest] = map[string]int{}
	}
	f.got[dest][content]++
	f.sent++
	f.mu.Unlock()
	io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
}

// containing counts the messages to dest whose content holds text.
func (f *fakeWeCom) containing(dest, text string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for c, k := range f.got[dest] {
		if strings.Contains(c, text) {
			n += k
		}
	}
	return n
}

// replica is one service instance's scheduler and notifier.
type replica struct {
	w *notify.Worker
	r *notices.Runner
}

// crashed is a notifier whose process dies right after its transaction
// commits: the jobs stay queued, leased to it, and are never delivered by it.
type crashed struct{ *notify.Worker }

func (crashed) Deliver(context.Context, []gridbot.OutboundJob) {}

// runLimiter keeps one run's pacing apart from every other test's on the
// shared Redis: a town's id starts at 1 in each test's schema, so the app's
// counter "wecom-app:1:U102" was shared with other packages' tests and with
// the runs before it in the same minute, and its members' notices were held
// for the next minute, after the test had ended.
type runLimiter struct {
	kv.Limiter
	run string
}

func (l runLimiter) Allow(ctx context.Context, key string, limit int, window time.Duration) (bool, time.Duration, error) {
	return l.Limiter.Allow(ctx, l.run+":"+key, limit, window)
}

// TestReplicasMonth: two replicas on one PostgreSQL and one Redis, driven
// through October 2026 by one fake clock against a fake WeCom: every notice
// is delivered exactly once, also when one replica dies mid-month with jobs
// leased to it and comes back days later.
func TestReplicasMonth(t *testing.T) {
	st := testkit.OpenPostgres(t)
	k, err := kv.Open(testkit.RedisURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { k.Close() })
	fake, srv := newFakeWeCom(t)
	tw := bottest.NewNamed(t, st, "双副本镇-"+fmt.Sprint(time.Now().UnixNano()))
	clock := testkit.NewClock(testkit.At("2026-10-01 00:00"))
	rules := scoring.DefaultRules()
	keys := map[string]string{} // group name -> robot key
	run := fmt.Sprint(time.Now().UnixNano())
	var hooks []gridbot.Webhook
	for _, g := range []string{"滨海村一网格", "滨海村二网格", "东海村二网格"} {
		keys[g] = "k-" + g + "-" + run
		hooks = append(hooks, gridbot.Webhook{Scope: gridbot.ScopeGrid, Name: g, Platform: gridbot.PlatformWeCom, Key: keys[g]})
	}
	keys[gridbot.ScopeTown] = "k-town-" + run
	hooks = append(hooks, gridbot.Webhook{Scope: gridbot.ScopeTown, Platform: gridbot.PlatformWeCom, Key: keys[gridbot.ScopeTown]})
	// Members check in on two days of three, leaders every day, so that
	// nobody gets more than the app's 30 a minute while the month runs in
	// seconds of real time (the limiter is Redis's, on its own clock).
	var cs []gridbot.Checkin
	for d := 1; d <= 31; d++ {
		for _, u := range []string{bottest.Leader1, bottest.Leader2, bottest.Leader3} {
			cs = append(cs, gridbot.Checkin{TownID: tw.ID, UserID: u, Day: fmt.Sprintf("2026-10-%02d", d), Source: "import"})
		}
		if d%3 == 0 {
			continue
		}
		for _, u := range []string{bottest.Member1, bottest.ZhangWei1, bottest.Member1b,
			bottest.WangFang2, bottest.Member2, bottest.LinXY2, bottest.ZhangWei3, bottest.WangFang3} {
			cs = append(cs, gridbot.Checkin{TownID: tw.ID, UserID: u, Day: fmt.Sprintf("2026-10-%02d", d), Source: "import"})
		}
	}
	if err := st.Update(ctx, func(tx gridbot.Tx) error {
		if _, err := tx.AddCheckins(tw.ID, cs); err != nil {
			return err
		}
		return tx.ReplaceWebhooks(tw.ID, hooks, clock.Now())
	}); err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	newReplica := func() *replica {
		app := &wecom.App{HTTP: resty.New(), BaseURL: srv.URL, CorpID: "ww-" + run, Secret: "s", AgentID: 1, Cache: k}
		w := notify.New(st, runLimiter{k, run}, notify.Options{WeComBase: srv.URL, Now: clock.Now, Logger: quiet,
			Channels: func(int64) notify.Channels { return notify.Channels{WeComApp: app} }})
		return &replica{w: w, r: &notices.Runner{Store: st, Rules: rules, Notifier: w, Robots: true, Logger: quiet}}
	}
	a, b := newReplica(), newReplica()
	// The month's chat: issues reported, some dispatched, some closed.
	script := map[string][][2]string{}
	for d := 1; d <= 24; d += 6 {
		day := fmt.Sprintf("2026-10-%02d", d)
		script[day+" 09:00"] = append(script[day+" 09:00"], [2]string{bottest.Member1, "上报 路灯" + day})
		script[day+" 15:00"] = append(script[day+" 15:00"], [2]string{bottest.Member2, "上报 垃圾" + day})
		script[day+" 23:00"] = append(script[day+" 23:00"], [2]string{bottest.ZhangWei3, "上报 护栏" + day})
	}
	dispatches := map[string][2]string{}
	var events []string
	for at := range script {
		events = append(events, at)
	}
	// Each round: the chat due by now, then both replicas at once.
	round := func(now time.Time, reps ...*replica) {
		clock.Set(now)
		for _, e := range events {
			if at := testkit.At(e); !at.After(now) && at.After(now.Add(-time.Hour)) {
				for _, m := range script[e] {
					tw.Must(e, m[0], m[1])
				}
			}
		}
		if d, ok := dispatches[now.Format("2006-01-02 15:04")]; ok {
			tw.Must(now.Format("2006-01-02 15:04"), d[0], d[1])
		}
		var wg sync.WaitGroup
		for _, r := range reps {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := r.r.RunOnce(ctx, now); err != nil {
					t.Error(err)
				}
				// The marks of what Deliver sent are written within 20 ms;
				// the fake clock would outrun them.
				r.w.Flush(ctx)
				if _, err := r.w.Drain(ctx, 0); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
	}
	// Issue numbers follow the script: #1 (Member1, 10-01 09:00) ... dispatch
	// a few, late and in time.
	dispatches["2026-10-01 12:00"] = [2]string{bottest.Leader1, "派发 #1 @王海"}
	dispatches["2026-10-02 10:00"] = [2]string{bottest.Leader2, "派发 #2 @赵丽"}
	dispatches["2026-10-08 20:00"] = [2]string{bottest.Leader1, "派发 #4 @王海"}
	crashAt, backAt := testkit.At("2026-10-12 11:00"), testkit.At("2026-10-15 08:00")
	for now := testkit.At("2026-10-01 00:00"); now.Before(testkit.At("2026-11-01 12:00")); now = now.Add(time.Hour) {
		switch {
		case now.Before(crashAt):
			round(now, a, b)
		case now.Equal(crashAt):
			// b commits its notices and dies before sending them.
			b.r.Notifier = crashed{b.w}
			clock.Set(now)
			sent, err := b.r.RunOnce(ctx, now)
			if err != nil {
				t.Fatal(err)
			}
			var left []gridbot.OutboundJob
			tw.View(func(tx gridbot.Tx) error {
				left, err = tx.Jobs(tw.ID, gridbot.JobPending)
				return err
			})
			if len(sent) == 0 || len(left) == 0 {
				t.Fatalf("the crash left %d notices' %d jobs leased to the dead replica; want some", len(sent), len(left))
			}
			round(now, a)
		case now.Before(backAt):
			round(now, a)
		case now.Equal(backAt):
			b = newReplica() // restarted: a new process
			round(now, a, b)
		default:
			round(now, a, b)
		}
	}
	// After the leases have run out, nothing is left.
	round(testkit.At("2026-11-01 13:00"), a, b)

	var rows []gridbot.Scheduled
	var pending []gridbot.OutboundJob
	tw.View(func(tx gridbot.Tx) error {
		var err error
		if rows, err = tx.ScheduledNotices(tw.ID, ""); err != nil {
			return err
		}
		pending, err = tx.Jobs(tw.ID, gridbot.JobPending)
		return err
	})
	if len(pending) > 0 {
		t.Errorf("%d jobs still pending", len(pending))
	}
	office := map[string]bool{bottest.Office: true}
	kinds, checked := map[string]int{}, 0
	for _, n := range rows {
		if n.State == gridbot.NoticePlanned && !n.DueAt.After(testkit.At("2026-11-01 12:00")) {
			t.Errorf("%s still planned", n.Key)
		}
		if n.State != gridbot.NoticeSent {
			continue
		}
		kinds[n.Kind]++
		var dests []string
		inTown := strings.Contains(n.Via, "group:"+gridbot.ScopeTown)
		for _, v := range strings.Split(n.Via, ",") {
			if name, ok := strings.CutPrefix(v, "group:"); ok {
				dests = append(dests, "robot:"+keys[name])
			}
		}
		if strings.Contains(n.Via, "dm") {
			for _, u := range n.To {
				if !(inTown && office[u]) && !(n.Kind == gridbot.NoticeWeeklyQuota) {
					dests = append(dests, "app:"+u)
				}
			}
		}
		for _, d := range dests {
			if c := fake.containing(d, n.Text); c != 1 {
				t.Errorf("%s to %s: delivered %d times, want once", n.Key, d, c)
			}
			checked++
		}
	}
	fake.mu.Lock()
	for d, m := range fake.got {
		for c, k := range m {
			if k != 1 {
				t.Errorf("%s got the same message %d times: %.60s", d, k, c)
			}
		}
	}
	fake.mu.Unlock()
	for _, kind := range []string{gridbot.NoticeDispatchWarning, gridbot.NoticeDispatchOverdue, gridbot.NoticeDispatchOverdue7d,
		gridbot.NoticeCloseWarning, gridbot.NoticeCloseOverdue, gridbot.NoticeDeliberationEve, gridbot.NoticeDeliberationDay,
		gridbot.NoticeWeeklyQuota, gridbot.NoticeCheckinNudge, gridbot.NoticeMonthDraft} {
		if kinds[kind] == 0 {
			t.Errorf("no %s sent in the month", kind)
		}
	}
	t.Logf("%d notices sent (%v), %d deliveries checked, %d messages", len(rows), kinds, checked, fake.sent)
}
