// Package faulttest drives two `gridbot serve` replicas from outside, as
// WeCom would, on a PostgreSQL and a Redis of the test's own, and breaks
// things on the way: kill -9 of a replica, Redis restarted empty,
// PostgreSQL stopped for 10 s (with and without a replica killed while it
// journals), and a reply endpoint refusing 10% of first attempts. Every
// callback is delivered one to four times to either replica. It asserts
// that every acknowledged message is stored exactly once and answered
// exactly once, and prints what happened per fault.
//
// Short form (default, about two minutes): go test ./faulttest
// Long form: GRIDBOT_FAULT_LONG=30m go test ./faulttest -timeout 40m -v
package faulttest

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"gridbot"
)

// Rate is the messages a second offered (each delivered 1–4 times).
const Rate = 20

type sender struct{ user, chat string }

func senders(t *testing.T) []sender {
	f, err := os.Open("../examples/roster.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []sender
	for _, r := range rows[1:] {
		if r[2] == "网格员" || r[2] == "网格长" {
			out = append(out, sender{r[0], "chat-" + r[3]})
		}
	}
	return out
}

// msg is one message of the run and what became of its deliveries.
type msg struct {
	id, phase  string
	grid, user string       // the sender's grid (roster) and user id
	rm         robotMessage // what the platform delivers, every time alike
	sent       time.Time
	deliveries atomic.Int32
	acked      atomic.Bool
	failures   sync.Map // status → count
}

// phase is one stretch of the run with its fault.
type phase struct {
	name  string
	dur   time.Duration
	fault func(h *harness) // run in the background at the phase's start
	late  bool             // also re-deliver messages acknowledged earlier (late platform retries)
	// announce is how many past months are published at the phase's start
	// (an announcement each to the town's robot).
	announce int
}

type harness struct {
	t        *testing.T
	pg       *postgres
	rd       *redis
	replicas []*replica
	sink     *sink
	client   *http.Client
	senders  []sender

	mu    sync.Mutex
	msgs  []*msg
	notes map[string][]string
	wg    sync.WaitGroup
	seq   atomic.Int64
	lateN atomic.Int64

	// Notices (notices_test.go).
	bin        string
	env        []string // for gridbot commands on the test's store
	plat       *platform
	grids      map[string]*gridPeople
	disp       []*dispatch
	dispatched map[string]bool // message ids whose issue was dispatched
	published  map[string]publication
	monthsBack int
	pgDown     [][2]time.Time
	kills      []kill
}

func (h *harness) note(ph, s string) {
	h.mu.Lock()
	h.notes[ph] = append(h.notes[ph], s)
	h.mu.Unlock()
}

// fire sends one new message: 1–4 deliveries to either replica, and, when
// none was answered 200, up to three more (WeCom's retries), a second apart.
func (h *harness) fire(ph string) {
	n := h.seq.Add(1)
	s := h.senders[randn(len(h.senders))]
	m := &msg{id: fmt.Sprintf("F%06d", n), phase: ph, grid: strings.TrimPrefix(s.chat, "chat-"), user: s.user, sent: time.Now()}
	rm := robotMessage{MsgID: "fault-" + m.id, AIBotID: "aibot", ChatID: s.chat, ChatType: "group", MsgType: "text",
		ResponseURL: h.sink.url(m.id)}
	rm.From.UserID = s.user
	rm.Text.Content = "@网格助手 上报 " + m.id + " 故障演练：路灯不亮"
	m.rm = rm
	h.mu.Lock()
	h.msgs = append(h.msgs, m)
	h.mu.Unlock()
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		k := 1 + randn(4)
		for i := 0; i < k || (!m.acked.Load() && i < k+3); i++ {
			if i > 0 {
				if m.acked.Load() {
					time.Sleep(time.Duration(randn(1500)) * time.Millisecond)
				} else {
					time.Sleep(time.Second)
				}
			}
			rp := h.replicas[randn(len(h.replicas))]
			m.deliveries.Add(1)
			ok, why := deliver(h.client, rp.url(), rm)
			if ok {
				m.acked.Store(true)
			} else {
				v, _ := m.failures.LoadOrStore(why, new(atomic.Int32))
				v.(*atomic.Int32).Add(1)
			}
		}
	}()
}

// late re-delivers a message acknowledged earlier: it must change nothing.
func (h *harness) late() {
	h.mu.Lock()
	var old *msg
	for i := 0; i < 5 && len(h.msgs) > 50; i++ {
		if c := h.msgs[randn(len(h.msgs)-50)]; c.acked.Load() {
			old = c
			break
		}
	}
	h.mu.Unlock()
	if old == nil {
		return
	}
	h.lateN.Add(1)
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		deliver(h.client, h.replicas[randn(len(h.replicas))].url(), old.rm)
	}()
}

func (h *harness) runPhase(p phase) {
	h.t.Logf("phase %q (%s)", p.name, p.dur)
	for i := 0; i < p.announce; i++ {
		h.publish(p.name)
	}
	done := make(chan struct{})
	if p.fault != nil {
		go func() { defer close(done); p.fault(h) }()
	} else {
		close(done)
	}
	tick := time.NewTicker(time.Second / Rate)
	defer tick.Stop()
	end := time.Now().Add(p.dur)
	for time.Now().Before(end) {
		<-tick.C
		h.fire(p.name)
		if randn(4) == 0 {
			h.dispatchOne(p.name)
		}
		if p.late && randn(4) == 0 {
			h.late()
		}
	}
	<-done
}

func sleep(d time.Duration) { time.Sleep(d) }

func TestFaults(t *testing.T) {
	pgbin := pgBin()
	redisBin, rerr := exec.LookPath("redis-server")
	if pgbin == "" || rerr != nil {
		msg := "the fault test needs PostgreSQL's initdb/pg_ctl (/usr/lib/postgresql/*/bin) and redis-server; .ci/run installs them"
		if os.Getenv("GRIDBOT_REQUIRE_SERVICES") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	long := time.Duration(0)
	if v := os.Getenv("GRIDBOT_FAULT_LONG"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("GRIDBOT_FAULT_LONG=%q: %v", v, err)
		}
		long = d
	} else if testing.Short() {
		t.Skip("the fault test takes about two minutes; not in -short")
	}
	dir := t.TempDir()
	pgroot, err := os.MkdirTemp("", "gridbot-fault-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(pgroot) })
	bin := buildGridbot(t, dir)
	pg := startPostgres(t, pgbin, pgroot)
	rd := startRedis(t, redisBin)
	plat := newPlatform()
	sk, err := startSink(10, plat.serve)
	if err != nil {
		t.Fatal(err)
	}
	defer sk.srv.Close()
	env := append(os.Environ(), "GRIDBOT_DATABASE_URL="+pg.url())
	run(t, bin, env, "import", "roster", "--town", town, "../examples/roster.csv")
	hooks := filepath.Join(dir, "webhooks.csv")
	if err := os.WriteFile(hooks, []byte("范围,名称,平台,地址或key,密钥\n镇,,企业微信,"+townRobot+",\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, bin, env, "import", "webhooks", "--town", town, hooks)
	// A check-in in each of the past 24 months: the notices part publishes past
	// months, and a month with no record at all cannot be published.
	var cb strings.Builder
	cb.WriteString("用户ID,日期,时间\n")
	for back := 1; back <= 24; back++ {
		m := time.Now().In(gridbot.Zone).AddDate(0, -back, 0)
		fmt.Fprintf(&cb, "U001,%s,08:00\n", time.Date(m.Year(), m.Month(), 10, 0, 0, 0, 0, gridbot.Zone).Format("2006-01-02"))
	}
	checkins := filepath.Join(dir, "checkins.csv")
	if err := os.WriteFile(checkins, []byte(cb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, bin, env, "import", "checkins", "--town", town, checkins)
	grids, err := gridsOf("../examples/roster.csv")
	if err != nil {
		t.Fatal(err)
	}

	h := &harness{t: t, pg: pg, rd: rd, sink: sk, senders: senders(t), notes: map[string][]string{},
		client: &http.Client{Timeout: 5 * time.Second}, bin: bin, env: env, plat: plat, grids: grids,
		dispatched: map[string]bool{}, published: map[string]publication{}}
	h.replicas = []*replica{
		newReplica(t, "A", bin, dir, pg, rd, sk.base),
		newReplica(t, "B", bin, dir, pg, rd, sk.base),
	}
	a, b := h.replicas[0], h.replicas[1]

	killA := phase{name: "kill -9 of a replica", dur: 12 * time.Second, announce: 2, fault: func(h *harness) {
		sleep(time.Second)
		// Kill A while the platform holds a notice it sent: the platform
		// takes it, A never hears so (the window the README describes).
		release := plat.holdUntil(func(held map[string]int) bool { return held["A"] > 0 }, 4*time.Second)
		sleep(300 * time.Millisecond) // the replies A sent just before are recorded; the held notices are not
		held := plat.heldCounts()
		h.kill9(a)
		release()
		h.note("kill -9 of a replica", fmt.Sprintf("killed A with %d of its notice requests held unanswered at the platform (B: %d)", held["A"], held["B"]))
		sleep(3 * time.Second)
		a.start(t)
	}}
	busy := phase{name: "WeCom API answers 502 for 3 s, then 45009 for 4 s", dur: 9 * time.Second, announce: 2, fault: func(h *harness) {
		sleep(time.Second)
		plat.failing(3 * time.Second)
		sleep(3 * time.Second)
		plat.busy(4 * time.Second)
	}}
	redisEmpty := phase{name: "Redis restarted empty", dur: 10 * time.Second, late: true, announce: 2, fault: func(h *harness) {
		sleep(time.Second)
		rd.kill()
		sleep(time.Second)
		rd.start(t)
	}}
	pgDown := phase{name: "PostgreSQL stopped 10 s", dur: 22 * time.Second, late: true, announce: 2, fault: func(h *harness) {
		// Stop the store while an announcement (a worker's claim) and
		// notices are with the platform: their marks must wait for it.
		release := plat.holdUntil(func(held map[string]int) bool { return held["robot"] > 0 }, 5*time.Second)
		held := plat.heldCounts()
		h.stopPG()
		release()
		h.note("PostgreSQL stopped 10 s", fmt.Sprintf("stopped with %d announcement and %d notice requests held at the platform", held["robot"], held["app"]))
		sleep(4 * time.Second)
		h.note("PostgreSQL stopped 10 s", fmt.Sprintf("/readyz during the outage: A %d, B %d", a.ready(), b.ready()))
		sleep(6 * time.Second)
		h.startPG()
		sleep(3 * time.Second)
		h.note("PostgreSQL stopped 10 s", fmt.Sprintf("/readyz after: A %d, B %d", a.ready(), b.ready()))
	}}
	pgDownKill := phase{name: "PostgreSQL stopped 10 s + kill -9 of a journaling replica", dur: 20 * time.Second, announce: 2,
		fault: func(h *harness) {
			sleep(time.Second)
			h.stopPG()
			sleep(5 * time.Second)
			h.kill9(b) // with messages in its journal
			sleep(5 * time.Second)
			h.startPG()
			sleep(time.Second)
			b.start(t) // serve needs the store to start; its journal drains then
		}}
	steady := phase{name: "no fault", dur: 8 * time.Second, announce: 2}
	phases := []phase{steady, busy, killA, redisEmpty, pgDown, pgDownKill}
	start := time.Now()
	if long > 0 {
		// A steady rate with a fault every few minutes, in turn.
		faults := []phase{killA, busy, redisEmpty, pgDown, pgDownKill}
		phases = nil
		for i, total := 0, time.Duration(0); total < long; i++ {
			gap := steady
			gap.dur = 2 * time.Minute
			f := faults[i%len(faults)]
			phases = append(phases, gap, f)
			total += gap.dur + f.dur
		}
	}
	for _, p := range phases {
		h.runPhase(p)
	}
	h.wg.Wait()
	sent := time.Since(start)

	// Settle: every acknowledged message and 派发 answered, and the outbox
	// empty (notices wait up to a minute after a 45009, 30 s after failing
	// three times, a lease after a kill), or 100 s passed.
	deadline := time.Now().Add(100 * time.Second)
	for time.Now().Before(deadline) {
		missing := 0
		for _, m := range h.msgs {
			if n, _, _ := sk.reply(m.id); m.acked.Load() && n == 0 {
				missing++
			}
		}
		for _, d := range h.disp {
			if n, _, _ := sk.reply("D" + d.tag); d.acked.Load() && n == 0 {
				missing++
			}
		}
		if missing == 0 && pendingJobs(pg) == 0 {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	time.Sleep(3 * time.Second) // anything doubled would show by now (a double would come from a lease running out)

	stored, called, by := storedIssues(t, pg)
	h.report(stored, called, by, sent)
	var order []string
	for _, p := range phases {
		if !slices.Contains(order, p.name) {
			order = append(order, p.name)
		}
	}
	h.noticeReport(order)
}
