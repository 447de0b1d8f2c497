package notify

import (
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"gridbot"
	"gridbot/internal/testkit"
	"gridbot/storage/sqlite"
)

// engines runs fn on an env on each engine (testkit.Engines).
func engines(t *testing.T, fn func(t *testing.T, e *env)) {
	testkit.Engines(t, func(t *testing.T, st gridbot.Store) { fn(t, newEnv(t, st)) })
}

const busy45009 = `{"errcode":45009,"errmsg":"api freq out of limit"}`

// TestRateLimitedDeliveredOnce: a robot answering 45009 twice and then 0
// gets the message three times and accepts it once; the job waits a minute
// after each 45009 without counting an attempt, and is never sent again.
func TestRateLimitedDeliveredOnce(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		e.robots.script(wecomKey, answer{200, busy45009}, answer{200, busy45009})
		id := e.enqueue(t, wecomKey, Message{Markdown: "## 十月排名\n1. 王海"})
		w := e.worker(Options{})
		t0 := e.clock.Now()

		if s := runOnce(t, w); s.Held != 1 || s.Delivered != 0 {
			t.Fatalf("first round: %+v", s)
		}
		j := e.job(t, id)
		if j.State != gridbot.JobPending || j.Attempts != 0 || !j.NextAt.Equal(t0.Add(time.Minute)) || !strings.Contains(j.LastError, "45009") {
			t.Fatalf("after 45009: %+v", j)
		}
		e.clock.Add(59 * time.Second)
		if s := runOnce(t, w); s.Claimed != 0 {
			t.Fatalf("retried before the minute was over: %+v", s)
		}
		e.clock.Add(time.Second)
		if s := runOnce(t, w); s.Held != 1 {
			t.Fatalf("second round: %+v", s)
		}
		e.clock.Add(time.Minute)
		if s := runOnce(t, w); s.Delivered != 1 {
			t.Fatalf("third round: %+v", s)
		}
		e.clock.Add(time.Hour)
		if s := runOnce(t, w); s.Claimed != 0 {
			t.Fatalf("a delivered job was claimed again: %+v", s)
		}
		reqs := e.robots.requests()
		if len(reqs) != 3 {
			t.Fatalf("%d requests, want 3", len(reqs))
		}
		for _, r := range reqs {
			if r.Raw != `{"msgtype":"markdown","markdown":{"content":"## 十月排名\n1. 王海"}}` {
				t.Errorf("body = %s", r.Raw)
			}
		}
		if j := e.job(t, id); j.State != gridbot.JobDelivered || !j.DoneAt.Equal(e.clock.Now().Add(-time.Hour)) {
			t.Errorf("delivered job: %+v", j)
		}
	})
}

// TestRetriesWithBackoff: a 5xx and a non-zero errcode are retried after
// growing waits, each counted as an attempt.
func TestRetriesWithBackoff(t *testing.T) {
	e := newEnv(t, testkit.OpenSQLite(t))
	e.robots.script(wecomKey, answer{502, "<html>bad gateway</html>"}, answer{200, `{"errcode":-1,"errmsg":"system busy"}`})
	id := e.enqueue(t, wecomKey, Message{Text: "明天 9 点开会"})
	w := e.worker(Options{Retry: RetryPolicy{Base: 10 * time.Second, Cap: time.Hour, MaxAttempts: 5}})

	if s := runOnce(t, w); s.Retried != 1 {
		t.Fatalf("first round: %+v", s)
	}
	if j := e.job(t, id); j.Attempts != 1 || !j.NextAt.Equal(e.clock.Now().Add(10*time.Second)) || !strings.Contains(j.LastError, "502") {
		t.Fatalf("after 502: %+v", j)
	}
	e.clock.Add(10 * time.Second)
	runOnce(t, w)
	if j := e.job(t, id); j.Attempts != 2 || !j.NextAt.Equal(e.clock.Now().Add(20*time.Second)) || !strings.Contains(j.LastError, "errcode -1") {
		t.Fatalf("after errcode -1: %+v", j)
	}
	e.clock.Add(19 * time.Second)
	if s := runOnce(t, w); s.Claimed != 0 {
		t.Fatalf("retried early: %+v", s)
	}
	e.clock.Add(time.Second)
	if s := runOnce(t, w); s.Delivered != 1 {
		t.Fatalf("third round: %+v", s)
	}
	if n := len(e.robots.requests()); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
}

// TestResumesAtTheFailedPart: a long announcement goes out in parts; when a
// part fails, the retry starts at that part and does not repeat the ones
// already delivered.
func TestResumesAtTheFailedPart(t *testing.T) {
	e := newEnv(t, testkit.OpenSQLite(t))
	md := longMarkdown(250)
	e.robots.script(wecomKey, ok, answer{500, ""})
	id := e.enqueue(t, wecomKey, Message{Markdown: md})
	w := e.worker(Options{})
	runOnce(t, w)
	if j := e.job(t, id); j.Sent != 1 || j.Attempts != 1 {
		t.Fatalf("after the second part failed: %+v", j)
	}
	e.clock.Add(DefaultRetry.Base)
	if s := runOnce(t, w); s.Delivered != 1 {
		t.Fatalf("retry: %+v", s)
	}
	var got []string
	for _, r := range e.robots.requests() {
		got = append(got, r.content())
	}
	// Part 1, part 2 (refused), part 2 again, part 3...
	if len(got) < 4 || got[1] != got[2] || got[0] == got[1] {
		t.Fatalf("%d requests; want part 2 sent twice and part 1 once", len(got))
	}
	if strings.Join(append(got[:2:2], got[3:]...), "\n") != md {
		t.Errorf("the parts delivered do not add up to the announcement")
	}
}

// longMarkdown is a ranking of n lines, well over 4096 bytes.
func longMarkdown(n int) string {
	lines := []string{"## 2026-10 党建网格积分排名", "**第6-20名**"}
	for i := range n {
		lines = append(lines, fmt.Sprintf("%d. 网格员%03d（海风村第%d网格）%d 分", i+1, i, i%9+1, 100-i%50))
	}
	return strings.Join(lines, "\n")
}

// TestLongMarkdownWithMentions: markdown over 4096 bytes is split at line
// boundaries and delivered in order, then the text with mentioned_list.
func TestLongMarkdownWithMentions(t *testing.T) {
	e := newEnv(t, testkit.OpenSQLite(t))
	md := longMarkdown(300)
	if len(md) <= 2*MaxMarkdownBytes {
		t.Fatalf("test markdown is only %d bytes", len(md))
	}
	e.enqueue(t, wecomKey, Message{Markdown: md, Text: "请各网格长核对本网格成绩", Mentions: []string{"U001", "@all"}})
	w := e.worker(Options{})
	if s := runOnce(t, w); s.Delivered != 1 {
		t.Fatalf("round: %+v", s)
	}
	reqs := e.robots.requests()
	var mdParts []string
	for _, r := range reqs[:len(reqs)-1] {
		c := r.content()
		if r.Body["msgtype"] != "markdown" || len(c) > MaxMarkdownBytes {
			t.Errorf("part of %d bytes, msgtype %v", len(c), r.Body["msgtype"])
		}
		if r.Key != wecomKey {
			t.Errorf("sent with key %q", r.Key)
		}
		mdParts = append(mdParts, c)
	}
	if len(mdParts) < 3 || strings.Join(mdParts, "\n") != md {
		t.Errorf("%d markdown parts that do not add up to the announcement in order", len(mdParts))
	}
	last := reqs[len(reqs)-1]
	if last.Raw != `{"msgtype":"text","text":{"content":"请各网格长核对本网格成绩","mentioned_list":["U001","@all"]}}` {
		t.Errorf("mention text = %s", last.Raw)
	}
}

// TestDeadAfterMaxAttempts: a robot that always refuses gets the job
// MaxAttempts times, then the job is dead, reported, and never tried again;
// the other robot's job went out meanwhile.
func TestDeadAfterMaxAttempts(t *testing.T) {
	e := newEnv(t, testkit.OpenSQLite(t))
	bad := answer{200, `{"errcode":93000,"errmsg":"invalid webhook url"}`}
	e.robots.script(wecomKey, bad, bad, bad, bad, bad)
	deadID := e.enqueue(t, wecomKey, Message{Text: "公告"})
	goodID := e.enqueue(t, wecomKey2, Message{Text: "公告"})
	var dead []gridbot.OutboundJob
	w := e.worker(Options{Retry: RetryPolicy{Base: time.Second, Cap: time.Minute, MaxAttempts: 3},
		OnDead: func(j gridbot.OutboundJob) { dead = append(dead, j) }})
	if s := runOnce(t, w); s.Delivered != 1 || s.Retried != 1 {
		t.Fatalf("first round: %+v", s)
	}
	if j := e.job(t, goodID); j.State != gridbot.JobDelivered {
		t.Fatalf("the other robot's job: %+v", j)
	}
	e.clock.Add(time.Second)
	runOnce(t, w)
	e.clock.Add(2 * time.Second)
	if s := runOnce(t, w); s.Dead != 1 {
		t.Fatalf("third attempt: %+v", s)
	}
	j := e.job(t, deadID)
	if j.State != gridbot.JobDead || j.Attempts != 3 || !strings.Contains(j.LastError, "93000") {
		t.Fatalf("dead job: %+v", j)
	}
	if len(dead) != 1 || dead[0].ID != deadID || dead[0].State != gridbot.JobDead {
		t.Errorf("OnDead got %+v", dead)
	}
	e.clock.Add(24 * time.Hour)
	if s := runOnce(t, w); s.Claimed != 0 {
		t.Errorf("a dead job was claimed: %+v", s)
	}
	if n := len(e.robots.requests()); n != 4 {
		t.Errorf("%d requests, want 3 to the bad robot and 1 to the good one", n)
	}
}

// TestRestartDeliversQueued: jobs queued before a restart, one of them
// claimed by a worker that died, are delivered by a new process on the same
// database: the free one at once, the leased one when its lease ends.
func TestRestartDeliversQueued(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gridbot.db")
	st, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, st)
	leased := e.enqueue(t, wecomKey, Message{Text: "第一条"})
	free := e.enqueue(t, wecomKey, Message{Text: "第二条"})
	if err := st.Update(ctx, func(tx gridbot.Tx) error {
		_, err := tx.ClaimJobs("dead-worker", e.clock.Now(), DefaultLease, 1)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	st.Close()

	st, err = sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	e.st = st
	w := e.worker(Options{})
	if s := runOnce(t, w); s.Delivered != 1 {
		t.Fatalf("after the restart: %+v", s)
	}
	if j := e.job(t, free); j.State != gridbot.JobDelivered {
		t.Fatalf("the free job: %+v", j)
	}
	e.clock.Add(DefaultLease)
	if s := runOnce(t, w); s.Delivered != 1 {
		t.Fatalf("after the lease: %+v", s)
	}
	if j := e.job(t, leased); j.State != gridbot.JobDelivered {
		t.Fatalf("the leased job: %+v", j)
	}
	var got []string
	for _, r := range e.robots.requests() {
		got = append(got, r.content())
	}
	if !reflect.DeepEqual(got, []string{"第二条", "第一条"}) {
		t.Errorf("delivered %q", got)
	}
}

// TestPacing: 25 jobs for one robot within a minute: 20 go out, 5 wait for
// the minute without counting an attempt, then go out; no 60 s span ever
// holds more than 20.
func TestPacing(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		for i := range 25 {
			e.enqueue(t, wecomKey, Message{Text: fmt.Sprintf("提醒 %d", i)})
		}
		w := e.worker(Options{})
		t0 := e.clock.Now()
		s, err := w.Drain(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		if s.Delivered != 20 || s.Held != 5 || s.Pending != 5 || !s.NextAt.Equal(t0.Add(time.Minute)) {
			t.Fatalf("first minute: %+v", s)
		}
		if n := len(e.robots.requests()); n != 20 {
			t.Fatalf("%d sent in the first minute, want 20", n)
		}
		err = e.st.View(ctx, func(tx gridbot.Tx) error {
			held, err := tx.Jobs(e.town.ID, gridbot.JobPending)
			for _, j := range held {
				if j.Attempts != 0 || j.LastError != PacedMessage {
					t.Errorf("held job: %+v", j)
				}
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		s, err = w.Drain(ctx, 2*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if s.Delivered != 5 || s.Pending != 0 || !e.clock.Now().Equal(t0.Add(time.Minute)) {
			t.Fatalf("second minute: %+v at %v", s, e.clock.Now())
		}
		var got []string
		for _, r := range e.robots.requests() {
			got = append(got, r.content())
		}
		for i := range 25 {
			if got[i] != fmt.Sprintf("提醒 %d", i) {
				t.Fatalf("out of order: %q", got)
			}
		}
	})
}

// TestDingTalkSignedPush: a DingTalk custom robot gets a signed URL (the
// fake checks timestamp and sign), a markdown title, and a text that names
// and @s the people.
func TestDingTalkSignedPush(t *testing.T) {
	e := newEnv(t, testkit.OpenSQLite(t))
	e.enqueue(t, dingToken, Message{Markdown: "## 十月 网格之星\n1. 王海", Mentions: []string{"U001", "U002"}})
	e.enqueue(t, dingToken, Message{Text: "全体注意", Mentions: []string{"@all"}})
	w := e.worker(Options{})
	if s := runOnce(t, w); s.Delivered != 2 {
		t.Fatalf("round: %+v", s)
	}
	reqs := e.robots.requests()
	want := []string{
		`{"msgtype":"markdown","markdown":{"title":"十月 网格之星","text":"## 十月 网格之星\n1. 王海"}}`,
		`{"msgtype":"text","text":{"content":"请查看上方消息。\n@U001 @U002"},"at":{"atUserIds":["U001","U002"]}}`,
		`{"msgtype":"text","text":{"content":"全体注意\n@所有人"},"at":{"isAtAll":true}}`,
	}
	if len(reqs) != len(want) {
		t.Fatalf("%d requests, want %d", len(reqs), len(want))
	}
	for i, r := range reqs {
		if r.Raw != want[i] {
			t.Errorf("request %d =\n%s\nwant\n%s", i, r.Raw, want[i])
		}
		if r.Key != dingToken || r.Query["timestamp"] == "" || r.Query["sign"] == "" {
			t.Errorf("request %d query %v", i, r.Query)
		}
	}
}

// TestTransportErrorHidesKey: when the platform cannot be reached, the
// stored error says why without the URL, which carries the robot's key.
func TestTransportErrorHidesKey(t *testing.T) {
	e := newEnv(t, testkit.OpenSQLite(t))
	id := e.enqueue(t, wecomKey, Message{Text: "公告"})
	w := e.worker(Options{})
	w.opt.WeComBase = "http://127.0.0.1:1"
	if s := runOnce(t, w); s.Retried != 1 {
		t.Fatalf("round: %+v", s)
	}
	j := e.job(t, id)
	if j.Attempts != 1 || j.LastError == "" || strings.Contains(j.LastError, wecomKey) || strings.Contains(j.LastError, "127.0.0.1:1/") {
		t.Errorf("after a refused connection: %+v", j)
	}
}

func TestRetryPolicyDelay(t *testing.T) {
	var got []time.Duration
	for a := 1; a <= 9; a++ {
		got = append(got, DefaultRetry.Delay(a))
	}
	want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute,
		16 * time.Minute, 32 * time.Minute, time.Hour, time.Hour}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("delays %v, want %v", got, want)
	}
}
